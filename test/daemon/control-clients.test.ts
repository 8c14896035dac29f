/**
 * Clients that misbehave on a real kbgpd's control socket cannot block the others or make kbgpd's memory
 * grow without bound: idle connections, more connections than the socket takes, a line that never ends, a
 * client that sends requests without reading the answers, and batches of routes at and over the line limit.
 * kbgpd's memory is read from /proc/PID/status (VmHWM, its peak resident size).
 */
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_SUBSCRIPTIONS } from "../../daemon/control/monitor/methods.js";
import { DEFAULT_LIMITS, MAX_LINE, RpcCode } from "../../daemon/control/server.js";
import { kbgp } from "../helpers/cli.js";
import { type ControlLab, call, controlLab, LineClient, memoryKiB, request } from "../helpers/control-lab.js";
import { closeAllLabs } from "../interop/harness/index.js";

afterAll(closeAllLabs);

const MiB = 1024 * 1024;

/** `global.get` on a new connection: how long the answer took, in ms (throws after `timeoutMs`). */
async function timedGlobalGet(path: string, timeoutMs = 2000): Promise<number> {
  const started = performance.now();
  const c = await LineClient.connect(path);
  try {
    c.send(request(1, "global.get"));
    const [r] = (await c.waitFor(1, timeoutMs)) as { result?: { asn: number } }[];
    expect(r?.result?.asn).toBe(65001);
    return performance.now() - started;
  } finally {
    c.close();
  }
}

/**
 * Write `chunk` again and again, honouring backpressure, until `total` bytes went out, the connection ended,
 * or a write has waited `stallMs` for the kernel to take it. Returns the bytes the socket took and why it
 * stopped.
 */
async function pour(
  s: net.Socket,
  chunk: string,
  total: number,
  stallMs: number,
): Promise<{ written: number; stop: "done" | "closed" | "stalled" }> {
  let written = 0;
  let closed = false;
  s.on("close", () => {
    closed = true;
  });
  s.on("error", () => {
    closed = true;
  });
  const deadline = Date.now() + 60_000;
  while (written < total && Date.now() < deadline) {
    if (closed || s.destroyed) return { written, stop: "closed" };
    const room = s.write(chunk);
    written += chunk.length;
    if (!room) {
      const drained = await new Promise<boolean>((resolve) => {
        const done = (ok: boolean) => {
          clearTimeout(t);
          s.off("drain", drained).off("close", drained);
          resolve(ok);
        };
        const drained = () => done(true);
        const t = setTimeout(() => done(false), stallMs);
        s.once("drain", drained).once("close", drained);
      });
      if (closed) return { written, stop: "closed" };
      if (!drained) return { written, stop: "stalled" };
    }
  }
  return { written, stop: written >= total ? "done" : "stalled" };
}

