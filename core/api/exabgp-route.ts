/**
 * ExaBGP route attributes (`next-hop self origin igp as-path [ 65001 ] …`) → a RouteText draft, checked
 * word by word; and `split`, which turns one prefix into its subnets.
 */
import { formatPrefix, maxLength, parsePrefix } from "../wire/prefix.js";
import {
  type Cursor,
  error,
  isStop,
  ONLY_UNICAST,
  PUNCTUATION,
  type Stop,
  unsupported,
} from "./exabgp-tokens.js";
import type { RouteText } from "./route-text.js";
import {
  asPathTokens,
  keywordTable,
  notOrigin,
  notUint32,
  parseOrigin,
  parseUint32,
  suggestKeyword,
} from "./syntax.js";

export type Draft = Omit<RouteText, "prefix">;

/** A route's attributes, and the length `split` asks for. */
export interface Attributes {
  draft: Draft;
  split?: number;
}

/** Most routes one `split` may make. */
export const MAX_SPLIT_ROUTES = 1 << 16;

const VALUE_HINT = {
  "next-hop": "an address or 'self'",
  origin: "igp, egp or incomplete",
  "as-path": "an AS number or [ 65001 65002 ]",
  med: "a number",
  "local-preference": "a number",
  community: "a community or [ 65000:1 no-export ]",
  "large-community": "a large community or [ 65000:1:2 ]",
  "extended-community": "an extended community or [ target:65000:1 ]",
  "path-information": "a number or a dotted quad",
  split: "/<length>, like /24",
  name: "a word",
} as const;
type AttributeName = keyof typeof VALUE_HINT;
const { keywords: ATTRIBUTES, isKeyword: isAttribute } = keywordTable(VALUE_HINT);

export { isAttribute };

const LISTS = new Set<string>(["community", "large-community", "extended-community", "as-path"]);
/** ExaBGP route keywords kbgp routes cannot carry, and why. */
const NOT_CARRIED: Readonly<Record<string, string>> = {
  "atomic-aggregate": "the attribute 'atomic-aggregate' is not supported",
  aggregator: "the attribute 'aggregator' is not supported",
  "originator-id": "'originator-id' is set by route reflection, not by routes",
  "cluster-list": "'cluster-list' is set by route reflection, not by routes",
  aigp: "the attribute 'aigp' is not supported",
  attribute: "raw attributes are not supported",
  rd: ONLY_UNICAST,
  "route-distinguisher": ONLY_UNICAST,
  label: ONLY_UNICAST,
  "bgp-prefix-sid": ONLY_UNICAST,
  "bgp-prefix-sid-srv6": ONLY_UNICAST,
  watchdog: "watchdogs are not supported: announce and withdraw the routes themselves",
  withdraw: "a route marked 'withdraw' is not supported: send 'withdraw route …'",
};

/** Attributes up to the end of the line, or up to `nlri`. */
export function parseAttributes(cur: Cursor, untilNlri: boolean): Attributes | Stop {
  const attrs: Attributes = { draft: {} };
  const seen = new Set<string>();
  let last: { keyword: string; text: string; single: boolean } | undefined;
  for (let word = cur.peek(); word !== undefined && !(untilNlri && word === "nlri"); word = cur.peek()) {
    const start = cur.position;
    cur.next();
    if (Object.hasOwn(NOT_CARRIED, word)) return unsupported(word, NOT_CARRIED[word]);
    if (!isAttribute(word)) return error(unknownAttribute(word, last));
    if (seen.has(word)) return error(`'${word}' is given twice`);
    seen.add(word);
    const single = cur.peek() !== "[";
    const stop = parseAttribute(word, cur, attrs);
    if (stop) return stop;
    last = { keyword: word, text: cur.since(start), single };
  }
  return attrs;
}

function unknownAttribute(
  word: string,
  last: { keyword: string; text: string; single: boolean } | undefined,
): string {
  const meant = suggestKeyword(word, "exabgp", ATTRIBUTES);
  if (meant) return `unknown keyword '${word}'${meant}`;
  if (last?.single && LISTS.has(last.keyword)) {
    const values = last.text.slice(last.keyword.length + 1);
    return `unexpected '${word}' after '${last.text}': several values go in brackets, ${last.keyword} [ ${values} ${word} ]`;
  }
  if (/^[a-z][a-z-]*$/i.test(word)) return `unknown keyword '${word}'`;
  return `unexpected '${word}'${last ? ` after '${last.text}'` : ""}`;
}

/** One value that is not punctuation or another keyword. */
function value(cur: Cursor, keyword: AttributeName): string | Stop {
  const v = cur.peek();
  if (v === undefined || PUNCTUATION.has(v) || isAttribute(v) || v === "nlri") {
    return error(`'${keyword}' needs a value (${VALUE_HINT[keyword]})`);
  }
  cur.next();
  return v;
}

/** A value, or several in brackets. */
function list(cur: Cursor, keyword: AttributeName): string[] | Stop {
  if (cur.peek() !== "[") {
    const v = value(cur, keyword);
    return typeof v === "string" ? [v] : v;
  }
  cur.next();
  const out: string[] = [];
  for (let v = cur.next(); v !== "]"; v = cur.next()) {
    if (v === undefined) return error(`'[' after '${keyword}' is not closed`);
    if (v === ",") continue;
    if (PUNCTUATION.has(v)) return error(`unexpected '${v}' inside '${keyword} [ … ]'`);
    out.push(v);
  }
  return out;
}

