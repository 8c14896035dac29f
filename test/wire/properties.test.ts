/**
 * Round-trip properties of the wire codec: whatever the encoders write, the decoders give back, up to a
 * normal form stated next to each property. Run counts are sized so the file takes a few seconds.
 */
import fc from "fast-check";
import ipaddr from "ipaddr.js";
import { describe, expect, it } from "vitest";
import {
  Afi,
  AS_TRANS,
  type AsPath,
  type AsPathSegment,
  AttrFlag,
  AttrType,
  asPathLength,
  type Capability,
  checkHeader,
  codecContext,
  decodeAsPath,
  decodeNotification,
  decodeOpen,
  decodeRouteRefresh,
  decodeUpdate,
  encodeAnnouncements,
  encodeAttributes,
  encodeCapability,
  encodeHardReset,
  encodeNotification,
  encodeOpen,
  encodeRouteRefresh,
  encodeShutdown,
  encodeWithdrawals,
  formatIpv4,
  formatIpv6,
  formatPrefix,
  IPV4_UNICAST,
  IPV6_UNICAST,
  MessageType,
  NlriCursor,
  nlriPrefixes,
  type PathAttributes,
  type Prefix,
  parseIp,
  parseIpv4Number,
  parsePrefix,
  prefixWireSize,
  RefreshSubtype,
  readNlri,
  SegmentType,
  shutdownData,
  UPDATE_ACTION_NAMES,
  type UpdateMessage,
} from "../../core/wire/index.js";
import {
  asn2,
  capabilityArb,
  ipv4Prefix,
  ipv6Prefix,
  notificationArb,
  pathAttributesArb,
  prefixArb,
  rawAttributeArb,
  shutdownText,
  u8,
  u16,
  u32,
  utf8Text,
} from "../helpers/arbitraries.js";
import { body, toHex } from "../helpers/hex.js";

const ibgp = codecContext({ ebgp: false });
const old2 = codecContext({ as4: false, ebgp: false });
const NH6 = parseIp("2001:db8::1")!;
const BIG = { maxLength: 65535, addPath: false };

/** The longest code-point prefix of `text` whose UTF-8 form has at most `max` bytes. */
function cutUtf8(text: string, max: number): string {
  let out = "";
  let n = 0;
  for (const ch of text) {
    n += Buffer.byteLength(ch, "utf8");
    if (n > max) break;
    out += ch;
  }
  return out;
}

const u16At = (b: Uint8Array, i: number) => (b[i] << 8) | b[i + 1];
/** The RFC 7606 action by name, for readable failures. */
const UPDATE_ACTION = (u: UpdateMessage) => UPDATE_ACTION_NAMES[u.action];

/** A framed message: marker, a length field equal to its size, the type, and a header `checkHeader` takes. */
function expectFramed(msg: Uint8Array, type: number, maxLength: number): void {
  expect(checkHeader(msg, 0, maxLength)).toBeNull();
  expect(u16At(msg, 16)).toBe(msg.length);
  expect(msg[18]).toBe(type);
  expect(msg.length).toBeLessThanOrEqual(maxLength);
}

// ------------------------------------------------------------------------------------------ attributes

/**
 * AS path normal form. encodeAsPath writes a segment of n ASNs as ceil(n/255) consecutive segments of the
 * same type, 255 ASNs each but the last, and leaves out empty segments; decodeAsPath returns the wire
 * segments as they are and nothing merges adjacent ones. So a path comes back with every segment split
 * into runs of at most 255 and never merged. (An AS_SET of more than 255 ASNs therefore counts as more
 * than one toward the path length once it has been on the wire: the wire cannot say otherwise.)
 */
function normalAsPath(path: AsPath): AsPathSegment[] {
  const out: AsPathSegment[] = [];
  for (const s of path)
    for (let i = 0; i < s.asns.length; i += 255) out.push({ type: s.type, asns: s.asns.slice(i, i + 255) });
  return out;
}

/** What `decoded()` gives back for attributes encoded from `a`: empty lists and a false ATOMIC_AGGREGATE
 *  absent, the AS path in normal form, unknown attributes in ascending type order (the encoder's order). */
function normalAttributes(a: PathAttributes): PathAttributes {
  const lists = new Set(["communities", "clusterList", "extCommunities", "largeCommunities", "unknown"]);
  const kept = Object.entries(a).filter(
    ([k, v]) => v !== undefined && v !== false && !(lists.has(k) && Array.isArray(v) && v.length === 0),
  );
  const n: PathAttributes = Object.fromEntries(kept);
  if (n.asPath) n.asPath = normalAsPath(n.asPath);
  if (n.unknown) n.unknown = [...n.unknown].sort((x, y) => x.type - y.type);
  return n;
}

