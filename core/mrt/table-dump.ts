/**
 * TABLE_DUMP (RFC 6396 §4.2), the older RIB format: one record per (prefix, peer), 2-octet AS numbers.
 */
import { Afi, maskInPlace, type Prefix } from "../wire/index.js";

export interface TableDumpRecord {
  readonly viewNumber: number;
  readonly sequence: number;
  readonly prefix: Prefix;
  readonly status: number;
  readonly originatedTime: number;
  readonly peerAddress: Uint8Array;
  readonly peerAs: number;
  readonly attrStart: number;
  readonly attrEnd: number;
}

const u16 = (b: Uint8Array, i: number) => (b[i] << 8) | b[i + 1];
const u32 = (b: Uint8Array, i: number) =>
  ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;

/** Subtype 1 is IPv4, 2 IPv6 (the AFI). */
export function decodeTableDump(subtype: number, b: Uint8Array): TableDumpRecord | string {
  if (subtype !== Afi.IPV4 && subtype !== Afi.IPV6) return `unknown TABLE_DUMP subtype ${subtype}`;
  const alen = subtype === Afi.IPV4 ? 4 : 16;
  const fixed = 4 + alen + 6 + alen + 4;
  if (b.length < fixed) return "TABLE_DUMP record too short";
  const length = b[4 + alen];
  if (length > alen * 8) return `TABLE_DUMP prefix length ${length} exceeds ${alen * 8}`;
  const addr = maskInPlace(b.slice(4, 4 + alen), length);
  let p = 4 + alen + 2;
  const originatedTime = u32(b, p);
  p += 4;
  const peerAddress = b.slice(p, p + alen);
  p += alen;
  const peerAs = u16(b, p);
  const attrLen = u16(b, p + 2);
  const attrStart = p + 4;
  if (attrStart + attrLen > b.length) return "TABLE_DUMP attributes overrun the record";
  return {
    viewNumber: u16(b, 0),
    sequence: u16(b, 2),
    prefix: { afi: subtype, length, addr },
    status: b[5 + alen],
    originatedTime,
    peerAddress,
    peerAs,
    attrStart,
    attrEnd: attrStart + attrLen,
  };
}