describe("misbehaving control clients", () => {
  let c: ControlLab;
  const open: net.Socket[] = [];

  beforeAll(async () => {
    c = await controlLab("control-clients", 45);
  }, 60_000);
  afterAll(() => {
    for (const s of open) s.destroy();
  });

  const idle = async (n: number) => {
    for (let i = 0; i < n; i++) {
      const s = net.connect(c.kbgpd.socket);
      s.on("error", () => {});
      await new Promise((resolve) => s.once("connect", resolve));
      open.push(s);
    }
  };

  it("answers others promptly while 200 connections sit idle", async () => {
    await idle(200);
    const times = [];
    for (let i = 0; i < 5; i++) times.push(await timedGlobalGet(c.kbgpd.socket));
    expect(Math.max(...times)).toBeLessThan(500);
  });

  it(`takes at most ${DEFAULT_LIMITS.maxClients} connections, refusing the next with one error line`, async () => {
    await idle(DEFAULT_LIMITS.maxClients - open.length);
    // Let kbgpd accept them all.
    await new Promise((r) => setTimeout(r, 300));
    const extra = await LineClient.connect(c.kbgpd.socket);
    await extra.waitClosed(3000);
    expect(extra.received).toEqual([
      {
        jsonrpc: "2.0",
        id: null,
        error: {
          code: RpcCode.LIMIT,
          message: `too many control connections (at most ${DEFAULT_LIMITS.maxClients}): try again later`,
        },
      },
    ]);
    // The CLI says why.
    const cli = kbgp(["-s", c.kbgpd.socket, "global"]);
    expect([cli.status, cli.stderr]).toEqual([
      1,
      `kbgp: too many control connections (at most ${DEFAULT_LIMITS.maxClients}): try again later\n`,
    ]);
    // One leaves: there is room again.
    open.pop()!.destroy();
    await new Promise((r) => setTimeout(r, 200));
    expect(await timedGlobalGet(c.kbgpd.socket)).toBeLessThan(500);
    for (const s of open.splice(0)) s.destroy();
  });

  it("drops a 100 MB line without a newline once it passes the limit, without holding it", async () => {
    const before = memoryKiB(c.pid);
    const s = net.connect(c.kbgpd.socket);
    await new Promise((resolve) => s.once("connect", resolve));
    let text = "";
    s.setEncoding("utf8");
    s.on("data", (d: string) => {
      text += d;
    });
    // Others are served while it pours.
    const other = (async () => {
      await new Promise((r) => setTimeout(r, 100));
      return timedGlobalGet(c.kbgpd.socket);
    })();
    const { written, stop } = await pour(s, "x".repeat(MiB), 100 * MiB, 3000);
    expect(await other).toBeLessThan(1000);
    expect(stop).toBe("closed");
    // It read a little past the limit (socket buffers), not the 100 MB.
    expect(written).toBeLessThan(MAX_LINE + 8 * MiB);
    expect(JSON.parse(text.trim())).toEqual({
      jsonrpc: "2.0",
      id: null,
      error: {
        code: RpcCode.INVALID_REQUEST,
        message: `request line longer than ${MAX_LINE} characters: split it (fewer routes per request)`,
      },
    });
    const after = memoryKiB(c.pid);
    console.log(
      `long line: wrote ${(written / MiB).toFixed(1)} MiB; kbgpd VmHWM ${before.hwm} → ${after.hwm} KiB`,
    );
    // The unfinished line is held up to the limit (16 MiB of text) and no more.
    expect(after.hwm - before.hwm).toBeLessThan(64 * 1024);
    expect(await timedGlobalGet(c.kbgpd.socket)).toBeLessThan(500);
  });

  it(`holds at most ${DEFAULT_LIMITS.maxHeld / MiB} MiB of unfinished lines for all clients together`, async () => {
    const before = memoryKiB(c.pid);
    const part = "x".repeat(MiB);
    const clients: LineClient[] = [];
    // Lines just under the limit, never finished: four fit, the fifth passes the total.
    for (let i = 0; i < 5; i++) {
      const client = await LineClient.connect(c.kbgpd.socket);
      clients.push(client);
      const { stop } = await pour(client.socket, part, 15 * MiB, 3000);
      expect([i, stop]).toEqual([i, i < 4 ? "done" : "closed"]);
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(clients.map((x) => x.closed)).toEqual([false, false, false, false, true]);
    expect(clients[4].received).toEqual([
      {
        jsonrpc: "2.0",
        id: null,
        error: {
          code: RpcCode.LIMIT,
          message: `kbgpd holds too many unfinished requests (over ${DEFAULT_LIMITS.maxHeld} characters from all clients): try again later`,
        },
      },
    ]);
    // The others finish their lines: answered (a parse error: x… is not JSON), and the room is back.
    for (const client of clients.slice(0, 4)) client.send("\n");
    for (const client of clients.slice(0, 4))
      expect(await client.waitFor(1)).toMatchObject([{ error: { code: RpcCode.PARSE } }]);
    const after = memoryKiB(c.pid);
    console.log(`held lines: kbgpd VmHWM ${before.hwm} → ${after.hwm} KiB`);
    expect(after.hwm - before.hwm).toBeLessThan(192 * 1024);
    for (const client of clients) client.close();
    const again = await LineClient.connect(c.kbgpd.socket);
    await pour(again.socket, part, 15 * MiB, 3000);
    again.send(`\n${request(2, "global.get")}`);
    expect(await again.waitFor(2)).toMatchObject([{ error: { code: RpcCode.PARSE } }, { id: 2, result: {} }]);
    again.close();
  }, 60_000);

  it("stops reading from a client that sends requests without reading the answers", async () => {
    // Answers worth backing up: a few thousand routes in every rib.list.
    const routes = Array.from({ length: 3000 }, (_, i) => ({
      prefix: `10.${i >> 8}.${i & 255}.0/24`,
      "next-hop": "192.0.2.1",
    }));
    expect((await call(c.kbgpd.socket, "rib.add", { routes })).result).toMatchObject({ added: 3000 });
    const before = memoryKiB(c.pid);
    const s = net.connect(c.kbgpd.socket);
    await new Promise((resolve) => s.once("connect", resolve));
    s.pause(); // never reads
    const lines = `${request(1, "rib.list")}${request(2, "global.get")}`.repeat(8192); // ~0.8 MiB
    const { written, stop } = await pour(s, lines, 200 * MiB, 2000);
    // kbgpd stopped taking requests: the client could not get far.
    expect(stop).toBe("stalled");
    expect(written).toBeLessThan(16 * MiB);
    // Others are still answered while it sits there backed up.
    expect(await timedGlobalGet(c.kbgpd.socket)).toBeLessThan(500);
    const after = memoryKiB(c.pid);
    console.log(
      `flood: wrote ${(written / MiB).toFixed(1)} MiB; kbgpd VmHWM ${before.hwm} → ${after.hwm} KiB`,
    );
    expect(after.hwm - before.hwm).toBeLessThan(64 * 1024);
    s.destroy();
    expect((await call(c.kbgpd.socket, "rib.deleteAll")).result).toEqual({ deleted: 3000 });
  }, 60_000);

  it(`lets one connection hold at most ${MAX_SUBSCRIPTIONS} monitor subscriptions`, async () => {
    const client = await LineClient.connect(c.kbgpd.socket);
    let text = "";
    for (let id = 1; id <= MAX_SUBSCRIPTIONS + 1; id++)
      text += request(id, "monitor.start", { topic: "neighbor" });
    client.send(text);
    const got = [...(await client.waitFor(MAX_SUBSCRIPTIONS + 1))] as {
      id: number;
      error?: { code: number };
    }[];
    const answers = got.filter((m) => !("method" in m));
    expect(answers.slice(0, MAX_SUBSCRIPTIONS).every((m) => m.error === undefined)).toBe(true);
    expect(answers[MAX_SUBSCRIPTIONS]).toEqual({
      jsonrpc: "2.0",
      id: MAX_SUBSCRIPTIONS + 1,
      error: {
        code: RpcCode.LIMIT,
        message: `at most ${MAX_SUBSCRIPTIONS} monitor subscriptions per connection: end one with monitor.stop`,
      },
    });
    // Replacing one (same id) is fine at the limit, and stopping one makes room.
    client.send(request(1, "monitor.start", { topic: "rib" }));
    client.send(request(2, "monitor.stop", { id: 2 }));
    client.send(request(99, "monitor.start", { topic: "rib" }));
    const more = (await client.waitFor(got.length + 3)).slice(got.length) as {
      id: number;
      error?: unknown;
    }[];
    expect(more.filter((m) => !("method" in m)).map((m) => [m.id, m.error])).toEqual([
      [1, undefined],
      [2, undefined],
      [99, undefined],
    ]);
    client.close();
  });

  it("takes a batch of 100,000 routes in one line, and refuses one over the line limit", async () => {
    const routes: unknown[] = Array.from({ length: 100_000 }, (_, i) => ({
      prefix: `100.${i >> 16}.${(i >> 8) & 255}.${i & 255}/32`,
    }));
    // kbgpd applies a batch in slices of 500 between other work: a refused route is still named by its
    // index in the whole batch, and the others of its slice still go in.
    routes[7] = { prefix: "100.0.0.7/33" };
    routes[99_999] = { prefix: "100.1.134.159/32", med: -1 };
    const ok = await call(c.kbgpd.socket, "rib.add", { routes });
    expect(ok.result).toMatchObject({ added: 99_998, refused: [{ index: 7 }, { index: 99_999 }] });
    // Over the limit: one error, the connection closed, nothing applied.
    const big = Array.from({ length: 700_000 }, (_, i) => ({
      prefix: `101.${i >> 16}.${(i >> 8) & 255}.${i & 255}/32`,
    }));
    const line = request(1, "rib.add", { routes: big });
    expect(line.length).toBeGreaterThan(MAX_LINE);
    const client = await LineClient.connect(c.kbgpd.socket);
    client.send(line);
    await client.waitClosed(10_000);
    expect(client.received).toMatchObject([{ id: null, error: { code: RpcCode.INVALID_REQUEST } }]);
    const summary = (await call(c.kbgpd.socket, "rib.summary")).result;
    expect(summary).toMatchObject({ families: { "ipv4-unicast": { destinations: 99_998 } } });
    expect((await call(c.kbgpd.socket, "rib.deleteAll")).result).toEqual({ deleted: 99_998 });
  }, 60_000);
});
