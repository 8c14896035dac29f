/**
 * Malformed UPDATEs from an established peer, one attribute class at a time, against a real kbgpd. Each
 * gets exactly the RFC 7606 outcome: treat-as-withdraw (the UPDATE's routes go, the session and the
 * peer's other routes stay), attribute discard (the route stays without the attribute), AFI/SAFI disable
 * (the family's routes go, the session stays) or session reset (the NOTIFICATION RFC 4271 §6.3 names).
 * The session's `upSince` shows it never went down; the witness session is checked after each case.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hex } from "../helpers/hex.js";
import { HostileLab, LOCAL_AS, type RibRow, type Slot } from "./fixture.js";
import { message, type ScriptPeer, updateBody } from "./script-peer.js";
import { asPath, attr, attrs, base, mpReachV6, mpUnreachV6, nextHop, nlri, ORIGIN_IGP } from "./updates.js";

const AS = 65030;
const P1 = "10.50.1.0/24";
const P2 = "10.50.2.0/24";
const P3 = "10.50.3.0/24";
let h: HostileLab;
beforeAll(async () => {
  h = await HostileLab.start("hostile-update", [...Array(32).fill(AS), ...Array(4).fill(LOCAL_AS)]);
});
afterAll(() => h?.close());

const up = (a: Uint8Array, n = nlri(P1), w?: Uint8Array) => message(2, updateBody(a, n, w));

/** An established session from a fresh slot of `asn` holding P1 and P2. */
async function session(asn = AS): Promise<{ s: Slot; p: ScriptPeer; upSince: number | null }> {
  const s = h.slot(asn);
  const p = await h.established(s);
  await p.write(up(base(asn), nlri(P1, P2)));
  await h.waitPrefixes(s, [P1, P2]);
  return { s, p, upSince: (await h.neighbor(s)).upSince };
}

/** Still the same session: established, never down since `upSince`. */
async function sameSession(s: Slot, upSince: number | null) {
  const v = await h.neighbor(s);
  expect(v.state).toBe("established");
  expect(v.upSince).toBe(upSince);
  expect(v.establishedTransitions).toBe(1);
}

/** Send `bad` re-announcing P1, then a good UPDATE for P3 (which orders the check after `bad`). */
async function treatAsWithdraw(bad: (asn: number) => Uint8Array, asn = AS) {
  const { s, p, upSince } = await session(asn);
  await p.write(bad(asn));
  await p.write(up(base(asn), nlri(P3)));
  await h.waitPrefixes(s, [P2, P3]);
  await sameSession(s, upSince);
  p.destroy();
  await h.intact();
}

async function discard(bad: (asn: number) => Uint8Array, check: (row: RibRow) => void, asn = AS) {
  const { s, p, upSince } = await session(asn);
  await p.write(bad(asn));
  await p.write(up(base(asn), nlri(P3)));
  await h.waitPrefixes(s, [P1, P2, P3]);
  check((await h.routes(s)).find((r) => r.prefix === P1)!);
  await sameSession(s, upSince);
  p.destroy();
  await h.intact();
}

async function reset(bad: (asn: number) => Uint8Array, code: number, subcode: number) {
  const { s, p } = await session();
  await p.write(bad(AS));
  const n = await p.notification();
  expect([n.code, n.subcode]).toEqual([code, subcode]);
  await h.waitPrefixes(s, []);
  await h.intact();
  return n;
}