/** One UPDATE announcing one prefix with attributes `attrs`: classic IPv4 NLRI when `a` has a NEXT_HOP,
 *  otherwise IPv6 in MP_REACH_NLRI (where NEXT_HOP is not mandatory). */
function announceOne(attrs: Uint8Array, a: PathAttributes, ctx = ibgp): UpdateMessage {
  const msgs =
    a.nextHop !== undefined
      ? encodeAnnouncements(IPV4_UNICAST, attrs, null, [parsePrefix("10.0.0.0/8")!], BIG).messages
      : encodeAnnouncements(IPV6_UNICAST, attrs, NH6, [parsePrefix("2001:db8::/32")!], BIG).messages;
  expect(msgs).toHaveLength(1);
  expectFramed(msgs[0], MessageType.UPDATE, 65535);
  return decodeUpdate(body(msgs[0]), ctx);
}

function expectSummary(u: UpdateMessage, want: PathAttributes): void {
  const s = u.attrs!;
  expect(s.origin).toBe(want.origin ?? -1);
  expect(s.med).toBe(want.med ?? -1);
  expect(s.localPref).toBe(want.localPref ?? -1);
  expect(s.asPathLength).toBe(asPathLength(want.asPath ?? []));
  expect(s.nextHop).toBe(want.nextHop === undefined ? -1 : parseIpv4Number(want.nextHop));
  expect(s.originatorId).toBe(want.originatorId === undefined ? -1 : parseIpv4Number(want.originatorId));
  expect(s.clusterListLength).toBe(want.clusterList?.length ?? 0);
}

describe("path attributes", () => {
  it("encodeAttributes → UPDATE → decodeUpdate gives back the attributes in normal form", () => {
    fc.assert(
      fc.property(pathAttributesArb({ maxUnknownValue: 255 }), (a) => {
        const u = announceOne(encodeAttributes(a), a);
        expect(UPDATE_ACTION(u)).toBe("none");
        const want = normalAttributes(a);
        expect(u.attrs!.decoded()).toEqual(want);
        expectSummary(u, want);
        // An AS_SET over 255 ASNs is the one case where the length changes on the wire (see normalAsPath).
        if (!a.asPath!.some((s) => s.type === SegmentType.AS_SET && s.asns.length > 255))
          expect(u.attrs!.asPathLength).toBe(asPathLength(a.asPath!));
      }),
      { numRuns: 300 },
    );
  });

  it("unknown attributes over 255 bytes (extended length) come back with the flags they were given", () => {
    // Regression: decodeAttributes once copied the raw flags octet, Extended Length bit included, so
    // unknown [{ flags: 0x80, type: 0, value: 256 bytes }] came back with flags 0x90.
    fc.assert(
      fc.property(
        fc.uniqueArray(rawAttributeArb({ maxValue: 300 }), {
          minLength: 1,
          maxLength: 3,
          selector: (u) => u.type,
        }),
        (unknown) => {
          const a: PathAttributes = { origin: 0, asPath: [], unknown };
          const u = announceOne(encodeAttributes(a), a);
          expect(u.attrs!.decoded()).toEqual(normalAttributes(a));
        },
      ),
      { numRuns: 100 },
    );
  });

  it("2-octet AS peers: AS_TRANS + AS4_PATH/AS4_AGGREGATOR give back the 4-octet AS path and aggregator", () => {
    // Regression: mergeAs4Path once kept only the first leading confederation segment when AS_PATH and
    // AS4_PATH had equal length: [CONFED_SEQUENCE [0], CONFED_SEQUENCE [0], AS_SEQUENCE [4200000000]] lost
    // its second segment, and a confederation segment of more than 255 ASNs (two on the wire) its tail.
    // Confederation segments only lead the path, and their member ASNs fit two octets: RFC 6793 §3 keeps
    // confederation segments out of AS4_PATH, so a 4-octet member AS cannot cross a 2-octet session.
    fc.assert(
      fc.property(pathAttributesArb({ confedAsn: asn2 }), (a) => {
        const u = announceOne(encodeAttributes(a, { asSize: 2 }), a, old2);
        expect(UPDATE_ACTION(u)).toBe("none");
        const want = normalAttributes(a);
        const got = u.attrs!.decoded();
        expect(got.asPath).toEqual(want.asPath);
        expect(got.aggregator).toEqual(want.aggregator);
        expect(got).toEqual(want);
        expectSummary(u, want);
      }),
      { numRuns: 300 },
    );
  });

  it("2-octet encoding: AS_TRANS for ASNs over 65535, AS4_PATH/AS4_AGGREGATOR only when needed", () => {
    fc.assert(
      fc.property(pathAttributesArb({ confedAsn: asn2 }), (a) => {
        const attrs = encodeAttributes(a, { asSize: 2 });
        const found = new Map<number, Uint8Array>();
        for (let p = 0; p < attrs.length; ) {
          const ext = (attrs[p] & AttrFlag.EXTENDED_LENGTH) !== 0;
          const start = p + (ext ? 4 : 3);
          const end = start + (ext ? u16At(attrs, p + 2) : attrs[p + 2]);
          found.set(attrs[p + 1], attrs.subarray(start, end));
          p = end;
        }
        const big = (n: number) => n > 0xffff;
        const trans = (n: number) => (big(n) ? AS_TRANS : n);
        const asPath = found.get(AttrType.AS_PATH)!;
        expect(decodeAsPath(asPath, 0, asPath.length, 2)).toEqual(
          normalAsPath(a.asPath!).map((s) => ({ type: s.type, asns: s.asns.map(trans) })),
        );
        expect(found.has(AttrType.AS4_PATH)).toBe(a.asPath!.some((s) => s.asns.some(big)));
        expect(found.has(AttrType.AS4_AGGREGATOR)).toBe(a.aggregator !== undefined && big(a.aggregator.asn));
        if (a.aggregator) expect(u16At(found.get(AttrType.AGGREGATOR)!, 0)).toBe(trans(a.aggregator.asn));
      }),
      { numRuns: 100 },
    );
  });

  it("propagation sets Partial on unknown optional transitive attributes and drops non-transitive ones", () => {
    fc.assert(
      fc.property(pathAttributesArb({ maxUnknownValue: 255 }), (a) => {
        const u = announceOne(encodeAttributes(a, { propagate: true }), a);
        expect(UPDATE_ACTION(u)).toBe("none");
        const unknown = (a.unknown ?? [])
          .filter((x) => x.flags & AttrFlag.TRANSITIVE)
          .map((x) => ({ ...x, flags: x.flags | AttrFlag.PARTIAL }));
        const want = normalAttributes({ ...a, unknown });
        expect(u.attrs!.decoded()).toEqual(want);
        for (const x of u.attrs!.decoded().unknown ?? []) {
          expect(x.flags & AttrFlag.TRANSITIVE).toBe(AttrFlag.TRANSITIVE);
          expect(x.flags & AttrFlag.PARTIAL).toBe(AttrFlag.PARTIAL);
        }
      }),
      { numRuns: 150 },
    );
  });
});

