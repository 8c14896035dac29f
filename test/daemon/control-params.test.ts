/**
 * Every control method's parameters are checked: a bad value is error -32602 whose message names the field,
 * never an internal error, a crash or a silently different request. Unknown parameters are refused for every
 * method kbgpd lists (`session.methods`), so a new method cannot forget to.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RpcCode } from "../../daemon/control/server.js";
import { rpc } from "../helpers/control-client.js";
import { type ControlLab, call, controlLab } from "../helpers/control-lab.js";
import { closeAllLabs } from "../interop/harness/index.js";

afterAll(closeAllLabs);

describe("control method parameters", () => {
  let c: ControlLab;
  beforeAll(async () => {
    c = await controlLab("control-params", 43);
  }, 60_000);

  const bad = async (method: string, params: unknown, message: RegExp) => {
    const r = await call(c.kbgpd.socket, method, params);
    expect([method, params, r.error?.code]).toEqual([method, params, RpcCode.INVALID_PARAMS]);
    expect(r.error?.message).toMatch(message);
  };

  it("refuses an unknown parameter on every method, naming it", async () => {
    const r = await call(c.kbgpd.socket, "session.methods");
    const methods = (r.result as { methods: { name: string; params: string[] | null }[] }).methods;
    for (const m of methods) {
      expect([m.name, Array.isArray(m.params)]).toEqual([m.name, true]);
      await bad(m.name, { zzUnknown: 1 }, /^unknown parameter "zzUnknown" \(this method takes /);
    }
    // Nothing was done on the way: no route, the neighbor not shut down.
    const summary = (await call(c.kbgpd.socket, "rib.summary")).result;
    expect(summary).toMatchObject({ families: { "ipv4-unicast": { destinations: 0 } } });
  });

  it("refuses params that are not an object of named parameters", async () => {
    await bad("global.get", [1], /^params must be an object of named parameters, not an array$/);
    await bad("rib.list", "x", /^params must be an object of named parameters, not string$/);
    await bad("rib.deleteAll", 5, /not number$/);
    // Nested deeper than any real request: refused before a method's recursive checks could overflow.
    const deep = JSON.parse(`${"[".repeat(1000)}${"]".repeat(1000)}`);
    await bad(
      "rib.add",
      { routes: [{ prefix: "10.0.0.0/8", med: deep }] },
      /^params nest deeper than 32 levels$/,
    );
    await bad("monitor.stop", { id: deep }, /^params nest deeper than 32 levels$/);
    // Absent or null: no parameters.
    expect((await call(c.kbgpd.socket, "global.get", null)).result).toMatchObject({ asn: 65001 });
  });

  it("rib.list names each bad filter", async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ prefix: "10.0.0.0/33" }, /'10\.0\.0\.0\/33' is not a prefix/],
      [{ prefix: "10.0.0.1/8" }, /'10\.0\.0\.1\/8' is not a prefix.*host bits/],
      [{ prefix: 7 }, /^prefix must be a string/],
      [{ family: "ipv5" }, /^family must be one of/],
      [{ prefix: "::/0", family: "ipv4-unicast" }, /^prefix ::\/0 is not in ipv4-unicast/],
      [{ table: "all" }, /^table must be one of/],
      [{ table: "in" }, /^table in needs a neighbor/],
      [{ match: "longest", prefix: "10.0.0.0/8" }, /^match must be one of/],
      [{ community: "65536:1" }, /^community must be/],
      [{ asn: 2 ** 32 }, /^asn must be an AS number/],
      [{ asn: -1 }, /^asn must be/],
      [{ offset: -1 }, /^offset must be a non-negative integer/],
      [{ offset: 1.5 }, /^offset must be/],
      [{ limit: 0 }, /^limit must be a positive integer/],
      [{ limit: 1e300 }, /^limit must be/],
      [{ total: "yes" }, /^total must be true or false/],
      [{ form: "xml" }, /^form must be one of/],
      [{ neighbor: "192.0.2.250" }, /^no neighbor 192\.0\.2\.250/],
    ];
    for (const [params, message] of cases) await bad("rib.list", params, message);
  });

  it("neighbor methods name the neighbor and the message", async () => {
    await bad("neighbor.get", {}, /^neighbor must be a neighbor's address, not undefined/);
    await bad("neighbor.get", { neighbor: 5 }, /^neighbor must be a neighbor's address, not 5/);
    await bad("neighbor.reset", { neighbor: "x".repeat(1000) }, /^no neighbor x{80}…$/);
    await bad("neighbor.shutdown", { neighbor: c.neighbor, message: 5 }, /^message must be a string, not 5/);
    await bad(
      "neighbor.shutdown",
      { neighbor: c.neighbor, message: "é".repeat(128) },
      /^message must be at most 255 bytes of UTF-8 \(RFC 9003\), not 256$/,
    );
    await bad("neighbor.enable", { neighbor: c.neighbor, message: "hi" }, /^unknown parameter "message"/);
    // Nothing of that reached the neighbor.
    const n = (await call(c.kbgpd.socket, "neighbor.get", { neighbor: c.neighbor })).result;
    expect(n).toMatchObject({ adminDown: false });
    // 255 bytes is fine.
    const ok = await call(c.kbgpd.socket, "neighbor.shutdown", {
      neighbor: c.neighbor,
      message: `${"é".repeat(127)}x`,
    });
    expect(ok.result).toEqual({ ok: true });
    expect((await call(c.kbgpd.socket, "neighbor.enable", { neighbor: c.neighbor })).result).toEqual({
      ok: true,
    });
  });

  it("rib.add refuses each bad route, naming its field, and applies none of them", async () => {
    await bad("rib.add", {}, /^routes must be a non-empty list of routes/);
    await bad("rib.add", { routes: [] }, /^routes must be a non-empty list/);
    await bad("rib.add", { routes: { prefix: "10.0.0.0/8" } }, /^routes must be a non-empty list/);
    const routes: [unknown, RegExp][] = [
      [{ prefix: "10.0.0.0/33" }, /prefix/],
      [{ prefix: "10.0.0.1/8" }, /prefix/],
      [{ prefix: 5 }, /prefix/],
      [{}, /prefix/],
      [null, /./],
      [{ prefix: "10.0.0.0/8", "next-hop": "10.0.0.256" }, /next-hop/],
      [{ prefix: "2001:db8::/32", "next-hop": "192.0.2.1" }, /next-hop/],
      [{ prefix: "10.0.0.0/8", "as-path": "65001 x" }, /as-path/],
      [{ prefix: "10.0.0.0/8", "as-path": "4294967296" }, /as-path/],
      [{ prefix: "10.0.0.0/8", med: -1 }, /med/],
      [{ prefix: "10.0.0.0/8", med: 2 ** 32 }, /med/],
      [{ prefix: "10.0.0.0/8", "local-pref": "high" }, /local-pref/],
      [{ prefix: "10.0.0.0/8", origin: "bgp" }, /origin/],
      [{ prefix: "10.0.0.0/8", communities: ["65536:1"] }, /communities/],
      [{ prefix: "10.0.0.0/8", communities: "65000:1" }, /communities/],
      [{ prefix: "10.0.0.0/8", "large-communities": ["1:2"] }, /large-communities/],
      [{ prefix: "10.0.0.0/8", "extended-communities": ["target:x"] }, /extended-communities/],
      [{ prefix: "10.0.0.0/8", identifier: -1 }, /identifier/],
      [{ prefix: "10.0.0.0/8", neighbors: ["not-an-address"] }, /neighbors/],
      [{ prefix: "10.0.0.0/8", nexthop: "192.0.2.1" }, /nexthop/],
    ];
    const r = await call(c.kbgpd.socket, "rib.add", { routes: routes.map(([route]) => route) });
    const { added, refused } = r.result as { added: number; refused: { index: number; message: string }[] };
    expect(added).toBe(0);
    expect(refused.map((x) => x.index)).toEqual(routes.map((_, i) => i));
    refused.forEach((x, i) => {
      expect([i, x.message]).toEqual([i, expect.stringMatching(routes[i][1])]);
    });
    const summary = (await call(c.kbgpd.socket, "rib.summary")).result;
    expect(summary).toMatchObject({ families: { "ipv4-unicast": { destinations: 0 } } });
  });

  it("rib.add refuses a route whose attributes no UPDATE can carry, and keeps one that fits", async () => {
    const communities = (n: number) => Array.from({ length: n }, (_, i) => `65000:${i % 65536}`);
    const large = (n: number) => Array.from({ length: n }, (_, i) => `65000:${i}:1`);
    const asPath = (n: number) => Array.from({ length: n }, (_, i) => String(i + 1)).join(" ");
    const routes = [
      { prefix: "10.0.0.0/8", communities: communities(20_000) },
      { prefix: "10.1.0.0/16", "as-path": asPath(20_000) },
      { prefix: "10.2.0.0/16", communities: communities(10_000), "large-communities": large(3000) },
      // 8 KB of communities: only for peers with extended messages, but valid.
      { prefix: "10.3.0.0/16", communities: communities(2000) },
    ];
    const r = await call(c.kbgpd.socket, "rib.add", { routes });
    expect(r.result).toEqual({
      added: 1,
      refused: [
        { index: 0, message: "communities: takes 80000 bytes, more than one attribute holds (65535)" },
        { index: 1, message: "as-path: takes 80158 bytes, more than one attribute holds (65535)" },
        {
          index: 2,
          message:
            "its attributes take about 76086 bytes: no UPDATE can carry it (at most 65495 with extended messages)",
        },
      ],
    });
    const row = await rpc<{ rows: { paths: { communities: string[] }[] }[] }>(c.kbgpd.socket, "rib.list", {
      prefix: "10.3.0.0/16",
    });
    expect(row.rows[0].paths[0].communities).toHaveLength(2000);
    expect((await call(c.kbgpd.socket, "rib.deleteAll")).result).toEqual({ deleted: 1 });
  });

  it("k8s and monitor methods name their fields", async () => {
    await bad("k8s.routes", { prefix: "x".repeat(10_000) }, /^prefix must be a prefix like .*…$/);
    await bad("monitor.start", { topic: "bgp" }, /^topic must be/);
    await bad("monitor.start", { topic: "rib", maxPending: 0 }, /^maxPending must be/);
    await bad("monitor.start", { topic: "rib", current: 1 }, /^current must be/);
    await bad("monitor.start", { topic: "rib", family: "l2vpn" }, /^family must be/);
    await bad("monitor.start", { topic: "adj-in" }, /needs a neighbor/);
    await bad("monitor.stop", { id: { a: 1 } }, /^no monitor with id/);
  });
});
