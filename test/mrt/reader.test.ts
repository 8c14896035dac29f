/** MRT framing, record decoding and the bgpdump text rules, on records built by hand. */
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { bgpdumpLines, formatIpv6Bgpdump } from "../../cli/mrt/bgpdump-format.js";
import { jsonLines } from "../../cli/mrt/json-format.js";
import { type MrtRecord, MrtRecordFramer } from "../../core/mrt/index.js";
import {
  encodeAnnouncements,
  encodeAttributes,
  encodeWithdrawals,
  IPV4_UNICAST,
  parseIp,
  parsePrefix,
} from "../../core/wire/index.js";
import { hex } from "../helpers/hex.js";
import { dump } from "../helpers/mrt.js";
import {
  bgp4mpMessage,
  bgp4mpState,
  cat,
  peerIndex,
  record,
  ribRecord,
  tableDumpV1,
} from "../helpers/mrt-build.js";

const tmp = mkdtempSync(join(tmpdir(), "kbgp-mrt-"));
let fileNo = 0;
function file(bytes: Uint8Array): string {
  const p = join(tmp, `f${fileNo++}.mrt`);
  writeFileSync(p, bytes);
  return p;
}
const text = async (bytes: Uint8Array) => (await dump(file(bytes), bgpdumpLines)).lines;

const OPTS = { maxLength: 4096, addPath: false };
function announce(attrs: Parameters<typeof encodeAttributes>[0], ...prefixes: string[]): Uint8Array {
  return encodeAnnouncements(
    IPV4_UNICAST,
    encodeAttributes(attrs),
    null,
    prefixes.map((p) => parsePrefix(p)!),
    OPTS,
  ).messages[0];
}

describe("MrtRecordFramer", () => {
  const stream = cat(
    bgp4mpState(100, 1, 2),
    bgp4mpState(101, 5, 6, 42),
    record(102, 13, 1, new Uint8Array(70_000)), // over 64 KiB: lengths are 32-bit
    bgp4mpState(103, 6, 1),
  );
  const collect = (chunks: Uint8Array[]) => {
    const f = new MrtRecordFramer();
    const seen: [number, number, number, number][] = [];
    const sink = (r: MrtRecord) => seen.push([r.timestamp, r.microseconds, r.type, r.body.length]);
    for (const c of chunks) expect(f.push(c, sink)).toBeNull();
    expect(f.end()).toBeNull();
    return seen;
  };
  const whole = collect([stream]);

  it("reads records, the _ET microseconds, and 32-bit lengths", () => {
    expect(whole).toEqual([
      [100, -1, 16, 20],
      [101, 42, 17, 20],
      [102, -1, 13, 70_000],
      [103, -1, 16, 20],
    ]);
  });

  it("gives the same records however the stream is split", () => {
    for (let at = 1; at < 120; at++)
      expect(collect([stream.subarray(0, at), stream.subarray(at)])).toEqual(whole);
    const mid = 12 + 20 + 16 + 20 + 12 + 35_000;
    expect(collect([stream.subarray(0, mid), stream.subarray(mid)])).toEqual(whole);
    const bytes: Uint8Array[] = [];
    for (let i = 0; i < 200; i++) bytes.push(stream.subarray(i, i + 1));
    bytes.push(stream.subarray(200));
    expect(collect(bytes)).toEqual(whole);
  });

  it("reports a record cut short at the end of input", () => {
    const f = new MrtRecordFramer();
    f.push(stream.subarray(0, 40), () => {});
    expect(f.end()).toMatch(/truncated MRT record/);
  });

  it("refuses an implausible length instead of allocating it", () => {
    const f = new MrtRecordFramer();
    expect(f.push(hex("00000001 0010 0001 7fffffff"), () => {})).toMatch(/implausible/);
  });
});

