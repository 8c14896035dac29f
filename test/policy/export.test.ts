/** Export policy in isolation: what goes to which kind of peer, and with which attributes. */
import { describe, expect, it } from "vitest";
import { Exporter, type ExportTarget } from "../../core/policy/export.js";
import type { Path, PathSource } from "../../core/rib/path.js";
import { LOCAL_SOURCE } from "../../core/rib/path.js";
import { internAttributes } from "../../core/speaker/local-routes.js";
import {
  AttrInterner,
  codecContext,
  decodeAttributes,
  formatIp,
  IPV4_UNICAST,
  IPV6_UNICAST,
  type PathAttributes,
  parseIp,
  parseIpv4Number,
  scanAttributes,
  uninternedSet,
} from "../../core/wire/index.js";

const interner = new AttrInterner();
const LOCAL_AS = 65000;

function target(more: Partial<ExportTarget> = {}): ExportTarget {
  return {
    id: "10.0.0.9",
    ebgp: true,
    rrClient: false,
    localAs: LOCAL_AS,
    routerId: parseIpv4Number("10.0.0.1")!,
    clusterId: parseIpv4Number("10.0.0.1")!,
    as4: true,
    prepend: 0,
    nextHopSelf: false,
    communities: [],
    largeCommunities: [],
    selfV4: "10.0.0.1",
    selfV6: null,
    extendedNextHopV4: false,
    ...more,
  };
}

function src(address: string, more: Partial<PathSource> = {}): PathSource {
  return {
    id: address,
    local: false,
    ebgp: true,
    peerAs: 65001,
    routerId: parseIpv4Number(address)!,
    addressBytes: parseIp(address)!,
    rrClient: false,
    ...more,
  };
}

function path(s: PathSource, a: PathAttributes, nextHop: Uint8Array | null = null): Path {
  return {
    source: s,
    pathId: 0,
    attrs: internAttributes(interner, a),
    nextHop,
    since: 0,
    stale: false,
    filtered: null,
  };
}

const learned = {
  origin: 0,
  asPath: [{ type: 2, asns: [65001, 65002] }],
  nextHop: "192.0.2.7",
  med: 5,
  localPref: 300,
} as const;

function exported(t: ExportTarget, family: number, p: Path) {
  const r = new Exporter(t).export(family, p);
  if (typeof r === "string") return r;
  return {
    attrs: decodeAttributes(r.exported.bytes),
    nextHop: r.nextHop ? formatIp(r.nextHop, 0, 16) : null,
    bytes: r.exported.bytes,
  };
}

describe("to an external peer", () => {
  it("prepends our AS, sets next hop self, drops LOCAL_PREF and a foreign MED", () => {
    const r = exported(target({ prepend: 2 }), IPV4_UNICAST, path(src("10.0.0.2"), learned));
    expect(r).toMatchObject({
      attrs: {
        origin: 0,
        asPath: [{ type: 2, asns: [65000, 65000, 65000, 65001, 65002] }],
        nextHop: "10.0.0.1",
      },
    });
    if (typeof r !== "string") {
      expect(r.attrs.localPref).toBeUndefined();
      expect(r.attrs.med).toBeUndefined();
    }
  });

  it("keeps the MED of our own routes", () => {
    const r = exported(target(), IPV4_UNICAST, path(LOCAL_SOURCE, { origin: 0, asPath: [], med: 20 }));
    expect(r).toMatchObject({
      attrs: { med: 20, asPath: [{ type: 2, asns: [65000] }], nextHop: "10.0.0.1" },
    });
  });

  it("honours NO_EXPORT and NO_ADVERTISE (RFC 1997)", () => {
    expect(
      exported(target(), IPV4_UNICAST, path(src("10.0.0.2"), { ...learned, communities: [0xffffff01] })),
    ).toBe("NO_EXPORT");
    expect(
      exported(
        target({ ebgp: false }),
        IPV4_UNICAST,
        path(src("10.0.0.2"), { ...learned, communities: [0xffffff01] }),
      ),
    ).not.toBeTypeOf("string");
    expect(
      exported(
        target({ ebgp: false }),
        IPV4_UNICAST,
        path(src("10.0.0.2"), { ...learned, communities: [0xffffff02] }),
      ),
    ).toBe("NO_ADVERTISE");
  });

  it("does not send a route back to the peer it came from", () => {
    expect(exported(target(), IPV4_UNICAST, path(src("10.0.0.9"), learned))).toBe("learned from this peer");
  });

  it("adds the configured communities", () => {
    const r = exported(
      target({ communities: [0xfde80001], largeCommunities: [[65000, 1, 2]] }),
      IPV4_UNICAST,
      path(src("10.0.0.2"), { ...learned, communities: [0xfde80001, 7] }),
    );
    expect(r).toMatchObject({ attrs: { communities: [0xfde80001, 7], largeCommunities: [[65000, 1, 2]] } });
  });

  it("writes 2-octet AS numbers with AS_TRANS and AS4_PATH for a peer without RFC 6793", () => {
    const r = exported(
      target({ as4: false }),
      IPV4_UNICAST,
      path(src("10.0.0.2", { peerAs: 4200000001 }), {
        origin: 0,
        asPath: [{ type: 2, asns: [4200000001] }],
        nextHop: "192.0.2.7",
      }),
    );
    if (typeof r === "string") throw new Error(r);
    const scan = scanAttributes(r.bytes, 0, r.bytes.length, codecContext({ as4: false }));
    const seen = uninternedSet(
      scan.canonical,
      scan.canonicalStart,
      scan.canonicalEnd,
      scan.summary,
    ).decoded();
    expect(seen.asPath).toEqual([{ type: 2, asns: [65000, 4200000001] }]);
  });
});

