/**
 * A reload applies `global.listen` to a running kbgpd, on real loopback sockets: an added address is accepted
 * on, a removed one no longer is while the session that came in through it stays Established (and carries
 * routes), a new port moves every listener, and an address that cannot be bound is logged, holds readiness
 * back and is bound once it can be, while the other listeners, the session and kbgpd itself carry on.
 * test/daemon/listeners.test.ts covers the same listeners in-process (idempotence, two quick requests).
 * At start-up, by contrast, such an address stops kbgpd.
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import net from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LISTEN_RETRY_MS } from "../../daemon/listeners.js";
import { kbgp } from "../helpers/cli.js";
import { closeAllLabs, createPeer, type KbgpdPeer, Lab, waitUntil } from "../interop/harness/index.js";

afterAll(closeAllLabs);

const KBGPD = resolve(dirname(fileURLToPath(import.meta.url)), "../../bin/kbgpd.mjs");

let lab: Lab;
/** A listens; B, its only neighbor, connects to A's first address (A never connects: passive). */
let a: KbgpdPeer;
let b: KbgpdPeer;
/** A's first address and port (B's session arrives there), a second address, a second port. */
let a1: string;
let a2: string;
let port1: number;
let port2: number;
/** Where a test connection comes from: an address kbgpd does not know. */
let stranger: string;
/** An address the test holds on port2 for a while, as another program might. */
let a3: string;
let readyz: string;

/** Rewrite A's configuration with these listen settings. */
function writeListen(addresses: string[], port: number): void {
  a.extra.listen = { addresses, port };
  writeFileSync(a.configFile, a.configText());
}

/** Whether kbgpd A accepts a TCP connection on address:port. */
function accepts(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: address, port, localAddress: stranger });
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });
}

const waitFor = (what: string, ok: () => Promise<boolean>) =>
  waitUntil(what, async () => (await ok()) || false, {
    timeoutMs: 10_000,
    intervalMs: 100,
    detail: () => a.logTail(),
  });

interface Detail {
  state: string;
  establishedTransitions: number;
  localAddress: string;
  localPort: number;
}
const session = () => a.call<Detail>("neighbor.get", { neighbor: b.spec.address });

/** B's session at A: still the one that came in on a1:port1, never dropped. */
async function expectSessionUntouched(): Promise<void> {
  expect(await session()).toMatchObject({
    state: "established",
    establishedTransitions: 1,
    localAddress: a1,
    localPort: port1,
  });
  expect(await b.sessionState(a1)).toBe("established");
}

beforeAll(async () => {
  lab = Lab.create("daemon-listen-reload");
  const [ea, eb] = [await lab.endpoint(), await lab.endpoint()];
  [a1, port1] = [ea.address, ea.port];
  a2 = (await lab.endpoint()).address;
  stranger = (await lab.endpoint()).address;
  a3 = (await lab.endpoint()).address;
  port2 = await lab.port(a1);
  const httpPort = await lab.port(a1);
  readyz = `http://${a1}:${httpPort}/readyz`;
  a = createPeer("kbgpd", lab, {
    routerId: "10.255.43.1",
    asn: 65001,
    ...ea,
    neighbors: [{ ...eb, asn: 65002, passive: true }],
  }) as KbgpdPeer;
  b = createPeer("kbgpd", lab, {
    routerId: "10.255.43.2",
    asn: 65002,
    ...eb,
    neighbors: [{ ...ea, asn: 65001 }],
  }) as KbgpdPeer;
  a.httpListen = `${a1}:${httpPort}`;
  await a.start();
  await b.start();
  await a.waitEstablished(b.spec.address);
  await expectSessionUntouched();
});

