/**
 * kbgpd's BGP listeners on real loopback sockets, in-process (daemon/listeners.ts): reconciling to a list of
 * addresses and a port, idempotent, serialised so that the later of two quick requests wins, accepted sockets
 * surviving their listener, and an address that cannot be bound (logged once, retried, the others kept).
 * test/daemon/listen-reload.test.ts does the same through reloads of a real kbgpd.
 */
import net from "node:net";
import { afterAll, describe, expect, it, type TestContext } from "vitest";
import type { LogLevel } from "../../core/speaker/io.js";
import { Listeners, type ListenStatus } from "../../daemon/listeners.js";
import { closeAllLabs, Lab, waitUntil } from "../interop/harness/index.js";

afterAll(closeAllLabs);

const RETRY_MS = 200;

/** Listeners whose accepted sockets echo what they receive. */
function setup(ctx: TestContext) {
  const logs: { level: LogLevel; msg: string }[] = [];
  const statuses: ListenStatus[] = [];
  const accepted: net.Socket[] = [];
  const listeners = new Listeners({
    accept: (s) => {
      accepted.push(s);
      s.on("error", () => {});
      s.pipe(s);
    },
    logger: { log: (level, msg) => void logs.push({ level, msg }) },
    onStatus: (s) => void statuses.push(s),
    retryMs: RETRY_MS,
  });
  ctx.onTestFinished(async () => {
    await listeners.close();
    for (const s of accepted) s.destroy();
  });
  return { listeners, logs, statuses, accepted };
}

/** Whether a TCP connection to address:port is accepted. */
function accepts(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: address, port });
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });
}

/** A connection, and a round trip through the echo behind it. */
async function connect(address: string, port: number): Promise<net.Socket> {
  const s = net.connect({ host: address, port });
  await new Promise((resolve, reject) => s.once("connect", resolve).once("error", reject));
  return s;
}
function echoes(s: net.Socket, text: string): Promise<boolean> {
  return new Promise((resolve) => {
    s.once("data", (d) => resolve(d.toString() === text));
    s.once("error", () => resolve(false));
    s.write(text);
  });
}

/** Two reserved loopback addresses (a third for failures) and two ports free on them. */
async function addresses(lab: Lab) {
  const [a, b, c] = [await lab.endpoint(), await lab.endpoint(), await lab.endpoint()];
  return { a: a.address, b: b.address, c: c.address, p1: a.port, p2: b.port };
}

