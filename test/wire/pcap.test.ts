/**
 * Real BGP sessions from packet captures (the shared data folder's pcap/, read in place): every TCP stream
 * is cut into messages by `MessageFramer`, pushed segment by segment as it was received and again in fixed
 * chunk sizes, and each message is decoded with the context its session negotiated. Every capture must
 * frame cleanly, decode without error and without RFC 7606 problems, and hold exactly what it is known to.
 * The reader itself (`test/helpers/pcap.ts`) is checked on synthetic files at the end.
 */
import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  AddPathMode,
  type Capability,
  type CodecContext,
  codecContext,
  decodeMessage,
  decodeOpen,
  endOfRibFamily,
  familyKey,
  findCapability,
  formatAsPath,
  formatIp,
  formatPrefix,
  IPV4_UNICAST,
  IPV6_UNICAST,
  type Message,
  MessageFramer,
  MessageType,
  type Negotiated,
  type NlriList,
  type NotificationMessage,
  negotiate,
  nlriPrefixes,
  notificationName,
  type OpenMessage,
  ORIGIN_NAMES,
  openAsn,
  type RouteRefreshMessage,
  SegmentType,
  UpdateAction,
  type UpdateMessage,
} from "../../core/wire/index.js";
import { dataFile } from "../helpers/data.js";
import { bgpStreams, type TcpStream } from "../helpers/pcap.js";

/** Three captures (a test harness on 127.0.0.x) run BGP on port 1179. */
const PORTS = [179, 1179];

interface Framed {
  readonly type: number;
  readonly body: Uint8Array;
}

/** Cut a stream into messages, pushing the given chunks; fails on a framing error or a message left
 *  incomplete at the end. */
function frame(chunks: readonly Uint8Array[], maxLength: number, where: string): Framed[] {
  const framer = new MessageFramer();
  framer.maxLength = maxLength;
  const out: Framed[] = [];
  for (const c of chunks) {
    const err = framer.push(c, (type, body) => out.push({ type, body: body.slice() }));
    expect(err, `${where}: framing error`).toBeNull();
  }
  expect(framer.buffered, `${where}: incomplete message at the end`).toBe(0);
  return out;
}

function fixedChunks(b: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < b.length; i += size) out.push(b.subarray(i, i + size));
  return out;
}

/** The OPEN a direction starts with, if the capture has it. */
function leadingOpen(s: TcpStream | undefined): OpenMessage | null {
  if (s?.offset !== 0 || s.bytes.length < 19 || s.bytes[18] !== MessageType.OPEN) return null;
  const r = decodeOpen(s.bytes.subarray(19, (s.bytes[16] << 8) | s.bytes[17]));
  return r.ok ? r.value : null;
}

interface Direction {
  readonly from: string;
  readonly to: string;
  /** Several when the capture missed bytes in between. */
  readonly streams: TcpStream[];
  /** The session as the receiver of this direction negotiated it; null unless both OPENs were captured. */
  readonly negotiated: Negotiated | null;
  readonly context: CodecContext;
  readonly messages: Message[];
}

/**
 * Decode a capture, one entry per direction in order of appearance. Where both OPENs of a connection are
 * in the capture, a direction is decoded with `negotiate(receiver's OPEN, sender's OPEN, ebgp).receive`;
 * otherwise with `context` (default `codecContext()`). Unless `lenient`, every UPDATE must be clean.
 */
function load(name: string, opts: { context?: CodecContext; lenient?: boolean } = {}): Direction[] {
  const streams = bgpStreams(dataFile("pcap", name), PORTS);
  expect(streams.length, `${name}: BGP streams`).toBeGreaterThan(0);
  const byKey = new Map<string, TcpStream[]>();
  for (const s of streams) byKey.set(`${s.from}>${s.to}`, [...(byKey.get(`${s.from}>${s.to}`) ?? []), s]);
  return [...byKey.values()].map((group) => {
    const { from, to } = group[0];
    const mine = leadingOpen(group[0]);
    const theirs = leadingOpen(byKey.get(`${to}>${from}`)?.[0]);
    const negotiated = mine && theirs ? negotiate(theirs, mine, openAsn(mine) !== openAsn(theirs)) : null;
    const context = negotiated?.receive ?? opts.context ?? codecContext();
    const decodeOpts = { enhancedRouteRefresh: negotiated?.enhancedRouteRefresh ?? false };
    const max = negotiated?.maxReceiveLength ?? 4096;
    const messages: Message[] = [];
    for (const s of group) {
      const where = `${name} ${from} > ${to} @${s.offset}`;
      const framed = frame(s.chunks, max, where);
      // The same messages whatever the reads: byte by byte, an odd size, 1,000 bytes.
      for (const size of [1, 7, 1000]) expect(frame(fixedChunks(s.bytes, size), max, where)).toEqual(framed);
      for (const f of framed) {
        const r = decodeMessage(f.type, f.body, context, decodeOpts);
        if (!r.ok) throw new Error(`${where}: ${r.error.reason} (${r.error.code}/${r.error.subcode})`);
        if (r.value.type === MessageType.UPDATE && !opts.lenient) {
          expect(
            r.value.problems.map((p) => p.error.reason),
            where,
          ).toEqual([]);
        }
        messages.push(r.value);
      }
    }
    return { from, to, streams: group, negotiated, context, messages };
  });
}

const flows = (ds: Direction[]) => ds.map((d) => `${d.from} > ${d.to}`);
const LETTER = ["?", "O", "U", "N", "K", "R"];
/** Message types in order: O(PEN) U(PDATE) N(OTIFICATION) K(EEPALIVE) R(OUTE-REFRESH). */
const types = (ds: Direction[]) => ds.map((d) => d.messages.map((m) => LETTER[m.type]).join(""));

