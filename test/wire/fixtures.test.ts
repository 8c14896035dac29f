/**
 * Byte-exact fixtures: each entry is a message as bytes and as values, and drives both directions —
 * decoding the bytes must give the values, encoding the values must give the bytes.
 */
import { describe, expect, it } from "vitest";
import {
  Afi,
  codecContext,
  decodeMessage,
  decodeNotification,
  decodeOpen,
  decodeRouteRefresh,
  decodeUpdate,
  encodeAnnouncements,
  encodeAttributes,
  encodeEndOfRib,
  encodeOpen,
  encodeRouteRefresh,
  encodeShutdown,
  encodeWithdrawals,
  endOfRibFamily,
  formatPrefix,
  IPV4_UNICAST,
  IPV6_UNICAST,
  KEEPALIVE,
  nlriPrefixes,
  openAsn,
  type PathAttributes,
  type Prefix,
  parseIp,
  parsePrefix,
  SegmentType,
  UpdateAction,
} from "../../core/wire/index.js";
import { body, hex, MARKER, toHex } from "../helpers/hex.js";

const P = (s: string): Prefix => parsePrefix(s)!;
const ctx = codecContext({ ebgp: false });
const opts = { maxLength: 4096, addPath: false };

describe("KEEPALIVE", () => {
  it("is a bare 19-byte header", () => {
    expect(toHex(KEEPALIVE)).toBe(`${MARKER}001304`);
    expect(decodeMessage(4, body(KEEPALIVE), ctx)).toEqual({ ok: true, value: { type: 4 } });
  });
});

describe("OPEN", () => {
  const bytes = hex(`${MARKER} 004a 01
    04 fde9 005a 0a000001 2d 02 2b
    01 04 0001 00 01
    01 04 0002 00 01
    02 00
    41 04 0000fde9
    45 04 0001 01 03
    40 06 0078 0001 01 80
    49 07 05 6e6f646531 00`);
  const capabilities = [
    { kind: "multiprotocol", afi: 1, safi: 1 },
    { kind: "multiprotocol", afi: 2, safi: 1 },
    { kind: "route-refresh" },
    { kind: "four-octet-as", asn: 65001 },
    { kind: "add-path", families: [{ afi: 1, safi: 1, mode: 3 }] },
    {
      kind: "graceful-restart",
      restartState: false,
      notification: false,
      restartTime: 120,
      families: [{ afi: 1, safi: 1, forwarding: true }],
    },
    { kind: "fqdn", hostname: "node1", domain: "" },
  ] as const;

  it("decodes", () => {
    const r = decodeOpen(body(bytes));
    expect(r).toEqual({
      ok: true,
      value: { type: 1, version: 4, myAs: 65001, holdTime: 90, bgpId: 0x0a000001, capabilities },
    });
    if (r.ok) expect(openAsn(r.value)).toBe(65001);
  });

  it("encodes", () => {
    expect(toHex(encodeOpen({ asn: 65001, holdTime: 90, bgpId: 0x0a000001, capabilities }))).toBe(
      toHex(bytes),
    );
  });

  it("puts AS_TRANS in My AS for a 4-octet AS and keeps the real one in the capability", () => {
    const open = encodeOpen({
      asn: 4200000001,
      holdTime: 0,
      bgpId: 1,
      capabilities: [{ kind: "four-octet-as", asn: 4200000001 }],
    });
    const r = decodeOpen(body(open));
    expect(r.ok && r.value.myAs).toBe(23456);
    expect(r.ok && openAsn(r.value)).toBe(4200000001);
  });
});

