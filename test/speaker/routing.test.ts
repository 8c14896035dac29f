/** Routing behaviour across several speakers on the in-memory network: iBGP rules, route reflection,
 *  graceful restart, limits, operator actions, refresh. */
import { describe, expect, it } from "vitest";
import type { NeighborConfig, RouteConfig } from "../../core/config/types.js";
import { IPV4_UNICAST, parsePrefix } from "../../core/wire/index.js";
import { locRib, state } from "../helpers/rib-view.js";
import { neighbor, route, speakerConfig } from "../helpers/speaker-config.js";
import { VirtualNet } from "../helpers/virtual-net.js";

type Node = {
  name: string;
  address: string;
  asn: number;
  neighbors: NeighborConfig[];
  routes?: RouteConfig[];
};

function network(nodes: Node[]): VirtualNet {
  const net = new VirtualNet();
  for (const n of nodes)
    net.add(n.name, n.address, speakerConfig(n.asn, n.address, n.neighbors, n.routes ?? []));
  for (const n of nodes) net.input(n.address, { kind: "start" });
  net.until(() =>
    nodes.every((n) => n.neighbors.every((x) => state(net.speaker(n.address), x.address) === "established")),
  );
  return net;
}

describe("iBGP and route reflection (RFC 4456)", () => {
  // B and C are clients of the reflector A, all in AS 65000; E is an external peer of B.
  const A = "10.0.0.1";
  const B = "10.0.0.2";
  const C = "10.0.0.3";
  const E = "10.0.0.9";
  const nodes = (reflect: boolean): Node[] => [
    {
      name: "a",
      address: A,
      asn: 65000,
      neighbors: [
        neighbor(B, "internal", { routeReflectorClient: reflect }),
        neighbor(C, "internal", { routeReflectorClient: reflect }),
      ],
    },
    { name: "b", address: B, asn: 65000, neighbors: [neighbor(A, "internal"), neighbor(E, 65100)] },
    { name: "c", address: C, asn: 65000, neighbors: [neighbor(A, "internal")] },
    {
      name: "e",
      address: E,
      asn: 65100,
      neighbors: [neighbor(B, 65000)],
      routes: [route("198.51.100.0/24", { med: 7 })],
    },
  ];

  it("passes eBGP-learned routes to iBGP peers with LOCAL_PREF and the next hop unchanged", () => {
    const net = network(nodes(false));
    expect(locRib(net.speaker(A))).toMatchObject([
      { prefix: "198.51.100.0/24", from: B, asPath: "65100", nextHop: E, localPref: 100 },
    ]);
  });

  it("does not pass iBGP-learned routes to iBGP peers without reflection", () => {
    const net = network(nodes(false));
    expect(locRib(net.speaker(C))).toEqual([]);
  });

  it("reflects client routes to the other clients with ORIGINATOR_ID and CLUSTER_LIST", () => {
    const net = network(nodes(true));
    expect(locRib(net.speaker(C))).toMatchObject([
      { prefix: "198.51.100.0/24", from: A, asPath: "65100", nextHop: E, originatorId: B, clusterList: [A] },
    ]);
    // The originator drops its own route coming back (RFC 4456 §8): B never sees it from A.
    const bPaths = net.speaker(B).locRib.table((1 << 8) | 1);
    expect([...bPaths.values(1)][0].paths.map((p) => p.source.id)).toEqual([E]);
  });

  it("re-evaluates the other iBGP peers when a reload makes a neighbor a client or not (RFC 4456 §6)", () => {
    const net = network(nodes(false));
    const a = net.speaker(A);
    const reload = (bClient: boolean) =>
      net.input(A, {
        kind: "reconfigure",
        config: speakerConfig(65000, A, [
          neighbor(B, "internal", { routeReflectorClient: bClient }),
          neighbor(C, "internal"),
        ]),
      });
    expect(locRib(net.speaker(C))).toEqual([]);
    // B's routes are client routes now: reflected to every iBGP peer, C included.
    reload(true);
    net.advance(100);
    expect(locRib(net.speaker(C))).toMatchObject([{ prefix: "198.51.100.0/24", from: A, originatorId: B }]);
    // And no longer: C must lose the route, without any session reset.
    const cUp = a.peers.get(C)!.establishedCount;
    reload(false);
    net.advance(100);
    expect(locRib(net.speaker(C))).toEqual([]);
    expect(a.peers.get(C)!.establishedCount).toBe(cUp);
  });

  it("withdraws what it reflected to a neighbor that stops being a client, also to a peer without Enhanced Route Refresh", () => {
    const net = network([
      {
        ...nodes(false)[0],
        neighbors: [neighbor(B, "internal"), neighbor(C, "internal", { routeReflectorClient: true })],
      },
      ...nodes(false).slice(1),
    ]);
    const a = net.speaker(A);
    expect(locRib(net.speaker(C))).toMatchObject([{ prefix: "198.51.100.0/24", from: A, originatorId: B }]);
    // As with a peer that lacks the capability: no BoRR/EoRR, so C purges nothing by itself (RFC 7313 §4);
    // only a withdrawal on the wire removes the route.
    const negotiated = a.peers.get(C)!.session!.negotiated! as { enhancedRouteRefresh: boolean };
    negotiated.enhancedRouteRefresh = false;
    const eorrBefore = a.peers.get(C)!.sent[5];
    net.input(A, {
      kind: "reconfigure",
      config: speakerConfig(65000, A, [neighbor(B, "internal"), neighbor(C, "internal")]),
    });
    net.advance(100);
    expect(a.peers.get(C)!.sent[5]).toBe(eorrBefore);
    expect(locRib(net.speaker(C))).toEqual([]);
    expect(a.peers.get(C)!.session!.ribOut!.count(IPV4_UNICAST)).toBe(0);
  });

  it("withdraws everywhere when the external peer shuts the session down (a Hard Reset, RFC 8538 §5.1)", () => {
    const net = network(nodes(true));
    net.input(E, { kind: "admin", neighbor: B, action: "shutdown" });
    net.advance(100);
    expect(net.speaker(B).peers.get(E)!.lastNotification).toMatchObject({
      code: 6,
      subcode: 9,
      message: "Cease / Hard Reset (Cease / Administrative Shutdown)",
    });
    for (const x of [A, B, C]) expect(locRib(net.speaker(x))).toEqual([]);
  });

  it("keeps the routes of an external peer whose process died, as stale (RFC 4724 §4.2)", () => {
    const net = network(nodes(true));
    net.remove(E);
    net.advance(100);
    expect(locRib(net.speaker(B))).toMatchObject([{ prefix: "198.51.100.0/24", stale: true }]);
    expect(locRib(net.speaker(C))).toHaveLength(1);
  });
});

