/**
 * AS_PATH (RFC 4271 §4.3, §5.1.2), its confederation segments (RFC 5065 §3) and the 2-/4-octet forms of
 * RFC 6793. Inside kbgp an AS path is always held in 4-octet form; the 2-octet form with AS_TRANS and
 * AS4_PATH exists only on the wire to peers without the 4-octet AS capability.
 */
import { AS_TRANS, SegmentType } from "../constants.js";
import type { ByteWriter } from "../writer.js";

export interface AsPathSegment {
  readonly type: SegmentType;
  readonly asns: readonly number[];
}
export type AsPath = readonly AsPathSegment[];

const isKnownSegment = (t: number): boolean => t >= SegmentType.AS_SET && t <= SegmentType.AS_CONFED_SET;

/** How a segment counts toward path length: RFC 4271 §9.1.2.2 (a) an AS_SET counts as one; RFC 5065 §5.3
 *  confederation segments do not count. */
function segmentLength(type: number, n: number): number {
  if (type === SegmentType.AS_SEQUENCE) return n;
  if (type === SegmentType.AS_SET) return 1;
  return 0;
}

/**
 * Check the AS_PATH value in b[start, end) and return its path length, or -1 when malformed.
 * RFC 7606 §7.2: malformed on an unknown segment type, a segment overrunning the attribute, a single
 * trailing octet, or a zero segment length. RFC 7607 §2: with `rejectZero` (a live session), an AS
 * number of zero makes it malformed too; MRT analysis shows such paths as recorded, like bgpdump.
 */
export function scanAsPath(
  b: Uint8Array,
  start: number,
  end: number,
  asSize: 2 | 4,
  rejectZero = false,
): number {
  let p = start;
  let length = 0;
  while (p < end) {
    if (end - p < 2) return -1;
    const type = b[p];
    const n = b[p + 1];
    if (!isKnownSegment(type) || n === 0) return -1;
    const segEnd = p + 2 + n * asSize;
    if (segEnd > end) return -1;
    for (let q = p + 2; rejectZero && q < segEnd; q += asSize) {
      if ((asSize === 4 ? b[q] | b[q + 1] | b[q + 2] | b[q + 3] : b[q] | b[q + 1]) === 0) return -1;
    }
    p = segEnd;
    length += segmentLength(type, n);
  }
  return length;
}

/** Whether the path holds confederation segments (RFC 5065), which AS4_PATH must not (RFC 6793 §6). */
export function hasConfedSegments(b: Uint8Array, start: number, end: number, asSize: 2 | 4): boolean {
  for (let p = start; p + 1 < end; p += 2 + b[p + 1] * asSize) {
    if (b[p] === SegmentType.AS_CONFED_SEQUENCE || b[p] === SegmentType.AS_CONFED_SET) return true;
  }
  return false;
}

/** The AS a route was learned from for MED comparison (RFC 4271 §9.1.2.2 c): the first AS of a leading
 *  AS_SEQUENCE, skipping confederation segments (RFC 5065 §5.3); 0 when there is none. */
export function neighborAs(b: Uint8Array, start: number, end: number): number {
  for (let p = start; p + 1 < end; p += 2 + b[p + 1] * 4) {
    const t = b[p];
    if (t === SegmentType.AS_CONFED_SEQUENCE || t === SegmentType.AS_CONFED_SET) continue;
    if (t !== SegmentType.AS_SEQUENCE) return 0;
    return ((b[p + 2] << 24) | (b[p + 3] << 16) | (b[p + 4] << 8) | b[p + 5]) >>> 0;
  }
  return 0;
}

/** Decode a value already checked by `scanAsPath`. */
export function decodeAsPath(b: Uint8Array, start: number, end: number, asSize: 2 | 4): AsPathSegment[] {
  const out: AsPathSegment[] = [];
  let p = start;
  while (p + 1 < end) {
    const type = b[p] as SegmentType;
    const n = b[p + 1];
    p += 2;
    const asns = new Array<number>(n);
    for (let i = 0; i < n; i++, p += asSize) {
      asns[i] =
        asSize === 4
          ? ((b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]) >>> 0
          : (b[p] << 8) | b[p + 1];
    }
    out.push({ type, asns });
  }
  return out;
}