// ------------------------------------------------------------------------------------------ prefixes

interface PackCase {
  readonly name: string;
  readonly family: number;
  readonly afi: Afi;
  /** MP_REACH next hop, or null for classic IPv4 NLRI. */
  readonly nextHop: Uint8Array | null;
  readonly addPath: boolean;
  readonly maxLength: number;
}

const packCases: PackCase[] = [];
for (const maxLength of [4096, 65535]) {
  for (const addPath of [false, true]) {
    const ap = addPath ? ", ADD-PATH" : "";
    packCases.push(
      {
        name: `IPv4${ap}, ${maxLength}`,
        family: IPV4_UNICAST,
        afi: Afi.IPV4,
        nextHop: null,
        addPath,
        maxLength,
      },
      {
        name: `IPv6${ap}, ${maxLength}`,
        family: IPV6_UNICAST,
        afi: Afi.IPV6,
        nextHop: NH6,
        addPath,
        maxLength,
      },
      {
        name: `IPv6, link-local next hop${ap}, ${maxLength}`,
        family: IPV6_UNICAST,
        afi: Afi.IPV6,
        nextHop: new Uint8Array([...NH6, ...parseIp("fe80::1")!]),
        addPath,
        maxLength,
      },
      {
        name: `IPv4, IPv6 next hop (RFC 8950)${ap}, ${maxLength}`,
        family: IPV4_UNICAST,
        afi: Afi.IPV4,
        nextHop: NH6,
        addPath,
        maxLength,
      },
    );
  }
}

/** A list of prefixes: a few distinct ones, repeated so that lists of thousands (several 65535-byte
 *  messages) stay cheap to generate. */
