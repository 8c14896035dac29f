/**
 * Canonical attribute bytes → values. Only ever applied to bytes the UPDATE scanner has validated and
 * normalised (4-octet AS numbers, no MP_REACH/MP_UNREACH/AS4_*) or that our own encoder wrote, so it does
 * no error handling of its own.
 */
import { AttrFlag, AttrType, type Origin } from "../constants.js";
import { formatIpv4 } from "../ip.js";
import { type AsPath, decodeAsPath } from "./as-path.js";
import type { LargeCommunity } from "./communities.js";

export interface Aggregator {
  readonly asn: number;
  readonly address: string;
}

/** An attribute this codec does not interpret, kept with its flags for propagation. */
export interface RawAttribute {
  readonly flags: number;
  readonly type: number;
  readonly value: Uint8Array;
}

/** Path attributes as plain values. Absent attributes are absent properties. */
export interface PathAttributes {
  origin?: Origin;
  asPath?: AsPath;
  nextHop?: string;
  med?: number;
  localPref?: number;
  atomicAggregate?: boolean;
  aggregator?: Aggregator;
  communities?: number[];
  originatorId?: string;
  clusterList?: string[];
  /** RFC 4360: eight bytes each. */
  extCommunities?: Uint8Array[];
  largeCommunities?: LargeCommunity[];
  unknown?: RawAttribute[];
}

const u32 = (b: Uint8Array, i: number): number =>
  ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;

/** Visit each attribute of a well-formed attribute block: (flags, type, valueStart, valueEnd). */
export function forEachAttribute(
  b: Uint8Array,
  visit: (flags: number, type: number, start: number, end: number) => void,
): void {
  let p = 0;
  while (p < b.length) {
    const flags = b[p];
    const type = b[p + 1];
    const ext = (flags & AttrFlag.EXTENDED_LENGTH) !== 0;
    const len = ext ? (b[p + 2] << 8) | b[p + 3] : b[p + 2];
    const start = p + (ext ? 4 : 3);
    visit(flags, type, start, start + len);
    p = start + len;
  }
}

/**
 * Every attribute of an encoded block as values. `asSize` 2 reads AS_PATH and AGGREGATOR as a 2-octet-AS
 * speaker sends them (what we sent to such a peer); AS4_PATH and AS4_AGGREGATOR then stay unknown.
 */
export function decodeAttributes(b: Uint8Array, asSize: 2 | 4 = 4): PathAttributes {
  const a: PathAttributes = {};
  forEachAttribute(b, (flags, type, s, e) => {
    switch (type) {
      case AttrType.ORIGIN:
        a.origin = b[s] as Origin;
        break;
      case AttrType.AS_PATH:
        a.asPath = decodeAsPath(b, s, e, asSize);
        break;
      case AttrType.NEXT_HOP:
        a.nextHop = formatIpv4(b, s);
        break;
      case AttrType.MULTI_EXIT_DISC:
        a.med = u32(b, s);
        break;
      case AttrType.LOCAL_PREF:
        a.localPref = u32(b, s);
        break;
      case AttrType.ATOMIC_AGGREGATE:
        a.atomicAggregate = true;
        break;
      case AttrType.AGGREGATOR:
        a.aggregator =
          asSize === 4
            ? { asn: u32(b, s), address: formatIpv4(b, s + 4) }
            : { asn: (b[s] << 8) | b[s + 1], address: formatIpv4(b, s + 2) };
        break;
      case AttrType.COMMUNITIES:
        a.communities = [];
        for (let i = s; i < e; i += 4) a.communities.push(u32(b, i));
        break;
      case AttrType.ORIGINATOR_ID:
        a.originatorId = formatIpv4(b, s);
        break;
      case AttrType.CLUSTER_LIST:
        a.clusterList = [];
        for (let i = s; i < e; i += 4) a.clusterList.push(formatIpv4(b, i));
        break;
      case AttrType.EXTENDED_COMMUNITIES:
        a.extCommunities = [];
        for (let i = s; i < e; i += 8) a.extCommunities.push(b.slice(i, i + 8));
        break;
      case AttrType.LARGE_COMMUNITIES:
        a.largeCommunities = [];
        for (let i = s; i < e; i += 12) a.largeCommunities.push([u32(b, i), u32(b, i + 4), u32(b, i + 8)]);
        break;
      default:
        // Only Optional, Transitive and Partial describe the attribute: the Extended Length bit belongs to
        // this encoding, and the low four bits are ignored on receipt (RFC 4271 §4.3).
        (a.unknown ??= []).push({ flags: flags & 0xe0, type, value: b.slice(s, e) });
    }
  });
  return a;
}