describe("decision process across peers", () => {
  const A = "10.0.0.1";
  const P1 = "10.0.0.11";
  const P2 = "10.0.0.12";
  it("prefers the shorter AS path, and says so", () => {
    const net = network([
      { name: "a", address: A, asn: 65000, neighbors: [neighbor(P1, 65001), neighbor(P2, 65002)] },
      {
        name: "p1",
        address: P1,
        asn: 65001,
        neighbors: [neighbor(A, 65000)],
        routes: [route("203.0.113.0/24", { asPath: [{ type: 2, asns: [65010, 65011] }] })],
      },
      {
        name: "p2",
        address: P2,
        asn: 65002,
        neighbors: [neighbor(A, 65000)],
        routes: [route("203.0.113.0/24")],
      },
    ]);
    expect(locRib(net.speaker(A))).toMatchObject([
      { prefix: "203.0.113.0/24", from: P2, asPath: "65002", reason: "as-path", paths: 2 },
    ]);
  });
});

describe("graceful restart, helper side (RFC 4724 §4.2)", () => {
  const A = "10.0.0.1";
  const B = "10.0.0.2";
  it("keeps a restarting peer's routes stale until its End-of-RIB, then refreshes them", () => {
    const bRoutes = [route("192.0.2.0/24"), route("192.0.2.128/25")];
    const net = network([
      { name: "a", address: A, asn: 65001, neighbors: [neighbor(B, 65002)] },
      { name: "b", address: B, asn: 65002, neighbors: [neighbor(A, 65001)], routes: bRoutes },
    ]);
    expect(locRib(net.speaker(A))).toHaveLength(2);
    // B's process dies: TCP resets, no NOTIFICATION.
    net.remove(B);
    net.advance(100);
    expect(state(net.speaker(A), B)).not.toBe("established");
    expect(locRib(net.speaker(A)).map((r) => [r.prefix, r.stale])).toEqual([
      ["192.0.2.0/24", true],
      ["192.0.2.128/25", true],
    ]);
    // B comes back announcing only one of the two routes; End-of-RIB removes the other.
    net.add("b", B, speakerConfig(65002, B, [neighbor(A, 65001)], [route("192.0.2.0/24")]), {
      restarting: true,
    });
    net.input(B, { kind: "start" });
    net.until(() => state(net.speaker(A), B) === "established");
    net.advance(100);
    expect(locRib(net.speaker(A)).map((r) => [r.prefix, r.stale])).toEqual([["192.0.2.0/24", false]]);
  });

  it("purges a filtered path the restarted peer does not announce again, so the route guard's count falls", () => {
    const reject = [{ prefix: parsePrefix("192.0.2.128/25")!, ge: 25, le: 25 }];
    const net = network([
      { name: "a", address: A, asn: 65001, neighbors: [neighbor(B, 65002, { importReject: reject })] },
      {
        name: "b",
        address: B,
        asn: 65002,
        neighbors: [neighbor(A, 65001)],
        routes: [route("192.0.2.0/24"), route("192.0.2.128/25")],
      },
    ]);
    const a = net.speaker(A);
    expect(a.ribInTally.paths).toBe(2); // one accepted, one filtered
    net.remove(B);
    net.advance(100);
    net.add("b", B, speakerConfig(65002, B, [neighbor(A, 65001)], [route("192.0.2.0/24")]), {
      restarting: true,
    });
    net.input(B, { kind: "start" });
    net.until(() => state(a, B) === "established");
    net.advance(100);
    // End-of-RIB removed the filtered path B no longer sends, as it does an accepted one.
    expect(a.peers.get(B)!.ribIn.received.get(IPV4_UNICAST)).toBe(1);
    expect(a.ribInTally.paths).toBe(1);
  });

  it("drops the stale routes when the peer does not return within its restart time", () => {
    const net = network([
      { name: "a", address: A, asn: 65001, neighbors: [neighbor(B, 65002)] },
      { name: "b", address: B, asn: 65002, neighbors: [neighbor(A, 65001)], routes: [route("192.0.2.0/24")] },
    ]);
    net.remove(B);
    net.advance(119_000);
    expect(locRib(net.speaker(A))).toHaveLength(1);
    net.advance(2_000);
    expect(locRib(net.speaker(A))).toEqual([]);
  });

  it("removes routes at once when the peer stops with a Hard Reset, keeps them on other NOTIFICATIONs", () => {
    const net = network([
      { name: "a", address: A, asn: 65001, neighbors: [neighbor(B, 65002)] },
      { name: "b", address: B, asn: 65002, neighbors: [neighbor(A, 65001)], routes: [route("192.0.2.0/24")] },
    ]);
    // An administrative reset is not a decision to withdraw: with the N bit, A keeps the routes stale.
    net.input(B, { kind: "admin", neighbor: A, action: "reset" });
    net.advance(50);
    expect(net.speaker(A).peers.get(B)!.lastNotification).toMatchObject({ code: 6, subcode: 4 });
    expect(
      net.logs(A).some((l) => l.kind === "log" && l.msg.startsWith("graceful restart: keeping routes")),
    ).toBe(true);
    net.until(() => state(net.speaker(A), B) === "established");
    net.advance(100);
    expect(locRib(net.speaker(A))).toMatchObject([{ stale: false }]);
    // Stopping kbgpd for good is an administrative shutdown: sent as a Hard Reset, routes go at once.
    net.input(B, { kind: "stop", gracefulRestart: false, message: "maintenance" });
    net.advance(50);
    expect(net.speaker(A).peers.get(B)!.lastNotification).toMatchObject({
      direction: "received",
      code: 6,
      subcode: 9,
      message: 'Cease / Hard Reset (Cease / Administrative Shutdown): "maintenance"',
    });
    expect(locRib(net.speaker(A))).toEqual([]);
  });

  it("a stop before the process exits still sends each peer its Cease, and leaves the peers' routes in place", () => {
    const net = network([
      {
        name: "a",
        address: A,
        asn: 65001,
        neighbors: [neighbor(B, 65002)],
        routes: [route("198.51.100.0/24")],
      },
      { name: "b", address: B, asn: 65002, neighbors: [neighbor(A, 65001)], routes: [route("192.0.2.0/24")] },
    ]);
    net.advance(100);
    net.input(B, { kind: "stop", gracefulRestart: false, message: "bye", exiting: true });
    net.advance(50);
    expect(net.speaker(A).peers.get(B)!.lastNotification).toMatchObject({ direction: "received", code: 6 });
    expect(locRib(net.speaker(A)).map((r) => r.prefix)).toEqual(["198.51.100.0/24"]);
    // B's tables go with its process: A's route was not withdrawn from them one by one.
    expect(state(net.speaker(B), A)).toBe("idle");
    expect(locRib(net.speaker(B)).map((r) => r.prefix)).toEqual(["192.0.2.0/24", "198.51.100.0/24"]);
  });
});