const ofType =
  <T extends Message>(type: number) =>
  (d: Direction): T[] =>
    d.messages.filter((m): m is T => m.type === type);
const opens = ofType<OpenMessage>(MessageType.OPEN);
const updates = ofType<UpdateMessage>(MessageType.UPDATE);
const notifications = ofType<NotificationMessage>(MessageType.NOTIFICATION);
const refreshes = ofType<RouteRefreshMessage>(MessageType.ROUTE_REFRESH);

const capName = (c: Capability) => (c.kind === "unknown" ? `unknown-${c.code}` : c.kind);
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const ipv4 = (n: number) => formatIp(Uint8Array.of(n >>> 24, n >>> 16, n >>> 8, n));

const prefixes = (l: NlriList | null) =>
  l ? nlriPrefixes(l).map((p) => formatPrefix(p) + (p.pathId === undefined ? "" : `#${p.pathId}`)) : [];

function nextHop(b: Uint8Array): string {
  if (b.length === 4 || b.length === 16) return formatIp(b);
  if (b.length === 32) return `${formatIp(b.subarray(0, 16))},${formatIp(b.subarray(16))}`;
  return hex(b);
}

/** One line per UPDATE: withdrawn (-), announced (+), MP_UNREACH/MP_REACH (opaque families in hex), then
 *  the attributes. */
function describeUpdate(u: UpdateMessage): string {
  const parts: string[] = [];
  for (const p of prefixes(u.withdrawn)) parts.push(`-${p}`);
  for (const p of prefixes(u.nlri)) parts.push(`+${p}`);
  if (u.mpUnreach) {
    const l = u.mpUnreach;
    const what = l.bytes.length === 0 ? "end-of-rib" : l.count < 0 ? hex(l.bytes) : prefixes(l).join(" ");
    parts.push(`unreach ${l.afi}/${l.safi} ${what}`);
  }
  if (u.mpReach) {
    const l = u.mpReach.nlri;
    const what = l.count < 0 ? `opaque ${hex(l.bytes)}` : prefixes(l).join(" ");
    parts.push(`reach ${l.afi}/${l.safi} nh=${nextHop(u.mpReach.nextHop)} ${what}`);
  }
  const a = u.attrs?.decoded();
  if (a) {
    if (a.origin !== undefined) parts.push(ORIGIN_NAMES[a.origin]);
    if (a.asPath) parts.push(`[${formatAsPath(a.asPath)}]`);
    if (a.nextHop) parts.push(`nh=${a.nextHop}`);
    if (a.med !== undefined) parts.push(`med=${a.med}`);
    if (a.localPref !== undefined) parts.push(`lp=${a.localPref}`);
    if (a.atomicAggregate) parts.push("atomic-aggregate");
    if (a.aggregator) parts.push(`aggregator=${a.aggregator.asn}:${a.aggregator.address}`);
    if (a.communities) parts.push(`communities=${a.communities.join(",")}`);
    if (a.originatorId) parts.push(`originator=${a.originatorId}`);
    if (a.clusterList) parts.push(`clusters=${a.clusterList.join(",")}`);
    if (a.extCommunities) parts.push(`ext=${a.extCommunities.map(hex).join(",")}`);
    for (const x of a.unknown ?? []) parts.push(`attr${x.type}=${hex(x.value)}`);
  }
  return parts.join(" ");
}

const described = (ds: Direction[]) => ds.map((d) => updates(d).map(describeUpdate));

/** RFC 8277 / RFC 4364 NLRI, which the codec keeps opaque: label stack, optional route distinguisher
 *  (type 0 only), prefix. One entry only. */
function labeledRoute(b: Uint8Array, afi: number, rd: boolean): string {
  let bits = b[0];
  let p = 1;
  const labels: number[] = [];
  for (let bottom = false; !bottom; p += 3, bits -= 24) {
    labels.push((b[p] << 12) | (b[p + 1] << 4) | (b[p + 2] >> 4));
    bottom = (b[p + 2] & 1) === 1;
  }
  let text = `labels=${labels.join(",")}`;
  if (rd) {
    const view = new DataView(b.buffer, b.byteOffset + p);
    text += ` rd=${view.getUint16(2)}:${view.getUint32(4)}`;
    p += 8;
    bits -= 64;
  }
  const addr = new Uint8Array(afi === 1 ? 4 : 16);
  addr.set(b.subarray(p, p + ((bits + 7) >> 3)));
  expect(p + ((bits + 7) >> 3)).toBe(b.length);
  return `${text} ${formatIp(addr)}/${bits}`;
}

const CAPTURES: string[] = [];
/** A test per capture; the list is checked against the folder so that a new capture cannot go unnoticed. */
function capture(name: string, what: string, body: () => void): void {
  CAPTURES.push(name);
  it(`${name}: ${what}`, body);
}