describe("a reload of global.listen", () => {
  it("listens on an address it adds", async () => {
    expect(await accepts(a2, port1)).toBe(false);
    writeListen([a1, a2], port1);
    await a.call("config.reload");
    await waitFor(`A accepting on ${a2}`, () => accepts(a2, port1));
    // The speaker saw the connection (and refused the stranger).
    await waitUntil(
      "A's log of the stranger",
      () => a.logTail(200).includes(`refused connection from ${stranger}`),
      { timeoutMs: 5000, intervalMs: 100 },
    );
    expect(await accepts(a1, port1)).toBe(true);
    expect((await a.call<{ listen: unknown }>("global.get")).listen).toEqual({
      addresses: [a1, a2],
      port: port1,
      failed: [],
    });
    await expectSessionUntouched();
  });

  it("stops listening on an address it removes (SIGHUP); the session that came in there stays up", async () => {
    writeListen([a2], port1);
    a.sighup();
    await waitFor(`A no longer accepting on ${a1}`, async () => !(await accepts(a1, port1)));
    expect(await accepts(a2, port1)).toBe(true);
    expect(a.logTail(200)).toContain(
      `stopped listening on [${a1}]:${port1} (sessions accepted there stay up)`,
    );
    await expectSessionUntouched();
    // And it still carries routes.
    await b.announce({ prefix: "198.51.100.0/24" });
    await waitUntil(
      "B's route at A",
      async () => (await a.received(b.spec.address, "ipv4")).some((r) => r.prefix === "198.51.100.0/24"),
      { timeoutMs: 10_000, intervalMs: 100 },
    );
    await expectSessionUntouched();
  });

  it("moves every listener to a new port", async () => {
    writeListen([a1, a2], port2);
    await a.call("config.reload");
    await waitFor(
      "A accepting on the new port",
      async () => (await accepts(a1, port2)) && (await accepts(a2, port2)),
    );
    expect(await accepts(a2, port1)).toBe(false);
    expect(await accepts(a1, port1)).toBe(false);
    await expectSessionUntouched();
  });

  it("logs an address it cannot bind, keeps the others and the session, and binds it once it can", {
    timeout: LISTEN_RETRY_MS * 4,
  }, async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen({ host: a3, port: port2 }, r));
    writeListen([a1, a3, a2], port2);
    await a.call("config.reload");
    const where = `[${a3}]:${port2}`;
    await waitUntil("the error in A's log", () => a.logTail(200).includes(`cannot listen on ${where}`), {
      timeoutMs: 5000,
      intervalMs: 100,
    });
    const line = a
      .logTail(200)
      .split("\n")
      .find((l) => l.includes(`cannot listen on ${where}`))!;
    expect(JSON.parse(line)).toMatchObject({
      level: 50, // pino's error
      msg: expect.stringMatching(
        /EADDRINUSE.*; trying again every 5s \(the other listeners and every session keep running\)$/,
      ),
    });
    // kbgpd runs on: the other listeners, the control socket, the session.
    expect(await accepts(a1, port2)).toBe(true);
    expect(await accepts(a2, port2)).toBe(true);
    expect(await a.call("session.hello")).toMatchObject({ server: "kbgpd" });
    await expectSessionUntouched();
    const global = await a.call<{ listen: { failed: { address: string; port: number; error: string }[] } }>(
      "global.get",
    );
    expect(global.listen.failed).toEqual([
      { address: a3, port: port2, error: expect.stringContaining("EADDRINUSE") },
    ]);
    expect(kbgp(["-s", a.socket, "global"]).stdout).toContain(
      `Listening Port: ${port2}, Addresses: ${a1}, ${a3}, ${a2}\nNot listening on ${a3} port ${port2} (trying again): listen EADDRINUSE`,
    );
    // Not ready, and saying why; alive all the same.
    const r = await fetch(readyz);
    expect(r.status).toBe(503);
    expect(await r.text()).toMatch(
      new RegExp(`^not ready: bgp-listener: cannot listen on \\[${a3}\\]:${port2}: .*EADDRINUSE`),
    );
    expect((await fetch(readyz.replace("readyz", "healthz"))).status).toBe(200);

    await new Promise((r) => blocker.close(r));
    await waitUntil("A ready again", async () => (await fetch(readyz)).status === 200, {
      timeoutMs: LISTEN_RETRY_MS * 2,
      intervalMs: 200,
      detail: () => a.logTail(),
    });
    expect(a.logTail(200)).toContain(`listening on ${where}`);
    expect((await a.call<{ listen: { failed: unknown[] } }>("global.get")).listen.failed).toEqual([]);
    await expectSessionUntouched();
  });
});

describe("at start-up", () => {
  it("an address that cannot be bound stops kbgpd, naming the address and port", async () => {
    const at = await lab.endpoint();
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen({ host: at.address, port: at.port }, r));
    const dir = lab.subdir("start-up");
    const config = join(dir, "kbgpd.yaml");
    writeFileSync(
      config,
      `global: { asn: 65001, router-id: 10.255.43.9, listen: { addresses: ["${at.address}"], port: ${at.port} } }\n`,
    );
    const r = spawnSync(
      process.execPath,
      [
        KBGPD,
        "--config",
        config,
        "--socket",
        join(dir, "kbgp.sock"),
        "--state-dir",
        dir,
        "--http-listen",
        "off",
      ],
      { encoding: "utf8", timeout: 10_000 },
    );
    await new Promise((done) => blocker.close(done));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(`^kbgpd: cannot listen on \\[${at.address}\\]:${at.port}: listen EADDRINUSE.*\n$`),
    );
  });
});
