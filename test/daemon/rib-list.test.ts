/**
 * `rib.list` paging and filters against real daemons: A (AS 65001, listed) and B (AS 65002), which announces
 * 250 IPv4 host routes and two IPv6 prefixes to A through its control socket, with communities of each kind
 * and AS paths on a pattern the test knows. Pages (`offset`, `limit`) put together give the full listing in
 * order; `total` counts the matching rows; `community` and `asn` keep what they should on the local, in and
 * out tables; every answer is the same in `rows`, `lines` and `cells`; bad values are refused by name.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kbgpdPair } from "../helpers/kbgpd-pair.js";
import { closeAllLabs, type KbgpdPeer, waitUntil } from "../interop/harness/index.js";

afterAll(closeAllLabs);

let a: KbgpdPeer;
let b: KbgpdPeer;
let B: string;

/** B's IPv4 routes: host routes whose attributes follow their index. */
const HOSTS = 250;
const host = (i: number) => `100.64.${i >> 8}.${i & 0xff}/32`;
const hostRoute = (i: number) => ({
  prefix: host(i),
  ...(i % 5 === 0 ? { communities: ["65002:7"] } : {}),
  ...(i % 7 === 0 ? { "as-path": "64500 64501" } : {}),
  ...(i % 11 === 0 ? { "large-communities": ["65002:1:2"] } : {}),
  ...(i % 13 === 0 ? { "extended-communities": ["target:65002:9"] } : {}),
});
const hosts = (keep: (i: number) => boolean) =>
  Array.from({ length: HOSTS }, (_, i) => i)
    .filter(keep)
    .map(host);

beforeAll(async () => {
  ({ a, b } = await kbgpdPair("daemon-rib-list", 41));
  B = b.spec.address;
  // 198.51.100.0/24 from both: a destination with two paths, only B's carrying 65002:7.
  await a.announce({ prefix: "198.51.100.0/24" });
  await Promise.all([a.start(), b.start()]);
  await a.waitEstablished(B, 30_000);
  await a.call("rib.add", { routes: [{ prefix: "203.0.113.0/24", communities: ["no-export"] }] });
  const added = await b.call<{ added: number }>("rib.add", {
    routes: [
      ...Array.from({ length: HOSTS }, (_, i) => hostRoute(i)),
      { prefix: "198.51.100.0/24", communities: ["65002:7"] },
      { prefix: "2001:db8:77::/48", "large-communities": ["65002:1:2"] },
      { prefix: "2001:db8:78::/48" },
    ],
  });
  expect(added.added).toBe(HOSTS + 3);
  await waitUntil(
    "B's routes at A",
    async () => (await a.call<{ received: number }>("neighbor.get", { neighbor: B })).received === HOSTS + 3,
    { timeoutMs: 20_000 },
  );
}, 60_000);

interface Path {
  from: string;
  communities: string[];
  asPath: string;
}
interface Row {
  prefix: string;
  paths?: Path[];
  communities?: string[];
  asPath?: string;
}
interface Listing {
  count: number;
  total?: number;
  rows: Row[];
}

/**
 * One query in the three forms: `lines` must equal `rows` (result and rows), `cells` must have as many rows,
 * in the same order (each line naming its row's prefix; a local row a line per path), and the same result.
 */
async function list(params: object): Promise<Listing> {
  const ask = async (form: string) => {
    const r = await a.call<Listing>("rib.list", { ...params, form });
    return { ...r, rows: r.rows ?? [] };
  };
  const [rows, lines, cells] = [await ask("rows"), await ask("lines"), await ask("cells")];
  expect(lines).toEqual(rows);
  const { rows: cellRows, ...cellResult } = cells;
  const { rows: viewRows, ...result } = rows;
  expect(cellResult).toEqual(result);
  expect(cellRows).toHaveLength(viewRows.length);
  (cellRows as unknown as string[][][]).forEach((lines, i) => {
    for (const line of lines) expect(line).toContain(viewRows[i].prefix);
    if (viewRows[i].paths) expect(lines).toHaveLength(viewRows[i].paths!.length);
  });
  return rows;
}
const prefixes = (l: Listing) => l.rows.map((r) => r.prefix);
const sorted = (xs: string[]) => [...xs].sort();

describe("rib.list offset, limit and total", () => {
  it("pages put together are the full listing, in order, in every table", async () => {
    for (const params of [
      { table: "local" },
      { table: "in", neighbor: B },
      { table: "local", community: "65002:7" },
      { table: "in", neighbor: B, asn: 64501 },
    ]) {
      const full = await list(params);
      expect(full.count).toBe(full.rows.length);
      expect(full.total).toBeUndefined();
      const pages: Row[] = [];
      for (let offset = 0; offset < full.count + 40; offset += 40) {
        const p = await list({ ...params, offset, limit: 40, total: true });
        expect(p.total).toBe(full.count);
        expect(p.count).toBe(Math.max(0, Math.min(40, full.count - offset)));
        pages.push(...p.rows);
      }
      expect(pages).toEqual(full.rows);
    }
  });

  it("counts every matching row with total, sending only the page", async () => {
    const all = await list({ table: "local" });
    // A's two routes and B's 251 IPv4 destinations (198.51.100.0/24 is both A's and B's).
    expect(all.count).toBe(HOSTS + 2);
    expect(await list({ limit: 3, total: true })).toMatchObject({ count: 3, total: HOSTS + 2 });
    expect(await list({ offset: 1000, total: true })).toEqual({ count: 0, total: HOSTS + 2, rows: [] });
    expect(await list({ offset: HOSTS, limit: 10 })).toMatchObject({ count: 2 });
    expect(await list({ table: "in", neighbor: B, family: "ipv6-unicast", total: true })).toMatchObject({
      count: 2,
      total: 2,
    });
  });
});

