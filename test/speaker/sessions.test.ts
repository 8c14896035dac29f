/** Sessions and route exchange between speakers on the in-memory network (no sockets, virtual time). */
import { describe, expect, it } from "vitest";
import { sendHoldSeconds } from "../../core/speaker/speaker.js";
import { locRib, state, v6 } from "../helpers/rib-view.js";
import { neighbor, route, speakerConfig } from "../helpers/speaker-config.js";
import { VirtualNet } from "../helpers/virtual-net.js";

const A = "10.0.0.1";
const B = "10.0.0.2";

function pair(aRoutes = [route("192.0.2.0/24"), route("2001:db8:1::/48")]) {
  const net = new VirtualNet();
  net.add("a", A, speakerConfig(65001, A, [neighbor(B, 65002)], aRoutes));
  net.add("b", B, speakerConfig(65002, B, [neighbor(A, 65001)]));
  net.input(A, { kind: "start" });
  net.input(B, { kind: "start" });
  net.until(() => state(net.speaker(A), B) === "established" && state(net.speaker(B), A) === "established");
  return net;
}

describe("eBGP session", () => {
  it("establishes, keeping one of the two colliding connections (RFC 4271 §6.8)", () => {
    const net = pair();
    const a = net.speaker(A).peers.get(B)!;
    const b = net.speaker(B).peers.get(A)!;
    expect(a.connections.size).toBe(1);
    expect(b.connections.size).toBe(1);
    // The connection opened by the speaker with the higher identifier (B) survives.
    expect(b.session!.direction).toBe("out");
    expect(net.logs(A).some((l) => l.kind === "log" && l.msg.startsWith("established"))).toBe(true);
  });

  it("carries IPv4 and IPv6 routes with AS_PATH prepended and next hop self", () => {
    const net = pair();
    expect(locRib(net.speaker(B))).toMatchObject([
      { prefix: "192.0.2.0/24", from: A, asPath: "65001", nextHop: A },
    ]);
    // An IPv4 session offers no IPv6 address: the IPv4-mapped form stands in.
    expect(v6(net.speaker(B))).toMatchObject([
      { prefix: "2001:db8:1::/48", from: A, asPath: "65001", nextHop: "::ffff:10.0.0.1" },
    ]);
    // B does not send A's routes back to A.
    expect(locRib(net.speaker(A))).toMatchObject([{ prefix: "192.0.2.0/24", from: "local", asPath: "" }]);
  });

  it("withdraws a route removed from the configuration", () => {
    const net = pair();
    const cfg = speakerConfig(65001, A, [neighbor(B, 65002)], [route("2001:db8:1::/48")]);
    net.input(A, { kind: "reconfigure", config: cfg });
    net.advance(10);
    expect(locRib(net.speaker(B))).toEqual([]);
    expect(v6(net.speaker(B))).toHaveLength(1);
    expect(state(net.speaker(A), B)).toBe("established");
  });

  it("keeps the session with keepalives and drops it when the hold timer expires (RFC 4271 §6.5)", () => {
    const net = pair();
    net.advance(300_000);
    expect(state(net.speaker(A), B)).toBe("established");
    net.cut.add(B);
    net.advance(95_000);
    expect(state(net.speaker(A), B)).not.toBe("established");
    expect(net.speaker(A).peers.get(B)!.lastNotification).toMatchObject({ direction: "sent", code: 4 });
    expect(locRib(net.speaker(A)).map((r) => r.from)).toEqual(["local"]);
    net.cut.clear();
    net.until(() => state(net.speaker(A), B) === "established", 120_000);
    expect(locRib(net.speaker(B))).toHaveLength(1);
  });

  it("refuses a peer AS other than configured with OPEN error Bad Peer AS", () => {
    const net = new VirtualNet();
    net.add("a", A, speakerConfig(65001, A, [neighbor(B, 65099, { passive: true })]));
    net.add("b", B, speakerConfig(65002, B, [neighbor(A, 65001)]));
    net.input(A, { kind: "start" });
    net.input(B, { kind: "start" });
    net.advance(1000);
    expect(net.speaker(A).peers.get(B)!.lastNotification).toMatchObject({
      direction: "sent",
      code: 2,
      subcode: 2,
    });
    expect(net.speaker(B).peers.get(A)!.lastNotification).toMatchObject({
      direction: "received",
      code: 2,
      subcode: 2,
    });
  });
});

