/**
 * gobgp's route arguments → RouteText.
 *
 * Operators who come from gobgp type `kbgp global rib add 10.0.0.0/24 nexthop 192.0.2.1 aspath "65001 65002"
 * community 65000:1,no-export`, and keep batches of such routes in files (`kbgp global rib add -f FILE`, one
 * route a line). This module checks the *syntax* of those words — known keywords, each with its value,
 * numbers that are numbers, braces that close, no keyword twice — and leaves the values as text: the daemon
 * validates prefixes, addresses and communities with the same schema as the configuration's `routes`, so
 * every way in meets one validator. Each error is one line naming the offending word.
 *
 * Grammar, after gobgp's cmd/gobgp/global.go (parsePath and its extract* helpers) and
 * docs/sources/cli-command-syntax.md:
 *
 *   <prefix> { <keyword> <value> }             keywords in any order after the prefix
 *   nexthop <address>|self                     → "next-hop"
 *   origin igp|egp|incomplete                  → origin
 *   aspath <path>                              → "as-path", written "65001 65002 {65003,65004}"
 *       one word as gobgp takes it ("65001 65002 {65003,65004}", "10,20,100.100": ',' or spaces between
 *       numbers, braces for an AS_SET, asdot X.Y read as X·65536+Y), or, unquoted, the words after `aspath`
 *       for as long as they look like AS-path text (hold a digit or a brace); the next keyword (or any
 *       word without either) ends the path, so `aspath 65001 65002 med 10` and `aspath "65001 65002" med
 *       10` agree, and `aspath 65001 AS65002` reports 'AS65002' as a bad AS number.
 *   med <n> | local-pref <n> | identifier <n>  decimal 0..4294967295
 *   community <c>[,<c>…]                       → communities; repeatable, items accumulate
 *   large-community <c>[,<c>…]                 → "large-communities"; repeatable
 *   extended-community <c>[,<c>…]              → "extended-communities" as written (target:65000:1);
 *                                                kbgp's own keyword; repeatable
 *   rt <X:Y> [<X:Y>…]                          → "extended-communities" as target:X:Y (gobgp's route
 *       targets), X an AS, asdot or IPv4 address; repeatable; continues, like aspath, over the words
 *       that hold a ':'
 *   -a|--address-family ipv4|ipv6              anywhere; checked against the prefix (yargs normally takes it)
 *
 * Differences from gobgp, on purpose:
 * - `identifier` may stand anywhere (gobgp wants it right after the prefix); `nexthop self` is accepted
 *   (gobgp takes only an address and uses 0.0.0.0 for "ours").
 * - A keyword given twice is an error; gobgp uses the first and fails on the leftover words with "failed to
 *   parse". The community keywords and `rt` accumulate instead.
 * - Without `origin` the route has none and the daemon's default (igp) applies; gobgp sets incomplete.
 *   `?`, which gobgp prints for incomplete, is not accepted as input by gobgp either; we point to the word.
 * - gobgp's other attributes (aigp, aggregator, pmsi) and flowspec/EVPN extended communities are refused by
 *   name: kbgp routes do not carry them.
 */
import { VALUE_HINT } from "./route-keywords.js";
import type { RouteText } from "./route-text.js";
import {
  keywordTable,
  normaliseAsPath,
  notOrigin,
  notUint32,
  parseAsn,
  parseOrigin,
  parseUint32,
  suggestKeyword,
} from "./syntax.js";

export type RouteArgsResult = { ok: true; route: RouteText } | { ok: false; error: string };

type Draft = Omit<RouteText, "prefix">;
type Keyword = keyof typeof VALUE_HINT;
const { keywords: KEYWORDS, isKeyword } = keywordTable(VALUE_HINT);
const REPEATABLE: ReadonlySet<Keyword> = new Set([
  "community",
  "large-community",
  "extended-community",
  "rt",
]);
/** gobgp keywords for attributes kbgp routes do not carry. */
const GOBGP_ONLY = new Set(
  [
    "aigp aggregator pmsi label rd",
    // cmd/gobgp/global.go extCommNameMap, less "rt"
    "accept discard rate-limit redirect mark action encap esi-label etree multicast-flags router-mac",
    "default-gateway valid not-found invalid color lb mup",
  ]
    .join(" ")
    .split(" "),
);
const FAMILY_FLAGS = new Set(["-a", "--address-family"]);
/** The letters gobgp and others print for origins, and the word to type instead. */
const ORIGIN_LETTERS = new Map([
  ["i", "igp"],
  ["e", "egp"],
  ["?", "incomplete"],
]);

