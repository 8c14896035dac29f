/**
 * A small libpcap reader for tests: the classic file format (either byte order, microsecond or nanosecond
 * timestamps), the link layers found in captures of routers, IPv4/IPv6 and TCP, then per-direction TCP
 * reassembly. Not pcapng. Deliberately forgiving: anything it cannot follow (fragments, other protocols,
 * truncated packets) is skipped, which shows up as a gap in the reassembled stream.
 */
import { readFileSync } from "node:fs";
import { formatIp } from "../../core/wire/index.js";

export interface PcapRecord {
  /** Seconds since the epoch. */
  readonly time: number;
  readonly data: Uint8Array;
  readonly origLength: number;
}

export interface Pcap {
  readonly linkType: number;
  readonly nanoseconds: boolean;
  readonly records: PcapRecord[];
}

/** Parse a whole classic pcap file: magic a1b2c3d4 (µs) or a1b23c4d (ns), written in either byte order. */
export function readPcap(file: Uint8Array): Pcap {
  const v = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const magic = v.getUint32(0, false);
  const swapped = magic === 0xd4c3b2a1 || magic === 0x4d3cb2a1;
  if (!swapped && magic !== 0xa1b2c3d4 && magic !== 0xa1b23c4d) throw new Error("not a pcap file");
  const nanoseconds = magic === 0xa1b23c4d || magic === 0x4d3cb2a1;
  const linkType = v.getUint32(20, swapped) & 0xffff; // the upper bits carry FCS information
  const records: PcapRecord[] = [];
  for (let p = 24; p + 16 <= file.length; ) {
    const len = v.getUint32(p + 8, swapped);
    if (p + 16 + len > file.length) break; // a record cut short by the end of the file
    const time = v.getUint32(p, swapped) + v.getUint32(p + 4, swapped) / (nanoseconds ? 1e9 : 1e6);
    records.push({
      time,
      data: file.subarray(p + 16, p + 16 + len),
      origLength: v.getUint32(p + 12, swapped),
    });
    p += 16 + len;
  }
  return { linkType, nanoseconds, records };
}

const u16 = (b: Uint8Array, i: number) => (b[i] << 8) | b[i + 1];
const u32 = (b: Uint8Array, i: number) =>
  ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;

/** The IP packet inside an EtherType-tagged payload: VLAN tags (802.1Q/802.1ad) and MPLS labels skipped. */
function byEtherType(type: number, b: Uint8Array): Uint8Array | null {
  let p = 0;
  while ((type === 0x8100 || type === 0x88a8 || type === 0x9100) && p + 4 <= b.length) {
    type = u16(b, p + 2);
    p += 4;
  }
  if (type === 0x8847 || type === 0x8848) {
    while (p + 4 <= b.length && (b[p + 2] & 1) === 0) p += 4; // until the bottom-of-stack bit
    return p + 4 <= b.length ? b.subarray(p + 4) : null;
  }
  return type === 0x0800 || type === 0x86dd ? b.subarray(p) : null;
}

/** Link layers whose header names the payload with an EtherType: [where the EtherType is, header length]. */
const ETHERTYPE_LINKS: Record<number, readonly [number, number]> = {
  1: [12, 14], // Ethernet
  104: [2, 4], // Cisco HDLC: address, control, protocol
  113: [14, 16], // Linux cooked capture v1
  276: [0, 20], // Linux cooked capture v2
};
/** Link layers followed directly by IP: header length. Raw IP (12, 14, 101, 228, 229); BSD loopback (0) and
 *  OpenBSD loopback (108) start with a 4-byte address family, the IP version nibble says the same. */
const IP_LINKS: Record<number, number> = { 0: 4, 108: 4, 12: 0, 14: 0, 101: 0, 228: 0, 229: 0 };

/** Strip the link-layer header of one frame. */
function ipPacket(linkType: number, f: Uint8Array): Uint8Array | null {
  const e = ETHERTYPE_LINKS[linkType];
  if (e) return f.length >= e[1] ? byEtherType(u16(f, e[0]), f.subarray(e[1])) : null;
  if (IP_LINKS[linkType] === undefined) throw new Error(`unsupported pcap link type ${linkType}`);
  return f.subarray(IP_LINKS[linkType]);
}

export interface TcpSegment {
  readonly src: string;
  readonly dst: string;
  readonly seq: number;
  /** TCP flags octet: FIN 0x01, SYN 0x02, RST 0x04, PSH 0x08, ACK 0x10. */
  readonly flags: number;
  /** Option kinds present (2 MSS, 8 timestamps, 19 TCP MD5 signature, 29 TCP-AO…). */
  readonly options: number[];
  readonly payload: Uint8Array;
}

const endpoint = (addr: Uint8Array, port: number) =>
  addr.length === 4 ? `${formatIp(addr)}:${port}` : `[${formatIp(addr)}]:${port}`;

