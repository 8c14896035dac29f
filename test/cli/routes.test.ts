/**
 * Injecting routes through the real `kbgp` binary into a real kbgpd (A), seen by its peer (B, another
 * kbgpd): `global rib add|del`, `-f` batches, the ExaBGP text API, and durability — routes survive a
 * SIGKILL and restart, including one in the middle of a 100,000-route injection.
 */
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KBGP, kbgp } from "../helpers/cli.js";
import { kbgpdPair } from "../helpers/kbgpd-pair.js";
import {
  closeAllLabs,
  type KbgpdPeer,
  type Lab,
  waitForRoute,
  waitForWithdrawal,
  waitUntil,
} from "../interop/harness/index.js";

afterAll(closeAllLabs);

let lab: Lab;
let a: KbgpdPeer;
let b: KbgpdPeer;
const cli = (...args: string[]) => kbgp(["-s", a.socket, ...args]);
const api = (input: string) => kbgp(["-s", a.socket, "api"], input);

interface Row {
  prefix: string;
  paths: { from: string; med?: number; communities: string[]; nextHop: string | null; pathId: number }[];
}
/** A's Loc-RIB paths that came through the API. */
async function apiRoutes(family = "ipv4-unicast"): Promise<Map<string, Row["paths"][number]>> {
  const { rows = [] } = await a.call<{ rows?: Row[] }>("rib.list", { family });
  const m = new Map<string, Row["paths"][number]>();
  for (const r of rows) for (const p of r.paths) if (p.from.startsWith("local:api")) m.set(r.prefix, p);
  return m;
}

beforeAll(async () => {
  ({ lab, a, b } = await kbgpdPair("cli-routes", 10));
  await Promise.all([a.start(), b.start()]);
  await a.waitEstablished(b.spec.address, 30_000);
}, 60_000);

describe("kbgp global rib add|del", () => {
  it("adds a route with gobgp's keywords, which the peer receives, and deletes it", async () => {
    const r = cli(
      "global",
      "rib",
      "add",
      "198.51.100.0/24",
      "nexthop",
      "192.0.2.9",
      "aspath",
      "64500 64501",
      "med",
      "10",
      "community",
      "65000:1,65000:2",
      "local-pref",
      "120",
    );
    expect([r.status, r.stderr]).toEqual([0, ""]);
    // A route given a next hop keeps it, eBGP too (a third-party next hop, RFC 4271 §5.1.3, as ExaBGP).
    expect(await waitForRoute(b, a.spec.address, "198.51.100.0/24")).toMatchObject({
      nextHop: "192.0.2.9",
      asPath: [65001, 64500, 64501],
      med: 10,
      communities: ["65000:1", "65000:2"],
    });
    expect((await apiRoutes()).get("198.51.100.0/24")).toMatchObject({ nextHop: "192.0.2.9", med: 10 });
    expect(cli("global", "rib", "del", "198.51.100.0/24").status).toBe(0);
    await waitForWithdrawal(b, a.spec.address, "198.51.100.0/24");
    const again = cli("global", "rib", "del", "198.51.100.0/24");
    expect([again.status, again.stderr]).toEqual([
      1,
      "kbgp: no such route: 198.51.100.0/24 was not added through the API\n",
    ]);
  });

  it("refuses bad words and bad values, naming them, with exit code 2", () => {
    const typo = cli("global", "rib", "add", "198.51.100.0/24", "nexhop", "192.0.2.1");
    expect([typo.status, typo.stderr]).toEqual([
      2,
      "kbgp: unknown keyword 'nexhop' (did you mean 'nexthop'?) (see kbgp --help)\n",
    ]);
    const value = cli("global", "rib", "add", "198.51.100.0/24", "nexthop", "192.0.2.300");
    expect([value.status, value.stderr]).toEqual([
      2,
      "kbgp: next-hop: '192.0.2.300' is not an IP address (see kbgp --help)\n",
    ]);
    const hostBits = cli("global", "rib", "add", "198.51.100.1/24");
    expect(hostBits.status).toBe(2);
    expect(hostBits.stderr).toMatch(/^kbgp: prefix: .*198\.51\.100\.1\/24/);
    const family = cli("global", "rib", "add", "198.51.100.0/24", "-a", "ipv6");
    expect([family.status, family.stderr]).toEqual([
      2,
      "kbgp: 198.51.100.0/24 is not an IPv6 prefix (-a) (see kbgp --help)\n",
    ]);
    expect(cli("global", "rib", "add").status).toBe(2);
  });

  it("adds a file of routes, stopping at the first bad line and naming it", async () => {
    const file = join(lab.dir, "routes.txt");
    writeFileSync(
      file,
      "# routes\n203.0.113.0/26 med 1\n\n2001:db8:5::/48 nexthop 2001:db8::5\n203.0.113.64/26 med x\n",
    );
    const r = cli("global", "rib", "add", "-f", file);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      `kbgp: ${file}:5: 'med' needs a number from 0 to 4294967295, not 'x' (2 routes applied) (see kbgp --help)\n`,
    );
    await waitForRoute(b, a.spec.address, "2001:db8:5::/48");
    const viaStdin = kbgp(
      ["-s", a.socket, "global", "rib", "del", "-f", "-", "-j"],
      "203.0.113.0/26\n2001:db8:5::/48\n",
    );
    expect(viaStdin.stdout).toBe('{"kbgpJson":1,"deleted":2}\n');
    await waitForWithdrawal(b, a.spec.address, "2001:db8:5::/48");
  });
});

