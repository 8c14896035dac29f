/**
 * kbgpd in the situations issue 3 lists, each against real speakers on loopback: iBGP LOCAL_PREF, a peer
 * stopping and coming back, route reflection, graceful restart in both roles, route refresh, ADD-PATH
 * both ways, the prefix limit, and a 100,000-prefix table.
 */
import { afterAll, describe, expect, type TestContext, test } from "vitest";
import {
  type BasePeer,
  type BirdPeer,
  closeAllLabs,
  createPeer,
  type Family,
  type KbgpdPeer,
  Lab,
  type NeighborSpec,
  type SpeakerKind,
  sleep,
  waitForRoute,
  waitForWithdrawal,
  waitUntil,
} from "./harness/index.js";

afterAll(closeAllLabs);

const K_AS = 65100;
const FAMILIES: Family[] = ["ipv4", "ipv6"];
const GR = { restartTime: 60 };

interface Neighbor {
  lab: Lab;
  k: KbgpdPeer;
  p: BasePeer;
  kSeesP: string;
  pSeesK: string;
}

/** kbgpd and one peer, with neighbor options applied to both sides. */
async function neighbors(
  ctx: TestContext,
  kind: SpeakerKind,
  peerAs: number,
  opts: Partial<NeighborSpec> = {},
): Promise<Neighbor> {
  const lab = Lab.forTest(ctx);
  const ek = await lab.endpoint();
  const ep = await lab.endpoint();
  const k = createPeer("kbgpd", lab, {
    routerId: "10.255.2.1",
    asn: K_AS,
    ...ek,
    neighbors: [{ ...ep, asn: peerAs, families: FAMILIES, ...opts }],
  }) as KbgpdPeer;
  const p = createPeer(kind, lab, {
    routerId: "10.255.2.2",
    asn: peerAs,
    ...ep,
    neighbors: [{ ...ek, asn: K_AS, families: FAMILIES, ...opts }],
  });
  await Promise.all([k.start(), p.start()]);
  await Promise.all([k.waitEstablished(ep.address, 45_000), p.waitEstablished(ek.address, 45_000)]);
  return { lab, k, p, kSeesP: ep.address, pSeesK: ek.address };
}

/** A Loc-RIB path as `rib.list` shows it (docs/api.md), the fields these tests read. */
interface RibPath {
  from: string;
  stale: boolean;
  best: boolean;
  pathId: number;
  asPath: string;
  med?: number;
}

async function kbgpdPaths(k: KbgpdPeer, prefix: string): Promise<RibPath[]> {
  const { rows: routes = [] } = await k.call<{ rows?: { prefix: string; paths: RibPath[] }[] }>("rib.list", {
    family: prefix.includes(":") ? "ipv6-unicast" : "ipv4-unicast",
  });
  return routes.find((r) => r.prefix === prefix)?.paths ?? [];
}

interface NeighborView {
  state: string;
  prefixLimitReached: boolean;
  accepted: number;
  acceptedByFamily: Record<string, number>;
  lastNotification: { direction: string; code: number; subcode: number; message: string } | null;
  messages: { sent: Record<string, number>; received: Record<string, number> };
}

const neighborView = (k: KbgpdPeer, address: string) =>
  k.call<NeighborView>("neighbor.get", { neighbor: address });

