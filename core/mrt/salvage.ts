/**
 * Reading what can be read from an UPDATE whose withdrawn-routes or NLRI field ends in a malformed prefix.
 * A live session must reset on that (RFC 7606 §5.3); an analysis tool is better served by the complete
 * prefixes before the fault, plus a warning. bgpdump behaves the same way.
 */
import { Afi, validPrefixesEnd } from "../wire/index.js";

const u16 = (b: Uint8Array, i: number) => (b[i] << 8) | b[i + 1];

/** A copy of the UPDATE body with both prefix fields cut after their last valid prefix, or null when the
 *  length fields themselves are broken (nothing to salvage) or nothing was cut. */
export function trimMalformedPrefixes(body: Uint8Array, addPath: boolean): Uint8Array | null {
  if (body.length < 4) return null;
  const wEnd = 2 + u16(body, 0);
  if (wEnd + 2 > body.length) return null;
  const aStart = wEnd + 2;
  const aEnd = aStart + u16(body, wEnd);
  if (aEnd > body.length) return null;
  const wCut = validPrefixesEnd(body, 2, wEnd, Afi.IPV4, addPath);
  const nCut = validPrefixesEnd(body, aEnd, body.length, Afi.IPV4, addPath);
  if (wCut === wEnd && nCut === body.length) return null;
  const out = new Uint8Array(4 + (wCut - 2) + (aEnd - aStart) + (nCut - aEnd));
  out[0] = (wCut - 2) >> 8;
  out[1] = wCut - 2;
  out.set(body.subarray(2, wCut), 2);
  out.set(body.subarray(wEnd, aEnd), wCut);
  out.set(body.subarray(aEnd, nCut), wCut + (aEnd - wEnd));
  return out;
}