/** Parse `<prefix> [keyword value]…` as `gobgp global rib add` takes it (words as the shell split them). */
export function parseRouteArgs(words: readonly string[]): RouteArgsResult {
  const family = takeFamily(words);
  if (typeof family === "string") return fail(family);
  const rest = family.words;
  const prefix = rest[0];
  if (prefix === undefined || prefix === "") return fail("a route needs a prefix, like 10.0.0.0/24");
  if (isKeyword(prefix)) return fail(`a route starts with its prefix, not the keyword '${prefix}'`);
  if (prefix.startsWith("-")) return fail(`unknown option '${prefix}'`);
  if (family.afi && (family.afi === "ipv6") !== prefix.includes(":")) {
    return fail(`prefix '${prefix}' is not ${family.afi} (-a ${family.afi})`);
  }
  const route: Draft = {};
  const seen = new Set<Keyword>();
  for (let i = 1; i < rest.length; ) {
    const word = rest[i];
    if (!isKeyword(word)) return fail(notAKeyword(word, rest[i - 1]));
    if (seen.has(word) && !REPEATABLE.has(word)) return fail(`'${word}' is given twice`);
    seen.add(word);
    const value = rest[i + 1];
    const empty = value !== undefined && value.trim() === "" && word !== "aspath";
    if (value === undefined || isKeyword(value) || empty)
      return fail(`'${word}' needs a value (${VALUE_HINT[word]})`);
    // aspath and rt may continue over the words that follow.
    let end = i + 2;
    const more = word === "aspath" ? AS_PATH_WORD : word === "rt" ? ROUTE_TARGET_WORD : null;
    while (more && end < rest.length && continues(rest[end], more)) end++;
    const error = apply(route, word, rest.slice(i + 1, end));
    if (error) return fail(error);
    i = end;
  }
  return { ok: true, route: { prefix, ...route } };
}

/**
 * One line of a `-f` batch file: the same words, split like a shell would (`"…"`, `'…'`, `\`), with `#`
 * starting a comment at the start of a word. Null for blank and comment lines.
 */
export function parseRouteLine(line: string): RouteArgsResult | null {
  const split = shellWords(line);
  if (!split.ok) return fail(split.error);
  if (split.words.length === 0) return null;
  return parseRouteArgs(split.words);
}