describe("graceful restart, restarting side (RFC 4724 §4.1)", () => {
  const A = "10.0.0.1";
  const B = "10.0.0.2";
  const C = "10.0.0.3";
  const noGr = { enabled: false, restartTime: 120, helperOnly: false, staleTime: 360 };
  /** A restarts with B and C as its peers; each originates one route. */
  function restart(opts: { deferral?: number; cRestarting?: boolean; cGr?: boolean } = {}) {
    const net = new VirtualNet();
    const cOpts = opts.cGr === false ? { gracefulRestart: noGr } : {};
    const global = opts.deferral
      ? {
          gracefulRestart: {
            enabled: true,
            restartTime: 120,
            helperOnly: false,
            staleTime: 360,
            selectionDeferral: opts.deferral,
          },
        }
      : {};
    net.add(
      "a",
      A,
      speakerConfig(
        65001,
        A,
        [neighbor(B, 65002), neighbor(C, 65003, cOpts)],
        [route("203.0.113.0/24")],
        global,
      ),
      { restarting: true },
    );
    net.add("b", B, speakerConfig(65002, B, [neighbor(A, 65001)], [route("192.0.2.0/24")]));
    net.add("c", C, speakerConfig(65003, C, [neighbor(A, 65001, cOpts)], [route("198.51.100.0/24")]), {
      restarting: opts.cRestarting ?? false,
    });
    return net;
  }
  const fromA = (net: VirtualNet, at: string) =>
    locRib(net.speaker(at))
      .filter((r) => r.from === A)
      .map((r) => r.prefix);
  const logged = (net: VirtualNet, text: string) =>
    net.logs(A).some((l) => l.kind === "log" && l.msg.includes(text));

  it("sets the Restart State bit and advertises nothing until every graceful-restart peer's End-of-RIB", () => {
    const net = restart();
    for (const x of [A, B]) net.input(x, { kind: "start" });
    net.until(() => state(net.speaker(A), B) === "established");
    net.advance(5_000);
    expect(net.speaker(B).peers.get(A)!.session!.negotiated!.gracefulRestart!.restartState).toBe(true);
    // A has learnt B's route, B has nothing from A: A still waits for C.
    expect(locRib(net.speaker(A)).map((r) => r.prefix)).toEqual(["192.0.2.0/24", "203.0.113.0/24"]);
    expect(fromA(net, B)).toEqual([]);
    expect(net.speaker(A).restartStatus()).toEqual({ restarting: true, waitingFor: [C] });
    net.input(C, { kind: "start" });
    net.until(() => state(net.speaker(A), C) === "established");
    net.advance(1_000);
    expect(fromA(net, B)).toEqual(["198.51.100.0/24", "203.0.113.0/24"]);
    expect(fromA(net, C)).toEqual(["192.0.2.0/24", "203.0.113.0/24"]);
    expect(net.speaker(A).restartStatus()).toEqual({ restarting: false, waitingFor: [] });
    expect(logged(net, "route selection done (End-of-RIB from every graceful-restart peer)")).toBe(true);
    // Once selection is done, a new session is not a restart any more.
    net.input(A, { kind: "admin", neighbor: B, action: "reset" });
    net.until(() => state(net.speaker(B), A) === "established");
    expect(net.speaker(B).peers.get(A)!.session!.negotiated!.gracefulRestart!.restartState).toBe(false);
  });

  it("advertises when the selection deferral timer fires, without the missing peer", () => {
    const net = restart({ deferral: 30 });
    for (const x of [A, B]) net.input(x, { kind: "start" });
    net.until(() => state(net.speaker(A), B) === "established");
    net.advance(25_000);
    expect(fromA(net, B)).toEqual([]);
    net.advance(6_000);
    expect(fromA(net, B)).toEqual(["203.0.113.0/24"]);
    expect(logged(net, `selection deferral timer expired, still waiting for ${C}`)).toBe(true);
  });

  it("does not wait for a peer that restarts too, nor for one without graceful restart", () => {
    for (const opts of [{ cRestarting: true }, { cGr: false }]) {
      const net = restart(opts);
      for (const x of [A, B, C]) net.input(x, { kind: "start" });
      net.until(() => [B, C].every((x) => state(net.speaker(A), x) === "established"));
      net.advance(1_000);
      expect(fromA(net, B)).toEqual(["198.51.100.0/24", "203.0.113.0/24"]);
      expect(fromA(net, C)).toEqual(["192.0.2.0/24", "203.0.113.0/24"]);
    }
  });

  it("stops waiting for a peer an operator shuts down", () => {
    const net = restart();
    for (const x of [A, B]) net.input(x, { kind: "start" });
    net.until(() => state(net.speaker(A), B) === "established");
    net.advance(1_000);
    expect(fromA(net, B)).toEqual([]);
    net.input(A, { kind: "admin", neighbor: C, action: "shutdown" });
    net.advance(1_000);
    expect(fromA(net, B)).toEqual(["203.0.113.0/24"]);
  });
});