describe("ADD-PATH (RFC 7911)", () => {
  it("sends and receives path identifiers when both sides negotiate them", () => {
    const net = new VirtualNet();
    const ap = { addPath: { receive: true, send: Number.POSITIVE_INFINITY } };
    net.add(
      "a",
      A,
      speakerConfig(65001, A, [neighbor(B, 65002, ap)], [route("192.0.2.0/24"), route("2001:db8:1::/48")]),
    );
    net.add("b", B, speakerConfig(65002, B, [neighbor(A, 65001, ap)]));
    net.input(A, { kind: "start" });
    net.input(B, { kind: "start" });
    net.until(() => state(net.speaker(B), A) === "established");
    net.advance(10);
    const neg = net.speaker(B).peers.get(A)!.session!.negotiated!;
    expect([...neg.addPathReceive].sort()).toEqual([0x101, 0x201]);
    const paths = [...net.speaker(B).peers.get(A)!.ribIn.routes(0x101)].map((r) => r.path.pathId);
    expect(paths).toEqual([1]);
    expect(locRib(net.speaker(B))).toMatchObject([{ prefix: "192.0.2.0/24", asPath: "65001" }]);
    expect(v6(net.speaker(B))).toHaveLength(1);
  });
});

describe("ADD-PATH send of several paths", () => {
  it("advertises every path with its own identifier and withdraws them one by one", () => {
    const P1 = "10.0.1.1";
    const P2 = "10.0.1.2";
    const C = "10.0.1.3";
    const ap = { addPath: { receive: true, send: Number.POSITIVE_INFINITY } };
    const net = new VirtualNet();
    net.add(
      "a",
      A,
      speakerConfig(65001, A, [neighbor(P1, 65011), neighbor(P2, 65012), neighbor(C, 65003, ap)]),
    );
    net.add("p1", P1, speakerConfig(65011, P1, [neighbor(A, 65001)], [route("203.0.113.0/24")]));
    net.add(
      "p2",
      P2,
      speakerConfig(
        65012,
        P2,
        [neighbor(A, 65001)],
        [route("203.0.113.0/24", { asPath: [{ type: 2, asns: [1] }] })],
      ),
    );
    net.add("c", C, speakerConfig(65003, C, [neighbor(A, 65001, ap)]));
    for (const x of [A, P1, P2, C]) net.input(x, { kind: "start" });
    net.until(() => [P1, P2, C].every((x) => state(net.speaker(A), x) === "established"));
    net.advance(10);
    const received = () =>
      [...net.speaker(C).peers.get(A)!.ribIn.routes(0x101)].map(
        ({ path: p }) => `${p.pathId}:${p.attrs.decoded().asPath![0].asns.join(" ")}`,
      );
    // Best path (P1: shorter AS path) first, with identifier 1; P2's path with identifier 2.
    expect(received().sort()).toEqual(["1:65001 65011", "2:65001 65012 1"]);
    expect(locRib(net.speaker(C))).toMatchObject([
      { prefix: "203.0.113.0/24", asPath: "65001 65011", paths: 2 },
    ]);
    // A path that never is best still comes and goes on its own, under the identifier it had.
    net.input(P2, { kind: "stop", gracefulRestart: false });
    net.advance(10);
    expect(received()).toEqual(["1:65001 65011"]);
    net.input(P2, { kind: "start" });
    net.until(() => state(net.speaker(A), P2) === "established");
    net.advance(10);
    expect(received().sort()).toEqual(["1:65001 65011", "2:65001 65012 1"]);
    net.input(P1, { kind: "stop", gracefulRestart: false });
    net.advance(10);
    expect(received()).toEqual(["2:65001 65012 1"]);
  });
});

describe("Send Hold Timer (RFC 9687)", () => {
  it("closes a session whose peer keeps sending KEEPALIVEs but stopped reading, after 8 minutes", () => {
    const net = pair();
    net.stuck.add(B);
    const since = net.speaker(A).now;
    // B's KEEPALIVEs keep A's hold timer happy; nothing A sends is written any more. A's first KEEPALIVE
    // after that (within 30 s) starts the timer.
    net.advance(470_000);
    expect(state(net.speaker(A), B)).toBe("established");
    net.advance(45_000);
    const sent = net.speaker(A).peers.get(B)!.lastNotification!;
    expect(sent).toMatchObject({ direction: "sent", code: 8, subcode: 0 });
    expect(sent.message).toBe("Send Hold Timer Expired: nothing sent was written for 480 s");
    expect(sent.at - since).toBeGreaterThanOrEqual(480_000);
    expect(sent.at - since).toBeLessThanOrEqual(480_000 + 30_000);
  });

  it("waits 8 minutes, or twice a longer hold time; a hold time of 0 is no exemption", () => {
    expect([0, 90, 240, 300].map(sendHoldSeconds)).toEqual([480, 480, 480, 600]);
  });

  it("leaves a session that reads alone however long it lasts", () => {
    const net = pair();
    net.advance(1_200_000);
    expect(state(net.speaker(A), B)).toBe("established");
    expect(net.speaker(A).peers.get(B)!.establishedCount).toBe(1);
  });
});
