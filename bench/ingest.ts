/**
 * Scenario 1, full-table ingest (`node bench/run.mjs ingest`, issue 8): a BIRD 2 sender holding N4 IPv4 /24s
 * and N6 IPv6 /48s as static routes (default 1,000,000 and 200,000) peers over loopback with the receiver
 * under test — kbgpd, gobgpd 3.10, and BIRD 2 itself — one at a time, fresh daemons (sender included) every
 * run, runs interleaved round by round so that load on the shared machine hits every receiver alike.
 * Measured per run, from the first probe that sees the session Established until the first that sees every
 * prefix: wall time, the receiver's CPU (utime + stime from /proc/PID/stat) and its peak RSS (VmHWM).
 * The sender is woken with `birdc show status` every 100 ms during the ingest: BIRD 2.0.12 holds its last
 * partial batch until its poll loop times out (up to about 3 s), which would otherwise land on every
 * receiver's time.
 *
 * Usage: node ingest.mjs REPO_ROOT. Progress on stderr, one JSON object on stdout; writes
 * bench/results/ingest.md. Environment: KBGP_BENCH_RUNS (3), KBGP_BENCH_INGEST_V4 (1000000),
 * KBGP_BENCH_INGEST_V6 (200000), KBGP_BENCH_INGEST_CAP (seconds per run from Established, 120),
 * KBGP_BENCH_INGEST_RECEIVERS (comma list, default kbgpd,gobgpd,bird), KBGP_BENCH_KBGPD_NODE_ARGS (extra
 * Node options for kbgpd, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"), KBGP_BENCH_KBGPD_ROOT (another built
 * checkout's kbgpd, for before/after comparisons).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { type Endpoint, Lab } from "../test/interop/harness/lab.js";
import { run } from "../test/interop/harness/proc.js";
import { sleep, waitUntil } from "../test/interop/harness/wait.js";
import {
  type Receiver,
  type ReceiverName,
  type Sender,
  startBirdReceiver,
  startGobgpd,
  startKbgpd,
  startSender,
} from "./lib/ingest-daemons.js";
import { markdown, type RunResult, ratios, type Summary, summarize, targets } from "./lib/ingest-report.js";
import { cpuSeconds, mb, ProcSampler, round, statusKB } from "./lib/measure.js";
import { BIRD, GOBGP, requirePeerTools } from "./lib/peers.js";
import { writeStaticRoutes } from "./lib/static-routes.js";

const root = process.argv[2];
if (!root) throw new Error("usage: ingest.mjs REPO_ROOT");
const envInt = (name: string, fallback: number): number => {
  const v = Number(process.env[name]);
  return Number.isInteger(v) && v > 0 ? v : fallback;
};
const N4 = envInt("KBGP_BENCH_INGEST_V4", 1_000_000);
const N6 = envInt("KBGP_BENCH_INGEST_V6", 200_000);
const TOTAL = N4 + N6;
const RUNS = envInt("KBGP_BENCH_RUNS", 3);
const CAP = envInt("KBGP_BENCH_INGEST_CAP", 120);
const ALL: ReceiverName[] = ["kbgpd", "gobgpd", "bird"];
const RECEIVERS = (process.env.KBGP_BENCH_INGEST_RECEIVERS?.split(",") ?? ALL).map((s) => s.trim());
for (const r of RECEIVERS)
  if (!ALL.includes(r as ReceiverName)) throw new Error(`unknown receiver '${r}' (${ALL.join(", ")})`);
/** Probe intervals: cheap probes often; `gobgp neighbor` costs ~20 ms of CPU on a 2-CPU machine, and
 *  gobgpd takes tens of seconds, so a quarter second is well under 1 % of its time. */
const INTERVAL_MS: Record<ReceiverName, number> = { kbgpd: 50, gobgpd: 250, bird: 50 };
const ESTABLISH_TIMEOUT_MS = 30_000;
const SENDER_LOAD_TIMEOUT_MS = 180_000;

const now = (): number => Number(process.hrtime.bigint()) / 1e9;
const started = now();
const log = (msg: string): void => {
  process.stderr.write(`[ingest bench ${(now() - started).toFixed(0).padStart(4)} s] ${msg}\n`);
};

requirePeerTools();
const versions = {
  gobgp: (await run(GOBGP, ["--version"])).stdout.trim(),
  bird: await run(BIRD, ["--version"]).then((r) => (r.stderr || r.stdout).trim()),
  kbgp: (await run(process.execPath, [join(root, "bin/kbgp.cjs"), "version"])).stdout.trim(),
};