describe("limits and operator actions", () => {
  const A = "10.0.0.1";
  const B = "10.0.0.2";
  const many = Array.from({ length: 5 }, (_, i) => route(`10.${i}.0.0/16`));

  it("sends Cease / Maximum Number of Prefixes Reached past the limit and stays down (RFC 4486)", () => {
    const net = new VirtualNet();
    net.add(
      "a",
      A,
      speakerConfig(65001, A, [
        neighbor(B, 65002, { maxPrefix: { limit: 3, warningPercent: 90, restartAfter: null } }),
      ]),
    );
    net.add("b", B, speakerConfig(65002, B, [neighbor(A, 65001)], many));
    net.input(A, { kind: "start" });
    net.input(B, { kind: "start" });
    net.advance(5_000);
    const p = net.speaker(A).peers.get(B)!;
    expect(p.lastNotification).toMatchObject({
      direction: "sent",
      code: 6,
      subcode: 9,
      message:
        "Cease / Hard Reset (Cease / Maximum Number of Prefixes Reached): 5 prefixes exceed the limit of 3",
    });
    expect(p.prefixLimitDown).toBe(true);
    expect(locRib(net.speaker(A))).toEqual([]);
    net.advance(600_000);
    expect(state(net.speaker(A), B)).toBe("idle");
    net.input(A, { kind: "admin", neighbor: B, action: "enable" });
    net.advance(1_000);
    expect(p.prefixLimitDown).toBe(true); // the peer still sends 5: down again
  });

  it("restarts after the configured time when the limit allows it", () => {
    const net = new VirtualNet();
    net.add(
      "a",
      A,
      speakerConfig(65001, A, [
        neighbor(B, 65002, { maxPrefix: { limit: 3, warningPercent: 90, restartAfter: 30 } }),
      ]),
    );
    net.add("b", B, speakerConfig(65002, B, [neighbor(A, 65001)], many));
    net.input(A, { kind: "start" });
    net.input(B, { kind: "start" });
    net.advance(5_000);
    const before = net.speaker(A).peers.get(B)!.establishedCount;
    net.advance(40_000);
    expect(net.speaker(A).peers.get(B)!.establishedCount).toBeGreaterThan(before);
  });

  it("shuts a neighbor down with an RFC 9003 message and brings it back", () => {
    const net = network([
      { name: "a", address: A, asn: 65001, neighbors: [neighbor(B, 65002)] },
      { name: "b", address: B, asn: 65002, neighbors: [neighbor(A, 65001)], routes: [route("192.0.2.0/24")] },
    ]);
    net.input(A, { kind: "admin", neighbor: B, action: "shutdown", message: "moving to a new rack" });
    net.advance(1_000);
    expect(state(net.speaker(A), B)).toBe("idle");
    expect(net.speaker(B).peers.get(A)!.lastNotification).toMatchObject({
      message: 'Cease / Hard Reset (Cease / Administrative Shutdown): "moving to a new rack"',
    });
    net.advance(300_000);
    expect(state(net.speaker(A), B)).toBe("idle");
    net.input(A, { kind: "admin", neighbor: B, action: "enable" });
    net.until(() => state(net.speaker(A), B) === "established");
    net.advance(100);
    expect(locRib(net.speaker(A))).toHaveLength(1);
  });

  it("re-sends the table on route refresh, with BoRR/EoRR when enhanced refresh is negotiated (RFC 7313)", () => {
    const net = network([
      { name: "a", address: A, asn: 65001, neighbors: [neighbor(B, 65002)], routes: [route("192.0.2.0/24")] },
      { name: "b", address: B, asn: 65002, neighbors: [neighbor(A, 65001)] },
    ]);
    const pa = net.speaker(A).peers.get(B)!;
    const updatesBefore = pa.sent[2];
    const refreshBefore = pa.sent[5];
    net.input(B, { kind: "admin", neighbor: A, action: "soft-reset-in" });
    net.advance(100);
    expect(pa.received[5]).toBeGreaterThan(0);
    expect(pa.sent[5] - refreshBefore).toBe(4); // BoRR + EoRR for each of two families
    expect(pa.sent[2]).toBeGreaterThan(updatesBefore);
    expect(locRib(net.speaker(B))).toHaveLength(1);
  });

  it("applies an import reject list and keeps the rejected route visible as filtered", () => {
    const reject = [{ prefix: parsePrefix("10.0.0.0/8")!, ge: 8, le: 24 }];
    const net = network([
      { name: "a", address: A, asn: 65001, neighbors: [neighbor(B, 65002, { importReject: reject })] },
      {
        name: "b",
        address: B,
        asn: 65002,
        neighbors: [neighbor(A, 65001)],
        routes: [route("10.1.0.0/16"), route("192.0.2.0/24")],
      },
    ]);
    expect(locRib(net.speaker(A)).map((r) => r.prefix)).toEqual(["192.0.2.0/24"]);
    const p = net.speaker(A).peers.get(B)!;
    const filtered = [...p.ribIn.routes((1 << 8) | 1)].flatMap((r) =>
      r.path.filtered ? [r.path.filtered] : [],
    );
    expect(filtered).toEqual(["import-reject 10.0.0.0/8 ge 8 le 24"]);
    expect(p.ribIn.received.get((1 << 8) | 1)).toBe(2);
    expect(p.ribIn.accepted.get((1 << 8) | 1)).toBe(1);
  });
});

