/**
 * NLRI as it sits on the wire: RFC 4271 §4.3 (length in bits, then just enough address bytes), optionally
 * preceded by an RFC 7911 §3 four-octet path identifier. Decoding validates a whole field once and keeps
 * the bytes; `NlriCursor` then walks them without allocating, which is what RIB code uses. Prefixes only
 * become objects (`Prefix`) when something asks for them.
 */
import { Afi, type FamilyKey, familyKey, Safi } from "./constants.js";
import { maskInPlace, type Prefix } from "./prefix.js";
import type { ByteWriter } from "./writer.js";

/** One NLRI field (IPv4 NLRI, withdrawn routes, or the NLRI inside MP_REACH/MP_UNREACH). `bytes` is a
 *  view of the message it came from: copy what you keep. `count` is -1 for families we do not parse
 *  (flowspec, labeled unicast…), whose bytes are kept opaque. */
export interface NlriList {
  readonly afi: number;
  readonly safi: number;
  readonly addPath: boolean;
  readonly bytes: Uint8Array;
  readonly count: number;
}

/** Whether NLRI of this family are plain prefixes that this codec parses. */
export function isPrefixFamily(afi: number, safi: number): boolean {
  return (afi === Afi.IPV4 || afi === Afi.IPV6) && (safi === Safi.UNICAST || safi === Safi.MULTICAST);
}

/** Where the prefix at b[p] ends, or -1 when it is malformed: longer than the family allows, or cut off
 *  before `end` (RFC 7606 §5.3). */
function nextPrefix(b: Uint8Array, p: number, end: number, max: number, addPath: boolean): number {
  const q = p + (addPath ? 4 : 0);
  if (q >= end || b[q] > max) return -1;
  const next = q + 1 + ((b[q] + 7) >>> 3);
  return next > end ? -1 : next;
}

/** Count the prefixes in b[start, end), checking their syntax; -1 when the field is malformed. */
export function countPrefixes(
  b: Uint8Array,
  start: number,
  end: number,
  afi: number,
  addPath: boolean,
): number {
  const max = afi === Afi.IPV4 ? 32 : 128;
  let n = 0;
  for (let p = start; p < end; n++) {
    p = nextPrefix(b, p, end, max, addPath);
    if (p < 0) return -1;
  }
  return n;
}

/** Where the complete, valid prefixes at the start of b[start, end) stop: for salvaging what can be read
 *  from a malformed field (MRT analysis), never for a live session. */
export function validPrefixesEnd(
  b: Uint8Array,
  start: number,
  end: number,
  afi: number,
  addPath: boolean,
): number {
  const max = afi === Afi.IPV4 ? 32 : 128;
  let p = start;
  while (p < end) {
    const next = nextPrefix(b, p, end, max, addPath);
    if (next < 0) break;
    p = next;
  }
  return p;
}

/** Validate and wrap an NLRI field; null when malformed. */
export function readNlri(
  b: Uint8Array,
  start: number,
  end: number,
  afi: number,
  safi: number,
  addPath: boolean,
): NlriList | null {
  const bytes = b.subarray(start, end);
  if (!isPrefixFamily(afi, safi)) return { afi, safi, addPath, bytes, count: -1 };
  const count = countPrefixes(b, start, end, afi, addPath);
  return count < 0 ? null : { afi, safi, addPath, bytes, count };
}

export const nlriFamily = (l: NlriList): FamilyKey => familyKey(l.afi, l.safi);

/**
 * Walks a validated NLRI field. After `next()` returns true the fields describe the current prefix:
 * `length`, `pathId`, `addr` (16 bytes, masked, only the first 4 meaningful for IPv4) and for IPv4 also
 * `v4`, the masked address as an unsigned 32-bit number. `start`/`end` delimit its wire encoding.
 */
export class NlriCursor {
  pathId = 0;
  length = 0;
  v4 = 0;
  readonly addr = new Uint8Array(16);
  start = 0;
  end = 0;
  private b: Uint8Array = new Uint8Array(0);
  private p = 0;
  private stop = 0;
  private addPath = false;
  private ipv4 = true;

  reset(list: NlriList): this {
    this.b = list.bytes;
    this.p = 0;
    this.stop = list.count < 0 ? 0 : list.bytes.length;
    this.addPath = list.addPath;
    this.ipv4 = list.afi === Afi.IPV4;
    // Without ADD-PATH every prefix has path ID 0: a walk of an ADD-PATH list before must not leave its last
    // ID here (one cursor serves every session: a non-ADD-PATH peer's routes took another peer's ID, and its
    // withdrawals then matched nothing).
    this.pathId = 0;
    return this;
  }

  next(): boolean {
    const b = this.b;
    let p = this.p;
    if (p >= this.stop) return false;
    this.start = p;
    if (this.addPath) {
      this.pathId = ((b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]) >>> 0;
      p += 4;
    }
    const len = b[p++];
    const nbytes = (len + 7) >>> 3;
    this.length = len;
    const a = this.addr;
    if (this.ipv4) {
      let v = 0;
      for (let i = 0; i < 4; i++) v = (v << 8) | (i < nbytes ? b[p + i] : 0);
      v = len === 0 ? 0 : (v & (0xffffffff << (32 - len))) >>> 0;
      this.v4 = v;
      a[0] = v >>> 24;
      a[1] = v >>> 16;
      a[2] = v >>> 8;
      a[3] = v;
    } else {
      for (let i = 0; i < 16; i++) a[i] = i < nbytes ? b[p + i] : 0;
      maskInPlace(a, len);
    }
    p += nbytes;
    this.p = p;
    this.end = p;
    return true;
  }

  /** The current prefix as a value (allocates). */
  prefix(): Prefix {
    const afi = this.ipv4 ? Afi.IPV4 : Afi.IPV6;
    const addr = this.addr.slice(0, this.ipv4 ? 4 : 16);
    return this.addPath
      ? { afi, length: this.length, addr, pathId: this.pathId }
      : { afi, length: this.length, addr };
  }
}

/** All prefixes of a list as values. For tests, display and small lists. */
export function nlriPrefixes(list: NlriList): Prefix[] {
  const out: Prefix[] = [];
  const c = new NlriCursor().reset(list);
  while (c.next()) out.push(c.prefix());
  return out;
}

/** Wire size of one prefix. */
export const prefixWireSize = (length: number, addPath: boolean): number =>
  (addPath ? 5 : 1) + ((length + 7) >>> 3);

export function writePrefix(w: ByteWriter, p: Prefix, addPath: boolean): void {
  if (addPath) w.u32(p.pathId ?? 0);
  const n = (p.length + 7) >>> 3;
  w.u8(p.length);
  const v4 = p.afi === Afi.IPV4 ? p.v4 : undefined;
  if (v4 === undefined) w.bytes(p.addr, 0, n);
  else for (let i = 0; i < n; i++) w.u8((v4 >>> (24 - 8 * i)) & 0xff);
}
