/**
 * `kbgp monitor` and `monitor.start` against real daemons: A (AS 65001, whose control socket the CLI talks
 * to) and B (AS 65002, announcing routes to A). Monitors started with --current, then routes added and
 * deleted through the CLI and B disabled and enabled: the exact events in order, numbered without gaps, and
 * the snapshot plus the events equal to A's final table. A subscriber that stops reading is dropped with an
 * overflow notice; the CLI's exit codes when that happens, when stdout closes, and when kbgpd goes away.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import net from "node:net";
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
const RFC3339 = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ";
const esc = (x: string) => x.replaceAll(".", "\\.");

/** A `kbgp` running in the background, its output gathered line by line. */
class Running {
  readonly child: ChildProcess;
  readonly lines: string[] = [];
  stderr = "";
  private partial = "";
  readonly exited: Promise<number | null>;

  constructor(args: string[], shell = false) {
    this.child = shell
      ? spawn("sh", ["-c", args.join(" ")], { stdio: ["ignore", "pipe", "pipe"] })
      : spawn(process.execPath, [KBGP, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    this.child.stdout!.setEncoding("utf8").on("data", (d: string) => {
      const parts = (this.partial + d).split("\n");
      this.partial = parts.pop() ?? "";
      this.lines.push(...parts);
    });
    this.child.stderr!.setEncoding("utf8").on("data", (d: string) => {
      this.stderr += d;
    });
    this.exited = new Promise((r) => this.child.once("exit", (code) => r(code)));
  }

  json(): Record<string, unknown>[] {
    return this.lines.map((l) => JSON.parse(l));
  }

  async waitFor(what: string, test: (lines: string[]) => boolean, timeoutMs = 20_000): Promise<void> {
    await waitUntil(what, () => test(this.lines), {
      timeoutMs,
      intervalMs: 50,
      detail: () => `output so far:\n${this.lines.join("\n")}\n${this.stderr}`,
    });
  }
}

const monitors: Running[] = [];
function monitor(...args: string[]): Running {
  const m = new Running(["-s", a.socket, "monitor", ...args]);
  monitors.push(m);
  return m;
}
afterAll(() => {
  for (const m of monitors) m.child.kill("SIGKILL");
});

beforeAll(async () => {
  ({ lab, a, b } = await kbgpdPair("cli-monitor", 11));
  await a.announce({ prefix: "203.0.113.0/24" });
  await b.announceMany([
    { prefix: "198.51.100.0/24", med: 5 },
    { prefix: "10.9.0.0/16", med: 5 },
  ]);
  await Promise.all([a.start(), b.start()]);
  await a.waitEstablished(b.spec.address, 30_000);
  await waitForRoute(a, b.spec.address, "198.51.100.0/24");
  await waitForRoute(a, b.spec.address, "10.9.0.0/16");
}, 60_000);

interface Event {
  seq: number;
  kind: string;
  family?: string;
  neighbor?: string;
  prefix?: string;
  path?: { from: string; med?: number; pathId: number };
  address?: string;
  state?: string;
  adminDown?: boolean;
  lastError?: string | null;
}

/** Snapshot rows (seq 0) then events applied in order: the table a client rebuilds. */
function rebuild(lines: Record<string, unknown>[]): Map<string, string> {
  const m = new Map<string, string>();
  let seq = 0;
  for (const l of lines) {
    const e = l as unknown as Event & { path: object };
    if (e.kind === "end-of-snapshot") continue;
    if (e.seq !== 0) expect(e.seq).toBe(++seq);
    const k = `${e.family} ${e.prefix}`;
    if (e.kind === "route") m.set(k, JSON.stringify(e.path));
    else m.delete(k);
  }
  return m;
}

/** A's Loc-RIB now, as rib.list shows it: each destination's best path. */
async function locRib(): Promise<Map<string, string>> {
  const m = new Map<string, string>();
  for (const family of ["ipv4-unicast", "ipv6-unicast"]) {
    const { rows = [] } = await a.call<{ rows?: { prefix: string; paths: { best: boolean }[] }[] }>(
      "rib.list",
      { family },
    );
    for (const r of rows) {
      const { best: _best, ...path } = r.paths[0];
      m.set(`${family} ${r.prefix}`, JSON.stringify(path));
    }
  }
  return m;
}

const short = (e: Event) =>
  e.kind === "neighbor"
    ? `${e.seq} ${e.address} ${e.state}${e.adminDown ? " admin-down" : ""}`
    : `${e.seq} ${e.kind} ${e.prefix} ${e.path?.from}${e.path?.med !== undefined ? ` med ${e.path.med}` : ""}`;

describe("kbgp monitor, with --current", () => {
  it("streams the table, then every change in order, numbered without gaps; together they are the final table", async () => {
    const B = b.spec.address;
    const rib = monitor("global", "rib", "--current", "-j");
    const ribText = monitor("global", "rib", "--current");
    const adjIn = monitor("neighbor", B, "adj-in", "--current", "-j");
    const neighbors = monitor("neighbor", "--current", "-j");
    const neighborText = monitor("neighbor", B, "--current");
    for (const m of [rib, adjIn, neighbors])
      await m.waitFor("the end of the snapshot", (l) => l.some((x) => x.includes('"end-of-snapshot"')));
    await ribText.waitFor("the snapshot", (l) => l.length === 3);
    await neighborText.waitFor("the snapshot", (l) => l.length === 1);
    expect(neighborText.lines[0]).toMatch(
      new RegExp(`^${RFC3339} \\[NEIGH\\] ${esc(B)} fsm: ESTABLISHED admin: UP$`),
    );

    // The snapshots: the Loc-RIB's best paths, B's accepted routes, the neighbor's state.
    const snapshot = (m: Running) => m.json().filter((l) => l.seq === 0) as unknown as Event[];
    expect(
      snapshot(rib)
        .map((e) => `${e.prefix} ${e.path!.from}`)
        .sort(),
    ).toEqual([`10.9.0.0/16 ${B}`, `198.51.100.0/24 ${B}`, "203.0.113.0/24 local"]);
    expect(snapshot(adjIn).map((e) => `${e.kind} ${e.neighbor} ${e.prefix}`)).toEqual([
      `route ${B} 10.9.0.0/16`,
      `route ${B} 198.51.100.0/24`,
    ]);
    // (lastError: whatever ended an earlier attempt, if any: both daemons started together.)
    expect(snapshot(neighbors).map(({ lastError: _, ...n }) => n)).toEqual([
      {
        kbgpJson: 1,
        seq: 0,
        kind: "neighbor",
        address: B,
        state: "established",
        adminDown: false,
        prefixLimitReached: false,
      },
    ]);
    expect(ribText.lines.find((l) => l.includes(" 198.51.100.0/24 "))).toMatch(
      new RegExp(
        `^${RFC3339} \\[ROUTE\\] 198\\.51\\.100\\.0/24 via ${esc(b.spec.nextHopV4)} aspath \\[65002\\] attrs \\[\\{Origin: i\\} \\{Med: 5\\}\\]$`,
      ),
    );

    // Changes: a route added, changed and deleted through the CLI; B disabled and enabled.
    expect(cli("global", "rib", "add", "192.0.2.0/24", "med", "1").status).toBe(0);
    expect(cli("global", "rib", "add", "192.0.2.0/24", "med", "2").status).toBe(0);
    expect(cli("global", "rib", "del", "192.0.2.0/24").status).toBe(0);
    expect(cli("neighbor", B, "disable").status).toBe(0);
    await waitForWithdrawal(a, B, "198.51.100.0/24");
    expect(cli("neighbor", B, "enable").status).toBe(0);
    await a.waitEstablished(B, 30_000);
    await waitForRoute(a, B, "198.51.100.0/24");
    await waitForRoute(a, B, "10.9.0.0/16");
    await rib.waitFor("7 events", (l) => l.length >= 4 + 7);
    await adjIn.waitFor("4 events", (l) => l.length >= 3 + 4);

    const events = (m: Running) => m.json().filter((l) => (l.seq as number) > 0) as unknown as Event[];
    const ribEvents = events(rib).map(short);
    expect(ribEvents.slice(0, 7)).toEqual([
      "1 route 192.0.2.0/24 local:api med 1",
      "2 route 192.0.2.0/24 local:api med 2",
      "3 withdraw 192.0.2.0/24 local:api med 2",
      // B's routes go when it is shut down, shortest prefix first; then it comes back.
      `4 withdraw 10.9.0.0/16 ${B} med 5`,
      `5 withdraw 198.51.100.0/24 ${B} med 5`,
      expect.stringMatching(new RegExp(`^6 route (10\\.9\\.0\\.0/16|198\\.51\\.100\\.0/24) ${B} med 5$`)),
      expect.stringMatching(new RegExp(`^7 route (10\\.9\\.0\\.0/16|198\\.51\\.100\\.0/24) ${B} med 5$`)),
    ]);
    expect(ribEvents).toHaveLength(7);
    expect(new Set(ribEvents.slice(5).map((e) => e.split(" ")[2])).size).toBe(2);
    expect(events(adjIn).map(short)).toEqual([
      `1 withdraw 10.9.0.0/16 ${B} med 5`,
      `2 withdraw 198.51.100.0/24 ${B} med 5`,
      ...events(adjIn)
        .slice(2)
        .map((e) => `${e.seq} route ${e.prefix} ${B} med 5`),
    ]);
    expect(events(adjIn)).toHaveLength(4);
    expect(await locRib()).toEqual(rebuild(rib.json()));

    // Neighbor states: down with the reason, then back up through the FSM.
    const states = events(neighbors).map(short);
    expect(states[0]).toBe(`1 ${B} idle admin-down`);
    expect(events(neighbors)[0].lastError).toMatch(/^Cease \/ Administrative Shutdown/);
    expect(states.at(-1)).toMatch(new RegExp(`^${states.length} ${B} established$`));
    expect(states.map((s) => Number(s.split(" ")[0]))).toEqual(states.map((_, i) => i + 1));
    await neighborText.waitFor("ESTABLISHED again", (l) => l.length >= 3 && /ESTABLISHED/.test(l.at(-1)!));
    expect(neighborText.lines[1]).toMatch(
      new RegExp(
        `^${RFC3339} \\[NEIGH\\] ${esc(B)} fsm: IDLE admin: DOWN \\(Cease / Administrative Shutdown`,
      ),
    );
    expect(neighborText.lines.at(-1)).toMatch(
      new RegExp(`^${RFC3339} \\[NEIGH\\] ${esc(B)} fsm: ESTABLISHED admin: UP$`),
    );
    await ribText.waitFor("the DELROUTE line", (l) => l.some((x) => x.includes("[DELROUTE] 192.0.2.0/24")));
    expect(ribText.lines.find((l) => l.includes("[DELROUTE] 192.0.2.0/24"))).toMatch(
      new RegExp(
        `^${RFC3339} \\[DELROUTE\\] 192\\.0\\.2\\.0/24 via 0\\.0\\.0\\.0 aspath \\[\\] attrs \\[\\{Origin: i\\} \\{Med: 2\\}\\]$`,
      ),
    );

    // Ctrl-C ends a monitor quietly.
    for (const m of [rib, ribText, adjIn, neighbors, neighborText]) m.child.kill("SIGINT");
    for (const m of [rib, ribText, adjIn, neighbors, neighborText]) {
      expect(await m.exited).toBe(0);
      expect(m.stderr).toBe("");
    }
  }, 120_000);

  it("exits 0 without a word when its reader goes away (| head)", async () => {
    const status = join(lab.dir, "monitor-status");
    const m = new Running(
      [
        `(${process.execPath} ${KBGP} -s ${a.socket} monitor global rib --current; echo $? > ${status})`,
        "| head -n 1",
      ],
      true,
    );
    monitors.push(m);
    await m.waitFor("the first line", (l) => l.length === 1);
    // The next write finds the pipe closed.
    for (let i = 0; i < 3; i++) expect(cli("global", "rib", "add", `192.0.2.${i * 16}/28`).status).toBe(0);
    expect(await m.exited).toBe(0);
    await waitUntil("kbgp's exit status", () => existsSync(status) && readFileSync(status, "utf8"), {
      timeoutMs: 10_000,
    });
    expect(readFileSync(status, "utf8")).toBe("0\n");
    expect(m.stderr).toBe("");
    expect(cli("global", "rib", "del", "all").status).toBe(0);
  }, 60_000);

  it("drops a subscriber that stops reading, after the events it could take, with one overflow notice", async () => {
    const s = net.connect(a.socket);
    await new Promise((r) => s.once("connect", r));
    s.write(
      `${JSON.stringify({ jsonrpc: "2.0", id: "slow", method: "monitor.start", params: { topic: "rib", maxPending: 50 } })}\n`,
    );
    // Read the response, then nothing more for a while.
    let text = "";
    s.setEncoding("utf8");
    const onData = (d: string) => {
      text += d;
    };
    s.on("data", onData);
    await waitUntil("the response", () => text.includes('"result"'), { timeoutMs: 5000, intervalMs: 20 });
    s.pause();
    const N = 3000;
    const file = join(lab.dir, "many.txt");
    writeFileSync(file, Array.from({ length: N }, (_, i) => `100.64.${i >> 8}.${i & 0xff}/32\n`).join(""));
    expect(cli("global", "rib", "add", "-f", file).status).toBe(0);
    s.resume();
    await waitUntil("the overflow notice", () => text.includes('"overflow"'), {
      timeoutMs: 20_000,
      intervalMs: 50,
    });
    // Nothing comes after it, whatever changes.
    expect(cli("global", "rib", "del", "-f", file).status).toBe(0);
    await new Promise((r) => setTimeout(r, 300));
    s.destroy();
    const lines = text
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines[0]).toEqual({ jsonrpc: "2.0", id: "slow", result: { snapshot: 0 } });
    const events = lines.slice(1, -1).map((l) => l.params);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.every((e) => e.kind === "route" && e.id === "slow")).toBe(true);
    const notice = lines.at(-1);
    expect(notice).toEqual({
      jsonrpc: "2.0",
      method: "monitor",
      params: { id: "slow", kind: "overflow", lastSeq: events.length, lost: expect.any(Number) },
    });
    // Everything was either written before the overflow or counted as lost, up to the one that overflowed.
    expect(events.length).toBeGreaterThan(0);
    expect(events.length).toBeLessThan(N);
    expect(notice.params.lost).toBe(51);
    // kbgpd is fine, and monitoring again works.
    expect(cli("global", "rib", "summary").status).toBe(0);
  }, 60_000);

  it("ends a subscription on monitor.stop, on the connection that started it", async () => {
    const s = net.connect(a.socket);
    let text = "";
    s.setEncoding("utf8").on("data", (d: string) => {
      text += d;
    });
    const send = (id: number, method: string, params: object) =>
      s.write(`${JSON.stringify({ jsonrpc: "2.0", id, method, params })}\n`);
    send(1, "monitor.start", { topic: "rib", family: "ipv4-unicast" });
    send(2, "monitor.stop", { id: 7 });
    send(3, "monitor.stop", { id: 1 });
    await waitUntil("three answers", () => text.split("\n").length > 3, { timeoutMs: 5000, intervalMs: 20 });
    expect(cli("global", "rib", "add", "192.0.2.0/24").status).toBe(0);
    send(4, "session.hello", {});
    await waitUntil("the fourth answer", () => text.includes('"id":4'), { timeoutMs: 5000, intervalMs: 20 });
    s.destroy();
    expect(
      text
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l)),
    ).toEqual([
      { jsonrpc: "2.0", id: 1, result: { snapshot: 0 } },
      {
        jsonrpc: "2.0",
        id: 2,
        error: { code: -32602, message: "no monitor with id 7 on this connection" },
      },
      { jsonrpc: "2.0", id: 3, result: { ok: true, lastSeq: 0 } },
      { jsonrpc: "2.0", id: 4, result: expect.objectContaining({ server: "kbgpd" }) },
    ]);
    expect(cli("global", "rib", "del", "all").status).toBe(0);
  });

  it("refuses bad words and unknown neighbors, exit code 2", () => {
    const none = cli("monitor");
    expect([none.status, none.stderr]).toEqual([
      2,
      "kbgp: expected 'monitor global rib', 'monitor neighbor [ADDRESS]', 'monitor neighbor ADDRESS adj-in' or 'monitor k8s' (see kbgp --help)\n",
    ]);
    const fam = cli("monitor", "neighbor", "-a", "ipv6");
    expect([fam.status, fam.stderr]).toEqual([
      2,
      "kbgp: -a is for routes, not neighbor states (see kbgp --help)\n",
    ]);
    const who = cli("monitor", "neighbor", "192.0.2.99", "adj-in");
    expect([who.status, who.stderr]).toEqual([2, "kbgp: no neighbor 192.0.2.99 (see kbgp --help)\n"]);
    const extra = cli("monitor", "global", "rib", "extra");
    expect(extra.status).toBe(2);
    expect(kbgp(["--get-yargs-completions", "kbgp", "mon"]).stdout.split("\n")).toContain("monitor");
  });

  it("exits 3 with one line when kbgpd goes away", async () => {
    const m = monitor("neighbor", "--current");
    await m.waitFor("the snapshot", (l) => l.length === 1);
    await a.kill();
    expect(await m.exited).toBe(3);
    expect(m.stderr).toBe(`kbgp: lost kbgpd at ${a.socket}: it closed the connection\n`);
  }, 30_000);
});

