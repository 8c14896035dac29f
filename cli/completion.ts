/**
 * Completing a command line word, for bash/zsh (help.ts) and the shell alike: options and the values some
 * take, else what the command registry says may come next, the looked-up kinds (neighbor addresses,
 * prefixes, files) asked of whoever is completing.
 */
import { OPTIONS } from "./args.js";
import { addressOrder, prefixOrder } from "./format/address.js";
import { nextSlot, OPTION_VALUES } from "./registry.js";

export interface Lookups {
  neighbors?: () => Promise<readonly string[]> | readonly string[];
  /** Prefixes the text typed so far is the start of, by address (`2001:db8::` starts `2001:db8:0:1::/64`). */
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
      // `--socket=PATH` is no key of FLAGS: its value is in the word itself.
      if (FLAGS.get(w)) i++;
      continue;
    }
    out.push(w);
  }
  return out;
}

/**
 * Candidates for `current`, the word being typed after `done`, unique: words and file names that start with
 * it, sorted as text; neighbor addresses that start with it and the prefixes the lookup matched, in address
 * order (IPv4 before IPv6, by bytes, not as text).
 */
export async function completeWord(
  done: readonly string[],
  current: string,
  lookups: Lookups,
): Promise<string[]> {
  const previous = done[done.length - 1];
  const starting = (ws: readonly string[]) => ws.filter((c) => c.startsWith(current));
  let candidates: string[] = [];
  if (previous !== undefined && FLAGS.get(previous)) {
    if (OPTION_VALUES[previous]) candidates = starting(OPTION_VALUES[previous]).sort();
    else if ((previous === "-f" || previous === "--file") && lookups.files)
      candidates = starting(await lookups.files(current)).sort();
  } else if (current.startsWith("-")) {
    candidates = starting([...FLAGS.keys()]).sort();
  } else {
    const slot = nextSlot(positionalWords(done));
    candidates = starting(slot.words ?? []).sort();
    if (slot.value === "neighbor" && lookups.neighbors)
      candidates.push(...starting(await lookups.neighbors()).sort(addressOrder));
    if (slot.value === "prefix" && lookups.prefixes && current !== "")
      candidates.push(...[...(await lookups.prefixes(current))].sort(prefixOrder));
    if (slot.value === "file" && lookups.files)
      candidates.push(...starting(await lookups.files(current)).sort());
  }
  return [...new Set(candidates)];
}