describe("rib.list community and asn", () => {
  it("keeps local destinations with a path carrying the community, showing all their paths", async () => {
    const l = await list({ community: "65002:7", total: true });
    expect(sorted(prefixes(l))).toEqual(sorted([...hosts((i) => i % 5 === 0), "198.51.100.0/24"]));
    expect(l.total).toBe(l.count);
    const shared = l.rows.find((r) => r.prefix === "198.51.100.0/24")!;
    expect(shared.paths!.map((p) => [p.from, p.communities])).toEqual(
      expect.arrayContaining([
        ["local", []],
        [B, ["65002:7"]],
      ]),
    );
    // The other kinds, and a well-known name.
    expect(prefixes(await list({ community: "no-export" }))).toEqual(["203.0.113.0/24"]);
    expect(sorted(prefixes(await list({ community: "65002:1:2" })))).toEqual(
      sorted(hosts((i) => i % 11 === 0)),
    );
    expect(prefixes(await list({ community: "65002:1:2", family: "ipv6-unicast" }))).toEqual([
      "2001:db8:77::/48",
    ]);
    expect(sorted(prefixes(await list({ community: "target:65002:9" })))).toEqual(
      sorted(hosts((i) => i % 13 === 0)),
    );
    expect(await list({ community: "65002:99" })).toEqual({ count: 0, rows: [] });
  });

  it("with a neighbor, keeps its destinations by its own paths and shows only those", async () => {
    const l = await list({ neighbor: B, community: "65002:7" });
    expect(sorted(prefixes(l))).toEqual(sorted([...hosts((i) => i % 5 === 0), "198.51.100.0/24"]));
    expect(l.rows.every((r) => r.paths!.length === 1 && r.paths![0].from === B)).toBe(true);
    // A's own route carries no-export, B's none: nothing of B's.
    expect(await list({ neighbor: B, community: "no-export" })).toEqual({ count: 0, rows: [] });
  });

  it("keeps Adj-RIB-In paths carrying the community, row by row", async () => {
    const l = await list({ table: "in", neighbor: B, community: "65002:7", total: true });
    expect(sorted(prefixes(l))).toEqual(sorted([...hosts((i) => i % 5 === 0), "198.51.100.0/24"]));
    expect(l.rows.every((r) => r.communities!.includes("65002:7"))).toBe(true);
    expect(sorted(prefixes(await list({ table: "in", neighbor: B, community: "target:65002:9" })))).toEqual(
      sorted(hosts((i) => i % 13 === 0)),
    );
  });

  it("keeps rows whose AS_PATH contains the AS, alone or with a community", async () => {
    const on7 = sorted(hosts((i) => i % 7 === 0));
    expect(sorted(prefixes(await list({ asn: 64501 })))).toEqual(on7);
    const inRows = await list({ table: "in", neighbor: B, asn: 64501 });
    expect(sorted(prefixes(inRows))).toEqual(on7);
    expect(inRows.rows.every((r) => r.asPath === "65002 64500 64501")).toBe(true);
    // Every route B sent has its AS; A's own have an empty AS_PATH.
    expect((await list({ asn: 65002, total: true })).total).toBe(HOSTS + 1);
    expect(sorted(prefixes(await list({ asn: 64501, community: "65002:7" })))).toEqual(
      sorted(hosts((i) => i % 35 === 0)),
    );
  });

  it("reads what was sent for the out table", async () => {
    // A sends B its own 198.51.100.0/24 (no-export keeps 203.0.113.0/24 home), with A's AS.
    const out = await list({ table: "out", neighbor: B });
    expect(prefixes(out)).toEqual(["198.51.100.0/24"]);
    expect(await list({ table: "out", neighbor: B, asn: 65001 })).toEqual(out);
    expect(await list({ table: "out", neighbor: B, asn: 65002 })).toEqual({ count: 0, rows: [] });
    expect(await list({ table: "out", neighbor: B, community: "65002:7" })).toEqual({ count: 0, rows: [] });
  });
});

describe("rib.list parameters", () => {
  it("refuses bad values with -32602, naming the parameter", async () => {
    const refused = async (params: object, message: RegExp) =>
      expect(a.call("rib.list", params)).rejects.toThrow(message);
    for (const offset of [-1, 1.5, "3", null])
      await refused({ offset }, /^rib\.list: offset must be a non-negative integer \(-32602\)$/);
    for (const limit of [0, -2, 2.5, "10"])
      await refused({ limit }, /^rib\.list: limit must be a positive integer \(-32602\)$/);
    for (const total of ["yes", 1, null]) await refused({ total }, /^rib\.list: total must be true or false/);
    for (const community of ["65000:70000", "bogus", 65000, "1:2:3:4", ""])
      await refused({ community }, /^rib\.list: community must be a community as rib\.list shows them/);
    for (const asn of [-1, 2 ** 32, 1.5, "65000"])
      await refused({ asn }, /^rib\.list: asn must be an AS number, 0 to 4294967295 \(-32602\)$/);
    await refused({ table: "in" }, /^rib\.list: table in needs a neighbor \(-32602\)$/);
    await refused(
      { table: "in", neighbor: "192.0.2.99" },
      /^rib\.list: no neighbor 192\.0\.2\.99 \(-32602\)$/,
    );
    await refused({ table: "adj" }, /^rib\.list: table must be one of local, in, filtered, out \(-32602\)$/);
  });
});