describe("kbgp api (the ExaBGP text API)", () => {
  it("answers every line in order, done or error with the reason", async () => {
    const r = api(
      [
        "announce route 100.64.0.0/24 next-hop self med 7 community [65000:7 no-export]",
        "announce route 100.64.1.0/24 next-hop 1.2.3",
        "neighbor 192.0.2.99 announce route 100.64.2.0/24 next-hop self",
        "announce attributes next-hop self med 3 nlri 100.64.3.0/24 100.64.4.0/24",
        "withdraw route 100.64.3.0/24",
        "# a comment",
        "",
        "announce flow route { match { destination 10.0.0.0/8; } }",
        "version",
        "announce eor",
        "nonsense",
      ].join("\n"),
    );
    expect(r.status).toBe(0);
    expect(r.stdout.split("\n")).toEqual([
      "done",
      "error: next-hop: '1.2.3' is not an IP address",
      "done",
      "done",
      "done",
      "done",
      "error: announce flow: kbgp carries IPv4 and IPv6 unicast routes only",
      "kbgp 0.1.0",
      "done",
      "done",
      expect.stringMatching(/^error: unknown command 'nonsense'/),
      "",
    ]);
    await waitForRoute(b, a.spec.address, "100.64.4.0/24");
    const routes = await apiRoutes();
    expect(routes.get("100.64.0.0/24")).toMatchObject({ med: 7, communities: ["65000:7", "no-export"] });
    expect(routes.has("100.64.3.0/24")).toBe(false);
    // Scoped to a neighbor A does not have: in A's Loc-RIB, sent to nobody. NO_EXPORT: kept from eBGP B.
    expect(routes.has("100.64.2.0/24")).toBe(true);
    const atB = (await b.rib("ipv4")).map((x) => x.prefix);
    expect(atB).not.toContain("100.64.2.0/24");
    expect(atB).not.toContain("100.64.0.0/24");
  });

  it("sends a route scoped to a neighbor to that neighbor only, and honours ack modes", async () => {
    const r = api(
      [
        `neighbor ${b.spec.address} announce route 100.64.9.0/24 next-hop self`,
        "disable-ack",
        "announce route 100.64.10.0/24 next-hop 999.1.1.1",
        "announce route 100.64.11.0/24 next-hop self",
        "silence-ack",
        "announce route 100.64.12.0/24 next-hop 999.1.1.1",
        "enable-ack",
      ].join("\n"),
    );
    // ExaBGP's answers: disable-ack is itself acknowledged, silence-ack not. With acks off, errors go to
    // stderr, so a script that stopped reading answers is never blocked and a person still sees them.
    expect(r.stdout.split("\n")).toEqual(["done", "done", "done", ""]);
    expect(r.stderr).toBe(
      "kbgp api: line 3: next-hop: '999.1.1.1' is not an IP address\n" +
        "kbgp api: line 6: next-hop: '999.1.1.1' is not an IP address\n",
    );
    await waitForRoute(b, a.spec.address, "100.64.9.0/24");
    await waitForRoute(b, a.spec.address, "100.64.11.0/24");
    expect(api("clear adj-rib out\n").stdout).toBe("done\n");
    await waitForWithdrawal(b, a.spec.address, "100.64.9.0/24");
    expect((await apiRoutes()).size).toBe(0);
  });
});

