/**
 * Completing a command line word, for bash/zsh (help.ts) and the shell alike: options and the values some
 * take, else what the command registry says may come next, the looked-up kinds (neighbor addresses,
 * prefixes, files) asked of whoever is completing.
 */
import { OPTIONS } from "./args.js";
import { nextSlot, OPTION_VALUES } from "./registry.js";

export interface Lookups {
  neighbors?: () => Promise<readonly string[]> | readonly string[];
  /** Prefixes starting with the text typed so far. */
  prefixes?: (partial: string) => Promise<readonly string[]> | readonly string[];
  files?: (partial: string) => Promise<readonly string[]> | readonly string[];
}

/** Option flags, each with whether a value follows it. */
const FLAGS = new Map<string, boolean>(
  Object.entries(OPTIONS).flatMap(([name, o]) => {
    const takesValue = o.type !== "boolean";
    const flags: [string, boolean][] = [[`--${name}`, takesValue]];
    if (o.alias) flags.push([`-${o.alias}`, takesValue]);
    return flags;
  }),
);

/** The positional words of a line: options and their values left out. */
export function positionalWords(words: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (w.startsWith("-") && w !== "-") {
      if (FLAGS.get(w) && !w.includes("=")) i++;
      continue;
    }
    out.push(w);
  }
  return out;
}

/** Candidates for `current`, the word being typed after `done`; sorted, each starting with `current`. */
export async function completeWord(
  done: readonly string[],
  current: string,
  lookups: Lookups,
): Promise<string[]> {
  const previous = done[done.length - 1];
  let candidates: readonly string[] = [];
  if (previous !== undefined && FLAGS.get(previous)) {
    if (OPTION_VALUES[previous]) candidates = OPTION_VALUES[previous];
    else if ((previous === "-f" || previous === "--file") && lookups.files)
      candidates = await lookups.files(current);
  } else if (current.startsWith("-")) {
    candidates = [...FLAGS.keys()];
  } else {
    const slot = nextSlot(positionalWords(done));
    const found: string[] = [...(slot.words ?? [])];
    if (slot.value === "neighbor" && lookups.neighbors) found.push(...(await lookups.neighbors()));
    if (slot.value === "prefix" && lookups.prefixes && current !== "")
      found.push(...(await lookups.prefixes(current)));
    if (slot.value === "file" && lookups.files) found.push(...(await lookups.files(current)));
    candidates = found;
  }
  return [...new Set(candidates.filter((c) => c.startsWith(current)))].sort();
}