describe("NOTIFICATION", () => {
  it("Cease / Administrative Shutdown with an RFC 9003 communication", () => {
    const bytes = hex(`${MARKER} 0019 03 06 02 03 627965`);
    expect(toHex(encodeShutdown(2, "bye"))).toBe(toHex(bytes));
    const r = decodeNotification(body(bytes));
    expect(r.ok && r.value).toMatchObject({ code: 6, subcode: 2, shutdownMessage: "bye" });
  });

  it("Hard Reset wrapping an Administrative Reset with text (RFC 8538 §3.1)", () => {
    const r = decodeNotification(hex("06 09 06 04 02 6869"));
    expect(r.ok && r.value).toMatchObject({
      code: 6,
      subcode: 9,
      inner: { code: 6, subcode: 4 },
      shutdownMessage: "hi",
    });
  });

  it("reports a malformed shutdown communication instead of failing (RFC 9003 §4)", () => {
    expect(
      decodeNotification(hex("06 02 05 6869")).ok && decodeNotification(hex("06 02 05 6869")),
    ).toMatchObject({
      value: { malformedShutdown: true },
    });
    const badUtf8 = decodeNotification(hex("06 04 02 c328"));
    expect(badUtf8.ok && badUtf8.value.malformedShutdown).toBe(true);
  });
});

describe("ROUTE-REFRESH", () => {
  it("BoRR for IPv6 unicast (RFC 7313)", () => {
    const bytes = hex(`${MARKER} 0017 05 0002 01 01`);
    expect(toHex(encodeRouteRefresh(2, 1, 1))).toBe(toHex(bytes));
    expect(decodeRouteRefresh(body(bytes), true)).toEqual({
      ok: true,
      value: { type: 5, afi: 2, safi: 1, subtype: 1 },
    });
  });

  it("rejects a long EoRR with 7/1 carrying the whole message, only when enhanced refresh was negotiated", () => {
    const r = decodeRouteRefresh(hex("0001 02 01 00"), true);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect([r.error.code, r.error.subcode]).toEqual([7, 1]);
      expect(toHex(r.error.data)).toBe(toHex(hex(`${MARKER} 0018 05 0001 02 01 00`)));
    }
    expect(decodeRouteRefresh(hex("0001 02 01 00"), false).ok).toBe(true);
  });
});

describe("UPDATE, IPv4 unicast", () => {
  const attrsHex = `40 01 01 00
    40 02 0a 02 02 0000fde9 0000fdea
    40 03 04 c6120001
    80 04 04 0000000a
    c0 08 08 fde80064 ffffff01
    c0 20 0c 0000fde8 00000001 00000002`;
  const bytes = hex(`${MARKER} 0056 02 0000 0039 ${attrsHex} 08 0a 18 c0a801`);
  const attrs: PathAttributes = {
    origin: 0,
    asPath: [{ type: SegmentType.AS_SEQUENCE, asns: [65001, 65002] }],
    nextHop: "198.18.0.1",
    med: 10,
    communities: [0xfde80064, 0xffffff01],
    largeCommunities: [[65000, 1, 2]],
  };

  it("decodes NLRI and attributes, with the best-path fields extracted", () => {
    const u = decodeUpdate(body(bytes), ctx);
    expect(u.action).toBe(UpdateAction.NONE);
    expect(nlriPrefixes(u.nlri!).map(formatPrefix)).toEqual(["10.0.0.0/8", "192.168.1.0/24"]);
    expect(u.attrs!.decoded()).toEqual(attrs);
    expect(u.attrs).toMatchObject({
      origin: 0,
      asPathLength: 2,
      med: 10,
      localPref: -1,
      nextHop: 0xc6120001,
    });
  });

  it("encodes", () => {
    const a = encodeAttributes(attrs);
    expect(toHex(a)).toBe(toHex(hex(attrsHex)));
    const msgs = encodeAnnouncements(
      IPV4_UNICAST,
      a,
      null,
      [P("10.0.0.0/8"), P("192.168.1.0/24")],
      opts,
    ).messages;
    expect(msgs.map(toHex)).toEqual([toHex(bytes)]);
  });

  it("withdraws", () => {
    const w = hex(`${MARKER} 001c 02 0005 080a 0cac10 0000`);
    expect(encodeWithdrawals(IPV4_UNICAST, [P("10.0.0.0/8"), P("172.16.0.0/12")], opts).map(toHex)).toEqual([
      toHex(w),
    ]);
    const u = decodeUpdate(body(w), ctx);
    expect(nlriPrefixes(u.withdrawn!).map(formatPrefix)).toEqual(["10.0.0.0/8", "172.16.0.0/12"]);
    expect(u.attrs).toBeNull();
  });
});

