/**
 * kbgpd's HTTP endpoints on real sockets, in-process: readiness and liveness answers, /metrics, methods and
 * paths it refuses, moving to another address, and an address that cannot be bound yet (retried, never
 * fatal). test/daemon/http-kbgpd.test.ts runs the same endpoints inside real kbgpd processes.
 */
import { createServer } from "node:net";
import { Gauge, Registry } from "prom-client";
import { afterAll, describe, expect, it } from "vitest";
import type { LogLevel } from "../../core/speaker/io.js";
import { ConfigError, DEFAULT_HTTP, parseConfigText } from "../../daemon/config/index.js";
import { Health } from "../../daemon/http/health.js";
import { HTTP_RETRY_MS, HttpEndpoints, parseHttpListen } from "../../daemon/http/server.js";
import { closeAllLabs, Lab, waitUntil } from "../interop/harness/index.js";

afterAll(closeAllLabs);

function setup(live: () => string | null = () => null) {
  const registry = new Registry();
  new Gauge({ name: "test_answer", help: "42", registers: [registry] }).set(42);
  const health = new Health(live);
  const logs: { level: LogLevel; msg: string }[] = [];
  const logger = { log: (level: LogLevel, msg: string) => void logs.push({ level, msg }) };
  const http = new HttpEndpoints({ registry, health, logger });
  return { registry, health, logs, http };
}

const get = async (base: string, path: string, init?: RequestInit) => {
  const r = await fetch(`${base}${path}`, init);
  return { status: r.status, type: r.headers.get("content-type"), body: await r.text() };
};

describe("the endpoints", () => {
  it("answer readiness by condition, liveness, and metrics", async (ctx) => {
    const lab = Lab.forTest(ctx);
    const at = await lab.endpoint();
    let problem: string | null = null;
    const { health, http } = setup(() => problem);
    health.set("config", null);
    health.require("bgp-listener", "BGP listener not up yet");
    await http.apply(at);
    expect(http.listening).toEqual(at);
    const base = `http://${at.address}:${at.port}`;

    expect(await get(base, "/readyz")).toMatchObject({
      status: 503,
      body: "not ready: bgp-listener: BGP listener not up yet\n",
    });
    expect((await get(base, "/readyz?verbose")).body).toBe(
      "[+]config ok\n[-]bgp-listener: BGP listener not up yet\nnot ready\n",
    );
    health.set("bgp-listener", null);
    expect(await get(base, "/readyz")).toMatchObject({ status: 200, body: "ok\n" });
    expect((await get(base, "/readyz?verbose")).body).toBe("[+]config ok\n[+]bgp-listener ok\nready\n");
    health.set("running", "stopping (SIGTERM)");
    expect(await get(base, "/readyz")).toMatchObject({
      status: 503,
      body: "not ready: running: stopping (SIGTERM)\n",
    });
    health.drop("running");
    expect((await get(base, "/readyz")).status).toBe(200);

    expect(await get(base, "/healthz")).toMatchObject({ status: 200, body: "ok\n" });
    problem = "speaker timers overdue by 31s";
    expect(await get(base, "/healthz")).toMatchObject({
      status: 503,
      body: "not alive: speaker timers overdue by 31s\n",
    });

    const m = await get(base, "/metrics");
    expect(m.status).toBe(200);
    expect(m.type).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(m.body).toContain("test_answer 42\n");
    expect((await get(base, "/nope")).status).toBe(404);
    expect((await get(base, "/")).status).toBe(200);
    const post = await get(base, "/metrics", { method: "POST", body: "x" });
    expect(post.status).toBe(405);
    expect((await fetch(`${base}/metrics`, { method: "HEAD" })).status).toBe(200);
    await http.close();
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  });

  it("move to another address, leaving the old one, and stop when turned off", async (ctx) => {
    const lab = Lab.forTest(ctx);
    const [one, two] = [await lab.endpoint(), await lab.endpoint()];
    const { http } = setup();
    await http.apply(one);
    expect((await get(`http://${one.address}:${one.port}`, "/healthz")).status).toBe(200);
    // The same address again changes nothing (a reload that did not touch global.http).
    await http.apply({ ...one });
    expect(http.listening).toEqual(one);
    // An open keep-alive connection (Prometheus keeps one) does not hold the old listener.
    const agent = await fetch(`http://${one.address}:${one.port}/metrics`, { keepalive: true });
    await agent.text();
    await http.apply(two);
    expect((await get(`http://${two.address}:${two.port}`, "/healthz")).status).toBe(200);
    await expect(fetch(`http://${one.address}:${one.port}/healthz`)).rejects.toThrow();
    await http.apply(null);
    expect(http.listening).toBeNull();
    await expect(fetch(`http://${two.address}:${two.port}/healthz`)).rejects.toThrow();
  });

  it("log an address it cannot bind and take it as soon as it is free", async (ctx) => {
    const lab = Lab.forTest(ctx);
    const at = await lab.endpoint();
    const squatter = createServer();
    await new Promise<void>((r) => squatter.listen(at.port, at.address, r));
    const { http, logs } = setup();
    await http.apply(at);
    expect(http.listening).toBeNull();
    expect(logs).toContainEqual({
      level: "error",
      msg: expect.stringMatching(
        new RegExp(`^http: cannot listen on ${at.address}:${at.port} .*EADDRINUSE.*retrying every 5s$`),
      ),
    });
    await new Promise((r) => squatter.close(r));
    await waitUntil("the endpoints to take the freed address", () => http.listening !== null, {
      timeoutMs: HTTP_RETRY_MS + 3000,
      intervalMs: 100,
    });
    expect((await get(`http://${at.address}:${at.port}`, "/healthz")).status).toBe(200);
    // One error for the whole episode, then one line when it worked.
    expect(logs.filter((l) => l.level === "error")).toHaveLength(1);
    expect(logs.at(-1)?.msg).toBe(`http: /metrics, /healthz and /readyz on ${at.address}:${at.port}`);
    await http.close();
  }, 20_000);
});

