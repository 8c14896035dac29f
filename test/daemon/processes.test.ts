/**
 * kbgpd's helper processes (ExaBGP `process` blocks), for real: a kbgpd (A) running small scripts this test
 * writes, a second kbgpd (B) as its peer. A helper's routes reach B, its answers come back on its stdin in
 * order, its stderr lands in A's log; when it exits its routes are withdrawn and it is started again after a
 * backoff; a helper that floods and never reads its answers neither stalls nor is lost; a reload touches
 * only what changed; and stopping kbgpd leaves no helper (or health check) behind, SIGKILLing one that
 * ignores SIGTERM.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { restartDelay } from "../../daemon/processes/backoff.js";
import { rpc } from "../helpers/control-client.js";
import {
  closeAllLabs,
  createPeer,
  type KbgpdPeer,
  Lab,
  waitForRoute,
  waitForWithdrawal,
  waitUntil,
} from "../interop/harness/index.js";

afterAll(closeAllLabs);

const KBGPD = resolve(dirname(fileURLToPath(import.meta.url)), "../../bin/kbgpd.mjs");

interface ProcessView {
  name: string;
  state: string;
  pid: number | null;
  restarts: number;
  routes: number;
  ack: string | null;
  since: number | null;
  lastExit: { code: number | null; signal: string | null; error: string | null; at: number } | null;
  nextStart: number | null;
}

/** A helper script: `node FILE <lab dir>`; `body` is an ES module with `dir` and `fs` in scope. */
function script(dir: string, name: string, body: string): string {
  const file = join(dir, `${name}.mjs`);
  writeFileSync(file, `import * as fs from "node:fs";\nconst dir = process.argv[2];\n${body}\n`);
  return file;
}

const helper = (name: string, file: string, dir: string, more = "") =>
  `  - name: ${name}\n    run: ["${process.execPath}", "${file}", "${dir}"]\n${more}`;

