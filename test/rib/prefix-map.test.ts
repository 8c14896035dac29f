/** Prefix queries on the RIB's map: covering (shorter) and covered (longer) prefixes, against brute force. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Keyed, PrefixMap } from "../../core/rib/prefix-map.js";
import { Afi, formatPrefix, maskInPlace } from "../../core/wire/index.js";

type Entry = Keyed & { name: string };

function entry(afi: Afi, bytes: number[], length: number): Entry {
  const addr = maskInPlace(Uint8Array.from(bytes), length);
  const v4 = afi === Afi.IPV4 ? ((addr[0] << 24) | (addr[1] << 16) | (addr[2] << 8) | addr[3]) >>> 0 : 0;
  return { afi, length, addr, v4, name: formatPrefix({ afi, length, addr }) };
}

/** Whether prefix `inner` lies inside `outer`. */
function inside(inner: Entry, outer: Entry): boolean {
  if (inner.length < outer.length) return false;
  return (
    formatPrefix({
      afi: outer.afi,
      length: outer.length,
      addr: maskInPlace(inner.addr.slice(), outer.length),
    }) === outer.name
  );
}

// Addresses drawn from a small space so that queries hit.
const v4Prefix = fc
  .tuple(
    fc.constantFrom(10, 192),
    fc.integer({ min: 0, max: 3 }),
    fc.integer({ min: 0, max: 255 }),
    fc.integer({ min: 0, max: 255 }),
    fc.integer({ min: 0, max: 32 }),
  )
  .map(([a, b, c, d, l]) => entry(Afi.IPV4, [a, b, c, d], l));
const v6Prefix = fc
  .tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 128 }))
  .map(([a, b, l]) => entry(Afi.IPV6, [0x20, 0x01, 0x0d, 0xb8, a, b, 0, 0, 0, 0, 0, 0, 0, 0, 0, b], l));

const names = (it: Iterable<Entry>) => [...it].map((e) => e.name);

describe("PrefixMap queries", () => {
  for (const [family, arb, afi] of [
    ["IPv4", v4Prefix, Afi.IPV4],
    ["IPv6", v6Prefix, Afi.IPV6],
  ] as const) {
    it(`${family}: covered() and covering() return exactly the prefixes inside and around the query`, () => {
      fc.assert(
        fc.property(fc.array(arb, { maxLength: 60 }), arb, (entries, q) => {
          const m = new PrefixMap<Entry>();
          for (const e of entries) m.set(e);
          const all = names(m.values(afi)).map((n) => entries.find((e) => e.name === n)!);
          const longer = all.filter((e) => inside(e, q)).sort((a, b) => a.length - b.length);
          expect(names(m.covered(afi, q.addr, q.length)).sort()).toEqual(names(longer).sort());
          // Shortest first, by length.
          expect([...m.covered(afi, q.addr, q.length)].map((e) => e.length)).toEqual(
            longer.map((e) => e.length),
          );
          const shorter = all.filter((e) => inside(q, e)).sort((a, b) => b.length - a.length);
          expect(names(m.covering(afi, q.addr, q.length))).toEqual(names(shorter));
        }),
        { numRuns: 300 },
      );
    });
  }

  it("scans a sparse length and probes a dense one, with the same answer", () => {
    const m = new PrefixMap<Entry>();
    // Dense /24s under 10.0.0.0/16, one /30: probing 4 candidates at /26, scanning the single /30.
    for (let i = 0; i < 256; i++) m.set(entry(Afi.IPV4, [10, 0, i, 0], 24));
    m.set(entry(Afi.IPV4, [10, 0, 7, 4], 30));
    m.set(entry(Afi.IPV4, [10, 1, 0, 0], 24));
    const got = names(m.covered(Afi.IPV4, Uint8Array.of(10, 0, 7, 0), 24));
    expect(got).toEqual(["10.0.7.0/24", "10.0.7.4/30"]);
    expect(names(m.covered(Afi.IPV4, Uint8Array.of(10, 0, 0, 0), 16))).toHaveLength(257);
    expect(names(m.covering(Afi.IPV4, Uint8Array.of(10, 0, 7, 5), 32))).toEqual([
      "10.0.7.4/30",
      "10.0.7.0/24",
    ]);
  });
});
