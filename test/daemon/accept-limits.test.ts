/**
 * Connections at kbgpd's BGP port, on real loopback sockets: a flood from an address that is no neighbor is
 * closed at once (no OPEN, no session state), counted in `global.get`, and logged once, not once per
 * connection; a neighbor's address opening many connections gets 20 taken per 10 s and holds at most two
 * waiting for the OPEN exchange; and an established session elsewhere sees none of it.
 */
import net from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { closeAllLabs, createPeer, type KbgpdPeer, Lab, waitUntil } from "../interop/harness/index.js";

afterAll(closeAllLabs);

/** Open `count` connections from `from` to `to`, `parallel` at a time; resolves with what each received
 *  before kbgpd closed it (or before `holdMs`, when it is still open then). */
async function connections(
  from: string,
  to: { address: string; port: number },
  count: number,
  parallel: number,
  holdMs: number,
): Promise<{ bytes: number; closedByServer: boolean }[]> {
  const results: { bytes: number; closedByServer: boolean }[] = [];
  const one = () =>
    new Promise<void>((resolve) => {
      const s = net.connect({ host: to.address, port: to.port, localAddress: from });
      let bytes = 0;
      let closedByServer = false;
      const timer = setTimeout(() => s.destroy(), holdMs);
      s.on("data", (d) => {
        bytes += d.length;
      });
      s.on("end", () => {
        closedByServer = true;
      });
      s.on("error", () => {
        closedByServer = true;
      });
      s.on("close", () => {
        clearTimeout(timer);
        results.push({ bytes, closedByServer });
        resolve();
      });
    });
  let started = 0;
  const lane = async () => {
    while (started < count) {
      started++;
      await one();
    }
  };
  await Promise.all(Array.from({ length: parallel }, lane));
  return results;
}

interface Global {
  connectionsRefused: {
    unconfigured: number;
    down: number;
    unavailable: number;
    established: number;
    rate: number;
  };
}

describe("kbgpd's BGP port under a connection flood", () => {
  it("closes a stranger's 1,000 connections at once, logs it once, and the established session never notices", async (ctx) => {
    const lab = Lab.forTest(ctx);
    const ea = await lab.endpoint();
    const eb = await lab.endpoint();
    const stranger = (await lab.endpoint()).address;
    const a = createPeer("kbgpd", lab, {
      routerId: "10.255.45.1",
      asn: 65101,
      ...ea,
      neighbors: [{ ...eb, asn: 65102 }],
    }) as KbgpdPeer;
    const b = createPeer("kbgpd", lab, {
      routerId: "10.255.45.2",
      asn: 65102,
      ...eb,
      neighbors: [{ ...ea, asn: 65101 }],
    });
    await Promise.all([a.start(), b.start()]);
    await a.waitEstablished(eb.address);
    const before = await a.call<{ upSince: number }>("neighbor.get", { neighbor: eb.address });

    const started = Date.now();
    const results = await connections(stranger, ea, 1000, 50, 5000);
    const took = Date.now() - started;
    expect(results).toHaveLength(1000);
    // Every one closed by kbgpd without a byte: no OPEN was ever sent to a stranger.
    expect(results.filter((r) => r.closedByServer && r.bytes === 0)).toHaveLength(1000);
    expect(took).toBeLessThan(20_000);
    expect((await a.call<Global>("global.get")).connectionsRefused.unconfigured).toBe(1000);
    const lines = a
      .logTail(5000)
      .split("\n")
      .filter((l) => l.includes(`refused connection from ${stranger}`));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("not a configured neighbor (logged once a minute per address)");
    expect(await a.call("neighbor.get", { neighbor: eb.address })).toMatchObject({
      state: "established",
      upSince: before.upSince,
      establishedTransitions: 1,
    });
  });

  it("takes 20 of one neighbor's connections per 10 s and holds at most two waiting for OPEN", async (ctx) => {
    const lab = Lab.forTest(ctx);
    const ea = await lab.endpoint();
    const ec = await lab.endpoint();
    const a = createPeer("kbgpd", lab, {
      routerId: "10.255.45.3",
      asn: 65101,
      ...ea,
      neighbors: [{ ...ec, asn: 65103, passive: true }],
    }) as KbgpdPeer;
    await a.start();
    // 40 connections from the neighbor's address that never send OPEN, all open at once for 3 s.
    const results = await connections(ec.address, ea, 40, 40, 3000);
    expect(results).toHaveLength(40);
    // 20 taken within the accept rate (kbgpd sent its OPEN on each; all but the last two were replaced along
    // the way), the other 20 closed at once without a byte.
    expect(results.filter((r) => r.bytes > 0)).toHaveLength(20);
    expect(results.filter((r) => r.closedByServer)).toHaveLength(38);
    expect((await a.call<Global>("global.get")).connectionsRefused.rate).toBe(20);
    await waitUntil(
      "the replaced ones logged",
      async () =>
        a.logTail(400).includes("an older incoming connection waiting for OPEN replaced by a newer one"),
      {
        timeoutMs: 5000,
        detail: () => a.logTail(),
      },
    );
  });
});