const work = mkdtempSync(join(tmpdir(), "kbgp-bench-ingest-"));
const v4File = join(work, "static4.conf");
const v6File = join(work, "static6.conf");
process.once("SIGINT", () => process.exit(130));
process.once("SIGTERM", () => process.exit(143));

/** Thins [t, count] samples to at most `max` points, keeping the first and the last. */
const thin = (xs: [number, number][], max = 40): [number, number][] =>
  xs.length <= max ? xs : xs.filter((_, i) => i === xs.length - 1 || i % Math.ceil(xs.length / max) === 0);

function startReceiver(name: ReceiverName, lab: Lab, self: Endpoint, sender: Endpoint): Promise<Receiver> {
  if (name === "kbgpd") return startKbgpd(lab, root!, self, sender);
  if (name === "gobgpd") return startGobgpd(lab, self, sender);
  return startBirdReceiver(lab, self, sender);
}

async function oneRun(name: ReceiverName, index: number): Promise<RunResult> {
  const lab = Lab.create(`ingest-${name}`);
  const load1 = round(loadavg()[0]!, 2);
  let sender: Sender | undefined;
  let receiver: Receiver | undefined;
  const samplers: ProcSampler[] = [];
  const result: RunResult = {
    receiver: name,
    run: index,
    load1,
    senderLoadSeconds: 0,
    establishedAfterSeconds: null,
    establishedSeenLateSeconds: null,
    seconds: null,
    seconds99: null,
    peakRssMB: null,
    rssAtEstablishedMB: null,
    cpuSeconds: null,
    cpuSecondsSinceStart: null,
    senderCpuSeconds: null,
    prefixes: 0,
    polls: 0,
    progress: [],
  };
  try {
    const senderAt = await lab.endpoint();
    const receiverAt = await lab.endpoint();
    const t = now();
    const s = await startSender(lab, senderAt, receiverAt, v4File, v6File);
    sender = s;
    await waitUntil(`the sender to load ${TOTAL} static routes`, async () => (await s.loaded()) === TOTAL, {
      timeoutMs: SENDER_LOAD_TIMEOUT_MS,
      intervalMs: 250,
      abort: () => (s.daemon.running ? undefined : `the sender ${s.daemon.exitDescription}`),
    });
    result.senderLoadSeconds = round(now() - t, 2);

    const t0 = now();
    const r = await startReceiver(name, lab, receiverAt, senderAt);
    receiver = r;
    const rp = new ProcSampler(r.pid, now);
    const sp = new ProcSampler(s.pid, now);
    samplers.push(rp, sp);
    const alive = (): string | undefined =>
      !r.daemon.running
        ? `${name} ${r.daemon.exitDescription}`
        : !s.daemon.running
          ? `the sender ${s.daemon.exitDescription}`
          : undefined;
    const up = await waitUntil(
      `${name} to reach Established`,
      async () => {
        const p = await r.probe();
        return p.established ? p : undefined;
      },
      { timeoutMs: ESTABLISH_TIMEOUT_MS, intervalMs: 50, abort: alive, detail: () => r.daemon.logTail() },
    );
    // Established by the daemon's own clock where it tells (the same host clock as Date.now()), else when
    // the probe saw it.
    const seen = now();
    const tEst =
      up.upSinceMs === undefined ? seen : Math.min(seen, seen - (Date.now() - up.upSinceMs) / 1000);
    result.establishedSeenLateSeconds = round(seen - tEst);
    result.establishedAfterSeconds = round(tEst - t0);
    result.rssAtEstablishedMB = mb(rp.at(tEst)?.rssKB ?? null);
    const cpuEst = rp.at(tEst)?.cpu ?? null;
    const senderCpuEst = sp.at(tEst)?.cpu ?? null;

    // Wake the sender every 100 ms until the ingest ends (bounded by the cap as well).
    let ingesting = true;
    const waker = (async () => {
      for (let i = 0; ingesting && i < CAP * 10 + 10; i++) {
        await s.wake();
        await sleep(100);
      }
    })();
    const progress: [number, number][] = [];
    try {
      for (;;) {
        const why = alive();
        if (why) throw new Error(`${why} during the ingest\n${r.daemon.logTail()}`);
        let count = -1;
        try {
          count = (await r.probe()).count;
        } catch {
          // a probe that timed out under load: try again
        }
        const at = now() - tEst;
        result.polls++;
        if (count >= 0) progress.push([round(at), count]);
        if (count >= TOTAL * 0.99 && result.seconds99 === null) result.seconds99 = round(at);
        if (count >= TOTAL) {
          result.seconds = round(at);
          break;
        }
        if (at > CAP) break;
        await sleep(INTERVAL_MS[name]);
      }
    } finally {
      ingesting = false;
      await waker;
    }
    rp.stop();
    sp.stop();
    const cpuDone = cpuSeconds(r.pid);
    const senderCpuDone = cpuSeconds(s.pid);
    result.peakRssMB = mb(statusKB(r.pid, "VmHWM"));
    result.cpuSeconds = cpuDone === null || cpuEst === null ? null : round(cpuDone - cpuEst, 2);
    result.cpuSecondsSinceStart = cpuDone === null ? null : round(cpuDone, 2);
    result.senderCpuSeconds =
      senderCpuDone === null || senderCpuEst === null ? null : round(senderCpuDone - senderCpuEst, 2);
    result.prefixes = progress.at(-1)?.[1] ?? 0;
    result.progress = thin(progress);
    if (result.seconds === null) result.error = `held ${result.prefixes} of ${TOTAL} prefixes after ${CAP} s`;
  } catch (err) {
    result.error = err instanceof Error ? err.message : String(err);
  } finally {
    for (const p of samplers) p.stop();
    receiver?.close();
    // The receiver first, gracefully (kbgpd writes a CPU profile, if asked for one, on its way out).
    for (const d of [receiver, sender]) await d?.daemon.terminate(10_000).catch(() => undefined);
    await lab.close().catch((e) => log(`lab teardown: ${e instanceof Error ? e.message : e}`));
  }
  return result;
}