/** A stand-in for kbgpd that answers `monitor.start` with the given lines, to see what the CLI makes of them. */
async function fakeDaemon(lines: (id: number) => object[]): Promise<{ path: string; close: () => void }> {
  const path = join(lab.dir, `fake-${Math.random().toString(36).slice(2)}.sock`);
  const server = net.createServer((s) => {
    s.setEncoding("utf8");
    s.once("data", (d: string) => {
      const { id } = JSON.parse(d.split("\n")[0]);
      s.end(
        lines(id)
          .map((l) => `${JSON.stringify({ jsonrpc: "2.0", ...l })}\n`)
          .join(""),
      );
    });
  });
  await new Promise<void>((r) => server.listen(path, r));
  return { path, close: () => server.close() };
}

describe("kbgp monitor, when kbgpd says it is over", () => {
  const event = (id: number, seq: number) => ({
    method: "monitor",
    params: { id, seq, kind: "neighbor-removed", address: "192.0.2.9", at: 0 },
  });

  it("prints the events it got, then the overflow notice (-j), and exits 1 naming the last event", async () => {
    const fake = await fakeDaemon((id) => [
      { id, result: { snapshot: 0 } },
      event(id, 1),
      event(id, 2),
      { method: "monitor", params: { id, kind: "overflow", lastSeq: 2, lost: 100001 } },
    ]);
    try {
      const m = new Running(["-s", fake.path, "monitor", "neighbor", "-j"]);
      expect(await m.exited).toBe(1);
      expect(m.json()).toEqual([
        { kbgpJson: 1, seq: 1, kind: "neighbor-removed", address: "192.0.2.9", at: 0 },
        { kbgpJson: 1, seq: 2, kind: "neighbor-removed", address: "192.0.2.9", at: 0 },
        { kbgpJson: 1, kind: "overflow", lastSeq: 2, lost: 100001 },
      ]);
      expect(m.stderr).toBe(
        "kbgp: kbgpd dropped this monitor after event 2: it fell 100001 events behind (run it again, with --current to start from the current state)\n",
      );
      const text = new Running(["-s", fake.path, "monitor", "neighbor"]);
      expect(await text.exited).toBe(1);
      expect(text.lines).toEqual([
        "1970-01-01T00:00:00Z [NEIGH] 192.0.2.9 removed",
        "1970-01-01T00:00:00Z [NEIGH] 192.0.2.9 removed",
      ]);
    } finally {
      fake.close();
    }
  });

  it("stops at a gap in the numbers rather than print an incomplete stream as if whole", async () => {
    const fake = await fakeDaemon((id) => [
      { id, result: { snapshot: 0 } },
      event(id, 1),
      event(id, 3),
      event(id, 4),
    ]);
    try {
      const m = new Running(["-s", fake.path, "monitor", "neighbor", "-j"]);
      expect(await m.exited).toBe(1);
      expect(m.json().map((l) => l.seq)).toEqual([1]);
      expect(m.stderr).toBe("kbgp: event 3 came after 1: events were lost (a kbgpd fault)\n");
    } finally {
      fake.close();
    }
  });
});
