/**
 * Parsers for the configuration's text values that core has no parser for: prefix-list entries, AS paths
 * and peer AS numbers. Each returns the value or a message saying what is wrong with the text.
 */
import type { PeerAs, PrefixFilter } from "../../core/config/types.js";
import { type AsPathSegment, maxLength, parsePrefix, SegmentType } from "../../core/wire/index.js";

export type Parsed<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly message: string };

export const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
export const fail = <T = never>(message: string): Parsed<T> => ({ ok: false, message });

export const MAX_ASN = 0xffffffff;

/**
 * A prefix-list entry: `10.0.0.0/8` (that prefix exactly), `10.0.0.0/8 le 24`, `10.0.0.0/8 ge 16`,
 * `10.0.0.0/8 ge 16 le 24`. Like Cisco and FRR prefix lists: `ge` defaults to the prefix's own length,
 * `le` to the prefix's own length when neither is given and to the family's maximum when only `ge` is.
 */
export function parsePrefixFilter(text: string): Parsed<PrefixFilter> {
  const words = text.trim().split(/\s+/);
  const prefix = parsePrefix(words[0]);
  if (!prefix)
    return fail(`'${words[0]}' is not a prefix (like 10.0.0.0/8 or 2001:db8::/32, host bits clear)`);
  const max = maxLength(prefix.afi);
  const bounds: { ge?: number; le?: number } = {};
  for (let i = 1; i < words.length; i += 2) {
    const word = words[i].toLowerCase();
    if (word !== "ge" && word !== "le")
      return fail(`expected 'ge N' or 'le N' after the prefix, not '${words[i]}'`);
    if (bounds[word] !== undefined) return fail(`'${word}' is given twice`);
    const n = words[i + 1];
    if (n === undefined || !/^\d{1,3}$/.test(n)) return fail(`'${word}' needs a prefix length`);
    bounds[word] = Number(n);
  }
  const ge = bounds.ge ?? prefix.length;
  const le = bounds.le ?? (bounds.ge === undefined ? prefix.length : max);
  if (ge < prefix.length) return fail(`ge ${ge} is shorter than the prefix length ${prefix.length}`);
  if (ge > max) return fail(`ge ${ge} is longer than ${max} bits`);
  if (le > max) return fail(`le ${le} is longer than ${max} bits`);
  if (le < ge) return fail(`le ${le} is less than ge ${ge}`);
  return ok({ prefix, ge, le });
}

function parseAsn(text: string): Parsed<number> {
  if (!/^\d{1,10}$/.test(text)) return fail(`'${text}' is not an AS number`);
  const n = Number(text);
  if (n < 1 || n > MAX_ASN) return fail(`AS number ${text} is not between 1 and ${MAX_ASN}`);
  return ok(n);
}

/**
 * An AS path in the gobgp/BIRD text form, `65010 65011 {65020,65021}`: ASNs separated by spaces form
 * AS_SEQUENCE segments, braces an AS_SET. The empty string is the empty path.
 */
export function parseAsPath(text: string): Parsed<AsPathSegment[]> {
  const segments: AsPathSegment[] = [];
  let sequence: number[] = [];
  const endSequence = () => {
    if (sequence.length) segments.push({ type: SegmentType.AS_SEQUENCE, asns: sequence });
    sequence = [];
  };
  const token = /\s*(?:\{([^{}]*)\}|([^\s{}]+)|(.))/y;
  for (let m = token.exec(text); m && m[0].trim() !== ""; m = token.exec(text)) {
    if (m[3] !== undefined) return fail(`unexpected '${m[3]}' (AS_SETs are written {65001,65002})`);
    if (m[1] !== undefined) {
      endSequence();
      const asns: number[] = [];
      for (const word of m[1].split(/[\s,]+/).filter(Boolean)) {
        const asn = parseAsn(word);
        if (!asn.ok) return asn;
        asns.push(asn.value);
      }
      if (!asns.length) return fail("an AS_SET needs at least one AS number");
      segments.push({ type: SegmentType.AS_SET, asns });
    } else {
      const asn = parseAsn(m[2]);
      if (!asn.ok) return asn;
      sequence.push(asn.value);
    }
  }
  endSequence();
  return ok(segments);
}

/** A neighbor's AS: a number, `internal` (ours) or `external` (any but ours). */
export function parsePeerAs(value: unknown): Parsed<PeerAs> {
  if (value === "internal" || value === "external") return ok(value);
  if (typeof value === "number" && Number.isInteger(value) && value >= 1 && value <= MAX_ASN)
    return ok(value);
  return fail(`must be an AS number (1..${MAX_ASN}), 'internal' or 'external'`);
}
