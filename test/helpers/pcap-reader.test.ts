/** The test helper's libpcap reader and TCP reassembly, on captures built byte by byte. */
import { describe, expect, it } from "vitest";
import { dataFile } from "./data.js";
import { concat } from "./hex.js";
import { bgpStreams, readPcap, type TcpSegment, tcpSegments, tcpStreams } from "./pcap.js";

describe("pcap reader", () => {
  const text = (t: string) => new TextEncoder().encode(t);

  /** A TCP segment 40000 > 179 (checksums are not checked); `options` are raw option bytes. */
  function tcp(
    seq: number,
    data: Uint8Array,
    flags = 0x18,
    options: number[] = [],
    sport = 40000,
  ): Uint8Array {
    const h = new Uint8Array(20 + options.length);
    const v = new DataView(h.buffer);
    v.setUint16(0, sport);
    v.setUint16(2, 179);
    v.setUint32(4, seq >>> 0);
    h[12] = (h.length / 4) << 4;
    h[13] = flags;
    h.set(options, 20);
    return concat(h, data);
  }

  /** IPv4 10.0.0.1 > 10.0.0.2 with `fragment` as the flags/offset field and optional IP options. */
  function ip4(payload: Uint8Array, o: { fragment?: number; options?: number[]; proto?: number } = {}) {
    const opts = o.options ?? [];
    const h = new Uint8Array(20 + opts.length);
    const v = new DataView(h.buffer);
    h[0] = 0x40 | (h.length / 4);
    v.setUint16(2, h.length + payload.length);
    v.setUint16(6, o.fragment ?? 0);
    h[8] = 64;
    h[9] = o.proto ?? 6;
    h.set([10, 0, 0, 1, 10, 0, 0, 2], 12);
    h.set(opts, 20);
    return concat(h, payload);
  }

  /** IPv6 2001:db8::1 > 2001:db8::2 through the given extension headers ([type, bytes]). */
  function ip6(payload: Uint8Array, ext: [number, number[]][] = []) {
    const chain = ext.map(([, bytes], i) => [ext[i + 1]?.[0] ?? 6, ...bytes.slice(1)]);
    const body = concat(...chain, payload);
    const h = new Uint8Array(40);
    h[0] = 0x60;
    new DataView(h.buffer).setUint16(4, body.length);
    h[6] = ext[0]?.[0] ?? 6;
    h[7] = 64;
    h.set([0x20, 0x01, 0x0d, 0xb8], 8);
    h[23] = 1;
    h.set([0x20, 0x01, 0x0d, 0xb8], 24);
    h[39] = 2;
    return concat(h, body);
  }

  function pcapFile(linkType: number, frames: Uint8Array[], littleEndian = true, nano = false): Uint8Array {
    const out = new Uint8Array(24 + frames.reduce((n, f) => n + 16 + f.length, 0));
    const v = new DataView(out.buffer);
    v.setUint32(0, nano ? 0xa1b23c4d : 0xa1b2c3d4, littleEndian);
    v.setUint16(4, 2, littleEndian);
    v.setUint16(6, 4, littleEndian);
    v.setUint32(16, 262144, littleEndian);
    v.setUint32(20, linkType, littleEndian);
    let p = 24;
    for (const f of frames) {
      v.setUint32(p, 1_700_000_000, littleEndian);
      v.setUint32(p + 4, nano ? 250_000_000 : 250_000, littleEndian);
      v.setUint32(p + 8, f.length, littleEndian);
      v.setUint32(p + 12, f.length, littleEndian);
      out.set(f, p + 16);
      p += 16 + f.length;
    }
    return out;
  }

  const seen = (s: TcpSegment) => `${s.src} > ${s.dst} ${s.seq} ${Buffer.from(s.payload).toString()}`;
  const segmentsOf = (file: Uint8Array) => tcpSegments(readPcap(file)).map(seen);
  const V4 = "10.0.0.1:40000 > 10.0.0.2:179";
  const V6 = "[2001:db8::1]:40000 > [2001:db8::2]:179";

  it("reads both byte orders, both timestamp resolutions and every supported link layer", () => {
    const et = (ip: Uint8Array) => (ip[0] >> 4 === 4 ? [0x08, 0x00] : [0x86, 0xdd]);
    const mac = new Array<number>(12).fill(2);
    const links: [number, string, (ip: Uint8Array) => Uint8Array][] = [
      [1, "Ethernet", (ip) => concat(mac, et(ip), ip)],
      [
        1,
        "Ethernet, 802.1ad + 802.1Q",
        (ip) => concat(mac, [0x88, 0xa8, 0, 10, 0x81, 0x00, 0, 20], et(ip), ip),
      ],
      [104, "Cisco HDLC", (ip) => concat([0x0f, 0], et(ip), ip)],
      [
        104,
        "Cisco HDLC, two MPLS labels",
        (ip) => concat([0x0f, 0, 0x88, 0x47, 0, 1, 0x20, 64, 0, 2, 0x21, 64], ip),
      ],
      [113, "Linux cooked v1", (ip) => concat(new Array<number>(14).fill(0), et(ip), ip)],
      [276, "Linux cooked v2", (ip) => concat(et(ip), new Array<number>(18).fill(0), ip)],
      [0, "BSD loopback", (ip) => concat([ip[0] >> 4 === 4 ? 2 : 30, 0, 0, 0], ip)],
      [108, "OpenBSD loopback", (ip) => concat([0, 0, 0, ip[0] >> 4 === 4 ? 2 : 24], ip)],
      [101, "raw IP", (ip) => ip],
      [12, "raw IP (12)", (ip) => ip],
      [228, "IPv4", (ip) => ip],
    ];
    const packets = [ip4(tcp(1000, text("hello"))), ip6(tcp(2000, text("world")))];
    for (const [linkType, what, wrap] of links) {
      for (const littleEndian of [true, false]) {
        for (const nano of [false, true]) {
          const ips = linkType === 228 ? packets.slice(0, 1) : packets;
          const pcap = readPcap(pcapFile(linkType, ips.map(wrap), littleEndian, nano));
          expect(pcap, what).toMatchObject({ linkType, nanoseconds: nano });
          expect(pcap.records.map((r) => r.time)).toEqual(ips.map(() => 1_700_000_000.25));
          const want = [`${V4} 1000 hello`, `${V6} 2000 world`].slice(0, ips.length);
          expect(tcpSegments(pcap).map(seen), what).toEqual(want);
        }
      }
    }
    // A record cut short by the end of the file is left out; pcapng is refused.
    const file = pcapFile(101, [packets[0], packets[0]]);
    expect(readPcap(file.subarray(0, file.length - 1)).records).toHaveLength(1);
    expect(() => readPcap(Uint8Array.of(0x0a, 0x0d, 0x0d, 0x0a, 0, 0, 0, 0))).toThrow("not a pcap file");
    expect(() => tcpSegments(readPcap(pcapFile(147, [packets[0]])))).toThrow(
      "unsupported pcap link type 147",
    );
  });

  it("follows IP options and IPv6 extension headers, skips fragments, truncation and other protocols", () => {
    const t = tcp(7, text("x"));
    const hopByHop: [number, number[]] = [0, [0, 0, 1, 4, 0, 0, 0, 0]];
    const destOpts: [number, number[]] = [60, [0, 1, 1, 12, ...new Array<number>(12).fill(0)]];
    const frames = [
      ip4(t, { options: [1, 1, 1, 0] }), // NOPs and end of options: a 24-byte header
      concat(ip4(t), [0, 0, 0, 0, 0, 0]), // Ethernet padding past the IP total length
      ip4(t, { fragment: 0x2000 }), // first fragment, more to come
      ip4(t.subarray(0, 8), { fragment: 0x0003 }), // a later fragment
      ip4(t).subarray(0, 30), // cut by the snapshot length
      ip4(t, { proto: 17 }),
      ip6(t, [hopByHop, destOpts]),
      ip6(t, [[44, [0, 0, 0, 1, 0, 0, 0, 9]]]), // fragment header, more to come
      ip6(t, [[44, [0, 0, 0, 0, 0, 0, 0, 9]]]), // an atomic fragment: the whole packet
    ];
    expect(segmentsOf(pcapFile(101, frames))).toEqual([`${V4} 7 x`, `${V4} 7 x`, `${V6} 7 x`, `${V6} 7 x`]);
    // Option kinds: MSS, NOP, MD5 signature (RFC 2385), end of list.
    const md5 = [19, 18, ...new Array<number>(16).fill(0xaa)];
    const withOptions = tcp(0, text("y"), 0x18, [2, 4, 5, 0xb4, 1, ...md5, 0]);
    const [s] = tcpSegments(readPcap(pcapFile(101, [ip4(withOptions)])));
    expect(s.options).toEqual([2, 19]);
    expect(Buffer.from(s.payload).toString()).toBe("y");
  });

  it("reassembles each direction in order, dropping retransmitted and overlapping bytes", () => {
    const isn = 0xfffffffd; // the sequence numbers wrap around
    const a = (seq: number, data: string, flags = 0x18) => ip4(tcp(isn + seq, text(data), flags));
    const frames = [
      a(0, "", 0x02), // SYN
      a(1, "abc"),
      a(7, "ghi"), // ahead of "def"
      a(4, "def"),
      a(1, "abc"), // retransmitted
      a(5, "ef"), // already had
      a(8, "hijk"), // overlaps "ghi": brings "jk"
      a(21, "xyz"), // after bytes never captured
      ip4(tcp(5004, text("45"), 0x18, [], 40001)), // a connection without handshake, out of order
      ip4(tcp(5000, text("0123"), 0x18, [], 40001)),
      a(100, "", 0x02), // a new connection on the same ports
      a(101, "new"),
    ];
    const streams = tcpStreams(tcpSegments(readPcap(pcapFile(101, frames))), () => true);
    const str = (b: Uint8Array) => Buffer.from(b).toString();
    expect(
      streams.map((s) => [`${s.from} > ${s.to}`, s.offset, str(s.bytes), s.chunks.map(str).join("|")]),
    ).toEqual([
      [V4, 0, "abcdefghijk", "abc|def|ghi|jk"],
      [V4, 20, "xyz", "xyz"],
      ["10.0.0.1:40001 > 10.0.0.2:179", 0, "012345", "0123|45"],
      [V4, 0, "new", "new"],
    ]);
  });

  it("keeps only the BGP port's flows", () => {
    const file = dataFile("pcap", "bgp_withdraw.cap"); // BGP on port 1179
    expect(bgpStreams(file)).toEqual([]);
    expect(bgpStreams(file, [1179]).map((s) => s.bytes.length)).toEqual([27, 52]);
  });
});
