/** Run-time changes: reconfiguration that leaves untouched sessions alone, routes originated by sources
 *  other than the configuration, the prefix-limit warning. */
import { describe, expect, it } from "vitest";
import { parsePrefix } from "../../core/wire/index.js";
import { locRib, state } from "../helpers/rib-view.js";
import { neighbor, route, speakerConfig } from "../helpers/speaker-config.js";
import { VirtualNet } from "../helpers/virtual-net.js";

const A = "10.0.0.1";
const B = "10.0.0.2";
const C = "10.0.0.3";
const D = "10.0.0.4";

function star() {
  const net = new VirtualNet();
  net.add("a", A, speakerConfig(65001, A, [neighbor(B, 65002), neighbor(C, 65003)], [route("192.0.2.0/24")]));
  net.add("b", B, speakerConfig(65002, B, [neighbor(A, 65001)]));
  net.add("c", C, speakerConfig(65003, C, [neighbor(A, 65001)]));
  net.add("d", D, speakerConfig(65004, D, [neighbor(A, 65001)]));
  for (const x of [A, B, C, D]) net.input(x, { kind: "start" });
  net.until(() => state(net.speaker(A), B) === "established" && state(net.speaker(A), C) === "established");
  return net;
}

describe("reconfiguration (SIGHUP, config.reload)", () => {
  it("touches only the sessions whose settings changed, adds and removes neighbors", () => {
    const net = star();
    const a = net.speaker(A);
    const b = a.peers.get(B)!;
    const c = a.peers.get(C)!;
    const [bUp, cUp] = [b.establishedCount, c.establishedCount];
    const next = speakerConfig(
      65001,
      A,
      [
        neighbor(B, 65002, { description: "renamed", communities: [0xfde80001] }), // export change: re-sent, no reset
        neighbor(D, 65004), // added; C removed
      ],
      [route("192.0.2.0/24"), route("198.51.100.0/24")],
    );
    net.input(A, { kind: "reconfigure", config: next });
    net.until(() => state(a, D) === "established");
    net.advance(100);
    expect(b.establishedCount).toBe(bUp);
    expect(a.peers.get(B)!.config.description).toBe("renamed");
    expect(a.peers.has(C)).toBe(false);
    expect(net.speaker(C).peers.get(A)!.lastNotification).toMatchObject({
      code: 6,
      message: "Cease / Hard Reset (Cease / Peer De-configured)",
    });
    expect(c.establishedCount).toBe(cUp);
    // B got the new route and the new community on the old session.
    expect(locRib(net.speaker(B))).toMatchObject([
      { prefix: "192.0.2.0/24", communities: [0xfde80001] },
      { prefix: "198.51.100.0/24", communities: [0xfde80001] },
    ]);
    expect(locRib(net.speaker(D)).map((r) => r.prefix)).toEqual(["192.0.2.0/24", "198.51.100.0/24"]);
  });

  it("resets a session whose transport settings changed, with Other Configuration Change", () => {
    const net = star();
    const a = net.speaker(A);
    const before = net.speaker(B).peers.get(A)!.establishedCount;
    net.input(A, {
      kind: "reconfigure",
      config: speakerConfig(
        65001,
        A,
        [neighbor(B, 65002, { holdTime: 30 }), neighbor(C, 65003)],
        [route("192.0.2.0/24")],
      ),
    });
    net.until(() => state(a, B) === "established" && net.speaker(B).peers.get(A)!.establishedCount > before);
    expect(net.speaker(B).peers.get(A)!.lastNotification).toMatchObject({ code: 6, subcode: 6 });
    expect(a.peers.get(B)!.session!.negotiated!.holdTime).toBe(30);
  });

  it("resets a session whose TCP MD5 password changed: the new key applies to new connections only", () => {
    const net = star();
    const a = net.speaker(A);
    const before = net.speaker(B).peers.get(A)!.establishedCount;
    net.input(A, {
      kind: "reconfigure",
      config: speakerConfig(
        65001,
        A,
        [neighbor(B, 65002, { password: "new" }), neighbor(C, 65003)],
        [route("192.0.2.0/24")],
      ),
    });
    net.until(() => state(a, B) === "established" && net.speaker(B).peers.get(A)!.establishedCount > before);
    expect(net.speaker(B).peers.get(A)!.lastNotification).toMatchObject({ code: 6, subcode: 6 });
    expect(a.peers.get(B)!.config.password).toBe("new");
  });

  // RFC 5082 §3: the TTL and its minimum are set when a socket is made, so a change needs a new connection.
  for (const change of [{ ttlSecurity: 2 }, { ebgpMultihop: 3 }]) {
    it(`resets a session whose ${Object.keys(change)[0]} changed`, () => {
      const net = star();
      const a = net.speaker(A);
      const before = net.speaker(B).peers.get(A)!.establishedCount;
      net.input(A, {
        kind: "reconfigure",
        config: speakerConfig(
          65001,
          A,
          [neighbor(B, 65002, change), neighbor(C, 65003)],
          [route("192.0.2.0/24")],
        ),
      });
      net.until(
        () => state(a, B) === "established" && net.speaker(B).peers.get(A)!.establishedCount > before,
      );
      expect(net.speaker(B).peers.get(A)!.lastNotification).toMatchObject({ code: 6, subcode: 6 });
      expect(a.peers.get(B)!.config).toMatchObject(change);
    });
  }
});

