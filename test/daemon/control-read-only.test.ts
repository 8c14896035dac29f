/**
 * The read-only socket refuses every method that changes kbgpd and answers every query. The methods come
 * from kbgpd itself (`session.methods`, built from the same table it serves, classified by QUERIES in
 * daemon/control/methods.ts), so a method added later is covered without touching this test.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppCode, QUERIES } from "../../daemon/control/methods.js";
import { RpcCode } from "../../daemon/control/server.js";
import { type ControlLab, call, controlLab } from "../helpers/control-lab.js";
import { closeAllLabs } from "../interop/harness/index.js";

afterAll(closeAllLabs);

interface MethodInfo {
  name: string;
  readOnly: boolean;
  params: string[];
}

describe("the read-only socket", () => {
  let c: ControlLab;
  let ro: string;
  let methods: MethodInfo[];

  beforeAll(async () => {
    c = await controlLab("control-ro", 42);
    await c.kbgpd.stop();
    ro = join(c.lab.dir, "kbgp-ro.sock");
    c.kbgpd.extraArgs = ["--read-only-socket", ro];
    await c.kbgpd.start();
    const r = await call(c.kbgpd.socket, "session.methods");
    methods = (r.result as { methods: MethodInfo[] }).methods;
  }, 60_000);

  /** Parameters that make each method do its work, where it needs any: a refusal must not be for bad input. */
  const sample = (m: MethodInfo): Record<string, unknown> => {
    const p: Record<string, unknown> = {};
    if (m.params.includes("neighbor") && !m.name.startsWith("rib.") && !m.name.startsWith("monitor."))
      p.neighbor = c.neighbor;
    if (m.params.includes("routes")) p.routes = [{ prefix: "192.0.2.0/24" }];
    if (m.name === "monitor.start") p.topic = "neighbor";
    if (m.name === "monitor.stop") p.id = 1;
    return p;
  };

  /** What can be seen of kbgpd's state, to show a refused call changed nothing. */
  const state = async () => ({
    rib: (await call(c.kbgpd.socket, "rib.summary")).result,
    neighbor: (
      (await call(c.kbgpd.socket, "neighbor.get", { neighbor: c.neighbor })).result as object &
        Record<string, unknown>
    )?.adminDown,
    k8s: ((await call(c.kbgpd.socket, "k8s.status")).result as Record<string, unknown>)?.enabled,
  });

  it("is offered the same method list, and QUERIES names only methods that exist", async () => {
    const names = methods.map((m) => m.name);
    expect(names.length).toBeGreaterThan(20);
    for (const q of QUERIES) expect(names).toContain(q);
    const fromRo = await call(ro, "session.methods");
    expect((fromRo.result as { methods: MethodInfo[] }).methods).toEqual(methods);
  });

  it("refuses every method that changes kbgpd, by name, and nothing changes", async () => {
    const changing = methods.filter((m) => !m.readOnly);
    expect(changing.map((m) => m.name)).toEqual(expect.arrayContaining(["rib.add", "neighbor.shutdown"]));
    const before = await state();
    for (const m of changing) {
      const r = await call(ro, m.name, sample(m));
      expect(r.error, m.name).toEqual({
        code: AppCode.READ_ONLY,
        message: `${m.name} changes kbgpd; this socket is read-only (use the main control socket)`,
      });
      expect(r.id).toBe(1);
    }
    expect(await state()).toEqual(before);
  });

  it("answers every query", async () => {
    const queries = methods.filter((m) => m.readOnly);
    expect(queries.map((m) => m.name).sort()).toEqual([...QUERIES].sort());
    for (const m of queries) {
      const r = await call(ro, m.name, sample(m));
      // monitor.stop names a subscription of its own connection: there is none on a fresh one.
      if (m.name === "monitor.stop")
        expect(r.error, m.name).toMatchObject({ code: RpcCode.INVALID_PARAMS, message: /no monitor/ });
      else expect([m.name, r.error]).toEqual([m.name, undefined]);
      expect(r.id).toBe(1);
    }
  });
});