const prefixList = (afi: Afi, addPath: boolean) =>
  fc
    .tuple(
      fc.array(prefixArb(afi, { pathId: addPath }), { maxLength: 40 }),
      fc.oneof(
        { weight: 3, arbitrary: fc.constant(1) },
        { weight: 1, arbitrary: fc.integer({ min: 1, max: 150 }) },
      ),
    )
    .map(([ps, times]) => Array.from({ length: times }, () => ps).flat());

for (const c of packCases)
  describe(`prefix packing: ${c.name}`, () => {
    const mp = c.nextHop !== null;
    const ctx = codecContext({
      ebgp: false,
      addPath: c.addPath ? new Set([c.family]) : new Set(),
      extendedNextHop: new Set([IPV4_UNICAST]),
    });
    const wire = (ps: readonly Prefix[]) => ps.reduce((n, p) => n + prefixWireSize(p.length, c.addPath), 0);

    const base: PathAttributes = {
      origin: 0,
      asPath: [{ type: 2, asns: [65001] }],
      ...(mp ? {} : { nextHop: "192.0.2.1" }),
    };
    /** The attributes padded with an unknown optional transitive attribute of `pad` bytes. */
    const padded = (pad: number) =>
      encodeAttributes(
        pad === 0 ? base : { ...base, unknown: [{ flags: 0xc0, type: 99, value: new Uint8Array(pad) }] },
      );
    /** A small attribute block. */
    const smallAttrs = fc.integer({ min: 0, max: 120 }).map(padded);
    /** Size of the UPDATE that announces prefixes of `w` wire bytes with `attrs`. */
    const announceSize = (attrs: Uint8Array, w: number) => {
      if (!mp) return 19 + 4 + attrs.length + w;
      const value = 5 + c.nextHop!.length + w;
      return 19 + 4 + (value > 255 ? 4 : 3) + value + attrs.length;
    };
    /** Withdrawals use MP_UNREACH_NLRI for every family but IPv4 unicast, whatever the next hop. */
    const mpWithdraw = c.family !== IPV4_UNICAST;
    const withdrawSize = (w: number) => (mpWithdraw ? 19 + 4 + (3 + w > 255 ? 4 : 3) + 3 + w : 19 + 4 + w);

    /** Announce `prefixes` with `attrs` and check the messages: each framed and within maxLength, together
     *  decoding to exactly the sendable input in order, each but the last unable to take the next prefix;
     *  a prefix that fits no UPDATE even alone is reported unsent (RFC 4271 §9.2: such a route is not
     *  sent) and the others still go out. */
    function checkAnnouncements(attrs: Uint8Array, all: Prefix[]): void {
      const opts = { maxLength: c.maxLength, addPath: c.addPath };
      const { messages: msgs, unsent } = encodeAnnouncements(c.family, attrs, c.nextHop, all, opts);
      const tooBig = all.flatMap((p, i) => (announceSize(attrs, wire([p])) > c.maxLength ? [i] : []));
      expect(unsent).toEqual(tooBig);
      const prefixes = all.filter((_, i) => !tooBig.includes(i));
      const got: Prefix[] = [];
      for (const [i, m] of msgs.entries()) {
        expectFramed(m, MessageType.UPDATE, c.maxLength);
        const u = decodeUpdate(body(m), ctx);
        expect(UPDATE_ACTION(u)).toBe("none");
        if (mp) expect(toHex(u.mpReach!.nextHop)).toBe(toHex(c.nextHop!));
        else expect(u.mpReach).toBeNull();
        const here = nlriPrefixes(mp ? u.mpReach!.nlri : u.nlri!);
        expect(here.length).toBeGreaterThan(0);
        expect(m.length).toBe(announceSize(attrs, wire(here)));
        got.push(...here);
        // Tight: with the next prefix the message would have been too long.
        if (i < msgs.length - 1)
          expect(announceSize(attrs, wire([...here, prefixes[got.length]]))).toBeGreaterThan(c.maxLength);
      }
      expect(got.length).toBe(prefixes.length);
      expect(got).toEqual(prefixes);
    }

    it("announcements: framed, ≤ maxLength, decode to the input in order, tightly packed", () => {
      fc.assert(fc.property(smallAttrs, prefixList(c.afi, c.addPath), checkAnnouncements), { numRuns: 25 });
    });

    /** Attributes of exactly `n` bytes: `base` and a padding attribute (short or extended header). */
    function attributesOf(n: number): Uint8Array {
      const rest = n - encodeAttributes(base).length;
      const a = padded(rest - 3 <= 255 ? rest - 3 : rest - 4);
      expect(a.length).toBe(n);
      return a;
    }

    /** Prefixes, with attributes sized so that the UPDATE carrying the first k of them is maxLength
     *  + delta bytes (delta -2..2): the boundary where the next prefix just fits or just does not. */
    const boundary = fc
      .tuple(
        fc.array(prefixArb(c.afi, { pathId: c.addPath }), { minLength: 1, maxLength: 40 }),
        fc.nat(),
        fc.integer({ min: -2, max: 2 }),
      )
      .map(([prefixes, k, delta]) => {
        const first = prefixes.slice(0, 1 + (k % prefixes.length));
        const attrs = attributesOf(c.maxLength + delta - announceSize(new Uint8Array(0), wire(first)));
        return { attrs, prefixes };
      });

    it("announcements with attributes that nearly fill the message: same, and no route left out that fits", () => {
      // Regression: encodeAnnouncements once budgeted a 4-octet MP_REACH_NLRI header where a 3-octet one
      // is written (value ≤ 255 bytes): with 4048 bytes of attributes [::/0] was not sent although the
      // UPDATE would be exactly 4096 bytes, and one unsendable prefix broke the packing of the others.
      fc.assert(
        fc.property(boundary, ({ attrs, prefixes }) => checkAnnouncements(attrs, prefixes)),
        { numRuns: 40 },
      );
    });

    it("withdrawals: framed, ≤ maxLength, decode to the input in order, tightly packed", () => {
      fc.assert(
        fc.property(prefixList(c.afi, c.addPath), (prefixes) => {
          const msgs = encodeWithdrawals(c.family, prefixes, { maxLength: c.maxLength, addPath: c.addPath });
          const got: Prefix[] = [];
          for (const [i, m] of msgs.entries()) {
            expectFramed(m, MessageType.UPDATE, c.maxLength);
            const u = decodeUpdate(body(m), ctx);
            expect(UPDATE_ACTION(u)).toBe("none");
            expect(u.attrs).toBeNull();
            const list = mpWithdraw ? u.mpUnreach! : u.withdrawn!;
            expect(list.afi).toBe(c.afi);
            const here = nlriPrefixes(list);
            expect(here.length).toBeGreaterThan(0);
            expect(m.length).toBe(withdrawSize(wire(here)));
            got.push(...here);
            if (i < msgs.length - 1)
              expect(withdrawSize(wire([...here, prefixes[got.length]]))).toBeGreaterThan(c.maxLength);
          }
          expect(got).toEqual(prefixes);
        }),
        { numRuns: 25 },
      );
    });
  });