/** Encode segments; segments longer than 255 ASNs are split. In 2-octet form, ASNs above 65535 become
 *  AS_TRANS (RFC 6793 §4.2.2). */
export function encodeAsPath(w: ByteWriter, path: AsPath, asSize: 2 | 4): void {
  for (const seg of path) {
    // An empty segment is malformed on the wire (RFC 7606 §7.2), so it is not written at all.
    for (let i = 0; i < seg.asns.length; i += 255) {
      const chunk = seg.asns.slice(i, i + 255);
      w.u8(seg.type).u8(chunk.length);
      for (const asn of chunk) {
        if (asSize === 4) w.u32(asn);
        else w.u16(asn > 0xffff ? AS_TRANS : asn);
      }
    }
  }
}

export function asPathLength(path: AsPath): number {
  let n = 0;
  for (const s of path) n += segmentLength(s.type, s.asns.length);
  return n;
}

/** Whether any ASN needs 4 octets, so a 2-octet peer must also get AS4_PATH (RFC 6793 §4.2.2). */
export function needsAs4(path: AsPath): boolean {
  return path.some((s) => s.asns.some((a) => a > 0xffff));
}

/**
 * RFC 6793 §4.2.3: rebuild the true path from a 2-octet AS_PATH and an AS4_PATH. When AS_PATH counts fewer
 * ASNs than AS4_PATH, AS4_PATH is ignored; otherwise the leading part of AS_PATH that makes up the
 * difference is prepended to AS4_PATH. Confederation segments count zero and are carried along when they
 * lead or adjoin a taken segment.
 */
export function mergeAs4Path(asPath: AsPath, as4Path: AsPath): AsPath {
  let need = asPathLength(asPath) - asPathLength(as4Path);
  if (need < 0) return asPath;
  const head: AsPathSegment[] = [];
  for (const seg of asPath) {
    const confed = seg.type === SegmentType.AS_CONFED_SEQUENCE || seg.type === SegmentType.AS_CONFED_SET;
    // Every segment before the loop stops is taken, so a confederation segment reached here leads the
    // path or adjoins a taken segment: it "SHALL be prepended".
    if (confed) {
      head.push(seg);
      continue;
    }
    if (need === 0) break;
    if (seg.type === SegmentType.AS_SET) {
      head.push(seg);
      need -= 1;
    } else {
      const take = Math.min(need, seg.asns.length);
      head.push({ type: seg.type, asns: seg.asns.slice(0, take) });
      need -= take;
    }
  }
  // Join a taken AS_SEQUENCE with a leading AS4_PATH sequence so the result encodes as one segment.
  const last = head[head.length - 1];
  const first = as4Path[0];
  if (last && first && last.type === SegmentType.AS_SEQUENCE && first.type === SegmentType.AS_SEQUENCE) {
    return [
      ...head.slice(0, -1),
      { type: last.type, asns: [...last.asns, ...first.asns] },
      ...as4Path.slice(1),
    ];
  }
  return [...head, ...as4Path];
}

/** gobgp/BIRD text form: sequences as space-separated ASNs, `{a,b}` for AS_SET, `(a b)` for a confederation
 *  sequence and `[a,b]` for a confederation set. */
export function formatAsPath(path: AsPath): string {
  return path
    .map((s) => {
      switch (s.type) {
        case SegmentType.AS_SET:
          return `{${s.asns.join(",")}}`;
        case SegmentType.AS_CONFED_SEQUENCE:
          return `(${s.asns.join(" ")})`;
        case SegmentType.AS_CONFED_SET:
          return `[${s.asns.join(",")}]`;
        default:
          return s.asns.join(" ");
      }
    })
    .join(" ");
}

/** Whether the 4-octet AS_PATH value in b[start, end) contains `asn` (loop detection, RFC 4271 §9.1.2). */
export function asPathContains(b: Uint8Array, start: number, end: number, asn: number): boolean {
  for (let p = start; p + 1 < end; ) {
    const n = b[p + 1];
    for (let i = 0, q = p + 2; i < n; i++, q += 4) {
      if (((b[q] << 24) | (b[q + 1] << 16) | (b[q + 2] << 8) | b[q + 3]) >>> 0 === asn) return true;
    }
    p += 2 + n * 4;
  }
  return false;
}
