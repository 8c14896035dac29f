/**
 * Incoming connections at the speaker's door (no sockets): `screen` refuses strangers, neighbors that are
 * down or cannot run here, and a second session, before any state exists, and counts each refusal; one
 * neighbor cannot pile up connections waiting for the OPEN exchange.
 */
import { describe, expect, it } from "vitest";
import type { Output } from "../../core/speaker/io.js";
import { Speaker } from "../../core/speaker/speaker.js";
import { locRib, state } from "../helpers/rib-view.js";
import { neighbor, route, speakerConfig } from "../helpers/speaker-config.js";
import { VirtualNet } from "../helpers/virtual-net.js";

const A = "10.0.0.1";
const B = "10.0.0.2";
const NO_GR = { enabled: false, restartTime: 120, helperOnly: false, staleTime: 360 };
const C = "10.0.0.3";
const endpoint = (address: string, port = 179) => ({ address, port });

function speaker(unavailable: (address: string) => string | null = () => null) {
  const s = new Speaker(
    speakerConfig(65001, "10.0.0.1", [
      neighbor(B, 65002, { passive: true }),
      neighbor(C, 65003, { passive: true, shutdown: true }),
    ]),
    { random: () => 0.5, unavailable: (n) => unavailable(n.address) },
  );
  s.handle({ kind: "start" }, 0);
  return s;
}

const accept = (s: Speaker, conn: number, from: string, now = 1000): Output[] =>
  s.handle(
    { kind: "accepted", conn, local: endpoint("10.0.0.1"), remote: endpoint(from, 40000 + conn) },
    now,
  );

/** The NOTIFICATIONs in `out` sent on `conn`, as [code, subcode]. */
const notifications = (out: Output[], conn: number) =>
  out.flatMap((o) =>
    o.kind === "send" && o.conn === conn && o.data[18] === 3 ? [[o.data[19], o.data[20]]] : [],
  );

describe("screening incoming connections", () => {
  it("refuses strangers, neighbors shut down and neighbors it cannot run, counting each", () => {
    const s = speaker((a) => (a === B ? "no TCP MD5 here" : null));
    expect(s.screen("192.0.2.99", 0)).toBe("not a configured neighbor");
    expect(s.screen("192.0.2.98", 0)).toBe("not a configured neighbor");
    expect(s.screen(C, 0)).toBe("neighbor is down");
    expect(s.screen(B, 0)).toBe("no TCP MD5 here");
    expect(s.refused).toEqual({ unconfigured: 2, down: 1, unavailable: 1, established: 0, rate: 0 });
    // An IPv4 neighbor arriving on a dual-stack socket is still that neighbor.
    expect(s.screen(`::ffff:${C}`, 0)).toBe("neighbor is down");
    // What screen refuses, `accepted` refuses too (inputs replayed from a recording skip the screen).
    expect(accept(s, 2, B)).toEqual([
      expect.objectContaining({ kind: "log", msg: `refused connection from ${B}: no TCP MD5 here` }),
      { kind: "close", conn: 2 },
    ]);
    expect(s.peers.get(B)!.connections.size).toBe(0);
  });

  it("takes a configured neighbor's connection, and refuses a second once a session is up (RFC 4271 §6.8)", () => {
    const net = new VirtualNet();
    net.add("a", A, speakerConfig(65001, A, [neighbor(B, 65002, { gracefulRestart: NO_GR })]));
    net.add("b", B, speakerConfig(65002, B, [neighbor(A, 65001, { gracefulRestart: NO_GR })]));
    net.input(A, { kind: "start" });
    expect(net.speaker(A).screen(B, 0)).toBeNull();
    net.input(B, { kind: "start" });
    net.until(() => state(net.speaker(A), B) === "established");
    expect(net.speaker(A).screen(B, 0)).toBe("session already established");
    expect(net.speaker(A).refused).toEqual({
      unconfigured: 0,
      down: 0,
      unavailable: 0,
      established: 1,
      rate: 0,
    });
  });

  it("keeps at most two connections from one neighbor waiting for the OPEN exchange: a new one replaces the oldest", () => {
    const s = speaker();
    accept(s, 2, B);
    accept(s, 4, B);
    expect([...s.peers.get(B)!.connections].map((c) => c.id)).toEqual([2, 4]);
    const out = accept(s, 6, B);
    // The oldest goes with Cease / Connection Collision Resolution (RFC 4486 §4, subcode 7).
    expect(notifications(out, 2)).toEqual([[6, 7]]);
    expect(out).toContainEqual({ kind: "close", conn: 2 });
    expect([...s.peers.get(B)!.connections].map((c) => c.id)).toEqual([4, 6]);
    // A hundred more hold no more than two.
    for (let conn = 8; conn < 208; conn += 2) accept(s, conn, B);
    expect(s.peers.get(B)!.connections.size).toBe(2);
  });
});

