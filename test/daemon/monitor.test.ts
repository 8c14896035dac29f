/**
 * The monitor (daemon/control/monitor) without sockets: a subscription's numbering, backpressure and
 * overflow against a fake socket, and the hub on a real speaker: a snapshot taken while the table keeps
 * changing, plus the events after it, adds up to exactly the final table.
 */
import { EventEmitter } from "node:events";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Input } from "../../core/speaker/io.js";
import type { Speaker } from "../../core/speaker/speaker.js";
import { Speaker as SpeakerClass } from "../../core/speaker/speaker.js";
import { type Afi, IPV4_UNICAST, IPV6_UNICAST } from "../../core/wire/index.js";
import type { MonitorClock } from "../../daemon/control/monitor/counters.js";
import type { MonitorEvent } from "../../daemon/control/monitor/events.js";
import { neighborState, routeView } from "../../daemon/control/monitor/events.js";
import { MonitorHub } from "../../daemon/control/monitor/hub.js";
import { type Outlet, Subscription } from "../../daemon/control/monitor/subscription.js";
import { monitorRequest, type Topic } from "../../daemon/control/monitor/topic.js";
import type { RpcError } from "../../daemon/control/server.js";
import { neighborCounters } from "../../daemon/control/views.js";
import { state } from "../helpers/rib-view.js";
import { neighbor, route, speakerConfig } from "../helpers/speaker-config.js";
import { VirtualNet } from "../helpers/virtual-net.js";

/** A socket that keeps what is written, and can be made full. */
class FakeOutlet extends EventEmitter implements Outlet {
  readonly writes: string[] = [];
  destroyed = false;
  full = false;

  write(text: string): boolean {
    this.writes.push(text);
    return !this.full;
  }

  lines(): Record<string, unknown>[] {
    return this.writes
      .join("")
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l).params);
  }
}

const topic: Topic = { kind: "neighbor", neighbor: null, counters: false };

/** The daemon's clock, moved by hand: `tick` runs the periodic work a second of real time would. */
class FakeClock implements MonitorClock {
  at = 0;
  readonly runs = new Set<() => void>();

  now(): number {
    return this.at;
  }

  every(ms: number, run: () => void): () => void {
    expect(ms).toBe(1000);
    this.runs.add(run);
    return () => this.runs.delete(run);
  }

  tick(): void {
    this.at += 1000;
    for (const r of [...this.runs]) r();
  }
}
const event = (n: number): MonitorEvent => ({ kind: "neighbor-removed", at: n, address: `192.0.2.${n}` });
const tick = () => new Promise((r) => setImmediate(r));