describe("split horizon and the Adj-RIB-Out", () => {
  const A = "10.0.0.1";
  const B = "10.0.0.2";
  const C = "10.0.0.3";
  const prefix = "198.51.100.0/24";

  it("withdraws from a peer what was sent to it once that peer's own path becomes best, and sends it again after", () => {
    const net = network([
      { name: "a", address: A, asn: 65000, neighbors: [neighbor(B, 65001), neighbor(C, 65002)] },
      { name: "b", address: B, asn: 65001, neighbors: [neighbor(A, 65000)] },
      {
        name: "c",
        address: C,
        asn: 65002,
        neighbors: [neighbor(A, 65000)],
        routes: [route(prefix, { origin: 2 })],
      },
    ]);
    net.advance(100);
    const toB = () => net.speaker(A).peers.get(B)!.session!.ribOut!.count(IPV4_UNICAST);
    const fromA = () => net.speaker(B).peers.get(A)!.ribIn.received.get(IPV4_UNICAST) ?? 0;
    expect(locRib(net.speaker(A))).toMatchObject([{ prefix, from: C }]);
    expect([toB(), fromA()]).toEqual([1, 1]);
    // B's own path (origin IGP) beats C's at A: A must take back what it sent B, and send B nothing.
    net.input(B, { kind: "routes", source: "api", op: "add", routes: [route(prefix)] });
    net.advance(100);
    expect(locRib(net.speaker(A))).toMatchObject([{ prefix, from: B, paths: 2 }]);
    expect([toB(), fromA()]).toEqual([0, 0]);
    // B withdraws it: C's path is best again and goes to B again.
    net.input(B, { kind: "routes", source: "api", op: "clear" });
    net.advance(100);
    expect(locRib(net.speaker(A))).toMatchObject([{ prefix, from: C, paths: 1 }]);
    expect([toB(), fromA()]).toEqual([1, 1]);
  });

  it("gives a session's slot to the next one, which gets the whole table while the others keep theirs", () => {
    const net = network([
      {
        name: "a",
        address: A,
        asn: 65000,
        neighbors: [neighbor(B, 65001), neighbor(C, 65002)],
        routes: [route("192.0.2.0/24"), route("198.51.100.0/24")],
      },
      { name: "b", address: B, asn: 65001, neighbors: [neighbor(A, 65000)] },
      { name: "c", address: C, asn: 65002, neighbors: [neighbor(A, 65000)] },
    ]);
    net.advance(100);
    const a = net.speaker(A);
    const out = (x: string) => a.peers.get(x)!.session!.ribOut!;
    const slotOfB = out(B).slot;
    expect([out(B).count(IPV4_UNICAST), out(C).count(IPV4_UNICAST)]).toEqual([2, 2]);
    net.input(A, { kind: "admin", neighbor: B, action: "shutdown" });
    net.advance(100);
    // While B is down, what was sent to it stays in the destinations, marked as an ended session's.
    net.input(A, { kind: "routes", source: "api", op: "add", routes: [route("203.0.113.0/24")] });
    net.advance(100);
    net.input(A, { kind: "admin", neighbor: B, action: "enable" });
    net.until(() => state(a, B) === "established");
    net.advance(100);
    expect(out(B).slot).toBe(slotOfB);
    expect([out(B).count(IPV4_UNICAST), out(C).count(IPV4_UNICAST)]).toEqual([3, 3]);
    expect(locRib(net.speaker(B)).map((r) => r.prefix)).toEqual([
      "192.0.2.0/24",
      "198.51.100.0/24",
      "203.0.113.0/24",
    ]);
    expect(locRib(net.speaker(C)).map((r) => r.prefix)).toEqual(locRib(net.speaker(B)).map((r) => r.prefix));
  });
});