describe("the accept rate", () => {
  it("takes at most 20 connections from one neighbor per 10 s, the rest refused and counted", () => {
    const s = speaker();
    const taken = Array.from({ length: 30 }, (_, i) => s.screen(B, 1000 + i * 100));
    expect(taken.filter((x) => x === null)).toHaveLength(20);
    expect(taken[20]).toBe("more than 20 connections from it in 10 s");
    expect(s.refused.rate).toBe(10);
    // A new window: taken again.
    expect(s.screen(B, 11_000)).toBeNull();
  });
});

describe("the route guard (global maxRoutes)", () => {
  it("closes the neighbor whose routes go past it with Cease / Out of Resources, frees them, and retries later", () => {
    const net = new VirtualNet();
    const C_ = "10.0.0.3";
    net.add("a", A, speakerConfig(65001, A, [neighbor(B, 65002), neighbor(C_, 65003)], [], { maxRoutes: 3 }));
    net.add(
      "b",
      B,
      speakerConfig(65002, B, [neighbor(A, 65001)], [route("192.0.2.0/24"), route("192.0.2.128/25")]),
    );
    const many = ["198.51.100.0/26", "198.51.100.64/26"].map((p) => route(p));
    net.add("c", C_, speakerConfig(65003, C_, [neighbor(A, 65001)], many));
    for (const x of [A, B, C_]) net.input(x, { kind: "start" });
    net.advance(10_000);
    const a = net.speaker(A);
    // B's two routes fit, C's two would make four: C is closed and holds nothing, B is untouched.
    expect(state(a, B)).toBe("established");
    expect(state(a, C_)).toBe("idle");
    // With graceful restart's N bit (RFC 8538) it goes as Hard Reset, so C flushes our routes too.
    expect(a.peers.get(C_)!.lastNotification).toMatchObject({ direction: "sent", code: 6, subcode: 9 });
    expect(a.peers.get(C_)!.lastNotification!.message).toMatch(
      /^Cease \/ Hard Reset \(Cease \/ Out of Resources\): /,
    );
    expect(a.ribInTally.paths).toBe(2);
    expect(locRib(a).map((r) => r.from)).toEqual([B, B]);
    // Five minutes later C may try again (and is closed again while the guard still holds).
    net.advance(310_000);
    expect(a.peers.get(C_)!.establishedCount).toBe(2);
    expect(a.ribInTally.paths).toBe(2);
    // With the guard off, an operator's reset brings C up at once, and the restart that was pending is gone:
    // it must not start C a second time under its live session.
    expect(a.timers.has(`peer:${C_}:prefix-limit`)).toBe(true);
    net.input(A, {
      kind: "reconfigure",
      config: speakerConfig(65001, A, [neighbor(B, 65002), neighbor(C_, 65003)], [], { maxRoutes: null }),
    });
    net.input(A, { kind: "admin", neighbor: C_, action: "reset" });
    net.until(() => state(a, C_) === "established");
    expect(a.timers.has(`peer:${C_}:prefix-limit`)).toBe(false);
    const up = a.peers.get(C_)!.establishedCount;
    net.advance(310_000);
    expect(state(a, C_)).toBe("established");
    expect(a.peers.get(C_)!.establishedCount).toBe(up);
  });
});