describe("BGP listeners", () => {
  it("listen on each address, and asking again for the same changes nothing", async (ctx) => {
    const lab = Lab.forTest(ctx);
    const { a, b, p1 } = await addresses(lab);
    const { listeners, logs, statuses } = setup(ctx);
    const status = await listeners.listen({ addresses: [a, b, a], port: p1 });
    expect(status).toEqual({ addresses: [a, b], port: p1, failed: [] });
    expect(await accepts(a, p1)).toBe(true);
    expect(await accepts(b, p1)).toBe(true);
    expect(logs.map((l) => l.msg)).toEqual([`listening on [${a}]:${p1}`, `listening on [${b}]:${p1}`]);
    const conn = await connect(a, p1);
    await listeners.listen({ addresses: [b, a], port: p1 });
    expect(logs).toHaveLength(2);
    expect(statuses.at(-1)).toEqual({ addresses: [b, a], port: p1, failed: [] });
    expect(await echoes(conn, "still here")).toBe(true);
    conn.destroy();
  });

  it("close a listener no longer wanted, leaving the connections it accepted open", async (ctx) => {
    const lab = Lab.forTest(ctx);
    const { a, b, p1 } = await addresses(lab);
    const { listeners, logs } = setup(ctx);
    await listeners.listen({ addresses: [a, b], port: p1 });
    const conn = await connect(a, p1);
    expect(await echoes(conn, "before")).toBe(true);
    await listeners.listen({ addresses: [b], port: p1 });
    expect(await accepts(a, p1)).toBe(false);
    expect(await accepts(b, p1)).toBe(true);
    expect(await echoes(conn, "after")).toBe(true);
    expect(logs.at(-1)).toEqual({
      level: "info",
      msg: `stopped listening on [${a}]:${p1} (sessions accepted there stay up)`,
    });
    // Listened on again while a connection it accepted before is still open on the same address and port.
    await listeners.listen({ addresses: [a, b], port: p1 });
    expect(await accepts(a, p1)).toBe(true);
    expect(await echoes(conn, "again")).toBe(true);
    conn.destroy();
  });

  it("move every listener to a new port", async (ctx) => {
    const lab = Lab.forTest(ctx);
    const { a, b, p1, p2 } = await addresses(lab);
    const { listeners } = setup(ctx);
    await listeners.listen({ addresses: [a, b], port: p1 });
    const conn = await connect(b, p1);
    await listeners.listen({ addresses: [a, b], port: p2 });
    for (const x of [a, b]) {
      expect(await accepts(x, p1)).toBe(false);
      expect(await accepts(x, p2)).toBe(true);
    }
    expect(await echoes(conn, "old port")).toBe(true);
    conn.destroy();
  });

  it("let the later of two quick requests win, settling both", async (ctx) => {
    const lab = Lab.forTest(ctx);
    const { a, b, c, p1, p2 } = await addresses(lab);
    const { listeners } = setup(ctx);
    const first = listeners.listen({ addresses: [a, b], port: p1 });
    const second = listeners.listen({ addresses: [c], port: p2 });
    const third = listeners.listen({ addresses: [b], port: p2 });
    const results = await Promise.all([first, second, third]);
    for (const r of results) expect(r).toEqual({ addresses: [b], port: p2, failed: [] });
    expect(await accepts(b, p2)).toBe(true);
    for (const [x, p] of [
      [a, p1],
      [b, p1],
      [c, p2],
      [a, p2],
    ] as const)
      expect(await accepts(x, p)).toBe(false);

    // A request once another has started runs after it and wins too.
    const busy = listeners.listen({ addresses: [a, b, c], port: p1 });
    await new Promise((r) => setImmediate(r));
    const last = await listeners.listen({ addresses: [c], port: p1 });
    expect((await busy).failed).toEqual([]);
    expect(last).toEqual({ addresses: [c], port: p1, failed: [] });
    expect(await accepts(a, p1)).toBe(false);
    expect(await accepts(c, p1)).toBe(true);
  });

  it("keep the others listening when an address cannot be bound, say so once, and bind it once it can", async (ctx) => {
    const lab = Lab.forTest(ctx);
    const { a, b, p1 } = await addresses(lab);
    const { listeners, logs, statuses } = setup(ctx);
    // Another process holds b's port.
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen({ host: b, port: p1 }, r));
    const status = await listeners.listen({ addresses: [a, b], port: p1 });
    expect(status.failed).toEqual([{ address: b, port: p1, error: expect.stringMatching(/EADDRINUSE/) }]);
    expect(statuses.at(-1)).toEqual(status);
    expect(await accepts(a, p1)).toBe(true);
    const errors = () => logs.filter((l) => l.level === "error").map((l) => l.msg);
    expect(errors()).toEqual([
      expect.stringMatching(
        new RegExp(
          `^cannot listen on \\[${b}\\]:${p1}: .*EADDRINUSE.*; trying again every 0.2s \\(the other listeners and every session keep running\\)$`,
        ),
      ),
    ]);
    // Retried, without saying it again while the reason stays the same.
    await waitUntil("two retries", () => statuses.length >= 3, { timeoutMs: RETRY_MS * 10, intervalMs: 20 });
    expect(statuses.at(-1)?.failed).toHaveLength(1);
    expect(errors()).toHaveLength(1);
    await new Promise((r) => blocker.close(r));
    await waitUntil("b bound at last", () => statuses.at(-1)?.failed.length === 0, {
      timeoutMs: RETRY_MS * 10,
      intervalMs: 20,
    });
    expect(await accepts(b, p1)).toBe(true);
    expect(logs.at(-1)).toEqual({ level: "info", msg: `listening on [${b}]:${p1}` });
  });

  it("with retry off (start-up), only report a failure", async (ctx) => {
    const lab = Lab.forTest(ctx);
    const { a, p1 } = await addresses(lab);
    const { listeners, logs } = setup(ctx);
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen({ host: a, port: p1 }, r));
    ctx.onTestFinished(() => void blocker.close());
    const status = await listeners.listen({ addresses: [a], port: p1 }, { retry: false });
    expect(status.failed).toHaveLength(1);
    await new Promise((r) => setTimeout(r, RETRY_MS * 3));
    expect(logs).toEqual([]);
    // Forgotten once no longer asked for.
    expect((await listeners.listen({ addresses: [], port: p1 })).failed).toEqual([]);
  });

  it("stop listening on close", async (ctx) => {
    const lab = Lab.forTest(ctx);
    const { a, p1 } = await addresses(lab);
    const { listeners } = setup(ctx);
    await listeners.listen({ addresses: [a], port: p1 });
    await listeners.close();
    expect(await accepts(a, p1)).toBe(false);
  });
});