/** The TCP segment in an IP packet; null for other protocols, IP fragments and truncated packets. */
function tcpSegment(ip: Uint8Array): TcpSegment | null {
  let proto: number;
  let src: Uint8Array;
  let dst: Uint8Array;
  let p: number;
  let end: number;
  if (ip.length >= 20 && ip[0] >> 4 === 4) {
    if ((u16(ip, 6) & 0x3fff) !== 0) return null; // more fragments, or not the first
    proto = ip[9];
    src = ip.subarray(12, 16);
    dst = ip.subarray(16, 20);
    p = (ip[0] & 15) * 4;
    end = u16(ip, 2) || ip.length; // 0 with TCP segmentation offload; otherwise it excludes link padding
  } else if (ip.length >= 40 && ip[0] >> 4 === 6) {
    proto = ip[6];
    src = ip.subarray(8, 24);
    dst = ip.subarray(24, 40);
    p = 40;
    end = u16(ip, 4) ? 40 + u16(ip, 4) : ip.length;
    // Extension headers: hop-by-hop, routing, destination options (8-octet units), AH (4-octet units),
    // fragment (only a whole packet is followed).
    while ((proto === 0 || proto === 43 || proto === 60 || proto === 51 || proto === 44) && p + 8 <= end) {
      if (proto === 44 && (u16(ip, p + 2) & 0xfff9) !== 0) return null;
      const next = ip[p];
      p += proto === 44 ? 8 : proto === 51 ? (ip[p + 1] + 2) * 4 : (ip[p + 1] + 1) * 8;
      proto = next;
    }
  } else return null;
  if (proto !== 6 || end > ip.length || p + 20 > end) return null;
  const t = ip.subarray(p, end);
  const off = (t[12] >> 4) * 4;
  if (off < 20 || off > t.length) return null;
  const options: number[] = [];
  for (let o = 20; o < off && t[o] !== 0; o += t[o] === 1 ? 1 : Math.max(2, t[o + 1])) {
    if (t[o] !== 1) options.push(t[o]);
  }
  return {
    src: endpoint(src, u16(t, 0)),
    dst: endpoint(dst, u16(t, 2)),
    seq: u32(t, 4),
    flags: t[13],
    options,
    payload: t.subarray(off),
  };
}

export function tcpSegments(pcap: Pcap): TcpSegment[] {
  const out: TcpSegment[] = [];
  for (const r of pcap.records) {
    const ip = ipPacket(pcap.linkType, r.data);
    const s = ip && tcpSegment(ip);
    if (s) out.push(s);
  }
  return out;
}

/** One direction of a TCP connection, reassembled. A gap (bytes never captured) ends a stream; what follows
 *  is another stream of the same direction with a larger `offset`. */
export interface TcpStream {
  readonly from: string;
  readonly to: string;
  readonly bytes: Uint8Array;
  /** Position of bytes[0] in the direction's byte sequence (0 = first byte after the SYN, or the first
   *  byte captured when the handshake was not). */
  readonly offset: number;
  /** `bytes` cut where the TCP segments were, retransmitted bytes removed: views of `bytes`. */
  readonly chunks: Uint8Array[];
  /** TCP option kinds seen on any segment of the direction. */
  readonly optionKinds: ReadonlySet<number>;
}

type Flow = { from: string; to: string; base: number | null; segs: TcpSegment[]; options: Set<number> };

/** Reassemble each direction in sequence-number order, dropping retransmitted and overlapping bytes. A new
 *  SYN on a 4-tuple starts a new connection. Streams come in the order their directions first appear. */
export function tcpStreams(segments: readonly TcpSegment[], keep: (s: TcpSegment) => boolean): TcpStream[] {
  const flows: Flow[] = [];
  const current = new Map<string, Flow>();
  for (const s of segments) {
    if (!keep(s)) continue;
    const key = `${s.src}>${s.dst}`;
    let f = current.get(key);
    if (!f || (s.flags & 2 && f.base !== (s.seq + 1) >>> 0 && f.segs.length > 0)) {
      f = { from: s.src, to: s.dst, base: null, segs: [], options: new Set() };
      flows.push(f);
      current.set(key, f);
    }
    if (s.flags & 2) f.base = (s.seq + 1) >>> 0;
    for (const k of s.options) f.options.add(k);
    if (s.payload.length > 0) f.segs.push(s);
  }
  const out: TcpStream[] = [];
  for (const f of flows) {
    if (f.segs.length === 0) continue;
    // Signed distances from the first byte after the SYN, else from the first byte captured.
    const at = f.segs.map((s) => ({ rel: (s.seq - (f.base ?? f.segs[0].seq)) | 0, data: s.payload }));
    at.sort((a, b) => a.rel - b.rel || b.data.length - a.data.length);
    const first = f.base === null ? at[0].rel : 0;
    for (const a of at) a.rel -= first;
    let runStart = 0;
    let pos = 0;
    let pieces: Uint8Array[] = [];
    const flush = () => {
      if (pieces.length === 0) return;
      const bytes = new Uint8Array(pos - runStart);
      const chunks: Uint8Array[] = [];
      let o = 0;
      for (const piece of pieces) {
        bytes.set(piece, o);
        chunks.push(bytes.subarray(o, o + piece.length));
        o += piece.length;
      }
      out.push({ from: f.from, to: f.to, bytes, offset: runStart, chunks, optionKinds: f.options });
      pieces = [];
    };
    for (const { rel, data } of at) {
      if (rel > pos) {
        flush();
        runStart = pos = rel;
      }
      if (rel + data.length <= pos) continue; // retransmitted
      pieces.push(data.subarray(pos - rel));
      pos = rel + data.length;
    }
    flush();
  }
  return out;
}

/** The TCP streams of a capture file where either port is one of `ports` (BGP: 179). */
export function bgpStreams(file: string, ports: readonly number[] = [179]): TcpStream[] {
  const port = (e: string) => Number(e.slice(e.lastIndexOf(":") + 1));
  const segments = tcpSegments(readPcap(new Uint8Array(readFileSync(file))));
  return tcpStreams(segments, (s) => ports.includes(port(s.src)) || ports.includes(port(s.dst)));
}