describe("to an internal peer", () => {
  const ibgp = (more: Partial<ExportTarget> = {}) => target({ ebgp: false, ...more });

  it("keeps AS_PATH, next hop and MED, and sends LOCAL_PREF (100 by default)", () => {
    const r = exported(
      ibgp(),
      IPV4_UNICAST,
      path(src("10.0.0.2"), {
        origin: 0,
        asPath: [{ type: 2, asns: [65001] }],
        nextHop: "192.0.2.7",
        med: 5,
      }),
    );
    expect(r).toMatchObject({
      attrs: { asPath: [{ type: 2, asns: [65001] }], nextHop: "192.0.2.7", med: 5, localPref: 100 },
    });
  });

  it("sets next hop self when configured", () => {
    expect(exported(ibgp({ nextHopSelf: true }), IPV4_UNICAST, path(src("10.0.0.2"), learned))).toMatchObject(
      { attrs: { nextHop: "10.0.0.1" } },
    );
  });

  it("does not pass iBGP-learned routes on, unless reflecting (RFC 4456 §6)", () => {
    const fromIbgp = path(src("10.0.0.2", { ebgp: false, peerAs: LOCAL_AS }), learned);
    expect(exported(ibgp(), IPV4_UNICAST, fromIbgp)).toBe("iBGP-learned route to an iBGP peer");
    const r = exported(ibgp({ rrClient: true }), IPV4_UNICAST, fromIbgp);
    expect(r).toMatchObject({
      attrs: { originatorId: "10.0.0.2", clusterList: ["10.0.0.1"], localPref: 300 },
    });
  });
  it("keeps routes from a neighbor marked learnedToEbgp: false off eBGP peers, not off iBGP clients", () => {
    const fromMesh = path(src("10.0.0.2", { ebgp: false, peerAs: LOCAL_AS, learnedToEbgp: false }), learned);
    expect(exported(target(), IPV4_UNICAST, fromMesh)).toBe(
      "learned from a neighbor whose routes stay off eBGP",
    );
    expect(exported(ibgp({ rrClient: true }), IPV4_UNICAST, fromMesh)).toMatchObject({
      attrs: { originatorId: "10.0.0.2" },
    });
    const fromEbgp = path(src("192.0.2.9", { learnedToEbgp: true }), learned);
    expect(exported(target(), IPV4_UNICAST, fromEbgp)).toMatchObject({ attrs: { nextHop: "10.0.0.1" } });
  });
});

describe("next hops by family", () => {
  it("uses the IPv4-mapped local address for IPv6 routes on an IPv4 session without an IPv6 next hop", () => {
    const mapped = Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 1);
    const r = exported(
      target({ selfV6: mapped }),
      IPV6_UNICAST,
      path(src("10.0.0.2"), { origin: 0, asPath: [{ type: 2, asns: [65001] }] }, parseIp("2001:db8::7")),
    );
    expect(r).toMatchObject({ nextHop: "::ffff:10.0.0.1" });
  });

  it("refuses to announce IPv4 without any IPv4 next hop, and uses IPv6 with RFC 8950", () => {
    const p = path(src("10.0.0.2"), learned);
    expect(exported(target({ selfV4: null, selfV6: parseIp("2001:db8::1") }), IPV4_UNICAST, p)).toMatch(
      /no IPv4 next hop/,
    );
    expect(
      exported(
        target({ selfV4: null, selfV6: parseIp("2001:db8::1"), extendedNextHopV4: true }),
        IPV4_UNICAST,
        p,
      ),
    ).toMatchObject({ nextHop: "2001:db8::1" });
  });

  it("a locally originated route keeps the next hop it was configured with", () => {
    expect(
      exported(target(), IPV4_UNICAST, path(LOCAL_SOURCE, { origin: 0, asPath: [], nextHop: "198.18.0.5" })),
    ).toMatchObject({ attrs: { nextHop: "198.18.0.5" } });
  });
});