describe("durable routes", () => {
  it("restores routes added through the API after a SIGKILL, before the sessions come up", async () => {
    expect(cli("global", "rib", "add", "192.0.2.128/25", "med", "44", "identifier", "3").status).toBe(0);
    expect(api("announce route 2001:db8:44::/48 next-hop self large-community [65001:4:4]\n").stdout).toBe(
      "done\n",
    );
    await a.kill();
    await a.start();
    const v4 = await apiRoutes();
    expect(v4.get("192.0.2.128/25")).toMatchObject({ med: 44, pathId: 3 });
    expect((await apiRoutes("ipv6-unicast")).has("2001:db8:44::/48")).toBe(true);
    await a.waitEstablished(b.spec.address, 30_000);
    await waitForRoute(b, a.spec.address, "2001:db8:44::/48");
    expect(cli("global", "rib", "del", "all").status).toBe(0);
    await waitForWithdrawal(b, a.spec.address, "192.0.2.128/25");
  });

  it("keeps every acknowledged route of a 100,000-route injection killed half-way, and nothing half-written", async () => {
    const N = 100_000;
    const prefix = (i: number) => `${10 + (i >> 16)}.${(i >> 8) & 0xff}.${i & 0xff}.0/24`;
    const child = spawn(process.execPath, [KBGP, "-s", a.socket, "api"], { stdio: ["pipe", "pipe", "pipe"] });
    let acked = 0;
    let errors = "";
    child.stdout.setEncoding("utf8");
    let partial = "";
    child.stdout.on("data", (d: string) => {
      const lines = (partial + d).split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) {
        if (line === "done") acked++;
        else errors += `${line}\n`;
      }
    });
    // Written as fast as the pipe takes it; kbgp api answers in order, so `acked` names lines 0..acked-1.
    const feed = (async () => {
      for (let i = 0; i < N; i += 1000) {
        let text = "";
        for (let j = i; j < i + 1000; j++) text += `announce route ${prefix(j)} next-hop self med ${j}\n`;
        if (!child.stdin.write(text)) await new Promise((r) => child.stdin.once("drain", r));
        if (child.exitCode !== null) return;
      }
      child.stdin.end();
    })().catch(() => {});
    try {
      await waitUntil("30,000 acknowledged routes", async () => acked >= 30_000, {
        timeoutMs: 60_000,
        intervalMs: 20,
      });
      await a.kill();
      const ackedAtKill = acked;
      await new Promise((r) => child.once("exit", r));
      await feed;
      // Lines in flight at the kill are answered as lost (whether kbgpd kept them is unknown), nothing else.
      for (const line of errors.split("\n").filter(Boolean)) expect(line).toMatch(/^error: lost kbgpd at /);
      expect(ackedAtKill).toBeLessThan(N);
      await a.start();
      const routes = await apiRoutes();
      // Every acknowledged route, with its own MED; anything beyond them a whole route of the batch.
      for (let i = 0; i < ackedAtKill; i++) expect(routes.get(prefix(i))?.med).toBe(i);
      for (const [p, path] of routes) expect(prefix(path.med!)).toBe(p);
      expect(routes.size).toBeGreaterThanOrEqual(ackedAtKill);
    } finally {
      child.kill("SIGKILL");
    }
    expect(cli("global", "rib", "del", "all").status).toBe(0);
  }, 180_000);
});
