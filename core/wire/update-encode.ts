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

/**
 * Pack prefixes in order into groups whose NLRI bytes satisfy `fits`, calling `emit` with each group's
 * bytes. A prefix that does not fit even alone is skipped and its index returned.
 */
function pack(
  wp: WirePrefixes,
  fits: (nlriBytes: number) => boolean,
  emit: (nlri: Uint8Array, start: number, end: number) => void,
): number[] {
  const o = wp.offsets;
  const unsent: number[] = [];
  const group = new ByteWriter(4096);
  for (let i = 0; i + 1 < o.length; i++) {
    const size = o[i + 1] - o[i];
    if (!fits(size)) {
      unsent.push(i);
      continue;
    }
    if (!fits(group.pos + size)) {
      emit(group.buf, 0, group.pos);
      group.reset();
    }
    group.bytes(wp.bytes, o[i], o[i + 1]);
  }
  if (group.pos > 0) emit(group.buf, 0, group.pos);
  return unsent;
}

/** Size of an attribute header for a value of `len` bytes: the extended-length form above 255. */
const headerSize = (len: number) => (len > 255 ? 4 : 3);

/** Attribute header for a value of `len` bytes: short form when it fits. */
function attrHeader(w: ByteWriter, type: number, len: number): void {
  if (len > 255)
    w.u8(AttrFlag.OPTIONAL | AttrFlag.EXTENDED_LENGTH)
      .u8(type)
      .u16(len);
  else w.u8(AttrFlag.OPTIONAL).u8(type).u8(len);
}

export interface Encoded {
  readonly messages: Uint8Array[];
  /** Indexes of prefixes that cannot be sent with these attributes: even alone they would exceed the
   *  size limit, so RFC 4271 §9.2 forbids advertising them. */
  readonly unsent: number[];
}

/**
 * Announce `prefixes` of `family` with the attributes `attrs` (wire form, without MP attributes; for
 * classic IPv4 it must contain NEXT_HOP). `nextHop` is the MP_REACH next hop (16 or 32 bytes for IPv6,
 * or for IPv4 over an IPv6 next hop); pass null for classic IPv4.
 */
export function encodeAnnouncements(
  family: number,
  attrs: Uint8Array,
  nextHop: Uint8Array | null,
  prefixes: readonly Prefix[] | NlriList,
  opts: UpdateEncodeOptions,
): Encoded {
  const messages: Uint8Array[] = [];
  const classic = family === IPV4_UNICAST && nextHop === null;
  const nh = nextHop ?? new Uint8Array(0);
  const fixed = HEADER_LENGTH + 4 + attrs.length;
  // MP_REACH_NLRI value: AFI, SAFI, next hop length, next hop, reserved octet, NLRI.
  const fits = classic
    ? (n: number) => fixed + n <= opts.maxLength
    : (n: number) => fixed + headerSize(5 + nh.length + n) + 5 + nh.length + n <= opts.maxLength;
  const w = new ByteWriter(Math.min(opts.maxLength, 4096));
  const unsent = pack(toWire(prefixes, opts.addPath), fits, (nlri, ps, pe) => {
    w.reset();
    const start = beginMessage(w, MessageType.UPDATE);
    w.u16(0);
    const attrLenAt = w.mark(2);
    if (!classic) {
      attrHeader(w, AttrType.MP_REACH_NLRI, 5 + nh.length + (pe - ps));
      w.u16(family >>> 8)
        .u8(family & 0xff)
        .u8(nh.length)
        .bytes(nh)
        .u8(0)
        .bytes(nlri, ps, pe);
    }
    w.bytes(attrs);
    w.patch16(attrLenAt, w.pos - attrLenAt - 2);
    if (classic) w.bytes(nlri, ps, pe);
    finishMessage(w, start);
    messages.push(w.toBytes());
  });
  return { messages, unsent };
}

/** Withdraw `prefixes` of `family`, as many per UPDATE as fit. */
export function encodeWithdrawals(
  family: number,
  prefixes: readonly Prefix[] | NlriList,
  opts: UpdateEncodeOptions,
): Uint8Array[] {
  const messages: Uint8Array[] = [];
  const classic = family === IPV4_UNICAST;
  const fixed = HEADER_LENGTH + 4;
  const fits = classic
    ? (n: number) => fixed + n <= opts.maxLength
    : (n: number) => fixed + headerSize(3 + n) + 3 + n <= opts.maxLength;
  const w = new ByteWriter(Math.min(opts.maxLength, 4096));
  // Every prefix (at most 21 bytes) fits a withdrawal, so nothing comes back unsent.
  pack(toWire(prefixes, opts.addPath), fits, (nlri, ps, pe) => {
    w.reset();
    const start = beginMessage(w, MessageType.UPDATE);
    if (classic)
      w.u16(pe - ps)
        .bytes(nlri, ps, pe)
        .u16(0);
    else {
      w.u16(0);
      const attrLenAt = w.mark(2);
      attrHeader(w, AttrType.MP_UNREACH_NLRI, 3 + (pe - ps));
      w.u16(family >>> 8)
        .u8(family & 0xff)
        .bytes(nlri, ps, pe);
      w.patch16(attrLenAt, w.pos - attrLenAt - 2);
    }
    finishMessage(w, start);
    messages.push(w.toBytes());
  });
  return messages;
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