describe("bgpdump text", () => {
  it.each([
    ["00000000000000000000000000000000", "::"],
    ["00000000000000000000000000000001", "::1"],
    ["00000000000000000000000000000002", "::0.0.0.2"],
    ["00000000000000000000ffffc0000201", "::ffff:192.0.2.1"],
    ["00010000000200030004000500060007", "1::2:3:4:5:6:7"],
    ["00000001000200030004000500060000", "::1:2:3:4:5:6:0"],
    ["00010000000000020000000000030000", "1::2:0:0:3:0"],
    ["00010000000000020000000000000003", "1:0:0:2::3"],
    ["20010db8000000010000000000000000", "2001:db8:0:1::"],
    ["200107f8003000000002000100008447", "2001:7f8:30::2:1:0:8447"],
  ])("IPv6 %s → %s (bgpdump compresses even one zero group)", (bytes, want) => {
    expect(formatIpv6Bgpdump(hex(bytes))).toBe(want);
  });

  it("prints STATE lines, with microseconds padded to six digits for BGP4MP_ET", async () => {
    expect(await text(cat(bgp4mpState(7, 1, 2), bgp4mpState(8, 5, 6, 42)))).toEqual([
      "BGP4MP|7|STATE|10.0.0.1|65001|1|2",
      "BGP4MP_ET|8.000042|STATE|10.0.0.1|65001|5|6",
    ]);
  });

  it("prints withdrawals, then announcements, with bgpdump's field rules", async () => {
    const a = announce(
      {
        origin: 2,
        asPath: [
          { type: 2, asns: [65001, 4200000000] },
          { type: 1, asns: [1, 2] },
        ],
        nextHop: "198.18.0.1",
        med: 5,
        localPref: 200,
        atomicAggregate: true,
        aggregator: { asn: 65001, address: "198.18.0.9" },
        communities: [0xffffff01, 0xffffff02, 0xffffff03, 0xffffff04, 0xfde80064],
        largeCommunities: [[1, 2, 3]],
      },
      "10.0.0.0/8",
      "192.168.1.0/24",
    );
    const w = encodeWithdrawals(IPV4_UNICAST, [parsePrefix("172.16.0.0/12")!], OPTS)[0];
    const lines = await text(
      cat(bgp4mpMessage({ ts: 9, message: w }), bgp4mpMessage({ ts: 10, message: a })),
    );
    const attrs =
      "65001 4200000000 {1,2}|INCOMPLETE|198.18.0.1|200|5|no-export no-advertise local-AS 65535:65284 65000:100|AG|65001 198.18.0.9|";
    expect(lines).toEqual([
      "BGP4MP|9|W|10.0.0.1|65001|172.16.0.0/12",
      `BGP4MP|10|A|10.0.0.1|65001|10.0.0.0/8|${attrs}`,
      `BGP4MP|10|A|10.0.0.1|65001|192.168.1.0/24|${attrs}`,
    ]);
  });

  it("prints defaults for absent attributes: INCOMPLETE, 255.255.255.255, 0", async () => {
    const lines = await text(
      cat(
        peerIndex(1, [{ ip: "192.0.2.7", asn: 64500 }]),
        ribRecord(1, "10.1.0.0", 16, [{ peer: 0, attrs: new Uint8Array(0) }]),
      ),
    );
    expect(lines).toEqual([
      "TABLE_DUMP2|1|B|192.0.2.7|64500|10.1.0.0/16||INCOMPLETE|255.255.255.255|0|0||NAG||",
    ]);
  });

  it("merges AS4_PATH into a 2-octet AS_PATH (RFC 6793 §4.2.3) for TABLE_DUMP v1 records", async () => {
    const attrs = hex(
      "40010100 40020a 0204 fde9 5ba0 5ba0 012c 40030404040404 c0110e 0203 00061a80 0007a120 0000012c",
    );
    expect(await text(tableDumpV1(3, "10.2.0.0", 16, "192.0.2.1", 65001, attrs))).toEqual([
      "TABLE_DUMP|3|B|192.0.2.1|65001|10.2.0.0/16|65001 400000 500000 300|IGP|4.4.4.4|0|0||NAG||",
    ]);
  });

  it("takes the next hop of an IPv6 RIB entry from its abbreviated MP_REACH_NLRI (RFC 6396 §4.3.4)", async () => {
    const nh = parseIp("2001:db8::1")!;
    const attrs = cat(hex("40010100 400200 800e11 10"), nh);
    const lines = await text(
      cat(
        peerIndex(1, [{ ip: "192.0.2.7", asn: 64500 }]),
        ribRecord(1, "2001:db8:1::", 48, [{ peer: 0, attrs }]),
      ),
    );
    expect(lines).toEqual(["TABLE_DUMP2|1|B|192.0.2.7|64500|2001:db8:1::/48||IGP|2001:db8::1|0|0||NAG||"]);
  });
});

describe("reading files", () => {
  const records = cat(bgp4mpState(1, 1, 2), bgp4mpState(2, 2, 3));
  const want = ["BGP4MP|1|STATE|10.0.0.1|65001|1|2", "BGP4MP|2|STATE|10.0.0.1|65001|2|3"];

  it("reads plain, gzip and bzip2 input alike", async () => {
    expect(await text(records)).toEqual(want);
    expect(await text(gzipSync(records))).toEqual(want);
    expect(await text(cat(gzipSync(records.subarray(0, 24)), gzipSync(records.subarray(24))))).toEqual(want);
    const bz = execFileSync("bzip2", ["-c"], { input: records });
    expect(bz.subarray(0, 3).toString()).toBe("BZh");
    expect(await text(bz)).toEqual(want);
  });

  it("keeps what it read before a truncated record, and says so", async () => {
    const r = await dump(file(records.subarray(0, 40)), bgpdumpLines);
    expect(r.lines).toEqual(want.slice(0, 1));
    expect(r.error).toMatch(/truncated MRT record/);
  });

  it("says which file it cannot read", async () => {
    const r = await dump(join(tmp, "missing.mrt"), bgpdumpLines);
    expect(r.error).toMatch(/cannot read .*missing\.mrt: ENOENT/);
  });
});

describe("JSON", () => {
  it("prints one object per route with named attributes and RFC 5952 addresses", async () => {
    const a = announce(
      {
        origin: 0,
        asPath: [{ type: 2, asns: [65001] }],
        nextHop: "198.18.0.1",
        communities: [0xffffff01],
        largeCommunities: [[1, 2, 3]],
      },
      "10.0.0.0/8",
    );
    const { lines } = await dump(
      file(cat(bgp4mpMessage({ ts: 5, message: a, usec: 7, peer: "2001:db8:0:1::1", local: "2001:db8::2" }))),
      jsonLines,
    );
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      {
        kbgpJson: 1,
        time: 5,
        microseconds: 7,
        type: "BGP4MP_ET",
        event: "announce",
        peer: "2001:db8:0:1::1",
        peerAs: 65001,
        prefix: "10.0.0.0/8",
        asPath: "65001",
        origin: "igp",
        nextHop: "198.18.0.1",
        communities: ["no-export"],
        largeCommunities: ["1:2:3"],
      },
    ]);
  });
});
