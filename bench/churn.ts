/**
 * Scenario 4, churn (`node bench/run.mjs churn`, issue 8): one session stays up while N IPv4 /24s (default
 * 100,000) flap R times (default 10): every round withdraws all of them and announces them again, as fast
 * as the receiver takes them. The sender is bench/lib/raw-sender.ts: every UPDATE is encoded once with the
 * project's wire codec (about 1,000 prefixes per 4096-byte message) and the rounds are written back to back
 * with TCP's flow control as the only brake, so the receiver's processing sets the pace (BIRD toggled over
 * birdc would flap far slower than any receiver takes it). After the last round it announces one more
 * prefix, the sentinel: a receiver that holds N + 1 prefixes has processed everything before it (UPDATEs
 * are taken in order), which a count of N cannot tell from a round still in the socket buffers.
 *
 * Receivers, one at a time, fresh daemons every run, interleaved round by round: kbgpd, gobgpd 3.10, BIRD 2.
 * Measured per run: time from the first churn byte to the receiver holding the final state (settled), its
 * CPU (utime + stime from /proc) over that time, its RSS after the initial table and an idle spell and
 * again an idle spell after settling (no leak: within 5 %), its peak RSS over the churn (VmHWM reset at the
 * start through /proc/PID/clear_refs), whether the session held (the sender saw no NOTIFICATION or close,
 * and the receiver's own Established time is unchanged), and for kbgpd the largest event-loop delay, from
 * its metrics listener (nodejs_eventloop_lag_max_seconds, scraped every 500 ms).
 *
 * Usage: node churn.mjs REPO_ROOT. Progress on stderr, one JSON object on stdout; writes
 * bench/results/churn.md. Environment: KBGP_BENCH_RUNS (3), KBGP_BENCH_CHURN_PREFIXES (100000),
 * KBGP_BENCH_CHURN_ROUNDS (10), KBGP_BENCH_CHURN_CAP (seconds per phase, 120), KBGP_BENCH_CHURN_IDLE
 * (seconds before each RSS reading, 10), KBGP_BENCH_CHURN_RECEIVERS (comma list, default kbgpd,gobgpd,bird),
 * and the kbgpd knobs of the ingest bench (KBGP_BENCH_KBGPD_NODE_ARGS, KBGP_BENCH_KBGPD_ROOT).
 */
import { Lab } from "../test/interop/harness/lab.js";
import { sleep } from "../test/interop/harness/wait.js";
import {
  envInt,
  header,
  interleaved,
  load1,
  loadAverages,
  now,
  publish,
  startBench,
} from "./lib/bench-run.js";
import type { ReceiverName } from "./lib/ingest-daemons.js";
import {
  cell,
  check,
  type KbgpdRatios,
  kbgpdRatios,
  ratioRows,
  resultsMarkdown,
  type Stat,
  type SummaryOf,
  summariesOf,
} from "./lib/ingest-report.js";
import {
  cpuSeconds,
  LagWatch,
  mb,
  metricValue,
  resetPeakRss,
  round,
  scrape,
  statusKB,
} from "./lib/measure.js";
import { type Fed, loadTable, senderRoutes, startFed, stopFed, waitCount } from "./lib/raw-feed.js";
import { chunks } from "./lib/raw-sender.js";

const bench = await startBench("churn", "KBGP_BENCH_CHURN_RECEIVERS");
const { root, log, runs: RUNS, daemons: RECEIVERS } = bench;
const N = envInt("KBGP_BENCH_CHURN_PREFIXES", 100_000);
const ROUNDS = envInt("KBGP_BENCH_CHURN_ROUNDS", 10);
const CAP = envInt("KBGP_BENCH_CHURN_CAP", 120);
// Long enough for a daemon to hand back what a burst grew its heap by: kbgpd collects at idle, the second
// time about 6 s after the burst (daemon/idle-collect.ts); at 3 s its ratio read 1.25–1.48.
const IDLE = envInt("KBGP_BENCH_CHURN_IDLE", 10);

const table = senderRoutes(0, N);
const announce = chunks(table.announce);
const round1 = [...chunks(table.withdraw), ...announce];
const sentinel = senderRoutes(N, 1).announce;

interface ChurnRun {
  receiver: ReceiverName;
  run: number;
  load1: number;
  /** Established → the initial N prefixes held. */
  loadSeconds: number | null;
  /** First churn byte → the last handed to the kernel (the receiver's reading pace, through TCP). */
  writeSeconds: number | null;
  /** First churn byte → the receiver holds the final state (N + the sentinel). */
  seconds: number | null;
  /** Withdrawals and announcements per second of `seconds` (2 × N × rounds + 1 of them). */
  changesPerSecond: number | null;
  cpuSeconds: number | null;
  /** VmRSS after the initial table and IDLE s, and IDLE s after settling. */
  rssBeforeMB: number | null;
  rssAfterMB: number | null;
  rssAfterOverBefore: number | null;
  /** kbgpd: V8 heap in use (nodejs_heap_size_used_bytes) when each RSS was read: whether what RSS kept is
   *  live objects or room the heap grew and has not given back. */
  heapUsedBeforeMB: number | null;
  heapUsedAfterMB: number | null;
  /** VmHWM since the churn started. */
  peakRssMB: number | null;
  /** kbgpd: largest event-loop delay over the churn, and the slowest metrics scrape. */
  lagMaxMs: number | null;
  slowestScrapeMs: number | null;
  /** Fewest prefixes a probe saw held during the churn. */
  minHeld: number | null;
  /** The sender saw no NOTIFICATION or close, and the receiver still reports the session Established. */
  sessionHeld: boolean | null;
  /** The receiver's own Established time is the one before the churn (kbgpd, BIRD; gobgpd does not say). */
  uptimeKept: boolean | null;
  error?: string;
}