describe.concurrent("kbgpd scenarios", () => {
  for (const kind of ["gobgp", "bird", "frr", "exabgp"] as const) {
    test(`iBGP with ${kind}: LOCAL_PREF, MED and next hop pass unchanged both ways`, {
      timeout: 90_000,
    }, async (ctx) => {
      const { k, p, kSeesP, pSeesK } = await neighbors(ctx, kind, K_AS);
      await k.announce({ prefix: "198.51.100.0/24", localPref: 250, med: 3 });
      await k.announce({ prefix: "2001:db8:250::/48", localPref: 250 });
      expect(await waitForRoute(p, pSeesK, "198.51.100.0/24")).toMatchObject({
        localPref: 250,
        med: 3,
        asPath: [],
        nextHop: k.spec.nextHopV4,
      });
      expect(await waitForRoute(p, pSeesK, "2001:db8:250::/48")).toMatchObject({
        localPref: 250,
        asPath: [],
        nextHop: k.spec.nextHopV6,
      });
      await p.announce({ prefix: "203.0.113.0/24", localPref: 300 });
      expect(await waitForRoute(k, kSeesP, "203.0.113.0/24")).toMatchObject({
        localPref: 300,
        asPath: [],
        nextHop: p.spec.nextHopV4,
      });
    });
  }

  // Each speaker as the one that stops; another as the one that watches.
  for (const [source, watcher] of [
    ["gobgp", "bird"],
    ["bird", "frr"],
    ["frr", "gobgp"],
    ["exabgp", "bird"],
  ] as const) {
    test(`a peer that stops takes its routes with it; when it returns they come back (${source} → kbgpd → ${watcher})`, {
      timeout: 120_000,
    }, async (ctx) => {
      const lab = Lab.forTest(ctx);
      const [ea, ek, eb] = [await lab.endpoint(), await lab.endpoint(), await lab.endpoint()];
      const k = createPeer("kbgpd", lab, {
        routerId: "10.255.3.1",
        asn: K_AS,
        ...ek,
        neighbors: [
          { ...ea, asn: 65201, families: FAMILIES },
          { ...eb, asn: 65202, families: FAMILIES },
        ],
      }) as KbgpdPeer;
      const a = createPeer(source, lab, {
        routerId: "10.255.3.2",
        asn: 65201,
        ...ea,
        neighbors: [{ ...ek, asn: K_AS, families: FAMILIES }],
      });
      const b = createPeer(watcher, lab, {
        routerId: "10.255.3.3",
        asn: 65202,
        ...eb,
        neighbors: [{ ...ek, asn: K_AS, families: FAMILIES }],
      });
      await Promise.all([k.start(), a.start(), b.start()]);
      await Promise.all([k.waitEstablished(ea.address, 45_000), k.waitEstablished(eb.address, 45_000)]);
      await a.announce({ prefix: "198.51.100.0/24" });
      await a.announce({ prefix: "2001:db8:77::/48" });
      expect(await waitForRoute(b, ek.address, "198.51.100.0/24")).toMatchObject({ asPath: [K_AS, 65201] });
      expect(await waitForRoute(b, ek.address, "2001:db8:77::/48")).toMatchObject({ asPath: [K_AS, 65201] });
      await a.stop();
      await waitForWithdrawal(b, ek.address, "198.51.100.0/24");
      await waitForWithdrawal(b, ek.address, "2001:db8:77::/48");
      expect(await kbgpdPaths(k, "198.51.100.0/24")).toEqual([]);
      await a.start();
      expect(await waitForRoute(b, ek.address, "198.51.100.0/24", { timeoutMs: 45_000 })).toMatchObject({
        asPath: [K_AS, 65201],
      });
    });
  }

  test("route reflection: kbgpd reflects between a BIRD and an FRR client with ORIGINATOR_ID and CLUSTER_LIST (RFC 4456)", {
    timeout: 120_000,
  }, async (ctx) => {
    const lab = Lab.forTest(ctx);
    const [ek, e1, e2] = [await lab.endpoint(), await lab.endpoint(), await lab.endpoint()];
    const client = { asn: K_AS, families: FAMILIES, routeReflectorClient: true };
    const k = createPeer("kbgpd", lab, {
      routerId: "10.255.4.1",
      asn: K_AS,
      ...ek,
      neighbors: [
        { ...e1, ...client },
        { ...e2, ...client },
      ],
    }) as KbgpdPeer;
    const c1 = createPeer("bird", lab, {
      routerId: "10.255.4.2",
      asn: K_AS,
      ...e1,
      neighbors: [{ ...ek, asn: K_AS, families: FAMILIES }],
    });
    const c2 = createPeer("frr", lab, {
      routerId: "10.255.4.3",
      asn: K_AS,
      ...e2,
      neighbors: [{ ...ek, asn: K_AS, families: FAMILIES }],
    });
    await Promise.all([k.start(), c1.start(), c2.start()]);
    await Promise.all([k.waitEstablished(e1.address, 45_000), k.waitEstablished(e2.address, 45_000)]);
    await c1.announce({ prefix: "198.51.100.0/24", localPref: 150 });
    await c2.announce({ prefix: "203.0.113.0/24" });
    expect(await waitForRoute(c2, ek.address, "198.51.100.0/24")).toMatchObject({
      nextHop: c1.spec.nextHopV4,
      localPref: 150,
      originatorId: "10.255.4.2",
      clusterList: ["10.255.4.1"],
    });
    expect(await waitForRoute(c1, ek.address, "203.0.113.0/24")).toMatchObject({
      nextHop: c2.spec.nextHopV4,
      originatorId: "10.255.4.3",
      clusterList: ["10.255.4.1"],
    });
  });

  test("route reflection client: kbgpd behind an FRR reflector, with a BIRD client on the other side (RFC 4456)", {
    timeout: 120_000,
  }, async (ctx) => {
    const lab = Lab.forTest(ctx);
    const [er, ek, eb] = [await lab.endpoint(), await lab.endpoint(), await lab.endpoint()];
    const client = { asn: K_AS, families: FAMILIES };
    const rr = createPeer("frr", lab, {
      routerId: "10.255.8.1",
      asn: K_AS,
      ...er,
      neighbors: [
        { ...ek, ...client, routeReflectorClient: true },
        { ...eb, ...client, routeReflectorClient: true },
      ],
    });
    const k = createPeer("kbgpd", lab, {
      routerId: "10.255.8.2",
      asn: K_AS,
      ...ek,
      neighbors: [{ ...er, ...client }],
    }) as KbgpdPeer;
    const b = createPeer("bird", lab, {
      routerId: "10.255.8.3",
      asn: K_AS,
      ...eb,
      neighbors: [{ ...er, ...client }],
    });
    await Promise.all([rr.start(), k.start(), b.start()]);
    await k.waitEstablished(er.address, 45_000);
    await b.announce({ prefix: "198.51.100.0/24", localPref: 120 });
    await k.announce({ prefix: "2001:db8:88::/48" });
    expect(await waitForRoute(k, er.address, "198.51.100.0/24")).toMatchObject({
      nextHop: b.spec.nextHopV4,
      localPref: 120,
      originatorId: "10.255.8.3",
      clusterList: ["10.255.8.1"],
    });
    expect(await waitForRoute(b, er.address, "2001:db8:88::/48")).toMatchObject({
      originatorId: "10.255.8.2",
      clusterList: ["10.255.8.1"],
    });
  });

  for (const kind of ["gobgp", "bird", "frr"] as const) {
    test(`graceful restart of kbgpd: ${kind} keeps our routes while we restart, then takes End-of-RIB (RFC 4724)`, {
      timeout: 120_000,
    }, async (ctx) => {
      const { k, p, pSeesK } = await neighbors(ctx, kind, 65300, { gracefulRestart: GR });
      await k.announceMany([{ prefix: "198.51.100.0/24" }, { prefix: "198.51.101.0/24" }]);
      await waitForRoute(p, pSeesK, "198.51.101.0/24");
      await k.stop(); // SIGTERM: graceful, no NOTIFICATION
      await sleep(1500);
      const kept = (await p.rib("ipv4")).map((r) => r.prefix);
      expect(kept, `${kind} kept our routes while kbgpd was down`).toEqual(
        expect.arrayContaining(["198.51.100.0/24", "198.51.101.0/24"]),
      );
      await k.withdraw("198.51.101.0/24"); // not running: the restarted kbgpd will not announce it
      await k.start();
      await k.waitEstablished(p.spec.address, 45_000);
      await waitForWithdrawal(p, pSeesK, "198.51.101.0/24", { timeoutMs: 30_000 });
      expect(await waitForRoute(p, pSeesK, "198.51.100.0/24")).toMatchObject({ asPath: [K_AS] });
      // kbgpd knew it was restarting (Restart State bit) and held its table until the peer's End-of-RIB.
      const log = k.logTail(400);
      expect(log).toContain("graceful restart: the last kbgpd stopped");
      expect(log).toContain("route selection done (End-of-RIB from every graceful-restart peer)");
      expect(await k.call("global.get")).toMatchObject({
        gracefulRestart: { restarting: false, waitingFor: [] },
      });
    });
  }

  // GoBGP's soft reset in never sends ROUTE-REFRESH (it replays its own Adj-RIB-In): tested the other way.
  for (const kind of ["bird", "frr", "exabgp"] as const) {
    test(`route refresh from ${kind}: kbgpd sends its Adj-RIB-Out again (RFC 2918, RFC 7313)`, {
      timeout: 90_000,
    }, async (ctx) => {
      const { k, p, kSeesP, pSeesK } = await neighbors(ctx, kind, 65300);
      await k.announce({ prefix: "198.51.100.0/24" });
      await waitForRoute(p, pSeesK, "198.51.100.0/24");
      const before = await neighborView(k, kSeesP);
      await p.softResetIn(pSeesK);
      await waitUntil(
        "kbgpd to receive ROUTE-REFRESH and answer it",
        async () => {
          const v = await neighborView(k, kSeesP);
          return (
            v.messages.received.routeRefresh > before.messages.received.routeRefresh &&
            v.messages.sent.update > before.messages.sent.update
          );
        },
        { timeoutMs: 20_000 },
      );
      expect(await waitForRoute(p, pSeesK, "198.51.100.0/24")).toMatchObject({ asPath: [K_AS] });
    });
  }

  // ExaBGP keeps no RIB to be a helper with, but restarts with graceful restart like the others.
  for (const kind of ["gobgp", "bird", "frr", "exabgp"] as const) {
    test(`graceful restart of ${kind}: kbgpd keeps its routes stale until End-of-RIB`, {
      timeout: 120_000,
    }, async (ctx) => {
      const { k, p, kSeesP } = await neighbors(ctx, kind, 65300, { gracefulRestart: GR });
      await p.announce({ prefix: "203.0.113.0/24" });
      await waitForRoute(k, kSeesP, "203.0.113.0/24");
      await p.kill(); // no NOTIFICATION, no goodbye
      await waitUntil(
        "kbgpd to mark the routes stale",
        async () => (await kbgpdPaths(k, "203.0.113.0/24"))[0]?.stale === true,
        { timeoutMs: 20_000 },
      );
      await p.start();
      await k.waitEstablished(kSeesP, 60_000);
      await waitUntil(
        "the route to be refreshed",
        async () => (await kbgpdPaths(k, "203.0.113.0/24"))[0]?.stale === false,
        { timeoutMs: 30_000 },
      );
    });
  }

  test("route refresh to gobgp: kbgpd asks for the table again and gobgp re-sends it", {
    timeout: 90_000,
  }, async (ctx) => {
    const { k, p, kSeesP } = await neighbors(ctx, "gobgp", 65300);
    await p.announce({ prefix: "203.0.113.0/24" });
    await waitForRoute(k, kSeesP, "203.0.113.0/24");
    const before = await neighborView(k, kSeesP);
    await k.softResetIn(kSeesP);
    await waitUntil(
      "gobgp to answer the ROUTE-REFRESH with the route again",
      async () => {
        const v = await neighborView(k, kSeesP);
        return (
          v.messages.sent.routeRefresh > before.messages.sent.routeRefresh &&
          v.messages.received.update > before.messages.received.update
        );
      },
      { timeoutMs: 20_000 },
    );
    expect(await waitForRoute(k, kSeesP, "203.0.113.0/24")).toMatchObject({ asPath: [65300] });
  });

  // BIRD does not report received path identifiers: for it, both paths arriving is the check.
  for (const kind of ["frr", "gobgp", "exabgp", "bird"] as const) {
    test(`ADD-PATH send: ${kind} gets both of kbgpd's paths for a prefix, each with its own identifier (RFC 7911)`, {
      timeout: 120_000,
    }, async (ctx) => {
      const lab = Lab.forTest(ctx);
      const [ek, e1, e2, ef] = [
        await lab.endpoint(),
        await lab.endpoint(),
        await lab.endpoint(),
        await lab.endpoint(),
      ];
      const k = createPeer("kbgpd", lab, {
        routerId: "10.255.7.1",
        asn: K_AS,
        ...ek,
        neighbors: [
          { ...e1, asn: 65401, families: ["ipv4"] },
          { ...e2, asn: 65402, families: ["ipv4"] },
          { ...ef, asn: 65403, families: ["ipv4"], addPath: true },
        ],
      }) as KbgpdPeer;
      const p1 = createPeer("bird", lab, {
        routerId: "10.255.7.2",
        asn: 65401,
        ...e1,
        neighbors: [{ ...ek, asn: K_AS, families: ["ipv4"] }],
      });
      const p2 = createPeer("bird", lab, {
        routerId: "10.255.7.3",
        asn: 65402,
        ...e2,
        neighbors: [{ ...ek, asn: K_AS, families: ["ipv4"] }],
      });
      const r = createPeer(kind, lab, {
        routerId: "10.255.7.4",
        asn: 65403,
        ...ef,
        neighbors: [{ ...ek, asn: K_AS, families: ["ipv4"], addPath: true }],
      });
      await p1.announce({ prefix: "203.0.113.0/24" });
      await p2.announce({ prefix: "203.0.113.0/24", asPath: [64999] });
      await Promise.all([k.start(), p1.start(), p2.start(), r.start()]);
      await Promise.all([e1, e2, ef].map((e) => k.waitEstablished(e.address, 45_000)));
      const paths = async () =>
        (await r.received(ek.address, "ipv4")).filter((x) => x.prefix === "203.0.113.0/24");
      await waitUntil(`${kind} to hold both paths from kbgpd`, async () => (await paths()).length === 2, {
        timeoutMs: 30_000,
      });
      const got = await paths();
      expect(got.map((x) => x.asPath).sort()).toEqual([
        [K_AS, 65401],
        [K_AS, 65402, 64999],
      ]);
      if (kind !== "bird") expect(new Set(got.map((x) => x.pathId)).size).toBe(2);
      // The second path leaves on its own; the best one stays.
      await p2.withdraw("203.0.113.0/24");
      try {
        await waitUntil(`${kind} to hold one path`, async () => (await paths()).length === 1, {
          timeoutMs: 30_000,
        });
      } catch (e) {
        // What each side held, if it fails: it did under load when the NLRI cursor kept the last ADD-PATH ID
        // (FRR's) for the next non-ADD-PATH UPDATE (BIRD's), so that its withdrawal matched nothing.
        const held = async (table: string, neighbor?: string) =>
          JSON.stringify(
            (await k.call<{ rows?: unknown[] }>("rib.list", { table, neighbor, prefix: "203.0.113.0/24" }))
              .rows ?? [],
          );
        throw new Error(
          `${(e as Error).message}\n${kind} holds: ${JSON.stringify(await paths())}\nkbgpd Loc-RIB: ${await held("local")}\nkbgpd Adj-RIB-Out to ${kind}: ${await held("out", ef.address)}\nkbgpd Adj-RIB-In from the withdrawing BIRD: ${await held("in", e2.address)}`,
        );
      }
      expect((await paths())[0]!.asPath).toEqual([K_AS, 65401]);
    });
  }

  for (const kind of ["gobgp", "exabgp"] as const) {
    test(`ADD-PATH receive: kbgpd keeps both paths ${kind} sends for a prefix and picks the best (RFC 7911)`, {
      timeout: 90_000,
    }, async (ctx) => {
      const { k, p } = await neighbors(ctx, kind, 65300, { addPath: true });
      await p.announce({ prefix: "203.0.113.0/24", pathId: 1, asPath: [64501, 64502] });
      await p.announce({ prefix: "203.0.113.0/24", pathId: 2, asPath: [64503], med: 7 });
      await waitUntil(
        "kbgpd to hold both paths",
        async () => (await kbgpdPaths(k, "203.0.113.0/24")).length === 2,
        {
          timeoutMs: 20_000,
        },
      );
      const got = await kbgpdPaths(k, "203.0.113.0/24");
      expect(got.map((x) => [x.pathId, x.asPath, x.best]).sort()).toEqual([
        [1, "65300 64501 64502", false],
        [2, "65300 64503", true],
      ]);
      expect(got.find((x) => x.pathId === 2)).toMatchObject({ med: 7 });
      await p.withdraw("203.0.113.0/24");
      await waitUntil(
        "kbgpd to drop both paths",
        async () => (await kbgpdPaths(k, "203.0.113.0/24")).length === 0,
        {
          timeoutMs: 20_000,
        },
      );
    });
  }

  for (const kind of ["bird", "gobgp", "frr", "exabgp"] as const) {
    test(`prefix limit: ${kind} sends too many, gets Cease / Maximum Number of Prefixes Reached, and the session stays down (RFC 4486)`, {
      timeout: 90_000,
    }, async (ctx) => {
      const lab = Lab.forTest(ctx);
      const [ek, ep] = [await lab.endpoint(), await lab.endpoint()];
      const k = createPeer("kbgpd", lab, {
        routerId: "10.255.5.1",
        asn: K_AS,
        ...ek,
        neighbors: [{ ...ep, asn: 65300, families: ["ipv4"], maxPrefix: 3 }],
      }) as KbgpdPeer;
      const p = createPeer(kind, lab, {
        routerId: "10.255.5.2",
        asn: 65300,
        ...ep,
        neighbors: [{ ...ek, asn: K_AS, families: ["ipv4"] }],
      });
      await p.announceMany([1, 2, 3, 4, 5].map((i) => ({ prefix: `198.51.${i}.0/24` })));
      await Promise.all([k.start(), p.start()]);
      await waitUntil(
        "kbgpd to stop the session at the limit",
        async () => (await neighborView(k, ep.address)).prefixLimitReached,
        { timeoutMs: 45_000 },
      );
      const v = await neighborView(k, ep.address);
      expect(v.lastNotification).toMatchObject({ direction: "sent", code: 6, subcode: 1 });
      expect(v.state).toBe("idle");
      expect(await p.sessionState(ek.address)).not.toBe("established");
      await sleep(5000);
      expect((await neighborView(k, ep.address)).state).toBe("idle");
    });
  }

  test("a 100,000-prefix table from BIRD arrives complete", { timeout: 240_000 }, async (ctx) => {
    const lab = Lab.forTest(ctx);
    const [ek, ep] = [await lab.endpoint(), await lab.endpoint()];
    const k = createPeer("kbgpd", lab, {
      routerId: "10.255.6.1",
      asn: K_AS,
      ...ek,
      neighbors: [{ ...ep, asn: 65300, families: ["ipv4"] }],
    }) as KbgpdPeer;
    const p = createPeer("bird", lab, {
      routerId: "10.255.6.2",
      asn: 65300,
      ...ep,
      neighbors: [{ ...ek, asn: K_AS, families: ["ipv4"] }],
    }) as BirdPeer;
    const N = 100_000;
    await p.announceMany(
      Array.from({ length: N }, (_, i) => ({ prefix: `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}/32` })),
    );
    await Promise.all([k.start(), p.start()]);
    await k.waitEstablished(ep.address, 60_000);
    const birdCount = async () =>
      Number(
        /(\d+) of \d+ routes/.exec(await p.birdc("show", "route", "table", "master4", "count"))?.[1] ?? -1,
      );
    await waitUntil(
      `kbgpd to hold ${N} prefixes`,
      async () => (await neighborView(k, ep.address)).acceptedByFamily["ipv4-unicast"] === N,
      { timeoutMs: 180_000, intervalMs: 1000 },
    );
    expect(await birdCount()).toBe(N);
    const { ribSize } = await k.call<{ ribSize: Record<string, number> }>("global.get");
    expect(ribSize["ipv4-unicast"]).toBe(N);
  });
});
