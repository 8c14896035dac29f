/**
 * The `kbgp` binary against real daemons: two kbgpd on loopback (A, AS 65001, whose control socket the CLI
 * talks to; B, AS 65002, announcing routes to it), every read command in text and JSON, the neighbor
 * actions, and the error paths (bad words, no daemon) with their exit codes.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kbgp } from "../helpers/cli.js";
import {
  closeAllLabs,
  createPeer,
  type KbgpdPeer,
  Lab,
  waitForRoute,
  waitUntil,
} from "../interop/harness/index.js";

afterAll(closeAllLabs);

let a: KbgpdPeer;
let b: KbgpdPeer;
let down: string;
const cli = (...args: string[]) => kbgp(["-s", a.socket, ...args]);
const json = (...args: string[]) => {
  const r = cli(...args, "-j");
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  return r.stdout
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l));
};

beforeAll(async () => {
  const lab = Lab.create("cli-commands");
  const [ea, eb, ed] = [await lab.endpoint(), await lab.endpoint(), await lab.endpoint()];
  down = ed.address;
  a = createPeer("kbgpd", lab, {
    routerId: "10.255.9.1",
    asn: 65001,
    ...ea,
    neighbors: [
      { ...eb, asn: 65002, families: ["ipv4", "ipv6"], maxPrefix: 100 },
      // Nobody listens there: a neighbor that never comes up.
      { ...ed, asn: 65003, families: ["ipv4"] },
    ],
  }) as KbgpdPeer;
  b = createPeer("kbgpd", lab, {
    routerId: "10.255.9.2",
    asn: 65002,
    ...eb,
    neighbors: [{ ...ea, asn: 65001, families: ["ipv4", "ipv6"] }],
  }) as KbgpdPeer;
  // B refuses A's route: its `filtered` table has a row with the rule.
  b.extra.neighbor = { [ea.address]: "    import-reject: [203.0.113.0/24]" };
  await a.announce({ prefix: "203.0.113.0/24" });
  await b.announceMany([
    { prefix: "198.51.100.0/24", med: 5, communities: ["65002:7"], asPath: [64500] },
    { prefix: "198.51.100.128/25" },
    { prefix: "10.9.0.0/16" },
    { prefix: "2001:db8:77::/48", largeCommunities: ["65002:1:2"] },
  ]);
  await Promise.all([a.start(), b.start()]);
  await a.waitEstablished(eb.address, 30_000);
  await waitForRoute(a, eb.address, "2001:db8:77::/48");
  await waitForRoute(a, eb.address, "198.51.100.128/25");
}, 60_000);

describe("kbgp neighbor", () => {
  it("lists every configured neighbor in gobgp's layout, IPv4 by address order", () => {
    const r = cli("neighbor");
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^Peer\s+AS\s+Up\/Down State\s+\|#Received\s+Accepted$/);
    const bLine = lines.find((l) => l.includes(b.spec.address))!;
    expect(bLine).toMatch(
      new RegExp(
        `\\(${b.spec.address.replaceAll(".", "\\.")}\\)\\s+65002 \\d\\d:\\d\\d:\\d\\d Establ\\s+\\|\\s+4\\s+4$`,
      ),
    );
    const dLine = lines.find((l) => l.includes(down))!;
    expect(dLine).toMatch(/65003\s+never (Active|Connect|Idle)\s+\|\s+0\s+0$/);
    // Both peers' columns line up under the header's bar.
    expect(new Set(lines.map((l) => l.indexOf("|"))).size).toBe(1);
  });

  it("prints the neighbor list as one JSON document with a version field", () => {
    const [doc] = json("neighbor");
    expect(doc.kbgpJson).toBe(1);
    expect(doc.neighbors.find((n: { address: string }) => n.address === b.spec.address)).toMatchObject({
      asn: 65002,
      state: "established",
      received: 4,
      accepted: 4,
      hostname: expect.any(String),
    });
  });

  it("shows one neighbor in detail: state, timers, capabilities both ways, messages, routes, limit", () => {
    const r = cli("neighbor", b.spec.address);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`BGP neighbor is ${b.spec.address}, remote AS 65002`);
    expect(r.stdout).toMatch(/BGP state = ESTABLISHED, up for \d\d:\d\d:\d\d/);
    expect(r.stdout).toContain("remote router ID 10.255.9.2");
    expect(r.stdout).toMatch(/4-octet-as:\tadvertised and received\n\s+Local: {2}65001\n\s+Remote: 65002/);
    expect(r.stdout).toMatch(
      /multiprotocol:\tadvertised and received\n\s+Local: {2}ipv4-unicast, ipv6-unicast/,
    );
    expect(r.stdout).toMatch(/Updates:\s+\d+\s+\d+/);
    expect(r.stdout).toMatch(/Received:\s+4\n\s+Accepted:\s+4/);
    expect(r.stdout).toContain("Prefix limit: 100 (warning at");
    // Hold time 90 negotiated: 8 minutes is the longer.
    expect(r.stdout).toContain("Send hold time: 480 s (RFC 9687)");
  });

  it("lists adj-in with path ids, adj-out as sent, and the neighbor's paths in the Loc-RIB", () => {
    const adjIn = cli("neighbor", b.spec.address, "adj-in");
    expect(adjIn.status).toBe(0);
    expect(adjIn.stdout.split("\n")[0]).toMatch(/^ {3}ID\s+Network\s+Next Hop\s+AS_PATH\s+Age\s+Attrs$/);
    expect(adjIn.stdout).toMatch(
      /\*> 0\s+198\.51\.100\.0\/24\s+\S+\s+65002 64500\s+\d\d:\d\d:\d\d\s+\[\{Origin: i\} \{Med: 5\} \{Communities: 65002:7\}\]/,
    );
    const out = cli("neighbor", b.spec.address, "adj-out");
    expect(out.stdout).toMatch(/\*> 0\s+203\.0\.113\.0\/24\s+\S+\s+65001\s+\[\{Origin: i\}\]/);
    expect(out.stdout).not.toContain("198.51.100.0/24"); // never sent back where it came from
    const local = cli("neighbor", b.spec.address, "local", "-a", "ipv6");
    expect(local.stdout).toMatch(
      /\*> 2001:db8:77::\/48\s+\S+\s+65002\s+\S+\s+\[\{Origin: i\} \{LargeCommunity: \[ 65002:1:2\]\}\]/,
    );
  });

  it("filtered shows nothing when import policy accepted everything", () => {
    const r = cli("neighbor", b.spec.address, "filtered");
    expect(r.stdout.trim()).toBe("Network not in table");
  });

  it("shows the rule that rejected each filtered route, and adj-in marks it not accepted", async () => {
    const onB = (...args: string[]) => kbgp(["-s", b.socket, ...args]);
    await waitUntil(
      "A's route in B's filtered table",
      () => onB("neighbor", a.spec.address, "filtered").stdout.includes("203.0.113.0/24"),
      { timeoutMs: 15_000 },
    );
    const r = onB("neighbor", a.spec.address, "filtered");
    expect(r.stdout.split("\n")[0]).toMatch(/^ {3}ID\s+Network\s+Next Hop\s+AS_PATH\s+Age\s+Reason$/);
    expect(r.stdout).toMatch(
      /^ {3}0\s+203\.0\.113\.0\/24\s+\S+\s+65001\s+\d\d:\d\d:\d\d\s+import-reject 203\.0\.113\.0\/24$/m,
    );
    expect(onB("neighbor", a.spec.address, "adj-in").stdout).toMatch(
      /^ {3}0\s+203\.0\.113\.0\/24\s.*\[\{Origin: i\}\]$/m,
    );
    const j = onB("neighbor", a.spec.address, "filtered", "-j");
    expect(JSON.parse(j.stdout)).toMatchObject({
      kbgpJson: 1,
      prefix: "203.0.113.0/24",
      accepted: false,
      filtered: "import-reject 203.0.113.0/24",
    });
  });

  it("refuses adj-out of a neighbor without a session, and unknown words, naming them", () => {
    const r = cli("neighbor", down, "adj-out");
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`kbgp: neighbor ${down}'s BGP session is not established\n`);
    const bad = cli("neighbor", b.spec.address, "adj-inn");
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^kbgp: unknown neighbor command 'adj-inn' \(did you mean 'adj-in'\?\)/);
    const nobody = cli("neighbor", "192.0.2.99");
    expect(nobody.status).toBe(2);
    expect(nobody.stderr).toBe("kbgp: no neighbor 192.0.2.99 (see kbgp --help)\n");
  });
});

describe("kbgp global", () => {
  it("shows the speaker", () => {
    const r = cli("global");
    expect(r.stdout).toBe(
      `AS:        65001\nRouter-ID: 10.255.9.1\nListening Port: ${a.spec.port}, Addresses: ${a.spec.address}\n` +
        "Received paths: 4, limit 4000000 (global max-routes)\n",
    );
    expect(json("global")[0]).toMatchObject({
      kbgpJson: 1,
      asn: 65001,
      routerId: "10.255.9.1",
      routes: { received: 4, max: 4_000_000 },
      connectionsRefused: { unconfigured: 0, down: 0, unavailable: 0, established: 0, rate: 0 },
    });
  });

  it("lists the Loc-RIB with *> for best paths, and summarises it", () => {
    const r = cli("global", "rib");
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^ {3}Network\s+Next Hop\s+AS_PATH\s+Age\s+Attrs$/);
    expect(
      lines
        .slice(1)
        .map((l) => l.split(/\s+/)[1])
        .sort(),
    ).toEqual(["10.9.0.0/16", "198.51.100.0/24", "198.51.100.128/25", "203.0.113.0/24"]);
    expect(lines.find((l) => l.includes("203.0.113.0/24"))).toMatch(
      new RegExp(`^\\*> 203\\.0\\.113\\.0/24\\s+${a.spec.nextHopV4?.replaceAll(".", "\\.")}\\s+\\d\\d:`),
    );
    expect(cli("global", "rib", "summary").stdout).toBe(
      "Table afi:AFI_IP safi:SAFI_UNICAST\nDestination: 4, Path: 4\n",
    );
    expect(json("global", "rib", "summary", "-a", "ipv6")[0]).toEqual({
      kbgpJson: 1,
      family: "ipv6-unicast",
      destinations: 1,
      paths: 1,
    });
  });

  it("answers prefix queries: exact, an address's longest match, longer and shorter prefixes", () => {
    const prefixes = (...args: string[]) => json("global", "rib", ...args).map((d) => d.prefix);
    expect(prefixes("198.51.100.0/24")).toEqual(["198.51.100.0/24"]);
    expect(prefixes("198.51.100.200")).toEqual(["198.51.100.128/25"]);
    expect(prefixes("198.51.100.0/23", "longer-prefixes")).toEqual(["198.51.100.0/24", "198.51.100.128/25"]);
    expect(prefixes("198.51.100.128/26", "shorter-prefixes")).toEqual([
      "198.51.100.0/24",
      "198.51.100.128/25",
    ]);
    expect(prefixes("2001:db8:77:1::/64", "shorter-prefixes")).toEqual(["2001:db8:77::/48"]);
    expect(cli("global", "rib", "192.0.2.0/24").stdout).toBe("Network not in table\n");
    expect(json("global", "rib", "--limit", "2")).toHaveLength(2);
  });

  it("sends the same rows as objects, as JSON lines, and as table cells (rib.list forms)", async () => {
    const asked = [
      { table: "local" },
      { table: "local", family: "ipv6-unicast" },
      { table: "local", neighbor: b.spec.address },
      { table: "in", neighbor: b.spec.address },
      { table: "out", neighbor: b.spec.address },
    ];
    for (const params of asked) {
      const list = (form: string) =>
        a.call<{ count: number; rows?: unknown[] }>("rib.list", { ...params, form });
      const [rows, lines, cells] = [await list("rows"), await list("lines"), await list("cells")];
      expect(rows.rows?.length).toBeGreaterThan(0);
      expect(lines).toEqual(rows);
      expect(cells.count).toBe(rows.count);
      // A row's cells: its table lines, the prefix in each.
      (cells.rows as string[][][]).forEach((r, i) => {
        for (const line of r) expect(line).toContain((rows.rows![i] as { prefix: string }).prefix);
      });
    }
    await expect(a.call("rib.list", { form: "csv" })).rejects.toThrow(
      /form must be one of rows, lines, cells/,
    );
  });

  it("refuses a malformed prefix, a bad family and a bad limit with exit code 2", () => {
    const p = cli("global", "rib", "198.51.100.1/24");
    expect(p.status).toBe(2);
    expect(p.stderr).toMatch(/^kbgp: '198\.51\.100\.1\/24' is not a prefix or an address/);
    const f = cli("global", "rib", "-a", "ipx");
    expect([f.status, f.stderr]).toEqual([2, "kbgp: -a must be ipv4 or ipv6, not 'ipx' (see kbgp --help)\n"]);
    const l = cli("global", "rib", "--limit", "0");
    expect([l.status, l.stderr]).toEqual([
      2,
      "kbgp: --limit must be a positive whole number, not '0' (see kbgp --help)\n",
    ]);
    const m = cli("global", "rib", "198.51.100.0/24", "longest");
    expect(m.status).toBe(2);
    expect(m.stderr).toContain(
      "expected longer-prefixes or shorter-prefixes after the prefix, not 'longest'",
    );
  });
});

describe("neighbor actions", () => {
  it("shuts a neighbor down with a message, shows Idle(Admin), and enables it again", async () => {
    expect(cli("neighbor", b.spec.address, "shutdown", "-m", "maintenance window").status).toBe(0);
    await waitUntil("A to show Idle(Admin)", async () => cli("neighbor").stdout.includes("Idle(Admin)"), {
      timeoutMs: 10_000,
    });
    const bView = await b.call<{ lastNotification: { message: string } }>("neighbor.get", {
      neighbor: a.spec.address,
    });
    expect(bView.lastNotification.message).toContain('"maintenance window"');
    expect(cli("neighbor", b.spec.address, "enable").status).toBe(0);
    await a.waitEstablished(b.spec.address, 30_000);
    await waitForRoute(a, b.spec.address, "198.51.100.0/24");
  });

  it("soft resets in and out: the peer sees ROUTE-REFRESH and a re-sent table", async () => {
    const before = await a.call<{ messages: { sent: { routeRefresh: number } } }>("neighbor.get", {
      neighbor: b.spec.address,
    });
    expect(cli("neighbor", b.spec.address, "softreset").status).toBe(0);
    await waitUntil(
      "A to send ROUTE-REFRESH",
      async () =>
        (
          await a.call<{ messages: { sent: { routeRefresh: number } } }>("neighbor.get", {
            neighbor: b.spec.address,
          })
        ).messages.sent.routeRefresh > before.messages.sent.routeRefresh,
      { timeoutMs: 10_000 },
    );
    const r = cli("neighbor", b.spec.address, "softresetin", "extra");
    expect([r.status, r.stderr]).toEqual([
      2,
      "kbgp: unexpected 'extra' after softresetin (see kbgp --help)\n",
    ]);
  });
});

describe("without a daemon, and with bad words", () => {
  it("says it cannot reach kbgpd within a second, exit code 3, also with -j", () => {
    const dir = mkdtempSync(join(tmpdir(), "kbgp-cli-"));
    try {
      const sock = join(dir, "nobody.sock");
      for (const extra of [[], ["-j"]]) {
        const t = Date.now();
        const r = kbgp(["-s", sock, "neighbor", ...extra]);
        expect(Date.now() - t).toBeLessThan(5_000); // a second plus process start-up on a loaded machine
        expect(r.status).toBe(3);
        expect(r.stdout).toBe("");
        expect(r.stderr).toBe(`kbgp: cannot reach kbgpd at ${sock}: is the daemon running?\n`);
      }
      const env = kbgp(["neighbor"], undefined, { KBGP_SOCKET: sock });
      expect(env.stderr).toBe(`kbgp: cannot reach kbgpd at ${sock}: is the daemon running?\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("names an unknown command or option and exits 2", () => {
    const c = kbgp(["neigbor"]);
    expect([c.status, c.stderr]).toEqual([
      2,
      "kbgp: unknown command 'neigbor' (did you mean 'neighbor'?) (see kbgp --help)\n",
    ]);
    const o = kbgp(["neighbor", "--jsn"]);
    expect([o.status, o.stderr]).toEqual([
      2,
      "kbgp: unknown option '--jsn' (did you mean '--json'?) (see kbgp --help)\n",
    ]);
    const none = kbgp([]);
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/^kbgp: name a command/);
  });

  it("prints help and completion scripts", () => {
    const h = kbgp(["--help"]);
    expect(h.status).toBe(0);
    expect(h.stdout).toContain("kbgp neighbor [address] [command] [args..]");
    expect(h.stdout).toContain("Exit codes: 0 ok, 1 failed, 2 bad arguments, 3 kbgpd not reachable.");
    const bash = kbgp(["completion", "bash"]);
    expect(bash.status).toBe(0);
    expect(bash.stdout).toContain("--get-yargs-completions");
    expect(bash.stdout).toContain("complete -o bashdefault -o default -F _kbgp_yargs_completions kbgp");
    const zsh = kbgp(["completion", "zsh"]);
    expect(zsh.stdout).toContain("compdef _kbgp_yargs_completions kbgp");
    const words = kbgp(["--get-yargs-completions", "kbgp", "nei"]);
    expect(words.stdout.split("\n")).toContain("neighbor");
  });
});
