/**
 * Route syntax both text front ends share, route-args.ts (gobgp's words) and exabgp-*.ts (ExaBGP's text
 * API): numbers, AS numbers and paths, origins, and how each dialect spells an attribute.
 */
import { ORIGIN_WORDS, type RouteText } from "./route-text.js";
import { didYouMean } from "./suggest.js";

/** A decimal 0..4294967295, or null. */
export function parseUint32(text: string): number | null {
  if (!/^\d{1,10}$/.test(text)) return null;
  const n = Number(text);
  return n <= 0xffffffff ? n : null;
}

/** The message for a value that `parseUint32` refused. */
export const notUint32 = (keyword: string, value: string): string =>
  `'${keyword}' needs a number from 0 to 4294967295, not '${value}'`;

/** An AS number, asplain or asdot (RFC 5396 "X.Y", as gobgp's ParseAs4Value), or null. */
export function parseAsn(text: string): number | null {
  const dot = /^(\d{1,5})\.(\d{1,5})$/.exec(text);
  if (!dot) return parseUint32(text);
  const hi = Number(dot[1]);
  const lo = Number(dot[2]);
  return hi <= 0xffff && lo <= 0xffff ? hi * 0x10000 + lo : null;
}

/** AS-path text's tokens: braces, and the words between blanks and commas. */
export const asPathTokens = (text: string): string[] => text.match(/[{}]|[^\s,{}]+/g) ?? [];

/**
 * AS-path text with spaces or commas between numbers and braces around AS_SETs → the RouteText form,
 * "65001 65002 {65003,65004}". `what` names the keyword in messages.
 */
export function normaliseAsPath(
  text: string,
  what: string,
): { ok: true; text: string } | { ok: false; error: string } {
  const out: string[] = [];
  let set: string[] | null = null;
  for (const token of asPathTokens(text)) {
    if (token === "{") {
      if (set) return { ok: false, error: `'{' inside an AS_SET in ${what} '${text}' (sets do not nest)` };
      set = [];
    } else if (token === "}") {
      if (!set) return { ok: false, error: `'}' in ${what} '${text}' closes no '{'` };
      if (set.length === 0) return { ok: false, error: `empty AS_SET '{}' in ${what} '${text}'` };
      out.push(`{${set.join(",")}}`);
      set = null;
    } else {
      const asn = parseAsn(token);
      if (asn === null) return { ok: false, error: `'${token}' in ${what} is not an AS number` };
      (set ?? out).push(String(asn));
    }
  }
  if (set) return { ok: false, error: `'{' in ${what} '${text}' is not closed` };
  return { ok: true, text: out.join(" ") };
}

/** igp, egp or incomplete in any case, or undefined. */
export const parseOrigin = (text: string): RouteText["origin"] =>
  ORIGIN_WORDS.find((o) => o === text.toLowerCase());

/** The message for a word that `parseOrigin` refused. */
export const notOrigin = (value: string): string => `origin must be igp, egp or incomplete, not '${value}'`;

/** How gobgp's arguments, ExaBGP's API and our configuration file spell the attributes they all have. */
const SPELLINGS = [
  { gobgp: "nexthop", exabgp: "next-hop", config: "next-hop" },
  { gobgp: "aspath", exabgp: "as-path", config: "as-path" },
  { gobgp: "local-pref", exabgp: "local-preference", config: "local-pref" },
  { gobgp: "community", exabgp: "community", config: "communities" },
  { gobgp: "large-community", exabgp: "large-community", config: "large-communities" },
  { gobgp: "extended-community", exabgp: "extended-community", config: "extended-communities" },
  { gobgp: "identifier", exabgp: "path-information", config: "identifier" },
] as const;

/**
 * ` (did you mean 'x'?)` for a word that is not one of `dialect`'s keywords: its spelling of an attribute
 * another dialect names `word`, else the closest keyword, else nothing.
 */
export function suggestKeyword(
  word: string,
  dialect: "gobgp" | "exabgp",
  keywords: readonly string[],
): string {
  const spelling = SPELLINGS.find((s) => s.gobgp === word || s.exabgp === word || s.config === word);
  return spelling ? ` (did you mean '${spelling[dialect]}'?)` : didYouMean(word, keywords);
}

/** A keyword table (keyword → what its value looks like): the keywords, and a test for one. */
export function keywordTable<K extends string>(
  hints: Readonly<Record<K, string>>,
): { keywords: K[]; isKeyword: (word: string) => word is K } {
  return { keywords: Object.keys(hints) as K[], isKeyword: (word): word is K => Object.hasOwn(hints, word) };
}
