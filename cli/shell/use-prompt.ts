/**
 * The prompt's wiring: keys to line-editor.ts functions, history recall, Tab completion (command words from
 * the registry, neighbors from the dashboard's list, prefixes from the live RIB) and Enter, which runs the
 * typed command as the one-shot `kbgp` would (run-command.ts) with its output written straight to the
 * terminal. The line lives in the reducer; a ref holds it as the keys left it, since several keys can arrive
 * between two renders and must not read the rendered state.
 */
import { type Key, useStderr, useStdout } from "ink";
import { type RefObject, useRef } from "react";
import type { Client } from "../client.js";
import { completeWord } from "../completion.js";
import type { History } from "./history.js";
import * as edit from "./line-editor.js";
import { prefixCandidates } from "./prefix-lookup.js";
import { parseLine, type Running, runCommand } from "./run-command.js";
import type { Action, ShellState } from "./state.js";

/** Editing keys as they come inside a read of several keys (alone, Ink reports them as keys). */
const BATCHED_KEYS: Readonly<Record<string, (l: edit.Line) => edit.Line>> = {
  "\u007f": edit.backspace,
  "\b": edit.backspace,
  "\u0001": (l) => edit.moveTo(l, 0),
  "\u0005": (l) => edit.moveTo(l, l.text.length),
  "\u000b": edit.killToEnd,
  "\u0015": edit.killToStart,
  "\u0017": edit.killWordBack,
};

export interface PromptInputs {
  readonly state: RefObject<ShellState>;
  readonly dispatch: (a: Action) => void;
  readonly history: History;
  readonly socket: string;
  readonly color: boolean;
  readonly program: readonly string[] | undefined;
  /** kbgpd's client now (completion asks it for prefixes), or null. */
  readonly client: () => Client | null;
  /** Enter on an empty line. */
  readonly onEmpty: () => void;
}

export interface Prompt {
  /** The line as the keys left it. */
  readonly line: () => edit.Line;
  readonly setLine: (line: edit.Line, recall?: edit.Recall) => void;
  /** The command running now, if any. */
  readonly running: RefObject<Running | null>;
  readonly keys: (input: string, key: Key) => void;
}

export function usePrompt({
  state,
  dispatch,
  history,
  socket,
  color,
  program,
  client,
  onEmpty,
}: PromptInputs): Prompt {
  const { write } = useStdout();
  const { write: writeErr } = useStderr();
  const running = useRef<Running | null>(null);
  const editing = useRef({ line: state.current.line, recall: state.current.recall });
  const setLine = (line: edit.Line, recall?: edit.Recall) => {
    editing.current = { line, recall: recall ?? editing.current.recall };
    dispatch({ type: "line", line, ...(recall ? { recall } : {}) });
  };

  const submit = (text: string) => {
    history.add(text);
    setLine(edit.EMPTY_LINE, { at: history.entries.length, draft: "" });
    const p = parseLine(text);
    switch (p.kind) {
      case "empty":
        return onEmpty();
      case "exit":
        return dispatch({ type: "exit" });
      case "clear":
        // Clear the screen and scrollback the way `clear` does; the live view redraws below.
        process.stdout.write("\x1b[2J\x1b[3J\x1b[H");
        return;
      case "help":
        write(`kbgp> ${text}\n${p.text}\n`);
        return;
      case "error":
        write(`kbgp> ${text}\n`);
        writeErr(`kbgp: ${p.message}\n`);
        return;
      case "run": {
        // The command's own bytes go straight to the terminal (Ink lifts its live view over them), so
        // they are the one-shot command's output exactly, wrapped by the terminal as it would wrap them.
        write(`kbgp> ${text}\n`);
        dispatch({ type: "command-start", line: text });
        const r = runCommand(
          p.words,
          socket,
          color,
          (chunk, stream) => (stream === "stdout" ? write : writeErr)(chunk),
          program,
        );
        running.current = r;
        void r.done.then(() => {
          running.current = null;
          dispatch({ type: "command-end" });
        });
      }
    }
  };

  const complete = async (line: edit.Line) => {
    const s = state.current;
    const { done, current } = edit.wordsAtCursor(line);
    const c = client();
    const words = await completeWord(done, current, {
      neighbors: () => [...s.neighbors.keys()],
      prefixes: (partial) => prefixCandidates(c, partial),
    });
    // Typed on while kbgpd was asked: the answer is for a line that is gone.
    if (editing.current.line.text !== line.text) return;
    if (words.length === 1) setLine(edit.completeWith(line, words[0], true));
    else if (words.length > 1) {
      // The candidates' common start, when it says more than what was typed (an IPv6 prefix's may spell
      // the typed start otherwise: `2001:db8::` → `2001:db8:0:`).
      const common = edit.commonPrefix(words);
      if (common.length > current.length) setLine(edit.completeWith(line, common, false));
      dispatch({ type: "candidates", candidates: words });
    }
  };

  const keys = (input: string, key: Key) => {
    const l = editing.current.line;
    const set = (line: edit.Line) => setLine(line);
    if (key.return) return submit(l.text);
    if (key.tab) return void complete(l);
    if (key.upArrow || key.downArrow) {
      const r = edit.recall(history.entries, editing.current.recall, l, key.upArrow ? -1 : 1);
      if (r) setLine(r.line, r.recall);
      return;
    }
    if (key.leftArrow) return set(edit.moveTo(l, l.cursor - 1));
    if (key.rightArrow) return set(edit.moveTo(l, l.cursor + 1));
    if (key.home || (key.ctrl && input === "a")) return set(edit.moveTo(l, 0));
    if (key.end || (key.ctrl && input === "e")) return set(edit.moveTo(l, l.text.length));
    if (key.ctrl && input === "b") return set(edit.moveTo(l, l.cursor - 1));
    if (key.ctrl && input === "f") return set(edit.moveTo(l, l.cursor + 1));
    if (key.ctrl && input === "u") return set(edit.killToStart(l));
    if (key.ctrl && input === "k") return set(edit.killToEnd(l));
    if (key.ctrl && input === "w") return set(edit.killWordBack(l));
    if (key.meta && input === "b") return set(edit.moveTo(l, edit.wordStart(l)));
    if (key.meta && input === "f") return set(edit.moveTo(l, edit.wordEnd(l)));
    // Ink reports the Backspace key as `delete` on most terminals (it sends DEL, 0x7f).
    if (key.backspace || key.delete) return set(edit.backspace(l));
    if (input === "q" && l.text === "" && !key.ctrl && !key.meta) return dispatch({ type: "exit" });
    if (key.ctrl || key.meta || !input) return;
    // Typed text, or several keys in one read (a paste, tmux send-keys, fast typing over a slow link):
    // Enter, Tab and the editing keys inside act as keys; no other control character enters the line.
    let line = l;
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it splits on
    for (const part of input.split(/(\r\n|[\u0000-\u001f\u007f])/)) {
      if (part === "\t") {
        set(line);
        return void complete(line);
      }
      if (part === "\r\n" || part === "\r" || part === "\n") {
        submit(line.text);
        line = edit.EMPTY_LINE;
      } else if (part.length === 1 && (part < " " || part === "\u007f"))
        line = BATCHED_KEYS[part]?.(line) ?? line;
      else if (part) line = edit.insert(line, part);
    }
    if (line !== edit.EMPTY_LINE) set(line);
  };

  return { line: () => editing.current.line, setLine, running, keys };
}