describe("treat-as-withdraw (RFC 7606 §2, §7)", () => {
  const rows: [string, (asn: number) => Uint8Array][] = [
    ["ORIGIN value 3 (§7.1)", (a) => up(attrs(attr(0x40, 1, "03"), asPath([a]), nextHop("192.0.2.7")))],
    [
      "ORIGIN flagged optional (§3 c)",
      (a) => up(attrs(attr(0xc0, 1, "00"), asPath([a]), nextHop("192.0.2.7"))),
    ],
    [
      "AS_PATH segment overrunning the attribute (§7.2)",
      () => up(attrs(ORIGIN_IGP, attr(0x40, 2, "02 02 0000fdfc"), nextHop("192.0.2.7"))),
    ],
    [
      "AS_PATH segment of length zero (§7.2)",
      () => up(attrs(ORIGIN_IGP, attr(0x40, 2, "02 00"), nextHop("192.0.2.7"))),
    ],
    [
      "AS_PATH containing AS 0 (RFC 7607 §2)",
      (a) => up(attrs(ORIGIN_IGP, asPath([a, 0, 64500]), nextHop("192.0.2.7"))),
    ],
    ["NEXT_HOP of 5 octets (§7.3)", (a) => up(attrs(ORIGIN_IGP, asPath([a]), attr(0x40, 3, "c612000100")))],
    ["NEXT_HOP missing (§3 d)", (a) => up(attrs(ORIGIN_IGP, asPath([a])))],
    ["ORIGIN missing (§3 d)", (a) => up(attrs(asPath([a]), nextHop("192.0.2.7")))],
    ["MULTI_EXIT_DISC of 3 octets (§7.4)", (a) => up(attrs(base(a), attr(0x80, 4, "000001")))],
    ["COMMUNITIES of 6 octets (§7.8)", (a) => up(attrs(base(a), attr(0xc0, 8, "fde800640000")))],
    ["COMMUNITIES flagged well-known (§3 c)", (a) => up(attrs(base(a), attr(0x40, 8, "fde80064")))],
    [
      "LARGE_COMMUNITY of 13 octets (RFC 8092 §6)",
      (a) => up(attrs(base(a), attr(0xc0, 32, "00".repeat(13)))),
    ],
    ["EXTENDED_COMMUNITIES of 7 octets (§7.14)", (a) => up(attrs(base(a), attr(0xc0, 16, "00020000fde800")))],
    ["an attribute overrunning the attribute list (§4)", (a) => up(attrs(base(a), hex("c0 08 08 0000")))],
  ];
  it.each(rows)("%s", (_name, bad) => treatAsWithdraw(bad));

  const internal: [string, (asn: number) => Uint8Array][] = [
    ["LOCAL_PREF of 2 octets from an internal peer (§7.5)", (a) => up(attrs(base(a), attr(0x40, 5, "0064")))],
    [
      "ORIGINATOR_ID of 3 octets from an internal peer (§7.9)",
      (a) => up(attrs(base(a), attr(0x80, 9, "0a0000"))),
    ],
    [
      "CLUSTER_LIST of 5 octets from an internal peer (§7.10)",
      (a) => up(attrs(base(a), attr(0x80, 10, "0a00000100"))),
    ],
  ];
  it.each(internal)("%s", (_name, bad) => treatAsWithdraw(bad, LOCAL_AS));
});

describe("attribute discard (RFC 7606 §2, §7)", () => {
  it("LOCAL_PREF from an external peer (§7.5)", () =>
    discard(
      (a) => up(attrs(base(a), attr(0x40, 5, "00000064"))),
      (r) => expect(r.localPref).not.toBe(100),
    ));
  it("ATOMIC_AGGREGATE of 1 octet (§7.6)", () =>
    discard(
      (a) => up(attrs(base(a), attr(0x40, 6, "00"))),
      (r) => expect(r.atomicAggregate).toBeUndefined(),
    ));
  it("AGGREGATOR of 7 octets (§7.7)", () =>
    discard(
      (a) => up(attrs(base(a), attr(0xc0, 7, "0000fdfc0a0000"))),
      (r) => expect(r.aggregator).toBeUndefined(),
    ));
  it("ORIGINATOR_ID from an external peer (§7.9)", () =>
    discard(
      (a) => up(attrs(base(a), attr(0x80, 9, "0a000001"))),
      (r) => expect(r.originatorId).toBeUndefined(),
    ));
  it("CLUSTER_LIST from an external peer (§7.10)", () =>
    discard(
      (a) => up(attrs(base(a), attr(0x80, 10, "0a000001"))),
      (r) => expect(r.clusterList).toBeUndefined(),
    ));
  it("COMMUNITIES twice: the second goes (§3 g)", () =>
    discard(
      (a) => up(attrs(base(a), attr(0xc0, 8, "fde80064"), attr(0xc0, 8, "fde80065"))),
      (r) => expect(r.communities).toEqual(["65000:100"]),
    ));
});