// ------------------------------------------------------------------------------------------ OPEN

/** What decodeOpen gives back for a capability: the graceful-restart time masked to 12 bits. FQDN names
 *  come back whole as long as they fit the capability (capabilityArb keeps them short); longer ones are
 *  the subject of their own property below. */
function normalCapability(c: Capability): Capability {
  if (c.kind === "graceful-restart") return { ...c, restartTime: c.restartTime & 0x0fff };
  return c;
}

const openParams = <C extends Capability>(caps: fc.Arbitrary<C[]>) =>
  fc.record({
    asn: fc.oneof(u16, u32, fc.constantFrom(23456, 65535, 65536)),
    holdTime: fc.oneof(fc.constant(0), fc.integer({ min: 3, max: 0xffff })),
    bgpId: fc.integer({ min: 1, max: 0xffffffff }),
    capabilities: caps,
  });

interface OpenInput {
  readonly asn: number;
  readonly holdTime: number;
  readonly bgpId: number;
  readonly capabilities: Capability[];
}

function expectOpenRoundTrip(o: OpenInput): void {
  const msg = encodeOpen(o);
  expectFramed(msg, MessageType.OPEN, 4096);
  const b = body(msg);
  const capsLength = o.capabilities.reduce((n, c) => n + encodeCapability(c).length, 0);
  // RFC 9072: optional parameters over 255 bytes go in the extended form, announced by 255, 255.
  if (capsLength === 0) expect(b[9]).toBe(0);
  else if (capsLength + 2 > 255)
    expect([b[9], b[10], u16At(b, 11), b[13], u16At(b, 14)]).toEqual([
      255,
      255,
      capsLength + 3,
      2,
      capsLength,
    ]);
  else expect([b[9], b[10], b[11]]).toEqual([capsLength + 2, 2, capsLength]);
  expect(decodeOpen(b)).toEqual({
    ok: true,
    value: {
      type: MessageType.OPEN,
      version: 4,
      myAs: o.asn > 0xffff ? AS_TRANS : o.asn,
      holdTime: o.holdTime,
      bgpId: o.bgpId,
      capabilities: o.capabilities.map(normalCapability),
    },
  });
}