function parseAttribute(keyword: AttributeName, cur: Cursor, attrs: Attributes): Stop | undefined {
  const route = attrs.draft;
  if (keyword === "as-path") {
    const path = asPath(cur);
    if (isStop(path)) return path;
    route["as-path"] = path.text;
    return;
  }
  if (keyword === "community" || keyword === "large-community" || keyword === "extended-community") {
    const values = list(cur, keyword);
    if (isStop(values)) return values;
    if (keyword === "community") route.communities = values.map(community);
    else if (keyword === "large-community") route["large-communities"] = values;
    else route["extended-communities"] = values.map((v) => (/^[^:]+:[^:]+$/.test(v) ? `target:${v}` : v));
    return;
  }
  const v = value(cur, keyword);
  if (typeof v !== "string") return v;
  switch (keyword) {
    case "next-hop":
      route["next-hop"] = v.toLowerCase() === "self" ? "self" : v;
      return;
    case "origin": {
      const origin = parseOrigin(v);
      if (!origin) return error(notOrigin(v));
      route.origin = origin;
      return;
    }
    case "med":
    case "local-preference": {
      const n = parseUint32(v);
      if (n === null) return error(notUint32(keyword, v));
      if (keyword === "med") route.med = n;
      else route["local-pref"] = n;
      return;
    }
    case "path-information": {
      const n = parseUint32(v) ?? dottedQuad(v);
      if (n === null)
        return error(`'path-information' needs a number or a dotted quad like 0.0.0.1, not '${v}'`);
      route.identifier = n;
      return;
    }
    case "split": {
      const m = /^\/(\d{1,3})$/.exec(v);
      if (!m) return error(`'split' needs /<length>, like 'split /24', not '${v}'`);
      attrs.split = Number(m[1]);
      return;
    }
    case "name":
      return; // ExaBGP's label for its logs; nothing on the wire.
  }
}

/** ExaBGP's community spellings that ours write differently. */
function community(v: string): string {
  if (/^0x[0-9a-f]{1,8}$/i.test(v)) return String(Number.parseInt(v.slice(2), 16));
  return v.toLowerCase() === "nopeer" ? "no-peer" : v;
}

/** ExaBGP's PathInfo(ip=…): the four octets, most significant first. */
function dottedQuad(v: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(v);
  if (!m) return null;
  const octets = m.slice(1).map(Number);
  if (octets.some((o) => o > 255)) return null;
  return octets.reduce((n, o) => n * 256 + o, 0);
}

/** `65001` or `[ 65001 65002 ( 65003 65004 ) ]` → "65001 65002 {65003,65004}". */
function asPath(cur: Cursor): { text: string } | Stop {
  const asn = (t: string): string | Stop => {
    const n = parseUint32(t);
    return n === null ? error(`'${t}' in as-path is not an AS number`) : String(n);
  };
  if (cur.peek() !== "[") {
    const v = value(cur, "as-path");
    if (typeof v !== "string") return v;
    const n = asn(v);
    return typeof n === "string" ? { text: n } : n;
  }
  cur.next();
  const out: string[] = [];
  for (let t = cur.next(); t !== "]"; t = cur.next()) {
    if (t === undefined) return error("'[' after 'as-path' is not closed");
    if (t === ",") continue;
    if (t === "(" || t === "[") {
      const set: string[] = [];
      for (let s = cur.next(); s !== ")" && s !== "]"; s = cur.next()) {
        if (s === undefined) return error(`'${t}' in as-path is not closed`);
        if (s === ",") continue;
        const n = asn(s);
        if (typeof n !== "string") return n;
        set.push(n);
      }
      if (set.length === 0) return error("empty AS_SET in as-path");
      out.push(`{${set.join(",")}}`);
      continue;
    }
    const n = asn(t);
    if (typeof n !== "string") return n;
    out.push(n);
  }
  return { text: out.join(" ") };
}

/** RouteText's "65001 {65003,65004}" → ExaBGP's "65001 ( 65003 65004 )". */
export function asPathToExabgp(text: string): string {
  return asPathTokens(text)
    .map((t) => (t === "{" ? "(" : t === "}" ? ")" : t))
    .join(" ");
}

// split ------------------------------------------------------------------------------------------------

/**
 * ExaBGP's `split /N`: the prefix's /N subnets, in address order. A prefix already /N or longer stays as it
 * is (ExaBGP does the same). Computed on the address bytes, so IPv6 works like IPv4.
 */
export function splitPrefix(text: string, length: number): string[] | string {
  const p = parsePrefix(text);
  if (!p) return `'${text}' is not a prefix with its host bits clear, so it cannot be split`;
  const max = maxLength(p.afi);
  if (length > max) return `'split /${length}' is longer than ${max} bits`;
  if (length <= p.length) return [text];
  const bits = length - p.length;
  if (2 ** bits > MAX_SPLIT_ROUTES) {
    return `'split /${length}' of ${text} makes 2^${bits} routes; kbgp splits into at most ${MAX_SPLIT_ROUTES}`;
  }
  const out: string[] = [];
  for (let i = 0; i < 2 ** bits; i++) {
    const addr = p.addr.slice();
    for (let b = 0; b < bits; b++) {
      if ((i >> (bits - 1 - b)) & 1) {
        const pos = p.length + b;
        addr[pos >> 3] |= 0x80 >> (pos & 7);
      }
    }
    out.push(formatPrefix({ afi: p.afi, length, addr }));
  }
  return out;
}