describe("--http-listen", () => {
  it("takes ADDRESS:PORT, [IPV6]:PORT (or IPV6:PORT) or off", () => {
    expect(parseHttpListen("10.1.2.3:9179")).toEqual({ address: "10.1.2.3", port: 9179 });
    expect(parseHttpListen("[2001:db8:0::1]:80")).toEqual({ address: "2001:db8::1", port: 80 });
    expect(parseHttpListen("0.0.0.0:9179")).toEqual({ address: "0.0.0.0", port: 9179 });
    expect(parseHttpListen("off")).toBeNull();
    // Without brackets the port is after the last colon: what `$(NODE_IP):9179` gives on an IPv6 node.
    expect(parseHttpListen("2001:db8::7:9179")).toEqual({ address: "2001:db8::7", port: 9179 });
    expect(parseHttpListen("::1:9179")).toEqual({ address: "::1", port: 9179 });
    const bad = ["9179", "10.1.2.3", "10.1.2.3:0", "10.1.2.3:65536", "host:80", "[::1]", "[::1]:", "::1", ""];
    for (const b of bad) expect(() => parseHttpListen(b), b).toThrow(/^--http-listen must be ADDRESS:PORT/);
  });
});

describe("global.http", () => {
  const load = (http: string) =>
    parseConfigText(`global:\n  asn: 65001\n  router-id: 192.0.2.1\n${http}\n`, "k.yaml").http;
  const problems = (http: string) => {
    try {
      load(http);
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      return (e as ConfigError).message.split("\n");
    }
    throw new Error("expected a ConfigError");
  };

  it("defaults to 127.0.0.1:9179, can move or be turned off", () => {
    expect(load("")).toEqual({ address: "127.0.0.1", port: 9179 });
    expect(DEFAULT_HTTP).toEqual({ address: "127.0.0.1", port: 9179 });
    expect(load("  http: { port: 9180 }")).toEqual({ address: "127.0.0.1", port: 9180 });
    expect(load('  http: { address: "2001:db8:0:0::1" }')).toEqual({ address: "2001:db8::1", port: 9179 });
    expect(load("  http: { address: 0.0.0.0, port: 8080, enabled: true }")).toEqual({
      address: "0.0.0.0",
      port: 8080,
    });
    expect(load("  http: { enabled: false, port: 8080 }")).toBeNull();
  });

  it("refuses what it does not know, each problem at its place", () => {
    expect(problems("  http: { adress: 10.0.0.1 }")).toEqual([
      "k.yaml:4:11: global.http.adress: unknown key 'adress' (did you mean 'address'?)",
    ]);
    expect(problems("  http:\n    address: localhost\n    port: 0\n    enabled: yes")).toEqual([
      "k.yaml:5:14: global.http.address: 'localhost' is not an IP address",
      "k.yaml:6:11: global.http.port: must be between 1 and 65535",
      "k.yaml:7:14: global.http.enabled: must be true or false, not 'yes'",
    ]);
    expect(problems("  http: 9179")).toEqual([
      "k.yaml:4:9: global.http: must be a mapping of keys to values, not 9179",
    ]);
  });
});