describe("routes originated by other sources", () => {
  it("adds, replaces and removes one source's routes without touching the configuration's", () => {
    const net = star();
    const r = (p: string, more = {}) => route(p, more);
    net.input(A, {
      kind: "routes",
      source: "api",
      op: "add",
      routes: [r("203.0.113.0/24", { med: 5 }), r("192.0.2.0/24", { localPref: 200 })],
    });
    net.advance(10);
    // 192.0.2.0/24 now has two local paths (config and api); the higher LOCAL_PREF wins.
    const a = locRib(net.speaker(A));
    expect(a).toMatchObject([
      { prefix: "192.0.2.0/24", from: "local:api", paths: 2, reason: "local-pref" },
      { prefix: "203.0.113.0/24", from: "local:api", med: 5 },
    ]);
    expect(locRib(net.speaker(B)).map((x) => x.prefix)).toEqual(["192.0.2.0/24", "203.0.113.0/24"]);
    net.input(A, { kind: "routes", source: "api", op: "replace", routes: [r("198.51.100.0/24")] });
    net.advance(10);
    expect(locRib(net.speaker(B)).map((x) => x.prefix)).toEqual(["192.0.2.0/24", "198.51.100.0/24"]);
    expect(locRib(net.speaker(A)).find((x) => x.prefix === "192.0.2.0/24")).toMatchObject({
      from: "local",
      paths: 1,
    });
    net.input(A, {
      kind: "routes",
      source: "api",
      op: "remove",
      routes: [r("198.51.100.0/24")],
    });
    net.advance(10);
    expect(locRib(net.speaker(B)).map((x) => x.prefix)).toEqual(["192.0.2.0/24"]);
    expect(net.speaker(A).interner.size).toBeLessThanOrEqual(2);
  });
});