const heapUsedMB = async (f: Fed): Promise<number | null> => {
  if (!f.receiver.metricsUrl) return null;
  const v = metricValue(await scrape(f.receiver.metricsUrl), "nodejs_heap_size_used_bytes");
  return v === null ? null : round(v / 1e6, 1);
};

async function oneRun(name: ReceiverName, index: number): Promise<ChurnRun> {
  const lab = Lab.create(`churn-${name}`);
  const r: ChurnRun = {
    receiver: name,
    run: index,
    load1: load1(),
    loadSeconds: null,
    writeSeconds: null,
    seconds: null,
    changesPerSecond: null,
    cpuSeconds: null,
    rssBeforeMB: null,
    rssAfterMB: null,
    rssAfterOverBefore: null,
    heapUsedBeforeMB: null,
    heapUsedAfterMB: null,
    peakRssMB: null,
    lagMaxMs: null,
    slowestScrapeMs: null,
    minHeld: null,
    sessionHeld: null,
    uptimeKept: null,
  };
  let fed: Partial<Fed> = {};
  let lag: LagWatch | undefined;
  try {
    const f = await startFed(name, lab, root, { metrics: true }, (x) => {
      fed = x;
    });
    fed = f;
    const pid = f.receiver.pid;
    r.loadSeconds = round(await loadTable(f, announce, N, CAP));

    await sleep(IDLE * 1000);
    r.rssBeforeMB = mb(statusKB(pid, "VmRSS"));
    r.heapUsedBeforeMB = await heapUsedMB(f);
    const upBefore = (await f.receiver.probe()).upSinceMs;
    if (!resetPeakRss(pid)) log("  could not reset VmHWM: peak RSS is the process's lifetime peak");
    const cpu0 = cpuSeconds(pid);
    if (f.receiver.metricsUrl) lag = await LagWatch.start(f.receiver.metricsUrl);

    const t1 = now();
    let min = N;
    let writeError: Error | undefined;
    const writing = (async () => {
      for (let i = 0; i < ROUNDS; i++) await f.sender.send(round1, (t1 + CAP - now()) * 1000);
      await f.sender.send([sentinel], (t1 + CAP - now()) * 1000);
      r.writeSeconds = round(now() - t1);
    })().catch((e: Error) => {
      writeError = e;
    });
    const settled = await waitCount(f, N + 1, t1 + CAP, (held) => {
      min = Math.min(min, held);
    });
    if (writeError) throw writeError;
    const cpu1 = cpuSeconds(pid);
    r.peakRssMB = mb(statusKB(pid, "VmHWM"));
    r.minHeld = min;
    if (lag) {
      const l = await lag.stop();
      lag = undefined;
      r.lagMaxMs = round(l.maxSeconds * 1000, 1);
      r.slowestScrapeMs = round(l.slowestScrapeSeconds * 1000, 1);
    }
    if (settled === null) {
      r.error = `not settled within ${CAP} s (held ${min} at the fewest; ${f.sender.bytesSent} bytes written)`;
      return r;
    }
    await writing;
    r.seconds = round(settled - t1);
    r.changesPerSecond = Math.round((2 * N * ROUNDS + 1) / (settled - t1));
    r.cpuSeconds = cpu0 === null || cpu1 === null ? null : round(cpu1 - cpu0, 2);

    await sleep(IDLE * 1000);
    r.rssAfterMB = mb(statusKB(pid, "VmRSS"));
    r.heapUsedAfterMB = await heapUsedMB(f);
    if (r.rssBeforeMB && r.rssAfterMB) r.rssAfterOverBefore = round(r.rssAfterMB / r.rssBeforeMB, 3);
    const after = await f.receiver.probe();
    r.sessionHeld = f.sender.down === undefined && after.established;
    // Within half a second: BIRD prints its stored (monotonic) times as times of day a few ms apart from one
    // command to the next; a reset would come up again a second or more later.
    r.uptimeKept =
      upBefore === undefined
        ? null
        : after.upSinceMs !== undefined && Math.abs(after.upSinceMs - upBefore) < 500;
  } catch (err) {
    r.error = err instanceof Error ? err.message : String(err);
  } finally {
    await lag?.stop();
    await stopFed(fed, lab, log);
  }
  return r;
}

