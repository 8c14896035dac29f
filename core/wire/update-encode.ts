/**
 * Building UPDATEs. Prefixes that share one attribute set are packed into as few messages as the size limit
 * (4096, or 65535 with RFC 8654) allows. IPv4 unicast with an IPv4 next hop uses the classic NLRI fields;
 * every other case (IPv6, IPv4 with an IPv6 next hop per RFC 8950) uses MP_REACH_NLRI/MP_UNREACH_NLRI,
 * written as the first attribute (RFC 7606 §5.1).
 */
import { AttrFlag, AttrType, HEADER_LENGTH, IPV4_UNICAST, MessageType } from "./constants.js";
import { beginMessage, finishMessage } from "./header.js";
import { NlriCursor, type NlriList, writePrefix } from "./nlri.js";
import type { Prefix } from "./prefix.js";
import { ByteWriter } from "./writer.js";

export interface UpdateEncodeOptions {
  /** Largest message the peer accepts: 4096, or 65535 when it advertised Extended Messages. */
  readonly maxLength: number;
  /** Prefixes carry RFC 7911 path identifiers (we send ADD-PATH for this family). */
  readonly addPath: boolean;
}

/** Prefixes in wire form with their boundaries, so packing only ever copies byte ranges. */
interface WirePrefixes {
  readonly bytes: Uint8Array;
  /** offsets[i]..offsets[i+1] is prefix i. */
  readonly offsets: readonly number[];
}

function toWire(prefixes: readonly Prefix[] | NlriList, addPath: boolean): WirePrefixes {
  if (!Array.isArray(prefixes)) {
    const list = prefixes as NlriList;
    const offsets = [0];
    const c = new NlriCursor().reset(list);
    while (c.next()) offsets.push(c.end);
    return { bytes: list.bytes, offsets };
  }
  const w = new ByteWriter(Math.max(64, prefixes.length * 6));
  const offsets = [0];
  for (const p of prefixes as readonly Prefix[]) {
    writePrefix(w, p, addPath);
    offsets.push(w.pos);
  }
  return { bytes: w.buf, offsets };
}

/** How many prefixes from `from` fit in `space` bytes; at least one must, or 0 is returned. */
function fitting(wp: WirePrefixes, from: number, space: number): number {
  const o = wp.offsets;
  let to = from;
  while (to + 1 < o.length && o[to + 1] - o[from] <= space) to++;
  return to - from;
}

const u16At = (w: ByteWriter, at: number, v: number) => w.patch16(at, v);

/** Attribute header for a value of `len` bytes: short form when it fits. */
function attrHeader(w: ByteWriter, type: number, len: number): void {
  if (len > 255)
    w.u8(AttrFlag.OPTIONAL | AttrFlag.EXTENDED_LENGTH)
      .u8(type)
      .u16(len);
  else w.u8(AttrFlag.OPTIONAL).u8(type).u8(len);
}

/**
 * Announce `prefixes` of `family` with the attributes `attrs` (wire form, without MP attributes; for
 * classic IPv4 it must contain NEXT_HOP). `nextHop` is the MP_REACH next hop (16 or 32 bytes for IPv6,
 * or for IPv4 over an IPv6 next hop); pass null for classic IPv4. Returns no messages when the attributes
 * leave no room for even one prefix: RFC 4271 §9.2 forbids sending such a route.
 */
export function encodeAnnouncements(
  family: number,
  attrs: Uint8Array,
  nextHop: Uint8Array | null,
  prefixes: readonly Prefix[] | NlriList,
  opts: UpdateEncodeOptions,
): Uint8Array[] {
  const wp = toWire(prefixes, opts.addPath);
  const out: Uint8Array[] = [];
  const classic = family === IPV4_UNICAST && nextHop === null;
  // Fixed part: header, two length fields, attributes, and MP_REACH's own header and next hop.
  const mpFixed = classic ? 0 : 4 + 5 + nextHop!.length;
  const space = opts.maxLength - HEADER_LENGTH - 4 - attrs.length - mpFixed;
  const w = new ByteWriter(Math.min(opts.maxLength, 4096));
  for (let i = 0; i + 1 < wp.offsets.length; ) {
    const n = fitting(wp, i, space);
    if (n === 0) return [];
    const ps = wp.offsets[i];
    const pe = wp.offsets[i + n];
    w.reset();
    const start = beginMessage(w, MessageType.UPDATE);
    w.u16(0);
    const attrLenAt = w.mark(2);
    if (!classic) {
      const valueLen = 5 + nextHop!.length + (pe - ps);
      attrHeader(w, AttrType.MP_REACH_NLRI, valueLen);
      w.u16(family >>> 8)
        .u8(family & 0xff)
        .u8(nextHop!.length)
        .bytes(nextHop!)
        .u8(0)
        .bytes(wp.bytes, ps, pe);
    }
    w.bytes(attrs);
    u16At(w, attrLenAt, w.pos - attrLenAt - 2);
    if (classic) w.bytes(wp.bytes, ps, pe);
    finishMessage(w, start);
    out.push(w.toBytes());
    i += n;
  }
  return out;
}

/** Withdraw `prefixes` of `family`, as many per UPDATE as fit. */
export function encodeWithdrawals(
  family: number,
  prefixes: readonly Prefix[] | NlriList,
  opts: UpdateEncodeOptions,
): Uint8Array[] {
  const wp = toWire(prefixes, opts.addPath);
  const out: Uint8Array[] = [];
  const classic = family === IPV4_UNICAST;
  const space = opts.maxLength - HEADER_LENGTH - 4 - (classic ? 0 : 4 + 3);
  const w = new ByteWriter(Math.min(opts.maxLength, 4096));
  for (let i = 0; i + 1 < wp.offsets.length; ) {
    const n = fitting(wp, i, space);
    if (n === 0) break; // unreachable: a prefix is at most 21 bytes
    const ps = wp.offsets[i];
    const pe = wp.offsets[i + n];
    w.reset();
    const start = beginMessage(w, MessageType.UPDATE);
    if (classic)
      w.u16(pe - ps)
        .bytes(wp.bytes, ps, pe)
        .u16(0);
    else {
      w.u16(0);
      const attrLenAt = w.mark(2);
      attrHeader(w, AttrType.MP_UNREACH_NLRI, 3 + (pe - ps));
      w.u16(family >>> 8)
        .u8(family & 0xff)
        .bytes(wp.bytes, ps, pe);
      u16At(w, attrLenAt, w.pos - attrLenAt - 2);
    }
    finishMessage(w, start);
    out.push(w.toBytes());
    i += n;
  }
  return out;
}

/** RFC 4724 §2 End-of-RIB: an empty UPDATE for IPv4 unicast, an empty MP_UNREACH_NLRI otherwise. */
export function encodeEndOfRib(family: number): Uint8Array {
  const w = new ByteWriter(32);
  const start = beginMessage(w, MessageType.UPDATE);
  if (family === IPV4_UNICAST) w.u16(0).u16(0);
  else
    w.u16(0)
      .u16(6)
      .u8(AttrFlag.OPTIONAL)
      .u8(AttrType.MP_UNREACH_NLRI)
      .u8(3)
      .u16(family >>> 8)
      .u8(family & 0xff);
  finishMessage(w, start);
  return w.toBytes();
}
