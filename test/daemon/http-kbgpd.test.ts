/**
 * /metrics, /healthz and /readyz of real kbgpd processes: A serves them on the address its `global.http`
 * says, B (without endpoints) is its peer. Readiness as A starts and as it stops, peer and route metrics as
 * the session comes up, routes flow and the peer goes away, a reload that moves the endpoints without
 * touching the session, and a refused one.
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseSamples, type Samples, sample, samplesOf } from "../helpers/prom-text.js";
import { closeAllLabs, createPeer, type KbgpdPeer, Lab, sleep, waitUntil } from "../interop/harness/index.js";

afterAll(closeAllLabs);

const KBGPD = resolve(dirname(fileURLToPath(import.meta.url)), "../../bin/kbgpd.mjs");

let lab: Lab;
let a: KbgpdPeer;
let b: KbgpdPeer;
/** Where A serves its endpoints now. */
let base: string;
let httpAddress: string;

/** A helper process that ignores SIGTERM: kbgpd waits its 3 s grace period for it when stopping, long enough
 *  to watch /readyz say so. */
const STUBBORN = [
  "processes:",
  "  - name: stubborn",
  `    run: [sh, -c, "trap '' TERM; while :; do sleep 0.1; done"]`,
].join("\n");

const httpSection = (port: number) => `  http: { address: "${httpAddress}", port: ${port} }`;

async function scrape(): Promise<Samples> {
  const r = await fetch(`${base}/metrics`);
  expect(r.status).toBe(200);
  return parseSamples(await r.text());
}

/** Wait until a scrape satisfies `ok`; returns that scrape. */
const scrapeUntil = (what: string, ok: (s: Samples) => boolean) =>
  waitUntil(
    what,
    async () => {
      const s = await scrape();
      return ok(s) ? s : false;
    },
    { timeoutMs: 20_000, intervalMs: 100, detail: () => a.logTail() },
  );

/** Reload A with `http` as its global.http line. */
async function reloadA(http: string): Promise<void> {
  a.extra.global = http;
  writeFileSync(a.configFile, a.configText());
  await a.call("config.reload");
}

beforeAll(async () => {
  lab = Lab.create("daemon-http-kbgpd");
  const [ea, eb] = [await lab.endpoint(), await lab.endpoint()];
  httpAddress = ea.address;
  const port = await lab.port(httpAddress);
  base = `http://${httpAddress}:${port}`;
  a = createPeer("kbgpd", lab, {
    routerId: "10.255.42.1",
    asn: 65001,
    ...ea,
    neighbors: [{ ...eb, asn: 65002, families: ["ipv4", "ipv6"] }],
  }) as KbgpdPeer;
  b = createPeer("kbgpd", lab, {
    routerId: "10.255.42.2",
    asn: 65002,
    ...eb,
    neighbors: [{ ...ea, asn: 65001, families: ["ipv4", "ipv6"] }],
  }) as KbgpdPeer;
  a.httpListen = null; // from the configuration
  a.extra.global = httpSection(port);
  a.extra.sections = STUBBORN;
});

