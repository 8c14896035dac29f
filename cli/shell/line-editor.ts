/**
 * The prompt's line editing as pure functions of (line, cursor): the readline/emacs keys operators' fingers
 * know (Ctrl-A/E/B/F, Ctrl-U/K/W, Backspace/Delete, Alt-B/F), and history recall that keeps what was being
 * typed. The Ink component only maps keys to these.
 */
import { shellWords } from "../../core/api/route-args.js";

export interface Line {
  readonly text: string;
  readonly cursor: number;
}

export const EMPTY_LINE: Line = { text: "", cursor: 0 };

export const insert = (l: Line, s: string): Line => ({
  text: l.text.slice(0, l.cursor) + s + l.text.slice(l.cursor),
  cursor: l.cursor + s.length,
});

export const backspace = (l: Line): Line =>
  l.cursor === 0 ? l : { text: l.text.slice(0, l.cursor - 1) + l.text.slice(l.cursor), cursor: l.cursor - 1 };

export const deleteForward = (l: Line): Line =>
  l.cursor >= l.text.length
    ? l
    : { text: l.text.slice(0, l.cursor) + l.text.slice(l.cursor + 1), cursor: l.cursor };

export const moveTo = (l: Line, cursor: number): Line => ({
  text: l.text,
  cursor: Math.max(0, Math.min(l.text.length, cursor)),
});

/** Where the word before the cursor starts (Ctrl-W, Alt-B): back over blanks, then over the word. */
export function wordStart(l: Line): number {
  let i = l.cursor;
  while (i > 0 && l.text[i - 1] === " ") i--;
  while (i > 0 && l.text[i - 1] !== " ") i--;
  return i;
}

/** Where the word after the cursor ends (Alt-F). */
export function wordEnd(l: Line): number {
  let i = l.cursor;
  while (i < l.text.length && l.text[i] === " ") i++;
  while (i < l.text.length && l.text[i] !== " ") i++;
  return i;
}

export const killWordBack = (l: Line): Line => {
  const from = wordStart(l);
  return { text: l.text.slice(0, from) + l.text.slice(l.cursor), cursor: from };
};

export const killToStart = (l: Line): Line => ({ text: l.text.slice(l.cursor), cursor: 0 });

export const killToEnd = (l: Line): Line => ({ text: l.text.slice(0, l.cursor), cursor: l.cursor });

/**
 * The word being typed (from the last blank before the cursor) and the words before it, split as the
 * command's words will be (a quoted "65001 65002" is one), or at blanks while a quote is still open.
 */
export function wordsAtCursor(l: Line): { done: string[]; current: string; from: number } {
  const before = l.text.slice(0, l.cursor);
  const from = before.lastIndexOf(" ") + 1;
  const split = shellWords(before.slice(0, from));
  const done = split.ok ? split.words : before.slice(0, from).split(" ").filter(Boolean);
  return { done, current: before.slice(from), from };
}

/** Replace the word being typed by `word` (a completion), with a blank after it when `final`. */
export function completeWith(l: Line, word: string, final: boolean): Line {
  const { from } = wordsAtCursor(l);
  const rest = l.text.slice(l.cursor);
  const tail = final && !rest.startsWith(" ") ? " " : "";
  const text = l.text.slice(0, from) + word + tail + rest;
  return { text, cursor: from + word.length + tail.length };
}

/** The longest start every candidate shares. */
export function commonPrefix(words: readonly string[]): string {
  if (words.length === 0) return "";
  let p = words[0];
  for (const w of words) while (!w.startsWith(p)) p = p.slice(0, -1);
  return p;
}

/**
 * History recall: `entries` oldest first; `at` is the entry shown (entries.length: the line being typed,
 * kept in `draft` while older ones are shown).
 */
export interface Recall {
  readonly at: number;
  readonly draft: string;
}

export function recall(
  entries: readonly string[],
  r: Recall,
  l: Line,
  step: -1 | 1,
): { recall: Recall; line: Line } | null {
  const at = r.at + step;
  if (at < 0 || at > entries.length) return null;
  const draft = r.at === entries.length ? l.text : r.draft;
  const text = at === entries.length ? draft : entries[at];
  return { recall: { at, draft }, line: { text, cursor: text.length } };
}