/** Shell-like word splitting: blanks separate, quotes group, backslash escapes, `#` at a word start ends. */
export function shellWords(line: string): { ok: true; words: string[] } | { ok: false; error: string } {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === " " || c === "\t" || c === "\r" || c === "\n") {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else if (c === "#" && !inWord) {
      break;
    } else if (c === "'" || c === '"') {
      const close = findClose(line, i + 1, c);
      if (close < 0) return { ok: false, error: `${c} opened at column ${i + 1} is not closed` };
      word += c === '"' ? line.slice(i + 1, close).replace(/\\(["\\])/g, "$1") : line.slice(i + 1, close);
      inWord = true;
      i = close;
    } else if (c === "\\" && i + 1 < line.length) {
      word += line[++i];
      inWord = true;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return { ok: true, words };
}

function findClose(line: string, from: number, quote: string): number {
  for (let j = from; j < line.length; j++) {
    if (quote === '"' && line[j] === "\\") j++;
    else if (line[j] === quote) return j;
  }
  return -1;
}

/** Words that continue an unquoted `aspath` (anything with a digit or a brace, so that "AS65002" is reported
 *  as a bad AS number rather than as an unknown keyword) and `rt` (anything with a colon). */
const AS_PATH_WORD = /[\d{}]/;
const ROUTE_TARGET_WORD = /:/;

const continues = (w: string, pattern: RegExp) =>
  pattern.test(w) && !isKeyword(w) && !w.startsWith("-") && !GOBGP_ONLY.has(w);

function apply(route: Draft, keyword: Keyword, values: readonly string[]): string | undefined {
  const value = values[0];
  switch (keyword) {
    case "nexthop":
      route["next-hop"] = value;
      return;
    case "origin": {
      const origin = parseOrigin(value);
      if (origin) {
        route.origin = origin;
        return;
      }
      const letter = ORIGIN_LETTERS.get(value.toLowerCase());
      return `${notOrigin(value)}${letter ? ` (write '${letter}')` : ""}`;
    }
    case "aspath": {
      const path = normaliseAsPath(values.join(" "), "aspath");
      if (!path.ok) return path.error;
      route["as-path"] = path.text;
      return;
    }
    case "med":
    case "local-pref":
    case "identifier": {
      const n = parseUint32(value);
      if (n === null) return notUint32(keyword, value);
      if (keyword === "med") route.med = n;
      else if (keyword === "local-pref") route["local-pref"] = n;
      else route.identifier = n;
      return;
    }
    case "community":
    case "large-community":
    case "extended-community": {
      const items = listItems(value);
      if (!items) return `'${keyword}' has an empty item in '${value}'`;
      const key =
        keyword === "community"
          ? "communities"
          : keyword === "large-community"
            ? "large-communities"
            : "extended-communities";
      route[key] = [...(route[key] ?? []), ...items];
      return;
    }
    case "rt": {
      const targets: string[] = [];
      for (const v of values) {
        const items = listItems(v);
        if (!items) return `'rt' has an empty item in '${v}'`;
        for (const item of items) {
          const target = routeTarget(item);
          if (!target)
            return `'${item}' after 'rt' is not a route target (65000:1, 65000.1:1 or 192.0.2.1:1)`;
          targets.push(target);
        }
      }
      route["extended-communities"] = [...(route["extended-communities"] ?? []), ...targets];
      return;
    }
  }
}

/** Comma- (or blank-) separated items; null when one is empty ("a,,b", "a,"). */
function listItems(value: string): string[] | null {
  const items = value.trim().split(/\s*,\s*|\s+/);
  return items.some((s) => s === "") ? null : items;
}

/** gobgp's route target text (ParseRouteTarget) → our extended community text. */
function routeTarget(item: string): string | null {
  const colon = item.lastIndexOf(":");
  const global = item.slice(0, colon);
  const local = item.slice(colon + 1);
  if (colon <= 0 || !/^\d{1,10}$/.test(local)) return null;
  if (/^\d+\.\d+$/.test(global)) {
    const asn = parseAsn(global);
    return asn === null ? null : `target:${asn}:${local}`;
  }
  return `target:${global}:${local}`;
}

/** Why `word` cannot stand where a keyword should. */
function notAKeyword(word: string, previous: string): string {
  if (GOBGP_ONLY.has(word)) return `'${word}' is a gobgp attribute kbgp routes do not carry`;
  if (FAMILY_FLAGS.has(word) || word.startsWith("-")) return `unknown option '${word}'`;
  // Other dialects' spellings (ExaBGP's, our configuration file's) are all letters and '-'.
  if (/^[a-z][a-z-]*$/i.test(word))
    return `unknown keyword '${word}'${suggestKeyword(word, "gobgp", KEYWORDS)}`;
  return `unexpected '${word}' after '${previous}' (expected a keyword: ${KEYWORDS.join(", ")})`;
}

/** Pull `-a X` / `--address-family X` / `--address-family=X` out of the words. */
function takeFamily(words: readonly string[]): { words: string[]; afi?: "ipv4" | "ipv6" } | string {
  const rest: string[] = [];
  let afi: string | undefined;
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    let value: string | undefined;
    if (FAMILY_FLAGS.has(w)) {
      value = words[++i];
      if (value === undefined) return `'${w}' needs a value (ipv4 or ipv6)`;
    } else if (w.startsWith("--address-family=")) {
      value = w.slice("--address-family=".length);
    } else {
      rest.push(w);
      continue;
    }
    if (afi !== undefined) return `'${w}' is given twice`;
    afi = value;
  }
  if (afi === undefined) return { words: rest };
  if (afi !== "ipv4" && afi !== "ipv6") {
    return `kbgp routes are ipv4 or ipv6 unicast; '-a ${afi}' is not supported`;
  }
  return { words: rest, afi };
}

const fail = (error: string): RouteArgsResult => ({ ok: false, error });