describe("a subscription", () => {
  it("holds events until the response is out, then numbers them 1, 2, 3… and writes new ones in one batch", async () => {
    const out = new FakeOutlet();
    const s = new Subscription(7, topic, out, 100, () => {});
    s.push(event(1));
    s.push(event(2));
    expect(out.writes).toEqual([]);
    s.start();
    for (let i = 3; i <= 5; i++) s.push(event(i));
    expect(out.writes).toHaveLength(1);
    await tick();
    expect(out.writes).toHaveLength(2);
    expect(out.lines()).toEqual(
      [1, 2, 3, 4, 5].map((n) => ({
        id: 7,
        seq: n,
        kind: "neighbor-removed",
        address: `192.0.2.${n}`,
        at: n,
      })),
    );
    expect(out.writes[0]).toMatch(/^\{"jsonrpc":"2\.0","method":"monitor","params":\{"id":7,"seq":1,/);
  });

  it("waits for the socket to drain, and goes on with the next number", async () => {
    const out = new FakeOutlet();
    const s = new Subscription("m", topic, out, 100, () => {});
    s.start();
    out.full = true;
    s.push(event(1));
    await tick();
    s.push(event(2));
    s.push(event(3));
    await tick();
    expect(out.lines().map((l) => l.seq)).toEqual([1]);
    out.full = false;
    out.emit("drain");
    expect(out.lines().map((l) => l.seq)).toEqual([1, 2, 3]);
    expect(s.pending).toBe(0);
  });

  it("passes a burst longer than maxPending to a socket that takes it", async () => {
    const out = new FakeOutlet();
    const s = new Subscription(1, topic, out, 3, () => {});
    s.start();
    for (let i = 1; i <= 10; i++) s.push(event(i));
    await tick();
    expect(out.lines().map((l) => l.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(s.closed).toBe(false);
  });

  it("gives up on a subscriber maxPending events behind: frees the queue, says so once, and ends", async () => {
    const out = new FakeOutlet();
    let ended = 0;
    const s = new Subscription(1, topic, out, 3, () => ended++);
    s.start();
    out.full = true;
    s.push(event(1));
    await tick();
    for (let i = 2; i <= 5; i++) s.push(event(i));
    for (let i = 6; i <= 9; i++) s.push(event(i));
    expect(s.closed).toBe(true);
    expect(s.pending).toBe(0);
    expect(ended).toBe(1);
    out.emit("drain");
    expect(out.lines()).toEqual([
      { id: 1, seq: 1, kind: "neighbor-removed", address: "192.0.2.1", at: 1 },
      { id: 1, kind: "overflow", lastSeq: 1, lost: 4 },
    ]);
  });

  it("overflowing while its snapshot streams: the snapshot stops, the notice follows the response", () => {
    const out = new FakeOutlet();
    const s = new Subscription(1, topic, out, 2, () => {});
    const rows = s.whileOpen([{ a: 1 }, { a: 2 }, { a: 3 }]);
    expect(rows.next().value).toEqual({ a: 1 });
    for (let i = 1; i <= 3; i++) s.push(event(i));
    expect(rows.next().done).toBe(true);
    expect(out.writes).toEqual([]);
    s.start();
    expect(out.lines()).toEqual([{ id: 1, kind: "overflow", lastSeq: 0, lost: 3 }]);
  });
});

/**
 * The state a client rebuilds: snapshot rows, then events in order, keyed as docs/api.md says. Strictly: a
 * snapshot names each key once, a `route` event changes its key (every new path has its own `since`, so even
 * an equal replacement shows), and a `withdraw` names exactly the path the key held — an event counted
 * twice, or one the snapshot already contained, fails here.
 */
function rebuild(rows: Record<string, unknown>[], events: Record<string, unknown>[]): Map<string, string> {
  const key = (r: Record<string, unknown>) =>
    `${r.family} ${r.prefix}${r.neighbor ? ` #${(r.path as { pathId: number }).pathId}` : ""}`;
  const value = (r: Record<string, unknown>) => JSON.stringify(r.path);
  const m = new Map<string, string>();
  for (const r of rows) {
    expect(m.has(key(r))).toBe(false);
    m.set(key(r), value(r));
  }
  events.forEach((e, i) => {
    expect(e.seq).toBe(i + 1);
    if (e.kind === "route") {
      expect(m.get(key(e))).not.toBe(value(e));
      m.set(key(e), value(e));
    } else {
      expect(m.get(key(e))).toBe(value(e));
      m.delete(key(e));
    }
  });
  return m;
}

/** The table as it is: every best path (or one neighbor's accepted paths), as the API renders them. */
function truth(sp: Speaker, neighborId?: string, family: number | null = null): Map<string, string> {
  const rows: Record<string, unknown>[] = [];
  for (const f of family === null ? [IPV4_UNICAST, IPV6_UNICAST] : [family]) {
    for (const d of sp.locRib.table(f).values((f >>> 8) as Afi)) {
      if (!neighborId) rows.push(routeView("route", f, d, d.best!, null));
      else
        for (const p of d.paths)
          if (p.source.id === neighborId) rows.push(routeView("route", f, d, p, neighborId));
    }
  }
  return rebuild(rows, []);
}

const PREFIXES = ["192.0.2.0/24", "192.0.2.0/25", "198.51.100.0/24", "2001:db8::/32", "2001:db8:1::/48"];
const SOURCES = ["api", "k8s"];

const op = fc.oneof(
  fc.record({
    add: fc.constantFrom(...SOURCES),
    prefix: fc.constantFrom(...PREFIXES),
    localPref: fc.constantFrom(50, 100, 200),
    med: fc.nat(3),
  }),
  fc.record({ remove: fc.constantFrom(...SOURCES), prefix: fc.constantFrom(...PREFIXES) }),
  fc.record({ clear: fc.constantFrom(...SOURCES) }),
  /** Let the snapshot stream a few rows. */
  fc.record({ read: fc.nat(3) }),
);
type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;

function toInput(o: Op): Input | null {
  if ("add" in o)
    return {
      kind: "routes",
      source: o.add,
      op: "add",
      routes: [route(o.prefix, { localPref: o.localPref, med: o.med })],
    };
  if ("remove" in o) return { kind: "routes", source: o.remove, op: "remove", routes: [route(o.prefix)] };
  if ("clear" in o) return { kind: "routes", source: o.clear, op: "clear" };
  return null;
}

describe("snapshot plus events", () => {
  it("add up to exactly the Loc-RIB's best paths, whatever changes while the snapshot streams", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(op, { maxLength: 20 }),
        fc.array(op, { maxLength: 40 }),
        fc.array(op, { maxLength: 20 }),
        fc.constantFrom<number | null>(null, IPV4_UNICAST, IPV6_UNICAST),
        async (before, during, after, family) => {
          const sp = new SpeakerClass(speakerConfig(65001, "10.0.0.1", []));
          let now = 0;
          const apply = (o: Op) => {
            const i = toInput(o);
            if (i) sp.handle(i, ++now);
          };
          before.forEach(apply);
          const hub = new MonitorHub(sp, new FakeClock(), null);
          const out = new FakeOutlet();
          const req = { topic: { kind: "rib", family } as Topic, current: true, maxPending: 1000 };
          const { subscription, rows } = hub.subscribe(req, 1, out);
          const atStart = truth(sp, undefined, family);
          const it = rows[Symbol.iterator]();
          const got: Record<string, unknown>[] = [];
          const read = (n: number) => {
            for (let k = 0; k < n; k++) {
              const r = it.next();
              if (r.done) return;
              got.push(r.value as Record<string, unknown>);
            }
          };
          for (const o of during) "read" in o ? read(o.read) : apply(o);
          for (let r = it.next(); !r.done; r = it.next()) got.push(r.value as Record<string, unknown>);
          expect(rebuild(got, [])).toEqual(atStart);
          subscription.start();
          after.forEach(apply);
          await tick();
          const expected = new Map(
            [...truth(sp)].filter(
              ([k]) => family === null || k.startsWith(family === IPV4_UNICAST ? "ipv4" : "ipv6"),
            ),
          );
          expect(rebuild(got, out.lines())).toEqual(expected);
          subscription.stop();
          expect(hub.size).toBe(0);
          expect(sp.locRib.observer).toBeNull();
        },
      ),
      { numRuns: 300 },
    );
  });

  it("holds for one neighbor's Adj-RIB-In and for neighbor states, across a session reset", async () => {
    const A = "10.0.0.1";
    const B = "10.0.0.2";
    const routesOf = (n: number) => Array.from({ length: n }, (_, i) => route(`198.51.${100 + i}.0/24`));
    const net = new VirtualNet();
    const a = net.add("a", A, speakerConfig(65001, A, [neighbor(B, 65002)]));
    net.add("b", B, speakerConfig(65002, B, [neighbor(A, 65001)], routesOf(4)));
    net.input(A, { kind: "start" });
    net.input(B, { kind: "start" });
    net.until(() => state(a, B) === "established" && a.locRib.count(IPV4_UNICAST) === 4);
    const hub = new MonitorHub(a, new FakeClock(), null);
    const adjOut = new FakeOutlet();
    const nOut = new FakeOutlet();
    const adj = hub.subscribe(
      { topic: { kind: "adj-in", neighbor: B, family: null }, current: true, maxPending: 100 },
      1,
      adjOut,
    );
    const nb = hub.subscribe(
      { topic: { kind: "neighbor", neighbor: null, counters: false }, current: true, maxPending: 100 },
      2,
      nOut,
    );
    const adjRows = [...adj.rows] as Record<string, unknown>[];
    const nRows = [...nb.rows] as Record<string, unknown>[];
    adj.subscription.start();
    nb.subscription.start();
    net.input(B, {
      kind: "reconfigure",
      config: speakerConfig(65002, B, [neighbor(A, 65001)], routesOf(6).slice(2)),
    });
    net.advance(100);
    net.input(A, { kind: "admin", neighbor: B, action: "reset" });
    net.until(() => state(a, B) === "established" && a.locRib.count(IPV4_UNICAST) === 4);
    await tick();
    expect(adjRows).toHaveLength(4);
    expect(rebuild(adjRows, adjOut.lines())).toEqual(truth(a, B));
    const states = nOut.lines();
    expect(nRows).toEqual([
      {
        kind: "neighbor",
        address: B,
        state: "established",
        adminDown: false,
        prefixLimitReached: false,
        lastError: null,
      },
    ]);
    expect(states.map((e) => e.seq)).toEqual(states.map((_, i) => i + 1));
    expect(states[0]).toMatchObject({
      state: "idle",
      lastError: expect.stringContaining("Administrative Reset"),
    });
    expect(states.at(-1)).toMatchObject({ address: B, state: "established" });
  });
});

describe("neighbor counters", () => {
  const A = "10.0.0.1";
  const B = "10.0.0.2";
  const routesOf = (n: number) => Array.from({ length: n }, (_, i) => route(`198.51.${100 + i}.0/24`));

  function established(routes: number): { net: VirtualNet; a: Speaker } {
    const net = new VirtualNet();
    const a = net.add("a", A, speakerConfig(65001, A, [neighbor(B, 65002)]));
    net.add("b", B, speakerConfig(65002, B, [neighbor(A, 65001)], routesOf(routes)));
    net.input(A, { kind: "start" });
    net.input(B, { kind: "start" });
    net.until(() => state(a, B) === "established" && a.locRib.count(IPV4_UNICAST) === routes);
    return { net, a };
  }
  const announce = (net: VirtualNet, a: Speaker, routes: number) => {
    net.input(B, {
      kind: "reconfigure",
      config: speakerConfig(65002, B, [neighbor(A, 65001)], routesOf(routes)),
    });
    net.until(() => a.locRib.count(IPV4_UNICAST) === routes);
  };

  it("are sampled once a second: one event per neighbor whose numbers moved, with the latest numbers", async () => {
    const { net, a } = established(2);
    const clock = new FakeClock();
    const hub = new MonitorHub(a, clock, null);
    const out = new FakeOutlet();
    const plainOut = new FakeOutlet();
    const withCounters = hub.subscribe(
      { topic: { kind: "neighbor", neighbor: null, counters: true }, current: true, maxPending: 100 },
      1,
      out,
    );
    const plain = hub.subscribe({ topic, current: false, maxPending: 100 }, 2, plainOut);
    // The snapshot rows stay neighbor states.
    expect([...withCounters.rows]).toEqual([neighborState(a.peers.get(B)!)]);
    withCounters.subscription.start();
    plain.subscription.start();
    expect(clock.runs.size).toBe(1);

    // Nothing moved since subscribing: nothing to say.
    clock.tick();
    await tick();
    expect(out.lines()).toEqual([]);

    // Two changes within one second: one event, with the numbers after both.
    announce(net, a, 5);
    announce(net, a, 9);
    clock.tick();
    await tick();
    const counters = neighborCounters(a.peers.get(B)!);
    expect(counters).toMatchObject({ received: 9, accepted: 9, advertised: 0 });
    expect(counters.updatesReceived).toBeGreaterThan(2);
    expect(out.lines()).toEqual([
      { id: 1, seq: 1, kind: "neighbor-counters", address: B, ...counters, at: clock.at },
    ]);

    // Still again: nothing more.
    clock.tick();
    clock.tick();
    await tick();
    expect(out.lines()).toHaveLength(1);

    // Routes withdrawn: the next event, numbered on.
    announce(net, a, 4);
    clock.tick();
    await tick();
    expect(out.lines().map((l) => [l.seq, l.received])).toEqual([
      [1, 9],
      [2, 4],
    ]);
    // Without `counters`, none of this.
    expect(plainOut.lines()).toEqual([]);

    // The timer ends with the subscription.
    withCounters.subscription.stop();
    expect(clock.runs.size).toBe(0);
    plain.subscription.stop();
    expect(hub.size).toBe(0);
  });

  it("follow one neighbor when asked, and a session going down sets them back to zero", async () => {
    const { net, a } = established(3);
    const clock = new FakeClock();
    const hub = new MonitorHub(a, clock, null);
    const out = new FakeOutlet();
    const sub = hub.subscribe(
      { topic: { kind: "neighbor", neighbor: B, counters: true }, current: false, maxPending: 100 },
      "c",
      out,
    );
    sub.subscription.start();
    net.input(A, { kind: "admin", neighbor: B, action: "shutdown" });
    net.until(() => a.locRib.count(IPV4_UNICAST) === 0);
    clock.tick();
    await tick();
    const lines = out.lines();
    // The state changes come as they happen; the counters with the next sample.
    expect(lines.filter((l) => l.kind === "neighbor-counters")).toEqual([
      expect.objectContaining({ address: B, received: 0, accepted: 0, advertised: 0 }),
    ]);
    expect(lines.map((l) => l.seq)).toEqual(lines.map((_, i) => i + 1));
    sub.subscription.stop();
    expect(clock.runs.size).toBe(0);
  });

  it("refuses a counters that is not a boolean, and counters on a route topic (-32602)", () => {
    const { a } = established(0);
    const refused = (params: Record<string, unknown>) => {
      try {
        monitorRequest(params, a.peers);
      } catch (e) {
        return [(e as RpcError).code, (e as RpcError).message];
      }
      return null;
    };
    expect(refused({ topic: "neighbor", counters: "yes" })).toEqual([
      -32602,
      "counters must be true or false",
    ]);
    expect(refused({ topic: "neighbor", counters: 1 })?.[1]).toMatch(/^counters /);
    expect(refused({ topic: "rib", counters: true })).toEqual([
      -32602,
      "counters is only for topic neighbor (the neighbors' route and UPDATE counts)",
    ]);
    expect(refused({ topic: "adj-in", neighbor: B, counters: false })?.[1]).toMatch(/^counters /);
    expect(monitorRequest({ topic: "neighbor", counters: true }, a.peers).topic).toEqual({
      kind: "neighbor",
      neighbor: null,
      counters: true,
    });
  });
});