describe("OPEN", () => {
  it("encodeOpen → decodeOpen gives back every capability kind", () => {
    fc.assert(fc.property(openParams(fc.array(capabilityArb(), { maxLength: 12 })), expectOpenRoundTrip), {
      numRuns: 300,
    });
  });

  it("over 255 bytes of capabilities use RFC 9072 extended parameters and still round-trip", () => {
    const big = fc.record({
      kind: fc.constant("unknown" as const),
      code: fc.constantFrom(0, 200, 254),
      value: fc.uint8Array({ minLength: 252, maxLength: 255 }),
    });
    const caps = fc
      .tuple(fc.array(capabilityArb(), { maxLength: 6 }), big, fc.array(capabilityArb(), { maxLength: 6 }))
      .map(([a, b, c]) => [...a, b, ...c]);
    fc.assert(fc.property(openParams(caps), expectOpenRoundTrip), { numRuns: 100 });
  });

  it("switches to extended parameters exactly when the parameters exceed 255 bytes", () => {
    for (const [n, wide] of [
      [251, false], // 2 + 251 = 253 bytes of capabilities: a 255-byte parameter block
      [252, true],
    ] as const) {
      const o = {
        asn: 65001,
        holdTime: 90,
        bgpId: 1,
        capabilities: [{ kind: "unknown" as const, code: 200, value: new Uint8Array(n) }],
      };
      expect(body(encodeOpen(o))[10] === 255).toBe(wide);
      expectOpenRoundTrip(o);
    }
  });

  it("FQDN names of any length: the OPEN still decodes, names are cut on a character boundary to fit", () => {
    // The value is hostname length, hostname, domain length, domain, under one capability length octet:
    // names fitting 253 bytes together come back whole; longer ones come back as prefixes on a character
    // boundary that fit. (Cutting each at 255 bytes, as the encoder does, can never fit: 1 + 255 + 1 > 255.)
    // Regression: the FQDN value once exceeded 255 bytes (each name cut at 255) and its length was written
    // modulo 256: { hostname: "a".repeat(254), domain: "" } made an OPEN that did not decode.
    const fqdn = fc.record({
      kind: fc.constant("fqdn" as const),
      hostname: utf8Text(300),
      domain: utf8Text(300),
    });
    fc.assert(
      fc.property(openParams(fc.array(fqdn, { minLength: 1, maxLength: 2 })), (o) => {
        const msg = encodeOpen(o);
        expectFramed(msg, MessageType.OPEN, 4096);
        const r = decodeOpen(body(msg));
        expect(r.ok ? "ok" : r.error.reason).toBe("ok");
        if (!r.ok) return;
        expect(r.value.capabilities.length).toBe(o.capabilities.length);
        for (const [i, c] of o.capabilities.entries()) {
          const got = r.value.capabilities[i];
          expect(got.kind).toBe("fqdn");
          if (got.kind !== "fqdn") continue;
          const h = Buffer.byteLength(got.hostname, "utf8");
          const d = Buffer.byteLength(got.domain, "utf8");
          expect(2 + h + d).toBeLessThanOrEqual(255);
          expect(got.hostname).toBe(cutUtf8(c.hostname, h));
          expect(got.domain).toBe(cutUtf8(c.domain, d));
          if (2 + Buffer.byteLength(c.hostname, "utf8") + Buffer.byteLength(c.domain, "utf8") <= 255)
            expect(got).toEqual(c);
        }
      }),
      { numRuns: 100 },
    );
  });
});

// ------------------------------------------------------------------------------------------ NOTIFICATION

describe("NOTIFICATION", () => {
  it("encodeNotification → decodeNotification gives back code, subcode and data", () => {
    fc.assert(
      fc.property(notificationArb, ({ code, subcode, data }) => {
        const msg = encodeNotification(code, subcode, data);
        expectFramed(msg, MessageType.NOTIFICATION, 4096);
        const r = decodeNotification(body(msg));
        expect(r.ok && r.value).toMatchObject({ type: MessageType.NOTIFICATION, code, subcode, data });
        const structured = code === 6 && (subcode === 2 || subcode === 4 || subcode === 9);
        if (!structured)
          expect(r).toEqual({ ok: true, value: { type: MessageType.NOTIFICATION, code, subcode, data } });
      }),
      { numRuns: 100 },
    );
  });

  it("encodeShutdown(text) gives back the text, cut at 255 bytes on a character boundary", () => {
    fc.assert(
      fc.property(fc.constantFrom(2, 4) as fc.Arbitrary<2 | 4>, shutdownText, (subcode, text) => {
        const r = decodeNotification(body(encodeShutdown(subcode, text)));
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        expect([r.value.code, r.value.subcode]).toEqual([6, subcode]);
        expect(r.value.malformedShutdown).toBeUndefined();
        const want = cutUtf8(text, 255);
        expect(r.value.shutdownMessage).toBe(want === "" ? undefined : want);
      }),
      { numRuns: 300 },
    );
  });

  it("Hard Reset carries the inner code, subcode and shutdown text (RFC 8538 §3.1)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(2, 4),
        utf8Text(300).filter((t) => t !== ""),
        (subcode, text) => {
          const r = decodeNotification(body(encodeHardReset(6, subcode, shutdownData(text))));
          expect(r.ok && r.value).toMatchObject({
            code: 6,
            subcode: 9,
            inner: { code: 6, subcode },
            shutdownMessage: cutUtf8(text, 255),
          });
        },
      ),
      { numRuns: 100 },
    );
  });
});