const METRICS = [
  "seconds",
  "writeSeconds",
  "changesPerSecond",
  "cpuSeconds",
  "rssBeforeMB",
  "rssAfterMB",
  "rssAfterOverBefore",
  "heapUsedBeforeMB",
  "heapUsedAfterMB",
  "peakRssMB",
  "lagMaxMs",
  "loadSeconds",
  "load1",
] as const;
type Summary = SummaryOf<(typeof METRICS)[number]>;

const RATIO_METRICS = ["seconds", "cpuSeconds", "peakRssMB"] as const;

function markdown(
  summaries: Partial<Record<ReceiverName, Summary>>,
  ratios: KbgpdRatios<(typeof RATIO_METRICS)[number]>,
  runs: ChurnRun[],
  head: string,
): string {
  const held = (name: string) => {
    const rs = runs.filter((x) => x.receiver === name && x.sessionHeld !== null);
    return `${rs.filter((x) => x.sessionHeld && x.uptimeKept !== false).length}/${rs.length}`;
  };
  const ms = (s: Stat | null) => cell(s, 0);
  const k = summaries.kbgpd;
  const drops = runs.filter(
    (x) => x.receiver === "kbgpd" && (x.sessionHeld === false || x.uptimeKept === false),
  );
  return resultsMarkdown({
    head,
    columns: [
      "receiver",
      "runs done",
      "churn → settled, s",
      "writing, s",
      "changes/s",
      "CPU s",
      "RSS before, MB",
      "RSS after, MB",
      "after / before",
      "heap used before → after, MB",
      "peak RSS, MB",
      "event-loop lag max, ms",
      "session held",
      "load (1 min)",
    ],
    rows: Object.entries(summaries).map(([name, s]) => [
      name,
      `${s!.completed}/${s!.runs}`,
      cell(s!.seconds),
      cell(s!.writeSeconds),
      ms(s!.changesPerSecond),
      cell(s!.cpuSeconds),
      ms(s!.rssBeforeMB),
      ms(s!.rssAfterMB),
      cell(s!.rssAfterOverBefore, 3),
      name === "kbgpd" ? `${ms(s!.heapUsedBeforeMB)} → ${ms(s!.heapUsedAfterMB)}` : "–",
      ms(s!.peakRssMB),
      name === "kbgpd" ? ms(s!.lagMaxMs) : "–",
      held(name),
      cell(s!.load1),
    ]),
    note: "median (min–max) over the completed runs (a failed run's figures are in the JSON)",
    ratios: ratioRows(ratios, RATIO_METRICS, ["time to settle", "CPU", "peak RSS"]),
    checks: [
      check(
        "largest event-loop delay over the churn, ms (worst run)",
        "≤ 200",
        k?.lagMaxMs?.max,
        (x) => x <= 200,
      ),
      check(
        "RSS after settling over before (worst run)",
        "≤ 1.05",
        k?.rssAfterOverBefore?.max,
        (x) => x <= 1.05,
      ),
      check("session drops", "0", k ? drops.length : null, (x) => x === 0),
    ],
  });
}

const loadStart = loadAverages();
log(
  `${N} prefixes × ${ROUNDS} rounds; a round is ${table.announceMessages + table.withdrawMessages} UPDATEs, ` +
    `${round((table.announce.length + table.withdraw.length) / 1e6, 2)} MB`,
);
const runs = await interleaved(RECEIVERS, RUNS, oneRun, log, (x) =>
  x.error
    ? `FAILED: ${x.error.split("\n")[0]}`
    : `settled in ${x.seconds} s (${x.changesPerSecond}/s), ${x.cpuSeconds} CPU s, RSS ${x.rssBeforeMB} → ${x.rssAfterMB} MB, peak ${x.peakRssMB} MB` +
      (x.lagMaxMs === null ? "" : `, lag max ${x.lagMaxMs} ms`) +
      (x.sessionHeld ? "" : ", SESSION DROPPED"),
);
const summaries = summariesOf(
  RECEIVERS,
  runs,
  (x) => x.receiver,
  METRICS,
  (x) => x.seconds !== null && x.error === undefined,
  true,
);
const ratios = kbgpdRatios(summaries, RATIO_METRICS);
const loadEnd = loadAverages();
const title = `Churn, ${N} IPv4 prefixes withdrawn and announced ${ROUNDS} times, ${RUNS} run(s) per receiver`;
publish(bench, "churn", markdown(summaries, ratios, runs, header(title, loadStart, loadEnd)), {
  scenario:
    "churn: a raw sender (bench/lib/raw-sender.ts) withdraws and re-announces N IPv4 /24s R times over one session",
  prefixes: N,
  rounds: ROUNDS,
  updatesPerRound: table.announceMessages + table.withdrawMessages,
  runsPerReceiver: RUNS,
  capSeconds: CAP,
  idleSeconds: IDLE,
  loadavg: { start: loadStart, end: loadEnd },
  summaries,
  ratios,
  runs,
});