try {
  log(`writing ${N4} IPv4 and ${N6} IPv6 static routes into ${work}`);
  writeStaticRoutes(v4File, N4, v6File, N6);
  const loadStart = loadavg().map((x) => round(x, 2));
  const runs: RunResult[] = [];
  for (let i = 0; i < RUNS; i++) {
    // Rotate the order each round so that no receiver always runs first after a quiet spell.
    for (let k = 0; k < RECEIVERS.length; k++) {
      const name = RECEIVERS[(k + i) % RECEIVERS.length] as ReceiverName;
      log(`run ${i + 1}/${RUNS}: ${name} (load ${loadavg()[0]!.toFixed(2)})`);
      const r = await oneRun(name, i + 1);
      runs.push(r);
      log(
        r.error
          ? `  ${name}: FAILED: ${r.error.split("\n")[0]}`
          : `  ${name}: ${r.seconds} s, ${r.peakRssMB} MB, ${r.cpuSeconds} CPU s (sender loaded in ${r.senderLoadSeconds} s)`,
      );
    }
  }
  const summaries: Partial<Record<ReceiverName, Summary>> = {};
  for (const name of RECEIVERS as ReceiverName[])
    summaries[name] = summarize(runs.filter((r) => r.receiver === name));
  const ratioTable = {
    gobgpd: ratios(summaries.kbgpd, summaries.gobgpd),
    bird: ratios(summaries.kbgpd, summaries.bird),
  };
  const fullTable = N4 === 1_000_000 && N6 === 200_000;
  const checks = fullTable ? targets(summaries) : [];
  const loadEnd = loadavg().map((x) => round(x, 2));
  const header =
    `Full-table ingest, ${N4} IPv4 + ${N6} IPv6 prefixes, ${RUNS} run(s) per receiver, ` +
    `${new Date().toISOString()}, ${cpus().length} × ${cpus()[0]?.model ?? "?"}, ` +
    `load average ${loadStart.join(" ")} at the start and ${loadEnd.join(" ")} at the end`;
  const md = markdown(summaries, ratioTable, checks, header);
  writeFileSync(join(root, "bench/results/ingest.md"), md);
  process.stderr.write(`\n${md}\n`);
  const result = {
    scenario: "full-table ingest: BIRD 2 sender → receiver over loopback, IPv4 + IPv6 on one IPv4 session",
    prefixes: { ipv4: N4, ipv6: N6, total: TOTAL },
    runsPerReceiver: RUNS,
    capSeconds: CAP,
    probeIntervalMs: INTERVAL_MS,
    versions,
    loadavg: { start: loadStart, end: loadEnd },
    benchSeconds: round(now() - started, 1),
    summaries,
    ratios: { meaning: "kbgpd median / other median (below 1: kbgpd better)", ...ratioTable },
    targets: fullTable ? checks : "the issue's targets are for the full table (1M IPv4 + 200k IPv6) only",
    runs,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