describe("UPDATE, IPv6 unicast in MP_REACH_NLRI", () => {
  const bytes = hex(`${MARKER} 0041 02 0000 002a
    80 0e 1a 0002 01 10 20010db8000000000000000000000001 00 20 20010db8
    40 01 01 00
    40 02 06 02 01 0000fde9`);

  it("decodes", () => {
    const u = decodeUpdate(body(bytes), ctx);
    expect(u.action).toBe(UpdateAction.NONE);
    expect(toHex(u.mpReach!.nextHop)).toBe(toHex(parseIp("2001:db8::1")!));
    expect(nlriPrefixes(u.mpReach!.nlri).map(formatPrefix)).toEqual(["2001:db8::/32"]);
    expect(u.attrs!.decoded()).toEqual({ origin: 0, asPath: [{ type: 2, asns: [65001] }] });
  });

  it("encodes with MP_REACH_NLRI first", () => {
    const a = encodeAttributes({ origin: 0, asPath: [{ type: 2, asns: [65001] }] });
    const msgs = encodeAnnouncements(
      IPV6_UNICAST,
      a,
      parseIp("2001:db8::1")!,
      [P("2001:db8::/32")],
      opts,
    ).messages;
    expect(msgs.map(toHex)).toEqual([toHex(bytes)]);
  });

  it("withdraws in MP_UNREACH_NLRI", () => {
    const w = hex(`${MARKER} 0024 02 0000 000d 80 0f 0a 0002 01 30 20010db80001`);
    expect(encodeWithdrawals(IPV6_UNICAST, [P("2001:db8:1::/48")], opts).map(toHex)).toEqual([toHex(w)]);
    const u = decodeUpdate(body(w), ctx);
    expect(nlriPrefixes(u.mpUnreach!).map(formatPrefix)).toEqual(["2001:db8:1::/48"]);
    expect(endOfRibFamily(u)).toBe(-1);
  });
});

describe("End-of-RIB (RFC 4724 §2)", () => {
  it("IPv4 unicast: the empty UPDATE", () => {
    const b = hex(`${MARKER} 0017 02 0000 0000`);
    expect(toHex(encodeEndOfRib(IPV4_UNICAST))).toBe(toHex(b));
    expect(endOfRibFamily(decodeUpdate(body(b), ctx))).toBe(IPV4_UNICAST);
  });

  it("IPv6 unicast: an empty MP_UNREACH_NLRI", () => {
    const b = hex(`${MARKER} 001d 02 0000 0006 800f03 000201`);
    expect(toHex(encodeEndOfRib(IPV6_UNICAST))).toBe(toHex(b));
    expect(endOfRibFamily(decodeUpdate(body(b), ctx))).toBe(IPV6_UNICAST);
  });

  it("is not an UPDATE that carries attributes", () => {
    const b = hex(`${MARKER} 001b 02 0000 0004 40010100`);
    expect(endOfRibFamily(decodeUpdate(body(b), ctx))).toBe(-1);
  });
});

describe("ADD-PATH (RFC 7911)", () => {
  it("carries a path identifier before each prefix when negotiated for the family", () => {
    const addPath = codecContext({ addPath: new Set([IPV4_UNICAST]) });
    const a = encodeAttributes({ origin: 0, asPath: [], nextHop: "198.18.0.1" });
    const prefixes = [
      { ...P("10.1.0.0/16"), pathId: 1 },
      { ...P("10.1.0.0/16"), pathId: 2 },
    ];
    const [msg] = encodeAnnouncements(IPV4_UNICAST, a, null, prefixes, {
      maxLength: 4096,
      addPath: true,
    }).messages;
    expect(toHex(msg).endsWith("00000001100a01" + "00000002100a01")).toBe(true);
    const u = decodeUpdate(body(msg), addPath);
    expect(nlriPrefixes(u.nlri!)).toEqual(prefixes.map((p) => ({ ...p, afi: Afi.IPV4 })));
  });
});