describe("kbgpd's endpoints", () => {
  it("answer ready only once kbgpd has started (refused or not ready before); the absent peer is down", async () => {
    const seen: string[] = [];
    let polling = true;
    const poll = (async () => {
      while (polling) {
        try {
          const r = await fetch(`${base}/readyz`);
          seen.push(`${r.status} ${(await r.text()).trim()}`);
        } catch {
          seen.push("refused");
        }
        await sleep(2);
      }
    })();
    await a.start();
    await waitUntil("A ready", () => seen.at(-1) === "200 ok", { timeoutMs: 10_000, intervalMs: 20 });
    polling = false;
    await poll;
    // Refused until the endpoints listen, not ready (naming what it waits for) until the BGP listener and the
    // control socket are up, then ready for good.
    const phases = seen.map((s) =>
      s === "refused" ? 0 : s.startsWith("503 not ready: ") ? 1 : s === "200 ok" ? 2 : -1,
    );
    expect(phases).not.toContain(-1);
    expect(phases).toEqual([...phases].sort());
    for (const s of seen.filter((x) => x.startsWith("503")))
      expect(s).toMatch(/^503 not ready: (bgp-listener|control-socket): /);

    expect(await (await fetch(`${base}/healthz`)).text()).toBe("ok\n");
    const s = await scrape();
    const peer = b.spec.address;
    expect(sample(s, "kbgp_peer_up", { peer, peer_asn: 65002 })).toBe(0);
    expect([1, 2, 3]).toContain(sample(s, "kbgp_peer_state", { peer }));
    expect(sample(s, "kbgp_config_last_reload_successful")).toBe(1);
    expect(sample(s, "process_resident_memory_bytes")).toBeGreaterThan(0);
  });

  it("show the session up and the routes that flow", async () => {
    const peer = b.spec.address;
    await b.announceMany([{ prefix: "198.51.100.0/24" }, { prefix: "198.51.101.0/24" }]);
    await a.announce({ prefix: "192.0.2.0/24" });
    await b.start();
    const s = await scrapeUntil(
      "A to hold B's two routes",
      (x) =>
        sample(x, "kbgp_peer_up", { peer, peer_asn: 65002 }) === 1 &&
        sample(x, "kbgp_accepted_routes", { peer, family: "ipv4-unicast" }) === 2 &&
        sample(x, "kbgp_advertised_routes", { peer, family: "ipv4-unicast" }) === 1,
    );
    expect(sample(s, "kbgp_peer_state", { peer })).toBe(6);
    expect(sample(s, "kbgp_received_routes", { peer, family: "ipv4-unicast" })).toBe(2);
    expect(sample(s, "kbgp_received_routes", { peer, family: "ipv6-unicast" })).toBe(0);
    expect(sample(s, "kbgp_loc_rib_routes", { family: "ipv4-unicast" })).toBe(3);
    expect(sample(s, "kbgp_local_routes", { source: "config" })).toBe(1);
    expect(sample(s, "kbgp_updates_received_total", { peer })).toBeGreaterThanOrEqual(1);
    expect(sample(s, "kbgp_updates_sent_total", { peer })).toBeGreaterThanOrEqual(1);
    expect(sample(s, "kbgp_peer_flaps_total", { peer })).toBe(0);
  });

  it("move to a new address on reload without touching the session", async () => {
    const peer = b.spec.address;
    const old = base;
    const port = await lab.port(httpAddress);
    await reloadA(httpSection(port));
    base = `http://${httpAddress}:${port}`;
    await waitUntil("the endpoints on the new port", async () => (await fetch(`${base}/healthz`)).ok, {
      timeoutMs: 5000,
      intervalMs: 50,
    });
    await expect(fetch(`${old}/healthz`)).rejects.toThrow();
    const s = await scrape();
    expect(sample(s, "kbgp_peer_up", { peer, peer_asn: 65002 })).toBe(1);
    expect(sample(s, "kbgp_peer_flaps_total", { peer })).toBe(0);
    expect(sample(s, "kbgp_config_last_reload_successful")).toBe(1);
  });

  it("refuse a bad global.http with file positions, keeping the endpoints where they are", async () => {
    const good = a.extra.global!;
    const bad = `  http: { adress: "${httpAddress}", port: 70000 }`;
    a.extra.global = bad;
    const file = join(lab.dir, "bad-http.yaml");
    const text = a.configText();
    writeFileSync(file, text);
    const line = text.split("\n").indexOf(bad) + 1;
    const r = spawnSync(process.execPath, [KBGPD, "--config", file, "--check"], { encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(
      `${file}:${line}:${bad.indexOf("adress") + 1}: global.http.adress: unknown key 'adress' (did you mean 'address'?)`,
    );
    expect(r.stderr).toContain(
      `${file}:${line}:${bad.indexOf("70000") + 1}: global.http.port: must be between 1 and 65535`,
    );

    writeFileSync(a.configFile, text);
    await expect(a.call("config.reload")).rejects.toThrow(/global\.http\.adress: unknown key 'adress'/);
    const s = await scrape();
    expect(sample(s, "kbgp_config_last_reload_successful")).toBe(0);
    await reloadA(good);
    expect(sample(await scrape(), "kbgp_config_last_reload_successful")).toBe(1);
  });

  it("show the peer going away: down, a flap, the NOTIFICATION's code and subcode", async () => {
    const peer = b.spec.address;
    await b.call("neighbor.shutdown", { neighbor: a.spec.address });
    let s = await scrapeUntil(
      "B down at A",
      (x) => sample(x, "kbgp_peer_up", { peer, peer_asn: 65002 }) === 0,
    );
    // Cease / Administrative Shutdown (RFC 4486); the harness turns graceful restart off for its neighbors,
    // so no Hard Reset wraps it.
    expect(samplesOf(s, "kbgp_notifications_received_total")).toEqual([
      [`kbgp_notifications_received_total{code="6",peer="${peer}",subcode="2"}`, 1],
    ]);
    expect(sample(s, "kbgp_peer_flaps_total", { peer })).toBe(1);
    expect(sample(s, "kbgp_received_routes", { peer, family: "ipv4-unicast" })).toBe(0);
    expect(sample(s, "kbgp_advertised_routes", { peer, family: "ipv4-unicast" })).toBe(0);
    await b.stop();
    s = await scrape();
    expect(sample(s, "kbgp_peer_up", { peer, peer_asn: 65002 })).toBe(0);
    expect(sample(s, "kbgp_peer_admin_down", { peer })).toBe(0);
  });

  it("answer not ready but alive while kbgpd stops, until it is gone", async () => {
    const stopping = a.stop();
    const body = await waitUntil(
      "A not ready while stopping",
      async () => {
        const r = await fetch(`${base}/readyz`);
        return r.status === 503 ? r.text() : false;
      },
      { timeoutMs: 3000, intervalMs: 20 },
    );
    expect(body).toBe("not ready: running: stopping (SIGTERM)\n");
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    await stopping;
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  });
});