describe("AFI/SAFI disable (RFC 7606 §3 j, §7.11; RFC 4760 §7)", () => {
  it("MP_REACH_NLRI for IPv6 with a 4-octet next hop: IPv6 from this peer goes, IPv4 and the session stay", async () => {
    const { s, p, upSince } = await session();
    const v6nh = hex("20010db8000000000000000000000007");
    await p.write(
      up(attrs(mpReachV6(v6nh, ["2001:db8:50::/48"]), ORIGIN_IGP, asPath([AS])), new Uint8Array(0)),
    );
    await h.waitPrefixes(s, ["2001:db8:50::/48"], "ipv6");
    await p.write(
      up(
        attrs(mpReachV6(hex("0a000001"), ["2001:db8:51::/48"]), ORIGIN_IGP, asPath([AS])),
        new Uint8Array(0),
      ),
    );
    await p.write(up(base(AS), nlri(P3)));
    await h.waitPrefixes(s, [P1, P2, P3]);
    await h.waitPrefixes(s, [], "ipv6");
    await sameSession(s, upSince);
    p.destroy();
    await h.intact();
  });
});

describe("session reset (RFC 7606 §3, §5.3; RFC 4271 §6.3)", () => {
  const empty = new Uint8Array(0);
  it("total path attribute length past the message: 3/1", () =>
    reset(() => message(2, hex("0000 00ff 400101")), 3, 1));
  it("withdrawn routes length past the message: 3/1", () => reset(() => message(2, hex("00ff 0000")), 3, 1));
  it("NLRI prefix length 33 (RFC 7606 §5.3): Invalid Network Field, 3/10", () =>
    reset((a) => up(base(a), hex("21 0a000000 00")), 3, 10));
  it("NLRI prefix overrunning the message: 3/10", () => reset((a) => up(base(a), hex("18 0a00")), 3, 10));
  it("withdrawn prefix length 33: 3/10", () =>
    reset(() => message(2, updateBody(empty, empty, hex("21 0a00000000"))), 3, 10));
  it("MP_REACH_NLRI twice (§3 g): 3/1", () =>
    reset(
      () => {
        const r = mpReachV6(hex("20010db8000000000000000000000007"), ["2001:db8:52::/48"]);
        return up(attrs(r, r, ORIGIN_IGP, asPath([AS])), empty);
      },
      3,
      1,
    ));
  it("MP_REACH_NLRI shorter than 5 octets: Optional Attribute Error, 3/9", () =>
    reset((a) => up(attrs(attr(0x80, 14, "00020110"), ORIGIN_IGP, asPath([a])), empty), 3, 9));
  it("MP_UNREACH_NLRI shorter than 3 octets: 3/9", () =>
    reset(() => up(attr(0x80, 15, "0002"), empty), 3, 9));
  it("an unrecognized well-known attribute: 3/2 with the attribute as data", async () => {
    const n = await reset((a) => up(attrs(base(a), attr(0x40, 99, "00"))), 3, 2);
    expect([...n.data]).toEqual([0x40, 99, 1, 0]);
  });
  it("a bad ORIGIN in an UPDATE without NLRI (§5.2): 3/6", () =>
    reset((a) => up(attrs(attr(0x40, 1, "07"), asPath([a])), empty, nlri(P2)), 3, 6));
});

describe("MP_UNREACH_NLRI of known routes", () => {
  it("withdraws only what it names", async () => {
    const { s, p, upSince } = await session();
    const v6nh = hex("20010db8000000000000000000000007");
    await p.write(
      up(
        attrs(mpReachV6(v6nh, ["2001:db8:60::/48", "2001:db8:61::/48"]), ORIGIN_IGP, asPath([AS])),
        new Uint8Array(0),
      ),
    );
    await h.waitPrefixes(s, ["2001:db8:60::/48", "2001:db8:61::/48"], "ipv6");
    await p.write(up(mpUnreachV6(["2001:db8:60::/48"]), new Uint8Array(0)));
    await h.waitPrefixes(s, ["2001:db8:61::/48"], "ipv6");
    await sameSession(s, upSince);
    p.destroy();
  });
});
