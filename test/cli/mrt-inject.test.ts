/**
 * `kbgp mrt inject global FILE` through the real binary into a real kbgpd (A) whose peer (B) receives the
 * routes. The oracle is bgpdump's own output for the same dumps (data/mrt-expect): every path it lists, and
 * for --only-best the shortest AS path of each prefix (these dumps differ in nothing else).
 */
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kbgp } from "../helpers/cli.js";
import { dataFile } from "../helpers/data.js";
import { kbgpdPair } from "../helpers/kbgpd-pair.js";
import { closeAllLabs, type KbgpdPeer, waitForRoute } from "../interop/harness/index.js";

afterAll(closeAllLabs);

let a: KbgpdPeer;
let b: KbgpdPeer;
const cli = (...args: string[]) => kbgp(["-s", a.socket, ...args]);

interface ApiPath {
  pathId: number;
  asPath: string;
  nextHop: string | null;
  localPref?: number;
}
/** A's Loc-RIB paths that came through the API, per prefix. */
async function apiRoutes(family: string): Promise<Map<string, ApiPath[]>> {
  const { rows = [] } = await a.call<{ rows?: { prefix: string; paths: (ApiPath & { from: string })[] }[] }>(
    "rib.list",
    { family },
  );
  const m = new Map<string, ApiPath[]>();
  for (const r of rows) {
    const mine = r.paths.filter((p) => p.from.startsWith("local:api"));
    if (mine.length) m.set(r.prefix, mine);
  }
  return m;
}

/**
 * bgpdump -m's lines for a dump: prefix → the AS paths of its entries, in file order. The collector's own
 * entries (peer 0.0.0.0) carry no attributes at all — no ORIGIN, AS_PATH or NEXT_HOP, which bgpdump shows
 * as INCOMPLETE and 255.255.255.255 — and cannot be announced: they are counted apart.
 */
function bgpdumpPaths(file: string): { paths: Map<string, string[]>; bare: number } {
  const text = execFileSync("zcat", [dataFile("mrt-expect", `${file}.bgp.gz`)], { encoding: "utf8" });
  const paths = new Map<string, string[]>();
  let bare = 0;
  for (const line of text.split("\n").filter(Boolean)) {
    const f = line.split("|");
    // TABLE_DUMP2_AP lines carry the path identifier as an extra field after the prefix.
    const [prefix, asPath] = f[0] === "TABLE_DUMP2_AP" ? [f[5], f[7]] : [f[5], f[6]];
    if (f[3] === "0.0.0.0" && asPath === "") bare++;
    else paths.set(prefix, [...(paths.get(prefix) ?? []), asPath]);
  }
  return { paths, bare };
}

beforeAll(async () => {
  ({ a, b } = await kbgpdPair("cli-mrt-inject", 20));
  await Promise.all([a.start(), b.start()]);
  await a.waitEstablished(b.spec.address, 30_000);
}, 60_000);