describe("sending a large table", () => {
  const A = "10.0.0.1";
  const B = "10.0.0.2";
  const C = "10.0.0.3";

  it("walks it to a new session in slices, the daemon getting control back between them", () => {
    const n = 100_000;
    // Routes for C only: B's walk visits each and sends none, so only the visit budget ends a slice.
    const forC = Array.from({ length: n }, (_, i) =>
      route(`${10 + (i >>> 16)}.${(i >>> 8) & 255}.${i & 255}.0/24`, { neighbors: [C] }),
    );
    const net = new VirtualNet();
    net.add(
      "a",
      A,
      speakerConfig(65001, A, [neighbor(B, 65002), neighbor(C, 65003)], [...forC, route("192.0.2.0/24")]),
    );
    net.add("b", B, speakerConfig(65002, B, [neighbor(A, 65001)]));
    net.add("c", C, speakerConfig(65003, C, [neighbor(A, 65001)]));
    for (const x of [A, C]) net.input(x, { kind: "start" });
    net.until(() => locRib(net.speaker(C)).length === n + 1);
    net.input(B, { kind: "start" });
    net.until(() => net.speaker(A).peers.get(B)!.session?.endOfRibSent.has(IPV4_UNICAST) === true);
    expect(locRib(net.speaker(B)).map((r) => r.prefix)).toEqual(["192.0.2.0/24"]);
    // In A's recording: the input that established B, then the inputs until the one whose outputs carry
    // B's End-of-RIB; each handled a slice of at most 16,384 destinations (PUMP_VISITS).
    const { inputs, outputs } = net.recording(A);
    const up = outputs.findIndex((o) =>
      o.some((x) => x.kind === "log" && x.neighbor === B && x.msg.startsWith("established")),
    );
    const toB = net.speaker(A).peers.get(B)!.session!.id;
    const eor = outputs.findIndex((o) =>
      o.some((x) => x.kind === "send" && x.conn === toB && x.data.length === 23 && x.data[18] === 2),
    );
    expect(up).toBeGreaterThan(0);
    const between = inputs.slice(up + 1, eor + 1);
    // The walk did not finish in the input that established B, nor in the next few (B's own messages):
    // its last slice came from a tick due at once, set when a slice spent the budget.
    expect(between.length).toBeGreaterThanOrEqual(Math.floor(n / 16_384));
    expect(between.at(-1)).toMatchObject({ at: inputs[up].at, input: { kind: "tick" } });
  });
});
