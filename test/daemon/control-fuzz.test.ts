/**
 * JSON-RPC fuzzing of a real kbgpd's control socket: method names from its table and made up, parameters
 * random and mutated from valid ones, and lines that are not requests at all (bad JSON, scalars, batch
 * arrays, huge numbers, deep nesting, unicode, NUL bytes, bytes that are not UTF-8). Each line gets exactly
 * one well-formed response, never an internal error; a failed call changes nothing; kbgpd stays up.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QUERIES } from "../../daemon/control/methods.js";
import { type ControlLab, call, controlLab, LineClient, request } from "../helpers/control-lab.js";
import { closeAllLabs } from "../interop/harness/index.js";

afterAll(closeAllLabs);

/** Deeply nested arrays, as text: JSON.parse takes them, recursive code would overflow its stack. */
const deep = (n: number, leaf = "0") => `${"[".repeat(n)}${leaf}${"]".repeat(n)}`;

describe("control socket fuzzing", () => {
  let c: ControlLab;
  let names: string[];
  let valid: Record<string, Record<string, unknown>[]>;

  beforeAll(async () => {
    c = await controlLab("control-fuzz", 44);
    const r = await call(c.kbgpd.socket, "session.methods");
    names = (r.result as { methods: { name: string }[] }).methods.map((m) => m.name);
    // Valid parameters to mutate, per method (methods without parameters get {}).
    const route = { prefix: "198.51.100.0/24", "next-hop": "192.0.2.1", communities: ["65000:1"], med: 5 };
    valid = {
      "neighbor.get": [{ neighbor: c.neighbor }],
      "neighbor.shutdown": [{ neighbor: c.neighbor, message: "maintenance" }],
      "neighbor.reset": [{ neighbor: c.neighbor }],
      "rib.list": [
        { prefix: "198.51.100.0/24", match: "longer", limit: 10 },
        { table: "in", neighbor: c.neighbor, family: "ipv6-unicast", community: "65000:1", asn: 65002 },
      ],
      "rib.add": [{ routes: [route, { prefix: "2001:db8::/48", "large-communities": ["1:2:3"] }] }],
      "rib.delete": [{ routes: [route] }],
      "monitor.start": [{ topic: "rib", current: true, maxPending: 10 }],
      "monitor.stop": [{ id: 1 }],
      "k8s.routes": [{ prefix: "203.0.113.10/32" }],
    };
  }, 60_000);

  /** What a failed call must not have changed. */
  const state = async () => ({
    rib: (await call(c.kbgpd.socket, "rib.summary")).result,
    neighbor: JSON.stringify(
      ((await call(c.kbgpd.socket, "neighbor.list")).result as { neighbors: { adminDown: boolean }[] })
        .neighbors[0].adminDown,
    ),
    k8s: ((await call(c.kbgpd.socket, "k8s.status")).result as { enabled: boolean }).enabled,
  });

  it("answers every line exactly once, well-formed, and changes nothing when it refuses", async () => {
    const nasty = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.constantFrom(
        "10.0.0.0/33",
        "::/129",
        "1e999",
        -1,
        2 ** 53,
        1e308,
        -0,
        "",
        "\u0000",
        "\ud800",
        "é".repeat(300),
        "x".repeat(100_000),
        JSON.parse(deep(1500)),
        { __proto__: null, constructor: 1 },
        [[[[[]]]]],
      ),
    );
    const method = fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...names) },
      { weight: 1, arbitrary: fc.string({ unit: "binary" }) },
      { weight: 1, arbitrary: fc.constantFrom("__proto__", "constructor", "toString", "hasOwnProperty", "") },
    );
    /** Valid parameters of `name`, one key replaced, removed or added. */
    const mutated = (name: string) =>
      fc
        .tuple(
          fc.constantFrom(...(Object.hasOwn(valid, name) ? valid[name] : [{}])),
          fc.constantFrom("replace", "remove", "add", "keep"),
          fc.nat(),
          fc.string({ maxLength: 8 }),
          nasty,
        )
        .map(([base, op, i, key, value]) => {
          const p: Record<string, unknown> = { ...base };
          const keys = Object.keys(p);
          const k = keys.length ? keys[i % keys.length] : key;
          if (op === "replace") p[k] = value;
          else if (op === "remove") delete p[k];
          else if (op === "add") p[key] = value;
          return p;
        });
    // Routes field by field: each value valid for some field, or nasty.
    const fieldValue = fc.oneof(
      nasty,
      fc.constantFrom("192.0.2.1", "2001:db8::1", "65000:1", "1:2:3", "target:65000:1", "igp", "65001 65002"),
      fc.constantFrom(0, 1, 65535, 4294967295, 4294967296, "no-export", "10.0.0.0/8", "::/0"),
    );
    const routeFields = [
      "prefix",
      "next-hop",
      "origin",
      "as-path",
      "med",
      "local-pref",
      "communities",
      "large-communities",
      "extended-communities",
      "identifier",
      "neighbors",
    ];
    const routes = fc.array(
      fc
        .dictionary(
          fc.constantFrom(...routeFields),
          fc.oneof(fieldValue, fc.array(fieldValue, { maxLength: 3 })),
          {
            maxKeys: 5,
          },
        )
        .map((r) => ({ prefix: "198.51.100.0/24", ...r })),
      { minLength: 1, maxLength: 3 },
    );
    const paramsOf = (m: string) =>
      m === "rib.add" || m === "rib.delete"
        ? fc.oneof(
            mutated(m),
            routes.map((r) => ({ routes: r })),
          )
        : mutated(m);
    const structured = method.chain((m) =>
      fc
        .tuple(
          fc.oneof(
            fc.integer(),
            fc.string({ maxLength: 4 }),
            fc.constant(null),
            fc.jsonValue({ maxDepth: 1 }),
          ),
          fc.oneof(
            { weight: 4, arbitrary: paramsOf(m) },
            { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
            { weight: 1, arbitrary: fc.constant(undefined) },
          ),
          fc.oneof(fc.constant("2.0"), fc.constant("2.0"), fc.constant("1.0"), fc.jsonValue({ maxDepth: 1 })),
        )
        .map(([id, params, jsonrpc]) => ({
          line: JSON.stringify({ jsonrpc, id, method: m, ...(params === undefined ? {} : { params }) }),
          method: m,
          ok: jsonrpc === "2.0",
        })),
    );
    const noNewline = (s: string) => s.replace(/\n/g, " ");
    const raw = fc
      .oneof(
        fc.string({ unit: "binary", maxLength: 200 }),
        fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? "null"),
        fc.array(fc.constantFrom(...names), { maxLength: 5 }).map((ms) =>
          // A batch: not supported, one error for the line.
          JSON.stringify(ms.map((m, i) => ({ jsonrpc: "2.0", id: i, method: m }))),
        ),
        fc.constantFrom(
          '{"jsonrpc":"2.0","id":1e999,"method":"global.get"}',
          '{"jsonrpc":"2.0","id":123456789012345678901234567890,"method":"global.get"}',
          `{"jsonrpc":"2.0","id":1,"method":"rib.add","params":{"routes":${deep(100_000, "{}")}}}`,
          `{"jsonrpc":"2.0","id":1,"method":"rib.list","params":{"prefix":${deep(100_000)}}}`,
          `{"jsonrpc":"2.0","id":1,"method":"neighbor.get","params":${deep(100_000)}}`,
          `{"jsonrpc":"2.0","id":1,"method":"rib.add","params":{"routes":[{"prefix":"10.0.0.0/8","communities":${deep(100_000)}}]}}`,
          `{"jsonrpc":"2.0","id":1,"method":"rib.delete","params":{"routes":[{"prefix":"10.0.0.0/8","med":${deep(100_000)}}]}}`,
          `{"jsonrpc":"2.0","id":1,"method":"monitor.stop","params":{"id":${deep(100_000)}}}`,
          `{"jsonrpc":"2.0","id":1,"method":"k8s.routes","params":{"prefix":${deep(100_000)}}}`,
          `{"jsonrpc":"2.0","id":1,"method":"neighbor.shutdown","params":{"neighbor":${deep(100_000)}}}`,
          deep(200_000),
          '{"jsonrpc":"2.0","id":1,"method":"global\u0000.get"}',
          '{"jsonrpc":"2.0","id":1,"method":"global.get"',
          "\u0000\u0000",
          "\ufeff{}",
          '{"__proto__":{"jsonrpc":"2.0"},"id":1,"method":"global.get"}',
          '{"jsonrpc":"2.0","id":{"a":1},"method":"global.get"}',
        ),
      )
      .map((line) => ({ line: noNewline(line), method: null as string | null, ok: false }));
    // Not UTF-8 at all: kbgpd decodes as UTF-8 (bad bytes become U+FFFD) and answers a parse error.
    const binary = fc.uint8Array({ minLength: 1, maxLength: 64 }).map((b) => ({
      line: Buffer.from(b.filter((x) => x !== 0x0a)),
      method: null as string | null,
      ok: false,
    }));
    // Counterexamples print short: some lines are 200,000 characters.
    const cases = fc
      .oneof({ weight: 5, arbitrary: structured }, { weight: 2, arbitrary: raw }, binary)
      .map((x) => ({ ...x, [fc.toStringMethod]: () => `${JSON.stringify(String(x.line).slice(0, 300))}` }));

    let client = await LineClient.connect(c.kbgpd.socket);
    let baseline = await state();
    let n = 0;
    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(cases, async ({ line, method }) => {
        // A fresh connection now and then: monitor subscriptions the fuzzing started end with it.
        if (++n % 200 === 0) {
          client.close();
          client = await LineClient.connect(c.kbgpd.socket);
        }
        const before = client.received.length;
        const sentinel = `sentinel-${n}`;
        client.send(
          Buffer.concat([Buffer.from(line), Buffer.from(`\n${request(sentinel, "session.hello")}`)]),
        );
        const responses: Record<string, unknown>[] = [];
        for (let i = before + 1; ; i++) {
          const got = await client.waitFor(i, 10_000);
          expect(got.length >= i, `connection closed after ${String(line).slice(0, 200)}`).toBe(true);
          const m = got[i - 1] as Record<string, unknown>;
          if ("method" in m) continue; // rows, monitor events
          if (m.id === sentinel) break;
          responses.push(m);
        }
        expect(client.garbage).toEqual([]);
        const blank = typeof line === "string" ? line.trim() === "" : line.toString().trim() === "";
        expect(responses.length, String(line).slice(0, 200)).toBe(blank ? 0 : 1);
        for (const r of responses) {
          expect(r.jsonrpc).toBe("2.0");
          expect(r.id === null || typeof r.id === "string" || typeof r.id === "number").toBe(true);
          expect(Object.keys(r).sort()).toEqual(["error" in r ? "error" : "result", "id", "jsonrpc"].sort());
          if ("error" in r) {
            const e = r.error as { code: unknown; message: unknown };
            expect(Number.isInteger(e.code) && typeof e.message === "string").toBe(true);
            // Never an internal error: every bad input has its own answer.
            expect([e.code, e.message, String(line).slice(0, 300)]).not.toContain(-32603);
          }
        }
        const failed = responses.length === 0 || "error" in responses[0];
        if (method && !QUERIES.has(method)) {
          const now = await state();
          if (failed) expect(now, `${method} failed but changed kbgpd`).toEqual(baseline);
          baseline = now;
        }
      }),
      { numRuns: 2500, seed: Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31), endOnFailure: true },
    );
    client.close();
    // Still there, still answering.
    expect((await call(c.kbgpd.socket, "global.get")).result).toMatchObject({ asn: 65001 });
    console.log(`control fuzz: ${n} lines in ${Date.now() - started} ms`);
  }, 120_000);
});