describe("kbgp mrt inject global", () => {
  it("announces every path of every entry, each with its own identifier, as bgpdump lists them", async () => {
    const file = "bview.ipv4_unicast_add_path.gz";
    const { paths: expected, bare } = bgpdumpPaths(file);
    expect(bare).toBe(2);
    const r = cli("mrt", "inject", "global", dataFile("mrt", file), "-j");
    expect([r.status, r.stderr]).toEqual([0, ""]);
    const paths = [...expected.values()].reduce((n, p) => n + p.length, 0);
    expect(JSON.parse(r.stdout)).toMatchObject({ kbgpJson: 1, added: paths, refused: 0, skipped: bare });
    const got = await apiRoutes("ipv4-unicast");
    expect([...got.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [prefix, asPaths] of expected) {
      const mine = got.get(prefix)!.sort((x, y) => x.pathId - y.pathId);
      expect(mine.map((p) => p.asPath)).toEqual(asPaths);
      expect(mine.map((p) => p.pathId)).toEqual(asPaths.map((_, i) => i));
    }
    // B (no ADD-PATH) gets A's best path of each: the shortest AS path, behind A's own AS.
    const [prefix, asPaths] = [...expected][0];
    const shortest = asPaths.reduce((x, y) => (y.split(" ").length < x.split(" ").length ? y : x));
    expect((await waitForRoute(b, a.spec.address, prefix)).asPath).toEqual([
      65001,
      ...shortest.split(" ").map(Number),
    ]);
    expect(cli("global", "rib", "del", "all").status).toBe(0);
  });

  it("--only-best keeps the best path of each entry; COUNT stops after that many entries", async () => {
    const file = "bview.ipv4_unicast_add_path.gz";
    const { paths: expected } = bgpdumpPaths(file);
    const r = cli("mrt", "inject", "global", dataFile("mrt", file), "5", "--only-best");
    expect([r.status, r.stderr]).toEqual([0, ""]);
    expect(r.stdout).toBe("added 5 routes from 5 RIB entries\n");
    const got = await apiRoutes("ipv4-unicast");
    expect(got.size).toBe(5);
    for (const [prefix, mine] of got) {
      expect(mine).toHaveLength(1);
      const lengths = expected.get(prefix)!.map((p) => p.split(" ").length);
      expect(mine[0].asPath.split(" ")).toHaveLength(Math.min(...lengths));
    }
    expect(cli("global", "rib", "del", "all").status).toBe(0);
  });

  it("names the routes kbgpd refuses (--nexthop IPv4 on IPv6 prefixes); recorded without a next hop, ours", async () => {
    const file = dataFile("mrt", "bview.ipv6_unicast_add_path.gz");
    const bad = cli("mrt", "inject", "global", file, "2", "--only-best", "--nexthop", "192.0.2.1");
    expect(bad.status).toBe(1);
    const lines = bad.stderr.split("\n");
    expect(lines[0]).toMatch(
      /^kbgp: .*bview\.ipv6_unicast_add_path\.gz: 2001:db8:[0-9a-f:]+\/48: next-hop: /,
    );
    expect(lines.slice(2)).toEqual(["kbgp: kbgpd refused 2 routes", ""]);
    expect(bad.stdout).toBe("added 0 routes from 2 RIB entries, 2 refused\n");
    // These entries carry no MP_REACH next hop: they go out with ours.
    const good = cli("mrt", "inject", "global", file, "--only-best", "-j");
    expect([good.status, good.stderr]).toEqual([0, ""]);
    const { added } = JSON.parse(good.stdout) as { added: number };
    expect(added).toBe(bgpdumpPaths("bview.ipv6_unicast_add_path.gz").paths.size);
    const got = await apiRoutes("ipv6-unicast");
    expect(got.size).toBe(added);
    for (const [, mine] of got) expect(mine[0].nextHop).toBeNull(); // self: our address on each session
    await waitForRoute(b, a.spec.address, [...got.keys()][0]);
    expect(cli("global", "rib", "del", "all").status).toBe(0);
  });

  it("refuses bad arguments with exit code 2, and files that are not table dumps", () => {
    const file = dataFile("mrt", "bview.ipv4_unicast_add_path.gz");
    const cases: [string[], string][] = [
      [["mrt", "inject", "local", file], "expected 'mrt inject global FILE', not 'mrt inject local'"],
      [["mrt", "inject", "global"], "mrt inject global needs a FILE"],
      [["mrt", "inject", "global", file, "0"], "the count must be a positive whole number, not '0'"],
      [
        ["mrt", "inject", "global", file, "--nexthop", "1.2.3"],
        "--nexthop must be an address or 'self', not '1.2.3'",
      ],
    ];
    for (const [args, message] of cases) {
      const r = cli(...args);
      expect([r.status, r.stderr]).toEqual([2, `kbgp: ${message} (see kbgp --help)\n`]);
    }
    const updates = cli("mrt", "inject", "global", dataFile("mrt", "updates.nlri_mask_trailing_bits.gz"));
    expect(updates.status).toBe(1);
    expect(updates.stderr).toMatch(/holds no RIB entries/);
  });
});
