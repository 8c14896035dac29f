/**
 * TABLE_DUMP_V2 (RFC 6396 §4.3): the PEER_INDEX_TABLE that RIB records point into, and the RIB records
 * themselves, one prefix each with one entry per peer; RFC 8050 adds a path identifier per entry.
 */
import { Afi, maskInPlace, type Prefix, Safi } from "../wire/index.js";
import { TableDumpV2Subtype as S } from "./constants.js";

export interface PeerEntry {
  readonly bgpId: number;
  /** 4 or 16 bytes. */
  readonly address: Uint8Array;
  readonly asn: number;
}

export interface PeerIndexTable {
  readonly collectorId: number;
  readonly viewName: string;
  readonly peers: readonly PeerEntry[];
}

export interface RibEntry {
  readonly peerIndex: number;
  readonly originatedTime: number;
  /** RFC 8050 path identifier; -1 for the non-ADD-PATH subtypes. */
  readonly pathId: number;
  /** The attributes are body[attrStart, attrEnd). */
  readonly attrStart: number;
  readonly attrEnd: number;
}

export interface RibRecord {
  readonly sequence: number;
  readonly safi: number;
  /** RFC 8050: entries carry path identifiers. */
  readonly addPath: boolean;
  readonly prefix: Prefix;
  readonly entries: readonly RibEntry[];
}

const u16 = (b: Uint8Array, i: number) => (b[i] << 8) | b[i + 1];
const u32 = (b: Uint8Array, i: number) =>
  ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;
const utf8 = new TextDecoder();

/** RFC 6396 §4.3.1. Returns an error message when the record is malformed. */
export function decodePeerIndexTable(b: Uint8Array): PeerIndexTable | string {
  if (b.length < 8) return "PEER_INDEX_TABLE too short";
  const collectorId = u32(b, 0);
  const nameLen = u16(b, 4);
  let p = 6 + nameLen;
  if (p + 2 > b.length) return "PEER_INDEX_TABLE view name overruns the record";
  const viewName = utf8.decode(b.subarray(6, p));
  const count = u16(b, p);
  p += 2;
  const peers: PeerEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (p + 1 > b.length) return "PEER_INDEX_TABLE peer entries overrun the record";
    const peerType = b[p];
    const ipLen = peerType & 1 ? 16 : 4;
    const asLen = peerType & 2 ? 4 : 2;
    if (p + 5 + ipLen + asLen > b.length) return "PEER_INDEX_TABLE peer entry overruns the record";
    const bgpId = u32(b, p + 1);
    const address = b.slice(p + 5, p + 5 + ipLen);
    const asn = asLen === 4 ? u32(b, p + 5 + ipLen) : u16(b, p + 5 + ipLen);
    peers.push({ bgpId, address, asn });
    p += 5 + ipLen + asLen;
  }
  return { collectorId, viewName, peers };
}

interface RibKind {
  readonly afi: number;
  readonly safi: number;
  readonly addPath: boolean;
  /** RIB_GENERIC: the family is in the record. */
  readonly generic: boolean;
}
const rib = (afi: number, safi: number, addPath: boolean, generic = false): RibKind => ({
  afi,
  safi,
  addPath,
  generic,
});
const { IPV4: V4, IPV6: V6 } = Afi;
const { UNICAST: UNI, MULTICAST: MULTI } = Safi;

/** RFC 6396 §4.3 and RFC 8050 §4: what each RIB subtype holds. */
const RIB_KINDS: ReadonlyMap<number, RibKind> = new Map([
  [S.RIB_IPV4_UNICAST, rib(V4, UNI, false)],
  [S.RIB_IPV4_MULTICAST, rib(V4, MULTI, false)],
  [S.RIB_IPV6_UNICAST, rib(V6, UNI, false)],
  [S.RIB_IPV6_MULTICAST, rib(V6, MULTI, false)],
  [S.RIB_GENERIC, rib(0, 0, false, true)],
  [S.RIB_IPV4_UNICAST_ADDPATH, rib(V4, UNI, true)],
  [S.RIB_IPV4_MULTICAST_ADDPATH, rib(V4, MULTI, true)],
  [S.RIB_IPV6_UNICAST_ADDPATH, rib(V6, UNI, true)],
  [S.RIB_IPV6_MULTICAST_ADDPATH, rib(V6, MULTI, true)],
  [S.RIB_GENERIC_ADDPATH, rib(0, 0, true, true)],
]);

/** RFC 6396 §4.3.2 (AFI/SAFI-specific) and §4.3.3 (RIB_GENERIC); RFC 8050 §4 for ADD-PATH. Prefix bits
 *  past the length are cleared (RFC 4271 §4.3). */
export function decodeRibRecord(subtype: number, b: Uint8Array): RibRecord | string {
  const kind = RIB_KINDS.get(subtype);
  if (!kind) return `unknown TABLE_DUMP_V2 subtype ${subtype}`;
  if (b.length < 5) return "RIB record too short";
  const sequence = u32(b, 0);
  let p = 4;
  let afi = kind.afi;
  let safi = kind.safi;
  if (kind.generic) {
    if (b.length < 8) return "RIB_GENERIC record too short";
    afi = u16(b, 4);
    safi = b[6];
    p = 7;
    // RIB_GENERIC holds one NLRI in wire form; only prefix families are understood here.
    if ((afi !== Afi.IPV4 && afi !== Afi.IPV6) || (safi !== Safi.UNICAST && safi !== Safi.MULTICAST)) {
      return `RIB_GENERIC for AFI ${afi} SAFI ${safi} is not supported`;
    }
  }
  const plen = b[p];
  const max = afi === Afi.IPV4 ? 32 : 128;
  if (plen > max) return `RIB prefix length ${plen} exceeds ${max}`;
  const nbytes = (plen + 7) >>> 3;
  if (p + 1 + nbytes + 2 > b.length) return "RIB prefix overruns the record";
  const addr = new Uint8Array(afi === Afi.IPV4 ? 4 : 16);
  addr.set(b.subarray(p + 1, p + 1 + nbytes));
  maskInPlace(addr, plen);
  p += 1 + nbytes;
  const count = u16(b, p);
  p += 2;
  const entries: RibEntry[] = [];
  const fixed = kind.addPath ? 12 : 8;
  for (let i = 0; i < count; i++) {
    if (p + fixed > b.length) return "RIB entry overruns the record";
    const peerIndex = u16(b, p);
    const originatedTime = u32(b, p + 2);
    const pathId = kind.addPath ? u32(b, p + 6) : -1;
    const attrLen = u16(b, p + fixed - 2);
    const attrStart = p + fixed;
    const attrEnd = attrStart + attrLen;
    if (attrEnd > b.length) return "RIB entry attributes overrun the record";
    entries.push({ peerIndex, originatedTime, pathId, attrStart, attrEnd });
    p = attrEnd;
  }
  return { sequence, safi, addPath: kind.addPath, prefix: { afi: afi as Afi, length: plen, addr }, entries };
}