describe("BGP packet captures", () => {
  it("has a test for every capture in the folder", () => {
    expect(readdirSync(dataFile("pcap")).sort()).toEqual([...CAPTURES].sort());
  });

  capture("16-bit-asn.cap", "iBGP session between 2-octet AS speakers", () => {
    // The same bytes as IBGP_adjacency.cap.
    const ds = load("16-bit-asn.cap");
    expect(flows(ds)).toEqual(["4.4.4.4:11965 > 3.3.3.3:179", "3.3.3.3:179 > 4.4.4.4:11965"]);
    expect(types(ds)).toEqual(["OKUUUUUUUKKK", "OKUUUUUUKKUK"]);
    for (const d of ds) {
      const [open] = opens(d);
      expect(open.myAs).toBe(65300);
      expect(findCapability(open.capabilities, "four-octet-as")).toBeUndefined();
      expect(d.negotiated).toMatchObject({ peerAsn: 65300, as4: false, holdTime: 180, routeRefresh: true });
      expect(d.context).toMatchObject({ as4: false, ebgp: false });
    }
    expect(opens(ds[0])[0].capabilities.map(capName)).toEqual([
      "multiprotocol",
      "route-refresh-cisco",
      "route-refresh",
    ]);
    expect(described(ds)).toEqual([
      [
        "+172.16.0.12/30 +172.16.0.8/30 incomplete [] nh=4.4.4.4 med=0 lp=100",
        "+10.30.3.0/24 +10.30.2.0/24 +10.30.1.0/24 igp [] nh=4.4.4.4 med=0 lp=100",
        "+172.16.0.4/30 incomplete [65200 65100] nh=2.2.2.2 med=0 lp=100",
        "+10.10.3.0/24 +10.10.2.0/24 +10.10.1.0/24 igp [65200 65100] nh=2.2.2.2 med=0 lp=100",
        "+10.20.1.0/24 +10.20.2.0/24 +10.20.3.0/24 igp [65200] nh=2.2.2.2 med=0 lp=100",
        "+172.16.0.0/30 incomplete [65200] nh=2.2.2.2 med=0 lp=100",
        "-172.16.0.4/30",
      ],
      [
        "+10.30.3.0/24 +10.30.2.0/24 +10.30.1.0/24 igp [] nh=3.3.3.3 med=0 lp=100",
        "+172.16.0.12/30 +172.16.0.4/30 incomplete [] nh=3.3.3.3 med=0 lp=100",
        "+172.16.0.8/30 incomplete [65100 65200] nh=1.1.1.1 med=0 lp=100",
        "+10.20.3.0/24 +10.20.2.0/24 +10.20.1.0/24 igp [65100 65200] nh=1.1.1.1 med=0 lp=100",
        "+10.10.3.0/24 +10.10.2.0/24 +10.10.1.0/24 igp [65100] nh=1.1.1.1 med=0 lp=100",
        "+172.16.0.0/30 incomplete [65100] nh=1.1.1.1 med=0 lp=100",
        "-172.16.0.8/30",
      ],
    ]);
  });

  capture("IBGP_adjacency.cap", "the same session as 16-bit-asn.cap", () => {
    const ds = load("IBGP_adjacency.cap");
    const same = load("16-bit-asn.cap");
    expect(flows(ds)).toEqual(flows(same));
    expect(ds.map((d) => d.messages)).toEqual(same.map((d) => d.messages));
  });

  capture("4-byte_AS_numbers_Full_Support.cap", "eBGP between two 4-octet AS speakers", () => {
    const ds = load("4-byte_AS_numbers_Full_Support.cap");
    expect(flows(ds)).toEqual([
      "172.16.1.1:179 > 172.16.1.2:21468", // another connection: one KEEPALIVE captured
      "172.16.1.2:15098 > 172.16.1.1:179",
      "172.16.1.1:179 > 172.16.1.2:15098",
    ]);
    expect(types(ds)).toEqual(["K", "OKKUUUUU", "OKUUUUK"]);
    const [, a, b] = ds;
    for (const [d, asn, id] of [
      [a, 2621441, "40.0.0.1"], // AS 40.1
      [b, 655361, "10.0.0.1"], // AS 10.1
    ] as const) {
      const [open] = opens(d);
      expect(open.myAs).toBe(23456); // AS_TRANS
      expect(ipv4(open.bgpId)).toBe(id);
      expect(findCapability(open.capabilities, "four-octet-as")).toEqual({ kind: "four-octet-as", asn });
      expect(open.capabilities.map(capName)).toEqual([
        "multiprotocol",
        "route-refresh-cisco",
        "route-refresh",
        "unknown-131",
        "four-octet-as",
      ]);
    }
    expect(a.negotiated).toMatchObject({ peerAsn: 2621441, as4: true });
    expect(b.negotiated).toMatchObject({ peerAsn: 655361, as4: true });
    expect(a.context).toMatchObject({ as4: true, ebgp: true });
    expect(described(ds)).toEqual([
      [],
      [
        "+10.0.0.0/8 igp [2621441 655361] nh=172.16.1.2",
        "+20.0.0.0/8 igp [2621441 2] nh=172.16.1.2",
        "+30.0.0.0/8 igp [2621441 2 3] nh=172.16.1.2",
        "+40.0.0.0/8 igp [2621441] nh=172.16.1.2 med=0",
        "",
      ],
      [
        "+30.0.0.0/8 igp [655361 2 3] nh=172.16.1.1",
        "+20.0.0.0/8 igp [655361 2] nh=172.16.1.1",
        "+10.0.0.0/8 igp [655361] nh=172.16.1.1 med=0",
        "",
      ],
    ]);
    // Both directions end their initial table with the IPv4 End-of-RIB.
    expect(endOfRibFamily(updates(a)[4])).toBe(IPV4_UNICAST);
    expect(endOfRibFamily(updates(b)[3])).toBe(IPV4_UNICAST);
  });

  capture("4-byte_AS_numbers_Mixed_Scenario.cap", "a 2-octet session carrying AS4_PATH", () => {
    // No OPEN in the capture. AS4_PATH only travels on sessions without the four-octet AS capability
    // (RFC 6793 §4.2.2), which is what the AS_PATH bytes say too: [2 23456] is 2-octet, malformed if read
    // as 4-octet. With the default (4-octet) context the routes become treat-as-withdraw.
    const wrong = load("4-byte_AS_numbers_Mixed_Scenario.cap", { lenient: true });
    expect(wrong.flatMap(updates).map((u) => u.action)).toEqual([
      UpdateAction.TREAT_AS_WITHDRAW,
      UpdateAction.TREAT_AS_WITHDRAW,
    ]);
    const ds = load("4-byte_AS_numbers_Mixed_Scenario.cap", {
      context: codecContext({ as4: false, ebgp: true }),
    });
    expect(flows(ds)).toEqual(["172.16.3.2:179 > 172.16.3.1:20029", "172.16.3.1:20029 > 172.16.3.2:179"]);
    expect(types(ds)).toEqual(["KUK", "U"]);
    // RFC 6793 §4.2.3: AS_PATH [2 23456] + AS4_PATH [40.1] is [2 40.1]; AS_PATH [23456 23456] + AS4_PATH
    // [10.1 40.1] is [10.1 40.1]. ASNs above 65535 only reach us through AS4_PATH.
    expect(described(ds)).toEqual([
      ["+40.0.0.0/8 igp [2 2621441] nh=172.16.3.2"],
      ["+40.0.0.0/8 igp [655361 2621441] nh=172.16.3.1"],
    ]);
    expect(updates(ds[1])[0].attrs!.asPathLength).toBe(2);
  });

  capture("BGP_AS_set.cap", "an aggregate whose AS_PATH ends in an AS_SET", () => {
    const ds = load("BGP_AS_set.cap");
    expect(flows(ds)).toEqual([
      "10.0.0.10:179 > 10.0.0.9:14262", // an earlier connection closing; two SYNs refused in between
      "10.0.0.9:15247 > 10.0.0.10:179",
      "10.0.0.10:179 > 10.0.0.9:15247",
    ]);
    expect(types(ds)).toEqual(["K", "OKUKK", "OKKK"]);
    expect(opens(ds[1])[0]).toMatchObject({ myAs: 30, holdTime: 180 });
    expect(opens(ds[2])[0]).toMatchObject({ myAs: 40, holdTime: 180 });
    expect(ds[1].context).toMatchObject({ as4: false, ebgp: true });
    const [u] = updates(ds[1]);
    expect(describeUpdate(u)).toBe(
      "+172.16.0.0/21 incomplete [30 {10,20}] nh=10.0.0.9 med=0 aggregator=30:10.0.0.9",
    );
    expect(u.attrs!.decoded().asPath).toEqual([
      { type: SegmentType.AS_SEQUENCE, asns: [30] },
      { type: SegmentType.AS_SET, asns: [10, 20] },
    ]);
    expect(u.attrs!.asPathLength).toBe(2); // an AS_SET counts as one
  });

  capture("BGP_MD5.cap", "a session protected by TCP MD5 signatures", () => {
    const ds = load("BGP_MD5.cap");
    expect(flows(ds)).toEqual([
      "192.168.100.1:25820 > 192.168.100.2:179",
      "192.168.100.2:179 > 192.168.100.1:25820",
    ]);
    expect(types(ds)).toEqual(["OKKKK", "OKKKK"]);
    for (const d of ds) expect(d.streams[0].optionKinds.has(19)).toBe(true); // RFC 2385 option
    expect(opens(ds[0])[0]).toMatchObject({ myAs: 65100, bgpId: 0x0a000001 });
    expect(opens(ds[1])[0]).toMatchObject({ myAs: 65200, bgpId: 0x0a000002 });
    expect(ds[0].negotiated).toMatchObject({ peerAsn: 65100, as4: false, families: [IPV4_UNICAST] });
  });

  capture("BGP_MP_NLRI.cap", "IPv6 routes in MP_REACH_NLRI over an IPv6 session, IPv4 over IPv4", () => {
    const ds = load("BGP_MP_NLRI.cap");
    expect(flows(ds)).toEqual([
      "[2001:db8::1]:42037 > [2001:db8::2]:179",
      "[2001:db8::2]:179 > [2001:db8::1]:42037",
      "10.0.0.1:15110 > 10.0.0.2:179",
      "10.0.0.2:179 > 10.0.0.1:15110",
    ]);
    expect(types(ds)).toEqual(["OKKKUK", "OKUKKK", "OKKKUK", "OKUKKK"]);
    expect(ds[0].negotiated).toMatchObject({ peerAsn: 65001, families: [IPV6_UNICAST], as4: false });
    expect(ds[2].negotiated).toMatchObject({ peerAsn: 65001, families: [IPV4_UNICAST] });
    // The IPv4 session is MD5-signed, the IPv6 one is not.
    expect(ds.map((d) => d.streams[0].optionKinds.has(19))).toEqual([false, false, true, true]);
    expect(described(ds)).toEqual([
      [
        "reach 2/1 nh=2001:db8::1,fe80::c001:bff:fe7e:0 2001:db8:1:2::/64 2001:db8:1:1::/64 2001:db8:1::/64 igp [65001] med=0",
      ],
      [
        "reach 2/1 nh=2001:db8::2,fe80::c002:bff:fe7e:0 2001:db8:2:2::/64 2001:db8:2:1::/64 2001:db8:2::/64 igp [65002] med=0",
      ],
      ["+172.16.2.0/24 +172.16.1.0/24 +172.16.0.0/24 igp [65001] nh=10.0.0.1 med=0"],
      ["+172.17.2.0/24 +172.17.1.0/24 +172.17.0.0/24 igp [65002] nh=10.0.0.2 med=0"],
    ]);
    // Global and link-local next hop (RFC 2545 §3); no IPv4 NEXT_HOP attribute.
    const [u] = updates(ds[0]);
    expect(u.mpReach!.nextHop.length).toBe(32);
    expect(u.mpReach!.nlri.count).toBe(3);
    expect(u.nlri).toBeNull();
    expect(u.attrs!.nextHop).toBe(-1);
  });

  capture("BGP_flowspec_dscp.cap", "one IPv6 flowspec rule matching DSCP values", () => {
    const ds = load("BGP_flowspec_dscp.cap");
    expect(flows(ds)).toEqual(["30.0.0.3:15334 > 30.0.0.4:179"]);
    expect(types(ds)).toEqual(["U"]);
    // NLRI: length 9, DSCP (type 11) = 46 | 12 | 24 | 0. No next hop (RFC 8955 §4).
    expect(described(ds)).toEqual([["reach 2/133 nh= opaque 090b012e010c01188100 igp [] lp=100"]]);
    expect(updates(ds[0])[0].mpReach!.nlri.count).toBe(-1);
  });

  capture(
    "BGP_flowspec_redirect.cap",
    "IPv6 unicast and IPv6 flowspec with redirect, extended messages",
    () => {
      const ds = load("BGP_flowspec_redirect.cap");
      expect(flows(ds)).toEqual([
        "[3001:2:e10a::10]:41309 > [3001:2:e10a::2]:179",
        "[3001:2:e10a::2]:179 > [3001:2:e10a::10]:41309",
      ]);
      expect(types(ds)).toEqual(["OKUUUUUUK", "OKK"]);
      const [a, b] = ds.map((d) => opens(d)[0]);
      expect(a.capabilities.map(capName)).toEqual([
        "multiprotocol",
        "multiprotocol",
        "multiprotocol",
        "multiprotocol",
        "four-octet-as",
        "extended-message",
      ]);
      expect(openAsn(a)).toBe(65010);
      expect(b.capabilities.map(capName)).toEqual([
        "multiprotocol",
        "multiprotocol",
        "route-refresh-cisco",
        "route-refresh",
        "graceful-restart",
        "four-octet-as",
        "long-lived-graceful-restart",
      ]);
      expect(findCapability(b.capabilities, "graceful-restart")).toEqual({
        kind: "graceful-restart",
        restartState: false,
        notification: true,
        restartTime: 120,
        families: [],
      });
      expect(b).toMatchObject({ myAs: 65000, holdTime: 90 });
      // Only the sender of the UPDATEs advertised Extended Messages, so its peer still accepts 4096 bytes.
      expect(ds[0].negotiated).toMatchObject({
        peerAsn: 65010,
        as4: true,
        holdTime: 90,
        families: [IPV6_UNICAST, familyKey(2, 133)],
        maxReceiveLength: 4096,
        maxSendLength: 65535,
      });
      expect(ds[0].context).toMatchObject({ as4: true, ebgp: true, extendedMessage: false });
      // Flowspec NLRI (RFC 8956): destination 3001:99:b::10/128, source 3001:99:a::10/128 (types 1 and 2,
      // offset 0); the second rule 3001:4:b::10/128 from 3001:1:a::10/128.
      // Extended community 8008 0006 0000012e: redirect to route target 6:302 (RFC 8955 §7.4).
      expect(described(ds)[0]).toEqual([
        "reach 2/1 nh=3001:2:e10a::10 3001:99:a::/64 igp [65010]",
        "reach 2/1 nh=3001:2:e10a::10 3001:99:b::/64 igp [65010]",
        "reach 2/133 nh= opaque 2601800030010099000b0000000000000000001002800030010099000a00000000000000000010 igp [65010] ext=800800060000012e",
        "unreach 2/1 end-of-rib",
        "unreach 2/133 end-of-rib",
        "reach 2/133 nh= opaque 2601800030010004000b0000000000000000001002800030010001000a00000000000000000010 igp [65010] ext=800800060000012e",
      ]);
      const us = updates(ds[0]);
      expect(us.map(endOfRibFamily)).toEqual([-1, -1, -1, IPV6_UNICAST, familyKey(2, 133), -1]);
      expect(us[2].mpReach!.nlri).toMatchObject({ afi: 2, safi: 133, count: -1 });
      expect(us[2].mpReach!.nextHop.length).toBe(0);
    },
  );

  capture("BGP_flowspec_v4.cap", "one IPv4 flowspec rule (port 1179, BSD loopback)", () => {
    const ds = load("BGP_flowspec_v4.cap");
    expect(flows(ds)).toEqual(["127.0.0.2:57270 > 127.0.0.1:1179"]);
    expect(types(ds)).toEqual(["U"]);
    // NLRI (37 bytes): destination 192.168.0.1/32, source 10.0.0.9/32, protocol 17 | 6, port 80 | 8080,
    // destination port >8080 & <8088 | 3128, source port >1024. Extended community: traffic-rate 0.
    expect(described(ds)).toEqual([
      [
        "reach 1/133 nh= opaque 250120c0a8000102200a0000090301118106040150911f9005121f90541f98910c3806920400 igp [] lp=100 ext=8006000000000000",
      ],
    ]);
    expect(updates(ds[0])[0].mpReach!.nlri.count).toBe(-1);
  });

  capture("BGP_flowspec_v6.cap", "IPv6 flowspec rule, then its End-of-RIB (one direction only)", () => {
    const ds = load("BGP_flowspec_v6.cap");
    expect(flows(ds)).toEqual(["30.0.0.7:59181 > 30.0.0.5:179"]);
    expect(types(ds)).toEqual(["OKUU"]);
    const [open] = opens(ds[0]);
    expect(open).toMatchObject({ myAs: 13879, holdTime: 180 });
    expect(open.capabilities).toEqual([
      { kind: "multiprotocol", afi: 2, safi: 133 },
      { kind: "four-octet-as", asn: 13879 },
    ]);
    expect(ds[0].negotiated).toBeNull(); // the peer's OPEN is not in the capture
    // NLRI: destination 2100::/16 (type 1, length 16, offset 0). Extended community: traffic-rate 0.
    expect(described(ds)).toEqual([
      ["reach 2/133 nh= opaque 050110002100 igp [] lp=100 ext=8006000000000000", "unreach 2/133 end-of-rib"],
    ]);
    expect(endOfRibFamily(updates(ds[0])[1])).toBe(familyKey(2, 133));
  });

  capture("BGP_hard_reset.cap", "a session torn down without NOTIFICATION and established again", () => {
    // The old connection closes with a TCP FIN after two KEEPALIVEs: there is no NOTIFICATION and no
    // ROUTE-REFRESH in this capture. One SYN is refused (RST) before the new connection comes up.
    const ds = load("BGP_hard_reset.cap");
    expect(flows(ds)).toEqual([
      "1.1.1.1:46612 > 2.2.2.2:179",
      "2.2.2.2:179 > 1.1.1.1:46612",
      "1.1.1.1:19252 > 2.2.2.2:179",
      "2.2.2.2:179 > 1.1.1.1:19252",
    ]);
    expect(types(ds)).toEqual(["KK", "KK", "OKKUUUUUUKK", "OKKUUUUUUKK"]);
    expect(ds.flatMap(notifications)).toEqual([]);
    expect(ds[2].negotiated).toMatchObject({ peerAsn: 65100, peerBgpId: 0x0a0a0301, as4: false });
    expect(ds[3].negotiated).toMatchObject({ peerAsn: 65200, peerBgpId: 0x0a140301, as4: false });
    expect(described(ds).slice(2)).toEqual([
      [
        "+10.10.3.0/24 +10.10.2.0/24 +10.10.1.0/24 igp [65100] nh=1.1.1.1 med=0",
        "+172.16.0.0/30 +172.16.0.4/30 incomplete [65100] nh=1.1.1.1 med=0",
        "+10.30.1.0/24 +10.30.2.0/24 +10.30.3.0/24 igp [65100 65300] nh=1.1.1.1",
        "+172.16.0.8/30 incomplete [65100 65300] nh=1.1.1.1",
        "+172.16.0.12/30 incomplete [65100 65300] nh=1.1.1.1",
        "+10.20.1.0/24 +10.20.2.0/24 +10.20.3.0/24 igp [65100 65200] nh=1.1.1.1",
      ],
      [
        "+10.20.3.0/24 +10.20.2.0/24 +10.20.1.0/24 igp [65200] nh=2.2.2.2 med=0",
        "+172.16.0.0/30 +172.16.0.8/30 incomplete [65200] nh=2.2.2.2 med=0",
        "+10.30.1.0/24 +10.30.2.0/24 +10.30.3.0/24 igp [65200 65300] nh=2.2.2.2",
        "+172.16.0.12/30 incomplete [65200 65300] nh=2.2.2.2",
        "+172.16.0.4/30 incomplete [65200 65300] nh=2.2.2.2",
        "+10.10.1.0/24 +10.10.2.0/24 +10.10.3.0/24 igp [65200 65100] nh=2.2.2.2",
      ],
    ]);
  });

  capture("BGP_notification.cap", "an OPEN refused with Bad Peer AS", () => {
    const ds = load("BGP_notification.cap");
    expect(flows(ds)).toEqual(["2.2.2.2:12732 > 1.1.1.1:179", "1.1.1.1:179 > 2.2.2.2:12732"]);
    expect(types(ds)).toEqual(["O", "N"]);
    expect(opens(ds[0])[0]).toMatchObject({ myAs: 65200, bgpId: 0x0a140301 });
    const [n] = notifications(ds[1]);
    expect(n).toEqual({
      type: MessageType.NOTIFICATION,
      code: 2,
      subcode: 2,
      data: Uint8Array.of(0xfe, 0xb0),
    });
    expect(notificationName(n.code, n.subcode)).toBe("OPEN Message Error / Bad Peer AS");
  });

  capture("BGP_notification_msg.cap", "Bad Peer AS with a text explanation (port 1179)", () => {
    const ds = load("BGP_notification_msg.cap");
    expect(flows(ds)).toEqual(["127.0.0.2:60062 > 127.0.0.1:1179", "127.0.0.1:1179 > 127.0.0.2:60062"]);
    expect(types(ds)).toEqual(["ON", "O"]);
    const [a, b] = ds.map((d) => opens(d)[0]);
    // 17 multiprotocol capabilities, among them L2VPN VPLS/EVPN (25/65, 25/70) and BGP-LS (16388/71, 72).
    expect(a.capabilities.filter((c) => c.kind === "multiprotocol")).toHaveLength(17);
    expect(a.capabilities.map(capName).slice(-2)).toEqual(["four-octet-as", "extended-message"]);
    expect(openAsn(a)).toBe(65000);
    // The peer puts 65001 in My Autonomous System but 196072 (3.65000) in its four-octet AS capability;
    // RFC 6793 §4.1 makes the capability authoritative.
    expect(b.myAs).toBe(65001);
    expect(openAsn(b)).toBe(196072);
    expect(ds[0].negotiated).toMatchObject({ families: [IPV4_UNICAST, IPV6_UNICAST], as4: true });
    const [n] = notifications(ds[0]);
    expect(n).toMatchObject({ code: 2, subcode: 2 });
    expect(n.shutdownMessage).toBeUndefined(); // RFC 9003 only applies to Cease 2 and 4
    expect(new TextDecoder().decode(n.data)).toBe("ASN in OPEN (65001) did not match ASN expected (65000)");
  });

  capture("BGP_redist.cap", "a VPNv4 route redistributed from OSPF (Cisco HDLC, one copy in MPLS)", () => {
    const ds = load("BGP_redist.cap");
    // The first copy travels inside an MPLS label stack.
    expect(flows(ds)).toEqual(["2.2.2.2:179 > 4.4.4.4:63535", "2.2.2.2:179 > 5.5.5.5:49433"]);
    expect(types(ds)).toEqual(["U", "U"]);
    const line =
      "reach 1/128 nh=000000000000000002020202 opaque 780001910000006400000064aa000000 incomplete [] med=86 " +
      "lp=100 ext=0002006400000457,0005000000010200,8000000000000300,8001ac1002010000";
    expect(described(ds)).toEqual([[line], [line]]);
    // Route target 100:1111, OSPF domain id, OSPF route type (area 0, summary), OSPF router id 172.16.2.1.
    const [u] = updates(ds[0]);
    expect(u.mpReach!.nlri.count).toBe(-1);
    expect(labeledRoute(u.mpReach!.nlri.bytes, 1, true)).toBe("labels=25 rd=100:100 170.0.0.0/32");
  });

  capture("BGP_soft_reset.cap", "ROUTE-REFRESH and the routes sent again", () => {
    // Mid-session: the connection of BGP_hard_reset.cap (1.1.1.1:19252, sequence numbers carry on), whose
    // OPENs have no four-octet AS capability, so the AS_PATHs are 2-octet. Read with the default 4-octet
    // context they are malformed and the routes treat-as-withdraw.
    const wrong = load("BGP_soft_reset.cap", { lenient: true });
    expect(updates(wrong[0])[0].action).toBe(UpdateAction.TREAT_AS_WITHDRAW);
    const ds = load("BGP_soft_reset.cap", { context: codecContext({ as4: false, ebgp: true }) });
    expect(flows(ds)).toEqual(["2.2.2.2:179 > 1.1.1.1:19252", "1.1.1.1:19252 > 2.2.2.2:179"]);
    expect(types(ds)).toEqual(["KKUUUUUUKK", "KKRUUUUUUKK"]);
    expect(refreshes(ds[1])).toEqual([{ type: MessageType.ROUTE_REFRESH, afi: 1, safi: 1, subtype: 0 }]);
    expect(ds.flatMap(notifications)).toEqual([]);
    expect(described(ds)).toEqual([
      [
        "+10.20.3.0/24 +10.20.2.0/24 +10.20.1.0/24 igp [65200] nh=2.2.2.2 med=0",
        "+172.16.0.0/30 +172.16.0.8/30 incomplete [65200] nh=2.2.2.2 med=0",
        "+10.10.1.0/24 +10.10.2.0/24 +10.10.3.0/24 igp [65200 65100] nh=2.2.2.2",
        "+10.30.1.0/24 +10.30.2.0/24 +10.30.3.0/24 igp [65200 65300] nh=2.2.2.2",
        "+172.16.0.12/30 incomplete [65200 65300] nh=2.2.2.2",
        "+172.16.0.4/30 incomplete [65200 65300] nh=2.2.2.2",
      ],
      [
        "+10.10.3.0/24 +10.10.2.0/24 +10.10.1.0/24 igp [65100] nh=1.1.1.1 med=0",
        "+172.16.0.0/30 +172.16.0.4/30 incomplete [65100] nh=1.1.1.1 med=0",
        "+10.20.1.0/24 +10.20.2.0/24 +10.20.3.0/24 igp [65100 65200] nh=1.1.1.1",
        "+10.30.1.0/24 +10.30.2.0/24 +10.30.3.0/24 igp [65100 65300] nh=1.1.1.1",
        "+172.16.0.8/30 incomplete [65100 65300] nh=1.1.1.1",
        "+172.16.0.12/30 incomplete [65100 65300] nh=1.1.1.1",
      ],
    ]);
  });

  capture("EBGP_adjacency.cap", "eBGP session coming up between 2-octet AS speakers", () => {
    const ds = load("EBGP_adjacency.cap");
    expect(flows(ds)).toEqual(["1.1.1.1:46612 > 2.2.2.2:179", "2.2.2.2:179 > 1.1.1.1:46612"]);
    expect(types(ds)).toEqual(["OKUUUUUKKUKKK", "OKUUUUUUKKKKK"]);
    expect(ds[0].negotiated).toMatchObject({ peerAsn: 65100, as4: false, routeRefresh: true });
    expect(ds[0].context).toMatchObject({ as4: false, ebgp: true });
    expect(described(ds)).toEqual([
      [
        "+10.10.3.0/24 +10.10.2.0/24 +10.10.1.0/24 igp [65100] nh=1.1.1.1 med=0",
        "+172.16.0.0/30 +172.16.0.4/30 incomplete [65100] nh=1.1.1.1 med=0",
        "+10.30.1.0/24 +10.30.2.0/24 +10.30.3.0/24 igp [65100 65300] nh=1.1.1.1",
        "+172.16.0.8/30 incomplete [65100 65300] nh=1.1.1.1",
        "+172.16.0.12/30 incomplete [65100 65300] nh=1.1.1.1",
        "+10.20.1.0/24 +10.20.2.0/24 +10.20.3.0/24 igp [65100 65200] nh=1.1.1.1",
      ],
      [
        "+10.20.3.0/24 +10.20.2.0/24 +10.20.1.0/24 igp [65200] nh=2.2.2.2 med=0",
        "+172.16.0.0/30 +172.16.0.8/30 incomplete [65200] nh=2.2.2.2 med=0",
        "+10.30.1.0/24 +10.30.2.0/24 +10.30.3.0/24 igp [65200 65300] nh=2.2.2.2",
        "+172.16.0.12/30 incomplete [65200 65300] nh=2.2.2.2",
        "+172.16.0.4/30 incomplete [65200 65300] nh=2.2.2.2",
        "+10.10.1.0/24 +10.10.2.0/24 +10.10.3.0/24 igp [65200 65100] nh=2.2.2.2",
      ],
    ]);
  });

  capture("bgp-add-path.cap", "ADD-PATH and Enhanced Route Refresh from a route reflector", () => {
    const ds = load("bgp-add-path.cap");
    expect(flows(ds)).toEqual(["10.0.0.6:60917 > 10.0.0.4:179", "10.0.0.4:179 > 10.0.0.6:60917"]);
    expect(types(ds)).toEqual(["OKKU", "OKRUURUK"]);
    for (const d of ds) {
      const [open] = opens(d);
      expect(open.myAs).toBe(64512);
      expect(findCapability(open.capabilities, "add-path")).toEqual({
        kind: "add-path",
        families: [{ afi: 1, safi: 1, mode: AddPathMode.BOTH }],
      });
      expect(findCapability(open.capabilities, "enhanced-route-refresh")).toBeDefined();
      expect(d.negotiated).toMatchObject({ as4: true, enhancedRouteRefresh: true });
      expect([...d.negotiated!.addPathReceive]).toEqual([IPV4_UNICAST]);
      expect([...d.context.addPath]).toEqual([IPV4_UNICAST]);
      expect(d.context.ebgp).toBe(false);
    }
    // A whole table refresh bracketed by BoRR and EoRR (RFC 7313), two paths per prefix.
    expect(refreshes(ds[1]).map((r) => [r.afi, r.safi, r.subtype])).toEqual([
      [1, 1, 1],
      [1, 1, 2],
    ]);
    expect(described(ds)).toEqual([
      [""],
      [
        "+5.5.5.5/32#1 +192.168.1.5/32#1 igp [64511] nh=10.0.14.1 med=0 lp=100 originator=10.0.15.1 clusters=10.0.34.4",
        "+5.5.5.5/32#0 +192.168.1.5/32#0 igp [64511] nh=10.0.24.2 med=0 lp=500 originator=10.0.25.2 clusters=10.0.34.4",
        "",
      ],
    ]);
    expect(updates(ds[1])[0].nlri).toMatchObject({ addPath: true, count: 2 });
    expect(endOfRibFamily(updates(ds[0])[0])).toBe(IPV4_UNICAST);
  });

  capture("bgp_withdraw.cap", "IPv4 and IPv6 withdrawals, a KEEPALIVE missing in between", () => {
    const ds = load("bgp_withdraw.cap");
    expect(flows(ds)).toEqual(["127.0.0.2:62454 > 127.0.0.1:1179"]);
    // The 19 bytes between the two captured segments were not captured: two streams, framed separately.
    expect(ds[0].streams.map((s) => [s.offset, s.bytes.length])).toEqual([
      [0, 27],
      [46, 52],
    ]);
    expect(types(ds)).toEqual(["UU"]);
    expect(described(ds)).toEqual([["-2.100.0.0/24", "unreach 2/1 2621:a:10::/64 igp [] lp=100"]]);
    const [v4, v6] = updates(ds[0]);
    expect(v4.withdrawn).toMatchObject({ afi: 1, safi: 1, count: 1 });
    expect(v6.mpUnreach).toMatchObject({ afi: 2, safi: 1, count: 1 });
    expect(v6.mpReach).toBeNull();
  });

  capture("bgplu.cap", "BGP labeled unicast (SAFI 4) next to IPv4 unicast", () => {
    const ds = load("bgplu.cap");
    expect(flows(ds)).toEqual(["10.1.1.2:34047 > 10.1.1.1:179", "10.1.1.1:179 > 10.1.1.2:34047"]);
    expect(types(ds)).toEqual(["OKUUUU", "OKK"]);
    const [a, b] = ds.map((d) => opens(d)[0]);
    expect(a).toMatchObject({ myAs: 1, holdTime: 1000 });
    expect(b).toMatchObject({ myAs: 1, holdTime: 180 });
    // 10.1.1.1 would receive ADD-PATH for both families, but 10.1.1.2 does not send it.
    expect(findCapability(b.capabilities, "add-path")!.families).toEqual([
      { afi: 1, safi: 1, mode: AddPathMode.RECEIVE },
      { afi: 1, safi: 4, mode: AddPathMode.RECEIVE },
    ]);
    expect(ds[0].negotiated).toMatchObject({
      peerAsn: 1,
      holdTime: 180,
      as4: true,
      families: [IPV4_UNICAST, familyKey(1, 4)],
    });
    expect(ds[0].negotiated!.addPathReceive.size).toBe(0);
    expect(ds[0].context.ebgp).toBe(false);
    expect(described(ds)[0]).toEqual([
      "",
      "unreach 1/4 end-of-rib",
      "+1.2.0.0/24 igp [] nh=10.1.1.2 lp=100",
      "reach 1/4 nh=10.1.1.2 opaque 48dbc430dbc421010300 igp [] nh=10.1.1.2 lp=100",
    ]);
    const us = updates(ds[0]);
    expect(us.map(endOfRibFamily)).toEqual([IPV4_UNICAST, familyKey(1, 4), -1, -1]);
    expect(us[3].mpReach!.nlri).toMatchObject({ afi: 1, safi: 4, count: -1 });
    // RFC 8277: two labels, then the prefix.
    expect(labeledRoute(us[3].mpReach!.nlri.bytes, 1, false)).toBe("labels=900163,900162 1.3.0.0/24");
  });
});
