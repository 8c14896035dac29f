/**
 * `monitor.start {topic: "neighbor", counters: true}` against real daemons: A (AS 65001, watched) and B
 * (AS 65002), which announces routes to A in batches through its control socket for a few seconds. The
 * subscriber with counters sees about one `neighbor-counters` event a second for B, the last one with every
 * route counted and the numbers `neighbor.get` shows; none while nothing moves; none after monitor.stop;
 * one subscriber without counters sees none; seq has no gaps; bad `counters` values are refused.
 */
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kbgpdPair } from "../helpers/kbgpd-pair.js";
import { closeAllLabs, type KbgpdPeer, sleep, waitUntil } from "../interop/harness/index.js";

afterAll(closeAllLabs);

let a: KbgpdPeer;
let b: KbgpdPeer;

beforeAll(async () => {
  ({ a, b } = await kbgpdPair("daemon-monitor-counters", 40));
  await Promise.all([a.start(), b.start()]);
  await a.waitEstablished(b.spec.address, 30_000);
}, 60_000);

/** One control connection: requests written as asked, every line that comes back parsed and kept. */
class Connection {
  readonly lines: Record<string, unknown>[] = [];
  private readonly socket: net.Socket;
  private partial = "";

  constructor(path: string) {
    this.socket = net.connect(path);
    this.socket.setEncoding("utf8").on("data", (d: string) => {
      const parts = (this.partial + d).split("\n");
      this.partial = parts.pop() ?? "";
      for (const p of parts) this.lines.push(JSON.parse(p));
    });
  }

  send(id: number, method: string, params: object): void {
    this.socket.write(`${JSON.stringify({ jsonrpc: "2.0", id, method, params })}\n`);
  }

  async response(id: number): Promise<Record<string, unknown>> {
    await waitUntil(`the response to ${id}`, () => this.lines.some((l) => l.id === id), {
      timeoutMs: 5000,
      intervalMs: 20,
    });
    return this.lines.find((l) => l.id === id)!;
  }

  /** The `monitor` notifications' params. */
  events(): Record<string, unknown>[] {
    return this.lines.filter((l) => l.method === "monitor").map((l) => l.params as Record<string, unknown>);
  }

  counters(): Record<string, unknown>[] {
    return this.events().filter((e) => e.kind === "neighbor-counters");
  }

  close(): void {
    this.socket.destroy();
  }
}

const routes = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) => ({ prefix: `100.64.${(from + i) >> 8}.${(from + i) & 0xff}/32` }));

describe("monitor.start with counters", () => {
  it("sends B's route and UPDATE counts about once a second while they move, the last with every route", async () => {
    const B = b.spec.address;
    const watching = new Connection(a.socket);
    const plain = new Connection(a.socket);
    watching.send(1, "monitor.start", { topic: "neighbor", counters: true });
    plain.send(1, "monitor.start", { topic: "neighbor" });
    expect(await watching.response(1)).toMatchObject({ result: { snapshot: 0 } });
    expect(await plain.response(1)).toMatchObject({ result: { snapshot: 0 } });

    // 12,000 routes in batches for about three seconds.
    const BATCHES = 12;
    const PER_BATCH = 1000;
    for (let i = 0; i < BATCHES; i++) {
      const r = await b.call<{ added: number }>("rib.add", { routes: routes(i * PER_BATCH, PER_BATCH) });
      expect(r.added).toBe(PER_BATCH);
      await sleep(250);
    }
    const N = BATCHES * PER_BATCH;
    await waitUntil(
      "a counters event with every route",
      () => watching.counters().some((e) => e.received === N && e.accepted === N),
      { timeoutMs: 20_000, intervalMs: 50, detail: () => JSON.stringify(watching.counters()) },
    );

    // Coalesced: a handful of events for 12,000 routes, at least about a second apart, each for B.
    const counted = watching.counters();
    expect(counted.length).toBeGreaterThanOrEqual(2);
    expect(counted.length).toBeLessThan(12);
    expect(counted.every((e) => e.address === B)).toBe(true);
    const at = counted.map((e) => e.at as number);
    for (let i = 1; i < at.length; i++) expect(at[i] - at[i - 1]).toBeGreaterThanOrEqual(950);
    const received = counted.map((e) => e.received as number);
    expect(received).toEqual([...received].sort((x, y) => x - y));

    // Nothing moves: nothing more, for 2.5 s.
    const before = watching.events().length;
    await sleep(2500);
    expect(watching.events()).toHaveLength(before);

    // The last event says what neighbor.get says.
    const last = counted.at(-1)!;
    const n = await a.call<{
      received: number;
      accepted: number;
      advertised: number;
      messages: { sent: { update: number }; received: { update: number } };
    }>("neighbor.get", { neighbor: B });
    expect(last).toEqual({
      id: 1,
      seq: last.seq,
      kind: "neighbor-counters",
      address: B,
      received: n.received,
      accepted: n.accepted,
      advertised: n.advertised,
      updatesReceived: n.messages.received.update,
      updatesSent: n.messages.sent.update,
      at: last.at,
    });
    expect(n.received).toBe(N);

    // One numbering for all of the subscription's events, without gaps; none at all without counters.
    const events = watching.events();
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(plain.counters()).toEqual([]);

    // After monitor.stop, more routes bring nothing.
    watching.send(2, "monitor.stop", { id: 1 });
    expect(await watching.response(2)).toMatchObject({ result: { ok: true, lastSeq: events.length } });
    await b.call("rib.add", { routes: routes(N, 500) });
    await waitUntil(
      "the new routes at A",
      async () => {
        const { received } = await a.call<{ received: number }>("neighbor.get", { neighbor: B });
        return received === N + 500;
      },
      { timeoutMs: 10_000 },
    );
    await sleep(1500);
    expect(watching.events()).toHaveLength(events.length);
    watching.close();
    plain.close();
    await b.call("rib.deleteAll");
  }, 60_000);

  it("refuses counters that are not a boolean, or on a route topic, with -32602", async () => {
    await expect(a.call("monitor.start", { topic: "neighbor", counters: "yes" })).rejects.toThrow(
      "monitor.start: counters must be true or false (-32602)",
    );
    await expect(a.call("monitor.start", { topic: "neighbor", counters: 1 })).rejects.toThrow(
      /counters must be true or false \(-32602\)/,
    );
    await expect(a.call("monitor.start", { topic: "rib", counters: true })).rejects.toThrow(
      /counters is only for topic neighbor .*\(-32602\)/,
    );
  });
});
