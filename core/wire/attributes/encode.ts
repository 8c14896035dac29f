/**
 * Values → attribute bytes, in ascending type order (RFC 4271 §5 recommends it; it also makes equal sets
 * encode to equal bytes, so they intern to one object). Four-octet form is canonical; the two-octet form
 * for peers without RFC 6793 support adds AS4_PATH / AS4_AGGREGATOR as §4.2.2 requires.
 */
import { AS_TRANS, AttrFlag, AttrType, SegmentType } from "../constants.js";
import { parseIp } from "../ip.js";
import { ByteWriter } from "../writer.js";
import { encodeAsPath, needsAs4 } from "./as-path.js";
import type { PathAttributes, RawAttribute } from "./decode.js";

const WELL_KNOWN = AttrFlag.TRANSITIVE;
const OPTIONAL = AttrFlag.OPTIONAL;
const OPTIONAL_TRANSITIVE = AttrFlag.OPTIONAL | AttrFlag.TRANSITIVE;

/** Write one attribute: header with the extended-length bit when needed, then `body` writes the value. */
export function writeAttribute(
  w: ByteWriter,
  flags: number,
  type: number,
  body: (w: ByteWriter) => void,
): void {
  const start = w.pos;
  w.u8(flags | AttrFlag.EXTENDED_LENGTH).u8(type);
  const at = w.mark(2);
  body(w);
  const len = w.pos - at - 2;
  if (len < 256) {
    // Short form: move the value one byte left.
    w.buf[start] = flags & ~AttrFlag.EXTENDED_LENGTH;
    w.buf.copyWithin(at + 1, at + 2, w.pos);
    w.buf[at] = len;
    w.pos--;
  } else w.patch16(at, len);
}

function ipv4(text: string): Uint8Array {
  const b = parseIp(text);
  if (b?.length !== 4) throw new RangeError(`not an IPv4 address: ${text}`);
  return b;
}

export interface EncodeAttributesOptions {
  /** 2 for a peer without the 4-octet AS capability. */
  readonly asSize?: 2 | 4;
  /** Re-advertising: unknown optional transitive attributes get the Partial bit (RFC 4271 §5, §9.1.4
   *  notes), unknown non-transitive ones are dropped. */
  readonly propagate?: boolean;
}

/** Encode attributes into `w`. Throws RangeError on values that are not encodable (a bad address
 *  string): callers build these values themselves, so that is a programming error, not peer input. */
export function writeAttributes(w: ByteWriter, a: PathAttributes, opts: EncodeAttributesOptions = {}): void {
  const asSize = opts.asSize ?? 4;
  const unknown = (a.unknown ?? [])
    .filter((u) => !opts.propagate || (u.flags & AttrFlag.TRANSITIVE) !== 0)
    .map(
      (u): RawAttribute =>
        opts.propagate && u.flags & AttrFlag.OPTIONAL ? { ...u, flags: u.flags | AttrFlag.PARTIAL } : u,
    )
    .sort((x, y) => x.type - y.type);
  let ui = 0;
  const unknownBefore = (type: number) => {
    while (ui < unknown.length && unknown[ui].type < type) {
      const u = unknown[ui++];
      writeAttribute(w, u.flags, u.type, (w) => w.bytes(u.value));
    }
  };

  unknownBefore(AttrType.ORIGIN);
  if (a.origin !== undefined) writeAttribute(w, WELL_KNOWN, AttrType.ORIGIN, (w) => w.u8(a.origin!));
  if (a.asPath !== undefined)
    writeAttribute(w, WELL_KNOWN, AttrType.AS_PATH, (w) => encodeAsPath(w, a.asPath!, asSize));
  if (a.nextHop !== undefined)
    writeAttribute(w, WELL_KNOWN, AttrType.NEXT_HOP, (w) => w.bytes(ipv4(a.nextHop!)));
  if (a.med !== undefined) writeAttribute(w, OPTIONAL, AttrType.MULTI_EXIT_DISC, (w) => w.u32(a.med!));
  if (a.localPref !== undefined)
    writeAttribute(w, WELL_KNOWN, AttrType.LOCAL_PREF, (w) => w.u32(a.localPref!));
  if (a.atomicAggregate) writeAttribute(w, WELL_KNOWN, AttrType.ATOMIC_AGGREGATE, () => {});
  const agg = a.aggregator;
  if (agg) {
    writeAttribute(w, OPTIONAL_TRANSITIVE, AttrType.AGGREGATOR, (w) => {
      if (asSize === 4) w.u32(agg.asn);
      else w.u16(agg.asn > 0xffff ? AS_TRANS : agg.asn);
      w.bytes(ipv4(agg.address));
    });
  }
  if (a.communities?.length) {
    const cs = a.communities;
    writeAttribute(w, OPTIONAL_TRANSITIVE, AttrType.COMMUNITIES, (w) => {
      for (const c of cs) w.u32(c);
    });
  }
  if (a.originatorId !== undefined) {
    writeAttribute(w, OPTIONAL, AttrType.ORIGINATOR_ID, (w) => w.bytes(ipv4(a.originatorId!)));
  }
  if (a.clusterList?.length) {
    const cl = a.clusterList;
    writeAttribute(w, OPTIONAL, AttrType.CLUSTER_LIST, (w) => {
      for (const id of cl) w.bytes(ipv4(id));
    });
  }
  unknownBefore(AttrType.EXTENDED_COMMUNITIES);
  if (a.extCommunities?.length) {
    const ec = a.extCommunities;
    writeAttribute(w, OPTIONAL_TRANSITIVE, AttrType.EXTENDED_COMMUNITIES, (w) => {
      for (const c of ec) w.bytes(c);
    });
  }
  if (asSize === 2 && a.asPath && needsAs4(a.asPath)) {
    // RFC 6793 §4.2.2: AS4_PATH leaves out confederation segments.
    const path = a.asPath.filter((s) => s.type === SegmentType.AS_SEQUENCE || s.type === SegmentType.AS_SET);
    writeAttribute(w, OPTIONAL_TRANSITIVE, AttrType.AS4_PATH, (w) => encodeAsPath(w, path, 4));
  }
  if (asSize === 2 && agg && agg.asn > 0xffff) {
    writeAttribute(w, OPTIONAL_TRANSITIVE, AttrType.AS4_AGGREGATOR, (w) =>
      w.u32(agg.asn).bytes(ipv4(agg.address)),
    );
  }
  unknownBefore(AttrType.LARGE_COMMUNITIES);
  if (a.largeCommunities?.length) {
    const lc = a.largeCommunities;
    writeAttribute(w, OPTIONAL_TRANSITIVE, AttrType.LARGE_COMMUNITIES, (w) => {
      for (const c of lc) w.u32(c[0]).u32(c[1]).u32(c[2]);
    });
  }
  unknownBefore(256);
}

export function encodeAttributes(a: PathAttributes, opts: EncodeAttributesOptions = {}): Uint8Array {
  const w = new ByteWriter(256);
  writeAttributes(w, a, opts);
  return w.toBytes();
}
