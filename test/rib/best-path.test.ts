/** The decision process, step by step (RFC 4271 §9.1.2.2, RFC 4456 §9): each case differs in exactly the
 *  attribute the step looks at, and the reason names that step. */
import { describe, expect, it } from "vitest";
import { BestReason, multipathCount, NO_MULTIPATH, selectBest } from "../../core/rib/best-path.js";
import type { Path, PathSource } from "../../core/rib/path.js";
import { LOCAL_SOURCE } from "../../core/rib/path.js";
import { internAttributes } from "../../core/speaker/local-routes.js";
import { AttrInterner, type PathAttributes, parseIp, parseIpv4Number } from "../../core/wire/index.js";

const interner = new AttrInterner();

function source(address: string, opts: Partial<PathSource> = {}): PathSource {
  return {
    id: address,
    local: false,
    ebgp: true,
    peerAs: 65001,
    routerId: parseIpv4Number(address)!,
    addressBytes: parseIp(address)!,
    rrClient: false,
    ...opts,
  };
}

function path(src: PathSource, attrs: PathAttributes = {}, pathId = 0): Path {
  const a = internAttributes(interner, {
    origin: 0,
    asPath: [{ type: 2, asns: [src.peerAs] }],
    nextHop: "192.0.2.1",
    ...attrs,
  });
  return { source: src, pathId, attrs: a, nextHop: null, since: 0, stale: false, filtered: null };
}

const firstAs = (p: Path) => p.attrs.decoded().asPath?.[0]?.asns[0] ?? 0;
const pick = (...paths: Path[]) => selectBest(paths, firstAs);

describe("decision process", () => {
  const p1 = source("10.0.0.1");
  const p2 = source("10.0.0.2");

  it("one path wins as the only path", () => {
    const a = path(p1);
    expect(pick(a)).toMatchObject({ best: a, reason: BestReason.ONLY_PATH });
  });

  it("highest LOCAL_PREF, with 100 for a missing one", () => {
    const low = path(p1, { localPref: 90 });
    const none = path(p2);
    expect(pick(low, none)).toMatchObject({ best: none, reason: "local-pref" });
  });

  it("locally originated before learned", () => {
    const learned = path(p1, { asPath: [] });
    const local = path(LOCAL_SOURCE, { asPath: [{ type: 2, asns: [1, 2, 3] }] });
    expect(pick(learned, local)).toMatchObject({ best: local, reason: "local-origin" });
  });

  it("shortest AS_PATH, an AS_SET counting one (RFC 4271 §9.1.2.2 a)", () => {
    const long = path(p1, { asPath: [{ type: 2, asns: [65001, 1, 2] }] });
    const set = path(p2, {
      asPath: [
        { type: 2, asns: [65001] },
        { type: 1, asns: [3, 4, 5, 6] },
      ],
    });
    expect(pick(long, set)).toMatchObject({ best: set, reason: "as-path" });
  });

  it("lowest ORIGIN", () => {
    const incomplete = path(p1, { origin: 2 });
    const egp = path(p2, { origin: 1 });
    expect(pick(incomplete, egp)).toMatchObject({ best: egp, reason: "origin" });
  });

  it("lowest MED only among routes from the same neighbor AS (RFC 4271 §9.1.2.2 c)", () => {
    const a = path(source("10.0.0.1", { peerAs: 65001 }), { med: 50 });
    const b = path(source("10.0.0.2", { peerAs: 65001 }), { med: 10 });
    expect(pick(a, b)).toMatchObject({ best: b, reason: "med" });
    // Different neighbor ASes: MED is not compared, a later step decides.
    const c = path(source("10.0.0.3", { peerAs: 65002, routerId: 1 }), { med: 99 });
    const d = path(source("10.0.0.4", { peerAs: 65003, routerId: 2 }), { med: 0 });
    expect(pick(c, d)).toMatchObject({ best: c, reason: "router-id" });
  });

  it("a missing MED counts as the lowest", () => {
    const none = path(source("10.0.0.1", { routerId: 9 }));
    const some = path(source("10.0.0.2", { routerId: 1 }), { med: 1 });
    expect(pick(none, some)).toMatchObject({ best: none, reason: "med" });
  });

  it("external before internal", () => {
    const ibgp = path(source("10.0.0.1", { ebgp: false, routerId: 1 }), { localPref: 100 });
    const ebgp = path(source("10.0.0.2", { routerId: 2 }));
    expect(pick(ibgp, ebgp)).toMatchObject({ best: ebgp, reason: "external" });
  });

  it("shorter CLUSTER_LIST, then lowest ORIGINATOR_ID standing in for the router ID (RFC 4456 §9)", () => {
    const ib = (addr: string, routerId: number) => source(addr, { ebgp: false, routerId });
    const far = path(ib("10.0.0.1", 1), { clusterList: ["1.1.1.1", "2.2.2.2"], originatorId: "9.9.9.1" });
    const near = path(ib("10.0.0.2", 2), { clusterList: ["1.1.1.1"], originatorId: "9.9.9.2" });
    expect(pick(far, near)).toMatchObject({ best: near, reason: "cluster-list" });
    const x = path(ib("10.0.0.1", 1), { originatorId: "9.9.9.9" });
    const y = path(ib("10.0.0.2", 2), { originatorId: "9.9.9.1" });
    expect(pick(x, y)).toMatchObject({ best: y, reason: "router-id" });
  });

  it("lowest peer address, then lowest path identifier (ADD-PATH)", () => {
    const s = { routerId: 5 };
    const a = path(source("10.0.0.9", s));
    const b = path(source("10.0.0.3", s));
    expect(pick(a, b)).toMatchObject({ best: b, reason: "peer-address" });
    const same = source("10.0.0.3", s);
    const id7 = path(same, {}, 7);
    const id2 = path(same, {}, 2);
    expect(pick(id7, id2)).toMatchObject({ best: id2, reason: "path-id" });
  });

  it("paths equal up to the external step form the multipath set, best first", () => {
    const a = path(source("10.0.0.1", { routerId: 3 }));
    const b = path(source("10.0.0.2", { routerId: 1 }));
    const worse = path(source("10.0.0.3", { routerId: 2 }), { origin: 2 });
    const s = pick(a, b, worse);
    expect(s.best).toBe(b);
    expect(s.multipath).toEqual([b, a]);
    expect(multipathCount(s)).toBe(2);
  });

  it("a best path alone shares the one empty multipath set, and counts as one", () => {
    const a = path(source("10.0.0.1"));
    const worse = path(source("10.0.0.3"), { origin: 2 });
    for (const s of [pick(a), pick(a, worse)]) {
      expect(s.multipath).toBe(NO_MULTIPATH);
      expect(multipathCount(s)).toBe(1);
    }
    expect(multipathCount(selectBest([], () => 0))).toBe(0);
    expect(Object.isFrozen(NO_MULTIPATH)).toBe(true);
  });
});