// ------------------------------------------------------------------------------------------ ROUTE-REFRESH

describe("ROUTE-REFRESH", () => {
  it("encodeRouteRefresh → decodeRouteRefresh for every subtype, with and without Enhanced Route Refresh", () => {
    const subtype = fc.oneof(
      fc.constantFrom(RefreshSubtype.NORMAL, RefreshSubtype.BORR, RefreshSubtype.EORR),
      u8,
    );
    fc.assert(
      fc.property(u16, u8, subtype, fc.boolean(), (afi, safi, st, enhanced) => {
        const msg = encodeRouteRefresh(afi, safi, st);
        expectFramed(msg, MessageType.ROUTE_REFRESH, 4096);
        expect(msg.length).toBe(23);
        expect(decodeRouteRefresh(body(msg), enhanced)).toEqual({
          ok: true,
          value: { type: MessageType.ROUTE_REFRESH, afi, safi, subtype: st },
        });
      }),
      { numRuns: 200 },
    );
  });
});

// ------------------------------------------------------------------------------------------ IP text

/** 16 bytes built from eight words, zero words frequent so that runs of zeros (and their compression) and
 *  the IPv4-mapped and -compatible forms come up. */
const ipv6Words = fc.array(fc.oneof(fc.constant(0), fc.constant(0xffff), u16, u8), {
  minLength: 8,
  maxLength: 8,
});
const wordsToBytes = (w: number[]) => Uint8Array.from(w.flatMap((x) => [x >>> 8, x & 0xff]));

