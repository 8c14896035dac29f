/** IntMap against the JS Map it stands in for: lookups, insertion order, and iterators kept open across
 *  inserts, deletes, compactions and clears. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { IntMap } from "../../core/rib/int-map.js";

type Op =
  | { op: "set"; key: number }
  | { op: "delete"; key: number }
  | { op: "get"; key: number }
  | { op: "open" }
  | { op: "next"; it: number; steps: number }
  | { op: "clear" };

// Few distinct keys, so that sets replace and deletes hit; some the way IPv4 /24s look (low bits zero).
const key = fc.oneof(
  fc.integer({ min: 0, max: 40 }),
  fc.integer({ min: 0, max: 40 }).map((i) => (0x0b000000 + i * 256) | 0),
  fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
);
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: key.map((k) => ({ op: "set" as const, key: k })) },
  { weight: 4, arbitrary: key.map((k) => ({ op: "delete" as const, key: k })) },
  { weight: 2, arbitrary: key.map((k) => ({ op: "get" as const, key: k })) },
  { weight: 1, arbitrary: fc.constant({ op: "open" as const }) },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant("next" as const),
      it: fc.nat(),
      steps: fc.integer({ min: 1, max: 5 }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ op: "clear" as const }) },
);

describe("IntMap", () => {
  it("behaves as a Map, iterators open across every change included", () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400 }), (ops) => {
        const model = new Map<number, { v: number }>();
        const map = new IntMap<{ v: number }>();
        const its: [Iterator<{ v: number }>, Iterator<{ v: number }>][] = [];
        let n = 0;
        for (const o of ops) {
          switch (o.op) {
            case "set": {
              const v = { v: n++ };
              model.set(o.key, v);
              map.set(o.key, v);
              break;
            }
            case "delete":
              expect(map.delete(o.key)).toBe(model.delete(o.key));
              break;
            case "get":
              expect(map.get(o.key)).toBe(model.get(o.key));
              break;
            case "open":
              its.push([model.values(), map.values()]);
              break;
            case "next":
              if (its.length > 0) {
                const [a, b] = its[o.it % its.length];
                for (let i = 0; i < o.steps; i++) expect(b.next()).toEqual(a.next());
              }
              break;
            case "clear":
              model.clear();
              map.clear();
              break;
          }
          expect(map.size).toBe(model.size);
        }
        expect([...map.values()]).toEqual([...model.values()]);
        for (const [a, b] of its)
          expect([...(b as IterableIterator<{ v: number }>)]).toEqual([
            ...(a as IterableIterator<{ v: number }>),
          ]);
      }),
      { numRuns: 500 },
    );
  });

  it("keeps a million keys, and a walk open while most go and others come sees each once", () => {
    const map = new IntMap<{ k: number }>();
    const n = 1_000_000;
    for (let i = 0; i < n; i++) map.set((0x0b000000 + i * 256) | 0, { k: i });
    const walk = map.values();
    for (let i = 0; i < 10; i++) expect(walk.next().value).toEqual({ k: i });
    // Delete all but every 1000th, then add as many new ones as it takes to compact twice under the walk.
    for (let i = 0; i < n; i++) if (i % 1000 !== 0) map.delete((0x0b000000 + i * 256) | 0);
    expect(map.size).toBe(n / 1000);
    for (let i = n; i < 4 * n; i++) {
      map.set((0x0b000000 + i * 256) | 0, { k: i });
      map.delete((0x0b000000 + i * 256) | 0);
    }
    map.set(7, { k: -1 });
    const rest = [...(walk as IterableIterator<{ k: number }>)].map((x) => x.k);
    expect(rest).toEqual([...Array.from({ length: n / 1000 - 1 }, (_, i) => (i + 1) * 1000), -1]);
    for (let i = 0; i < n; i += 1000) expect(map.get((0x0b000000 + i * 256) | 0)).toEqual({ k: i });
    expect(map.get(0x0b000100)).toBeUndefined();
  });
});