/** Alive and not a zombie. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

describe("helper processes", () => {
  let lab: Lab;
  let a: KbgpdPeer;
  let b: KbgpdPeer;
  let dir: string;
  const list = async () => (await a.call<{ processes: ProcessView[] }>("process.list")).processes;
  const view = async (name: string) => (await list()).find((p) => p.name === name);
  const updatesAtB = async () =>
    (
      await b.call<{ messages: { received: { update: number } } }>("neighbor.get", {
        neighbor: a.spec.address,
      })
    ).messages.received.update;

  beforeAll(async () => {
    lab = Lab.create("daemon-processes");
    dir = lab.dir;
    const [ea, eb] = [await lab.endpoint(), await lab.endpoint()];
    a = createPeer("kbgpd", lab, {
      routerId: "10.255.20.1",
      asn: 65001,
      ...ea,
      neighbors: [{ ...eb, asn: 65002, families: ["ipv4"] }],
    }) as KbgpdPeer;
    b = createPeer("kbgpd", lab, {
      routerId: "10.255.20.2",
      asn: 65002,
      ...eb,
      neighbors: [{ ...ea, asn: 65001, families: ["ipv4"] }],
    }) as KbgpdPeer;
    // Announces, then exits with code 3 on its first run once the test says so; stays up afterwards.
    const flap = script(
      dir,
      "flap",
      `const runs = (fs.existsSync(dir + "/runs") ? Number(fs.readFileSync(dir + "/runs", "utf8")) : 0) + 1;
fs.writeFileSync(dir + "/runs", String(runs));
process.stdout.write("announce route 100.70.0.0/24 next-hop self med " + runs + "\\nversion\\nannounce route 100.70.1.0/33 next-hop self\\nbogus\\n");
process.stderr.write("flap run " + runs + " on stderr\\n");
process.stdin.on("data", (d) => fs.appendFileSync(dir + "/answers-" + runs, d));
setInterval(() => { if (runs === 1 && fs.existsSync(dir + "/exit")) process.exit(3); }, 50);`,
    );
    // Writes N routes as fast as the pipe takes them and never reads its answers (many ExaBGP scripts).
    const deaf = script(
      dir,
      "deaf",
      `const N = 20000;
let i = 0;
const more = () => {
  while (i < N) {
    // Each route with a "version", so the answers (440 KB) overflow the pipe's buffers many times over.
    const line = "announce route 10." + (64 + (i >> 16)) + "." + ((i >> 8) & 255) + "." + (i & 255) + "/32 next-hop self\\nversion\\n";
    i++;
    if (!process.stdout.write(line)) return process.stdout.once("drain", more);
  }
};
more();
setInterval(() => {}, 1000);`,
    );
    // Writes N routes in one go and counts its answers, noting any that is not "done".
    const reader = script(
      dir,
      "reader",
      `const N = 5000;
let text = "";
for (let i = 0; i < N; i++) text += "announce route 10.100." + (i >> 8) + "." + (i & 255) + "/32 next-hop self med " + i + "\\n";
process.stdout.write(text);
let buf = "", done = 0, other = 0;
process.stdin.setEncoding("utf8").on("data", (d) => {
  buf += d;
  const lines = buf.split("\\n");
  buf = lines.pop();
  for (const l of lines) l === "done" ? done++ : other++;
  fs.writeFileSync(dir + "/reader-count", done + " " + other);
});
setInterval(() => {}, 1000);`,
    );
    a.extra.sections = [
      "processes:",
      helper("flap", flap, dir),
      helper("deaf", deaf, dir),
      helper("reader", reader, dir),
      "  - { name: missing, run: [/nonexistent/kbgp-helper] }",
    ].join("\n");
    await Promise.all([a.start(), b.start()]);
    await a.waitEstablished(eb.address, 30_000);
  }, 60_000);

  it("announces a helper's routes, answers it in order, and logs its stderr under its name", async () => {
    expect(await waitForRoute(b, a.spec.address, "100.70.0.0/24")).toMatchObject({ med: 1 });
    const answers = await waitUntil(
      "the flap helper's four answers",
      () => {
        const f = join(dir, "answers-1");
        const text = existsSync(f) ? readFileSync(f, "utf8") : "";
        return text.split("\n").length > 4 ? text : false;
      },
      { timeoutMs: 10_000 },
    );
    expect(answers.split("\n")).toEqual([
      "done",
      "kbgpd 0.1.0",
      "done",
      expect.stringMatching(/^error: prefix: '100\.70\.1\.0\/33' is not a prefix/),
      expect.stringMatching(/^error: unknown command 'bogus'/),
      "",
    ]);
    // Not persisted: the state directory holds only routes added through the API.
    const { rows = [] } = await a.call<{ rows?: { prefix: string; paths: { from: string }[] }[] }>(
      "rib.list",
      {
        prefix: "100.70.0.0/24",
      },
    );
    expect(rows[0].paths[0].from).toBe("local:process:flap");
    const stderr = a
      .logTail(100_000)
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.msg === "flap run 1 on stderr");
    expect(stderr).toMatchObject({ process: "flap", stream: "stderr", level: 30 });
  });

  it("withdraws the routes of a helper that exits, and starts it again after a backoff", async () => {
    await waitForRoute(b, a.spec.address, "100.70.0.0/24");
    const first = await view("flap");
    expect(first).toMatchObject({ state: "running", restarts: 0, routes: 1 });
    writeFileSync(join(dir, "exit"), "");
    await waitForWithdrawal(b, a.spec.address, "100.70.0.0/24");
    // Back, from its second run (its MED says which run announced it).
    await waitUntil(
      "the route from the second run at B",
      async () =>
        (await b.received(a.spec.address, "ipv4")).find((r) => r.prefix === "100.70.0.0/24")?.med === 2,
      { timeoutMs: 15_000 },
    );
    const second = await view("flap");
    expect(second).toMatchObject({
      state: "running",
      restarts: 1,
      routes: 1,
      lastExit: { code: 3, signal: null },
    });
    expect(second!.pid).not.toBe(first!.pid);
    // Started again no sooner than the first backoff step (1 s) after it exited.
    expect(second!.since! - second!.lastExit!.at).toBeGreaterThanOrEqual(950);
  }, 30_000);

  it("keeps trying a helper that cannot be started, waiting twice as long each time", async () => {
    const v = await waitUntil(
      "a failed start after a restart",
      async () => {
        const m = await view("missing");
        return m && m.restarts >= 1 && m.state === "backoff" ? m : false;
      },
      { timeoutMs: 10_000, intervalMs: 100 },
    );
    expect(v.lastExit).toMatchObject({ code: null, signal: null, error: expect.stringMatching(/ENOENT/) });
    // After n restarts, n + 1 failures in a row: 1 s, 2 s, 4 s…
    expect(v.nextStart! - v.lastExit!.at).toBe(restartDelay(v.restarts + 1));
    expect(restartDelay(v.restarts + 1)).toBeGreaterThanOrEqual(2000);
    expect(a.logTail(400)).toMatch(/could not start: spawn \/nonexistent\/kbgp-helper ENOENT/);
  });

  it("keeps reading a helper that floods and never reads its answers: every route applied, answers off", async () => {
    await waitUntil(
      "all 20,000 routes of the deaf helper",
      async () => (await view("deaf"))?.routes === 20_000,
      {
        timeoutMs: 60_000,
        intervalMs: 500,
      },
    );
    expect(await view("deaf")).toMatchObject({ state: "running", restarts: 0, ack: "silence" });
    expect(a.logTail(400)).toContain("does not read its answers: answers are off");
  }, 70_000);

  it("answers every line of a helper that writes 5,000 at once, each with done", async () => {
    await waitUntil(
      "5,000 answers",
      () => {
        const f = join(dir, "reader-count");
        return existsSync(f) && readFileSync(f, "utf8") === "5000 0";
      },
      { timeoutMs: 30_000 },
    );
    expect(await view("reader")).toMatchObject({ routes: 5000, ack: "enable" });
  }, 40_000);

  it("on reload starts added helpers, stops removed ones (withdrawing their routes), restarts changed ones only", async () => {
    const before = new Map((await list()).map((p) => [p.name, p]));
    const updates = await updatesAtB();
    const late = script(
      dir,
      "late",
      `process.stdout.write("announce route 100.71.0.0/24 next-hop self\\n");\nsetInterval(() => {}, 1000);`,
    );
    a.extra.sections = [
      "processes:",
      helper("flap", join(dir, "flap.mjs"), dir),
      // Changed: an environment variable more.
      helper("reader", join(dir, "reader.mjs"), dir, "    env: { CHANGED: yes }\n"),
      helper("late", late, dir),
    ].join("\n");
    writeFileSync(a.configFile, a.configText());
    expect(await a.call("config.reload")).toMatchObject({ ok: true, processes: 3 });
    await waitForRoute(b, a.spec.address, "100.71.0.0/24");
    await waitForWithdrawal(b, a.spec.address, "10.64.0.0/32");
    await waitUntil("the changed helper's routes back", async () => (await view("reader"))?.routes === 5000, {
      timeoutMs: 30_000,
    });
    const after = new Map((await list()).map((p) => [p.name, p]));
    expect([...after.keys()].sort()).toEqual(["flap", "late", "reader"]);
    expect(after.get("flap")).toMatchObject({ pid: before.get("flap")!.pid, state: "running" });
    expect(after.get("reader")!.pid).not.toBe(before.get("reader")!.pid);
    expect(alive(before.get("deaf")!.pid!)).toBe(false);
    expect(alive(before.get("reader")!.pid!)).toBe(false);
    // The unchanged helper's route was not touched: B still has it as it was.
    expect((await b.received(a.spec.address, "ipv4")).find((r) => r.prefix === "100.70.0.0/24")?.med).toBe(2);
    expect(await updatesAtB()).toBeGreaterThan(updates);
  }, 60_000);
});

describe("stopping kbgpd", () => {
  let lab: Lab;
  let child: ChildProcess | null = null;
  afterAll(() => {
    if (child && child.exitCode === null) child.kill("SIGKILL");
  });

  it("ends every helper and running check, SIGKILLing one that ignores SIGTERM, and exits by itself", async () => {
    lab = Lab.create("daemon-processes-stop");
    const dir = lab.dir;
    const stubborn = script(
      dir,
      "stubborn",
      `process.on("SIGTERM", () => fs.writeFileSync(dir + "/stubborn-got-term", ""));
fs.writeFileSync(dir + "/stubborn.pid", String(process.pid));
setInterval(() => {}, 1000);`,
    );
    const polite = script(
      dir,
      "polite",
      `fs.writeFileSync(dir + "/polite.pid", String(process.pid));\nsetInterval(() => {}, 1000);`,
    );
    const endpoint = await lab.endpoint();
    const config = join(dir, "kbgpd.yaml");
    writeFileSync(
      config,
      [
        "global:",
        "  asn: 65001",
        "  router-id: 10.255.21.1",
        `  listen: { addresses: ["${endpoint.address}"], port: ${endpoint.port} }`,
        "processes:",
        helper("stubborn", stubborn, dir),
        helper("polite", polite, dir),
        "healthchecks:",
        "  - name: hang",
        `    command: [sh, -c, "echo $$ > ${dir}/check.pid; sleep 60; true"]`,
        "    timeout: 60",
        "    prefixes: [100.90.0.0/24]",
        "",
      ].join("\n"),
    );
    const socket = join(dir, "kbgp.sock");
    child = spawn(
      process.execPath,
      [
        KBGPD,
        "--config",
        config,
        "--socket",
        socket,
        "--state-dir",
        join(dir, "state"),
        "--http-listen",
        "off",
      ],
      { stdio: ["ignore", "ignore", "inherit"] },
    );
    const pids = await waitUntil(
      "the helpers and the check to run",
      () => {
        const files = ["stubborn.pid", "polite.pid", "check.pid"].map((f) => join(dir, f));
        return files.every((f) => existsSync(f) && readFileSync(f, "utf8").trim() !== "")
          ? files.map((f) => Number(readFileSync(f, "utf8")))
          : false;
      },
      { timeoutMs: 20_000 },
    );
    await rpc(socket, "session.hello");
    for (const pid of pids) expect(alive(pid)).toBe(true);
    const exited = new Promise<[number | null, string | null]>((r) =>
      child!.once("exit", (c, s) => r([c, s])),
    );
    child.kill("SIGTERM");
    expect(await exited).toEqual([0, null]);
    expect(existsSync(join(dir, "stubborn-got-term"))).toBe(true);
    await waitUntil("every child gone", () => pids.every((p) => !alive(p)), { timeoutMs: 2000 });
  }, 40_000);
});
