/**
 * The bench's route inputs, written into its temporary directory: the same N IPv4 /24s (11.0.0.0/24,
 * 11.0.1.0/24, … — with N ≤ 2^20 inside 11.0.0.0–26.255.255.0, plain unicast space; these are only
 * announcements between daemons on loopback, nothing is installed) as
 *  - gobgp words for `kbgp global rib add -f` (`11.0.0.0/24 nexthop 198.18.0.100 aspath 65100 med 5`),
 *  - ExaBGP API lines for `kbgp api` (`announce route 11.0.0.0/24 next-hop self as-path [ 65100 ] med 5`),
 *  - an MRT TABLE_DUMP_V2 file (RFC 6396 §4.3: one PEER_INDEX_TABLE, then one RIB_IPV4_UNICAST record per
 *    prefix with one entry: ORIGIN IGP, AS_PATH 65100, NEXT_HOP 198.18.0.100, MED 5) for `kbgp mrt inject`
 *    and `gobgp mrt inject`, optionally followed by `pad` copies of its first RIB records (see peers.ts).
 */
import { closeSync, openSync, writeSync } from "node:fs";

export const NEXT_HOP = "198.18.0.100";
export const ORIGIN_AS = 65100;
export const MED = 5;
const TIMESTAMP = 1_700_000_000;
const BASE = 11 << 24;

/** The i-th prefix's network address as a 32-bit number. */
export const network = (i: number): number => (BASE + i * 256) >>> 0;

export function prefixText(i: number): string {
  const p = network(i);
  return `${p >>> 24}.${(p >>> 16) & 255}.${(p >>> 8) & 255}.0/24`;
}

/** Writes `n` lines made by `line(i)`, in large chunks. */
function writeLines(path: string, n: number, line: (i: number) => string): void {
  const fd = openSync(path, "w");
  try {
    for (let start = 0; start < n; start += 20_000) {
      const end = Math.min(n, start + 20_000);
      let chunk = "";
      for (let i = start; i < end; i++) chunk += `${line(i)}\n`;
      writeSync(fd, chunk);
    }
  } finally {
    closeSync(fd);
  }
}

export function writeGobgpWords(path: string, n: number): void {
  writeLines(path, n, (i) => `${prefixText(i)} nexthop ${NEXT_HOP} aspath ${ORIGIN_AS} med ${MED}`);
}

export function writeExabgpLines(path: string, n: number): void {
  writeLines(
    path,
    n,
    (i) => `announce route ${prefixText(i)} next-hop self as-path [ ${ORIGIN_AS} ] med ${MED}`,
  );
}

const ipBytes = (s: string): number[] => s.split(".").map(Number);

/** A TABLE_DUMP_V2 file with `n` RIB_IPV4_UNICAST records (sequence numbers 0…n-1), then `pad` more that
 *  repeat the first `pad` prefixes (sequence numbers n…). */
export function writeTableDump(path: string, n: number, pad = 0): number {
  const header = (buf: Buffer, at: number, subtype: number, length: number): void => {
    buf.writeUInt32BE(TIMESTAMP, at);
    buf.writeUInt16BE(13, at + 4); // TABLE_DUMP_V2
    buf.writeUInt16BE(subtype, at + 6);
    buf.writeUInt32BE(length, at + 8);
  };
  // PEER_INDEX_TABLE: collector BGP ID, empty view name, one peer (type 0x02: IPv4 address, 4-octet AS).
  const peer = [0x02, ...ipBytes(NEXT_HOP), ...ipBytes(NEXT_HOP), 0, 0, 0xff, 0xdc]; // AS 65500
  const pitBody = Buffer.from([...ipBytes(NEXT_HOP), 0, 0, 0, 1, ...peer]);
  const pit = Buffer.alloc(12 + pitBody.length);
  header(pit, 0, 1, pitBody.length);
  pitBody.copy(pit, 12);

  // One RIB entry's attributes (TABLE_DUMP_V2 AS_PATHs always carry 4-octet AS numbers).
  const asn = [ORIGIN_AS >>> 24, (ORIGIN_AS >>> 16) & 255, (ORIGIN_AS >>> 8) & 255, ORIGIN_AS & 255];
  const origin = [0x40, 1, 1, 0]; // IGP
  const asPath = [0x40, 2, 6, 2, 1, ...asn]; // one AS_SEQUENCE of one AS
  const nextHop = [0x40, 3, 4, ...ipBytes(NEXT_HOP)];
  const med = [0x80, 4, 4, 0, 0, 0, MED];
  const attrs = Buffer.from([...origin, ...asPath, ...nextHop, ...med]);
  // RIB_IPV4_UNICAST body: sequence (4), prefix length (1), prefix (3 for a /24), entry count (2), then the
  // entry: peer index (2), originated time (4), attribute length (2), attributes.
  const bodyLength = 4 + 1 + 3 + 2 + 2 + 4 + 2 + attrs.length;
  const recordLength = 12 + bodyLength;
  const total = n + pad;
  const fd = openSync(path, "w");
  try {
    writeSync(fd, pit);
    const perChunk = 20_000;
    const buf = Buffer.alloc(perChunk * recordLength);
    for (let start = 0; start < total; start += perChunk) {
      const end = Math.min(total, start + perChunk);
      for (let seq = start; seq < end; seq++) {
        let at = (seq - start) * recordLength;
        header(buf, at, 2, bodyLength);
        at += 12;
        buf.writeUInt32BE(seq, at);
        buf[at + 4] = 24;
        const p = network(seq < n ? seq : seq - n);
        buf[at + 5] = p >>> 24;
        buf[at + 6] = (p >>> 16) & 255;
        buf[at + 7] = (p >>> 8) & 255;
        buf.writeUInt16BE(1, at + 8);
        buf.writeUInt16BE(0, at + 10);
        buf.writeUInt32BE(TIMESTAMP, at + 12);
        buf.writeUInt16BE(attrs.length, at + 16);
        attrs.copy(buf, at + 18);
      }
      writeSync(fd, buf, 0, (end - start) * recordLength);
    }
  } finally {
    closeSync(fd);
  }
  return total;
}