describe("IP address text", () => {
  /** inet_ntop's dotted forms: IPv4-mapped (::ffff:0:0/96) and IPv4-compatible (::/96 but not ::/112). */
  const isMapped = (w: number[]) => w.slice(0, 5).every((x) => x === 0) && w[5] === 0xffff;
  const isCompatible = (w: number[]) => w.slice(0, 6).every((x) => x === 0) && w[6] !== 0;

  it("formatIpv6 is the WHATWG URL host form, and parseIp reads it back", () => {
    fc.assert(
      fc.property(
        ipv6Words.filter((w) => !isMapped(w) && !isCompatible(w)),
        (words) => {
          const b = wordsToBytes(words);
          const text = formatIpv6(b);
          const full = words.map((w) => w.toString(16).padStart(4, "0")).join(":");
          expect(`[${text}]`).toBe(new URL(`http://[${full}]`).hostname);
          expect(parseIp(text)).toEqual(b);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("IPv4-mapped and IPv4-compatible addresses take the dotted form, and parseIp reads them back", () => {
    // Regression: ipaddr.js reads the deprecated IPv4-compatible form "::a.b.c.d" as IPv4-mapped, so
    // ::0.1.0.0 (as formatIpv6 writes it) once parsed as ::ffff:0.1.0.0.
    const tail = fc.tuple(u16, u16);
    const mapped = tail.map(([x, y]) => [0, 0, 0, 0, 0, 0xffff, x, y]);
    const compatible = tail.filter(([x]) => x !== 0).map(([x, y]) => [0, 0, 0, 0, 0, 0, x, y]);
    fc.assert(
      fc.property(fc.oneof(mapped, compatible), (words) => {
        const b = wordsToBytes(words);
        const text = formatIpv6(b);
        expect(text).toBe(`::${isMapped(words) ? "ffff:" : ""}${formatIpv4(b, 12)}`);
        expect(parseIp(text)).toEqual(b);
      }),
      { numRuns: 300 },
    );
  });

  it("parseIp's dotted-quad fast path agrees with ipaddr.js on IPv4-looking text", () => {
    // Short strings over digits and dots hit every edge: leading zeros, > 255, empty and extra parts.
    const text = fc
      .array(fc.constantFrom("0", "1", "2", "5", "9", "."), { minLength: 1, maxLength: 16 })
      .map((c) => c.join(""));
    const reference = (t: string) =>
      ipaddr.isValid(t) && ipaddr.IPv4.isValidFourPartDecimal(t)
        ? Uint8Array.from(ipaddr.parse(t).toByteArray())
        : null;
    fc.assert(
      fc.property(fc.oneof(text, fc.ipV4()), (t) => {
        expect(parseIp(t)).toEqual(reference(t));
      }),
      { numRuns: 5000 },
    );
  });

  it("parsePrefix(formatPrefix(p)) gives back p", () => {
    // Regression (same cause as above): ::0.1.0.0/112 once read back as ::ffff:0.1.0.0/112.
    fc.assert(
      fc.property(fc.oneof(ipv4Prefix(), ipv6Prefix()), (p) => {
        expect(parsePrefix(formatPrefix(p))).toEqual(p);
      }),
      { numRuns: 500 },
    );
  });
});

// ------------------------------------------------------------------------------------------ NlriCursor

/** Keep the first `len` bits of `bytes` in a zeroed array of `size` bytes, bit by bit. */
function maskBits(bytes: Uint8Array, len: number, size: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < len; i++) out[i >> 3] |= bytes[i >> 3] & (0x80 >> (i & 7));
  return out;
}

describe("NlriCursor", () => {
  it.each([
    ["IPv4", Afi.IPV4, false],
    ["IPv4, ADD-PATH", Afi.IPV4, true],
    ["IPv6", Afi.IPV6, false],
    ["IPv6, ADD-PATH", Afi.IPV6, true],
  ] as const)("%s: clears host bits and reads v4 as the first 4 bytes, unsigned", (_n, afi, addPath) => {
    const bits = afi === Afi.IPV4 ? 32 : 128;
    // Each entry: path id, length, and random bytes for the whole octets the length spans (host bits set).
    const entry = fc
      .tuple(u32, fc.integer({ min: 0, max: bits }), fc.uint8Array({ minLength: 16, maxLength: 16 }))
      .map(([pathId, length, raw]) => ({ pathId, length, raw: raw.subarray(0, (length + 7) >>> 3) }));
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 30 }), (entries) => {
        const parts: number[] = [];
        for (const e of entries) {
          if (addPath)
            parts.push(e.pathId >>> 24, (e.pathId >>> 16) & 0xff, (e.pathId >>> 8) & 0xff, e.pathId & 0xff);
          parts.push(e.length, ...e.raw);
        }
        const bytes = Uint8Array.from(parts);
        const list = readNlri(bytes, 0, bytes.length, afi, 1, addPath)!;
        expect(list.count).toBe(entries.length);
        const cur = new NlriCursor().reset(list);
        let at = 0;
        for (const e of entries) {
          expect(cur.next()).toBe(true);
          const size = prefixWireSize(e.length, addPath);
          expect([cur.start, cur.end]).toEqual([at, at + size]);
          at += size;
          expect(cur.length).toBe(e.length);
          if (addPath) expect(cur.pathId).toBe(e.pathId);
          const want = maskBits(e.raw, e.length, bits / 8);
          expect(cur.addr.subarray(0, bits / 8)).toEqual(want);
          if (afi === Afi.IPV4) {
            expect(cur.v4).toBe(((want[0] << 24) | (want[1] << 16) | (want[2] << 8) | want[3]) >>> 0);
            expect(cur.v4).toBeGreaterThanOrEqual(0);
          }
          expect(cur.prefix()).toEqual({
            afi,
            length: e.length,
            addr: want,
            ...(addPath ? { pathId: e.pathId } : {}),
          });
        }
        expect(cur.next()).toBe(false);
      }),
      { numRuns: 150 },
    );
  });

  it("reads path ID 0 in a list without ADD-PATH walked after one with it (one cursor serves every session)", () => {
    const withIds = Uint8Array.of(0, 0, 0, 7, 24, 192, 0, 2);
    const without = Uint8Array.of(24, 198, 51, 100);
    const cur = new NlriCursor().reset(readNlri(withIds, 0, withIds.length, Afi.IPV4, 1, true)!);
    expect([cur.next(), cur.pathId]).toEqual([true, 7]);
    cur.reset(readNlri(without, 0, without.length, Afi.IPV4, 1, false)!);
    expect([cur.next(), cur.pathId, cur.v4]).toEqual([true, 0, 0xc6336400]);
  });
});