describe("routes limited to some neighbors, and several paths of our own", () => {
  const medAt = (net: VirtualNet, at: string, prefix: string) =>
    locRib(net.speaker(at)).find((x) => x.prefix === prefix)?.med ?? null;

  it("gives each neighbor the best of the paths meant for it, and withdraws what is no longer for it", () => {
    const net = star();
    const scoped = route("203.0.113.0/24", { med: 1, neighbors: [B] });
    const everyone = route("203.0.113.0/24", { med: 9 });
    net.input(A, { kind: "routes", source: "api", op: "add", routes: [scoped, everyone] });
    net.advance(10);
    // A's own best is the MED 1 path; C may not have it, so C gets the MED 9 one.
    expect(medAt(net, A, "203.0.113.0/24")).toBe(1);
    expect(medAt(net, B, "203.0.113.0/24")).toBe(1);
    expect(medAt(net, C, "203.0.113.0/24")).toBe(9);
    // Only for B, nothing else: C loses the prefix, B keeps it.
    net.input(A, { kind: "routes", source: "api", op: "remove", routes: [everyone] });
    net.advance(10);
    expect(medAt(net, B, "203.0.113.0/24")).toBe(1);
    expect(medAt(net, C, "203.0.113.0/24")).toBeNull();
    net.input(A, { kind: "routes", source: "api", op: "add", routes: [everyone] });
    net.input(A, { kind: "routes", source: "api", op: "remove", routes: [scoped] });
    net.advance(10);
    expect([medAt(net, B, "203.0.113.0/24"), medAt(net, C, "203.0.113.0/24")]).toEqual([9, 9]);
    net.input(A, { kind: "routes", source: "api", op: "clear" });
    net.advance(10);
    expect([medAt(net, B, "203.0.113.0/24"), medAt(net, C, "203.0.113.0/24")]).toEqual([null, null]);
  });

  it("announces one prefix as several paths by identifier to an ADD-PATH neighbor", () => {
    const ap = { addPath: { receive: true, send: Number.POSITIVE_INFINITY } };
    const net = new VirtualNet();
    net.add("a", A, speakerConfig(65001, A, [neighbor(B, 65002, ap)]));
    net.add("b", B, speakerConfig(65002, B, [neighbor(A, 65001, ap)]));
    for (const x of [A, B]) net.input(x, { kind: "start" });
    net.until(() => state(net.speaker(A), B) === "established");
    net.input(A, {
      kind: "routes",
      source: "api",
      op: "add",
      routes: [
        route("203.0.113.0/24", { identifier: 7, med: 1 }),
        route("203.0.113.0/24", { identifier: 8, med: 2 }),
      ],
    });
    net.advance(10);
    expect(locRib(net.speaker(A))).toMatchObject([{ prefix: "203.0.113.0/24", paths: 2, med: 1 }]);
    expect(locRib(net.speaker(B))).toMatchObject([{ prefix: "203.0.113.0/24", paths: 2, med: 1 }]);
    net.input(A, {
      kind: "routes",
      source: "api",
      op: "remove",
      routes: [route("203.0.113.0/24", { identifier: 7 })],
    });
    net.advance(10);
    expect(locRib(net.speaker(B))).toMatchObject([{ prefix: "203.0.113.0/24", paths: 1, med: 2 }]);
  });
});

describe("prefix limit warning", () => {
  it("logs once when the count passes the warning percentage", () => {
    const net = new VirtualNet();
    net.add(
      "a",
      A,
      speakerConfig(65001, A, [
        neighbor(B, 65002, { maxPrefix: { limit: 10, warningPercent: 50, restartAfter: null } }),
      ]),
    );
    net.add(
      "b",
      B,
      speakerConfig(
        65002,
        B,
        [neighbor(A, 65001)],
        Array.from({ length: 6 }, (_, i) => route(`10.${i}.0.0/16`)),
      ),
    );
    net.input(A, { kind: "start" });
    net.input(B, { kind: "start" });
    net.until(() => state(net.speaker(A), B) === "established");
    net.advance(100);
    const warnings = net.logs(A).filter((l) => l.kind === "log" && l.msg.includes("of the limit of 10"));
    expect(warnings).toHaveLength(1);
    expect(state(net.speaker(A), B)).toBe("established");
  });
});

describe("import policy changes", () => {
  it("re-applies a changed reject list to the routes already received, without a new session", () => {
    const net = new VirtualNet();
    net.add("a", A, speakerConfig(65001, A, [neighbor(B, 65002)]));
    net.add(
      "b",
      B,
      speakerConfig(65002, B, [neighbor(A, 65001)], [route("10.1.0.0/16"), route("192.0.2.0/24")]),
    );
    net.input(A, { kind: "start" });
    net.input(B, { kind: "start" });
    net.until(() => state(net.speaker(A), B) === "established");
    net.advance(10);
    expect(locRib(net.speaker(A)).map((r) => r.prefix)).toEqual(["10.1.0.0/16", "192.0.2.0/24"]);
    const up = net.speaker(A).peers.get(B)!.establishedCount;
    const reject = [{ prefix: parsePrefix("10.0.0.0/8")!, ge: 8, le: 32 }];
    net.input(A, {
      kind: "reconfigure",
      config: speakerConfig(65001, A, [neighbor(B, 65002, { importReject: reject })]),
    });
    net.advance(10);
    expect(locRib(net.speaker(A)).map((r) => r.prefix)).toEqual(["192.0.2.0/24"]);
    net.input(A, { kind: "reconfigure", config: speakerConfig(65001, A, [neighbor(B, 65002)]) });
    net.advance(10);
    expect(locRib(net.speaker(A)).map((r) => r.prefix)).toEqual(["10.1.0.0/16", "192.0.2.0/24"]);
    expect(net.speaker(A).peers.get(B)!.establishedCount).toBe(up);
  });
});
