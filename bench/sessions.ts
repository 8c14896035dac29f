/**
 * Scenario 5, scale of sessions (`node bench/run.mjs sessions`, issue 8): P peers (default 200), each from
 * its own loopback address, connect within a second (evenly spread; KBGP_BENCH_SESSIONS_SPREAD_MS=0 for all
 * in one instant, where BIRD's listen backlog of 8 makes the kernel drop SYNs that TCP retries after 1, 3,
 * 7 … s) to the daemon under test — kbgpd, gobgpd 3.10 or BIRD 2, fresh every run, runs interleaved round by
 * round — and each announces K prefixes of its own (default 1,000: peer i sends /24s i·K … i·K + K − 1).
 * Measured from the moment the peers start connecting until every
 * session is Established and the daemon holds all P·K prefixes: wall time, the daemon's CPU (utime + stime
 * from /proc), its peak RSS (VmHWM; the daemon is fresh, so that is its peak over start-up and the run), for
 * kbgpd the largest event-loop delay (its metrics listener), and that no session dropped (none of the peers
 * saw a NOTIFICATION or a close, and after a few seconds more the daemon itself still counts P sessions
 * Established and holds every prefix).
 *
 * The peers are bench/lib/sender-pool.ts: raw senders in this process, one socket each, bound to its own
 * address, UPDATEs pre-encoded with the project's wire codec. Not BIRD: one BIRD process runs only one
 * protocol at a time towards one neighbor address and port (bench/lib/bird-peers.ts), and 200 BIRD processes
 * would cost more than the daemon under test. A peer's whole work is an OPEN, a KEEPALIVE and two UPDATEs;
 * the bench reports its own CPU (the senders and every probe) beside the daemon's.
 *
 * The sessions are iBGP (the peers in the daemon's AS; their routes carry LOCAL_PREF 100 and AS_PATH 65002,
 * learnt from outside): a daemon does not pass iBGP-learnt routes to its other iBGP peers, so what is measured
 * is taking in P sessions and their routes. Over eBGP every daemon would also send each peer the other
 * peers' routes, P·(P − 1)·K of them (40 million at the defaults): scenario 3 (fan-out) measures that.
 *
 * Probes: kbgpd's `rib.summary` (O(1)) on one persistent control connection every 50 ms; `gobgp neighbor`
 * (the Accepted column, summed) every 250 ms; BIRD's `show protocols all NAME` for each protocol not yet
 * complete, pipelined on one control connection, every 100 ms. Established is the peers' own view.
 *
 * Usage: node sessions.mjs REPO_ROOT. Progress on stderr, one JSON object on stdout; writes
 * bench/results/sessions.md. Environment: KBGP_BENCH_RUNS (3), KBGP_BENCH_SESSIONS_PEERS (200),
 * KBGP_BENCH_SESSIONS_PREFIXES (per peer, 1000), KBGP_BENCH_SESSIONS_CAP (seconds per run, 300),
 * KBGP_BENCH_SESSIONS_SETTLE (seconds watched after done, 3), KBGP_BENCH_SESSIONS_SPREAD_MS (1000),
 * KBGP_BENCH_SESSIONS_DAEMONS (comma list, default kbgpd,gobgpd,bird), and the kbgpd knobs of the ingest
 * bench.
 */
import type { Endpoint } from "../test/interop/harness/lab.js";
import { Lab } from "../test/interop/harness/lab.js";
import { sleep, waitUntil } from "../test/interop/harness/wait.js";
import {
  envInt,
  header,
  interleaved,
  load1,
  loadAverages,
  now,
  publish,
  startBench,
  thin,
} from "./lib/bench-run.js";
import { BirdControl } from "./lib/bird-control.js";
import { BirdProtocols } from "./lib/bird-peers.js";
import {
  gobgpNeighbors,
  kbgpdDestinations,
  NEXT_HOP_4,
  RECEIVER_AS,
  type ReceiverName,
  SENDER_AS,
  type Started,
  startDaemon,
} from "./lib/ingest-daemons.js";
import {
  cell,
  daemonTable,
  type KbgpdRatios,
  ratioRows,
  resultsMarkdown,
  type SummaryOf,
  scaleChecks,
  summariesAndRatios,
} from "./lib/ingest-report.js";
import { cpuSeconds, LagWatch, mb, round, statusKB } from "./lib/measure.js";
import { PROBE_INTERVAL_MS } from "./lib/raw-feed.js";
import { chunks, encodeV4Routes } from "./lib/raw-sender.js";
import { SenderPool } from "./lib/sender-pool.js";

const bench = await startBench("sessions", "KBGP_BENCH_SESSIONS_DAEMONS");
const { root, log, runs: RUNS, daemons: DAEMONS } = bench;
const PEERS = envInt("KBGP_BENCH_SESSIONS_PEERS", 200);
const K = envInt("KBGP_BENCH_SESSIONS_PREFIXES", 1000);
const CAP = envInt("KBGP_BENCH_SESSIONS_CAP", 300);
const SETTLE = envInt("KBGP_BENCH_SESSIONS_SETTLE", 3);
/** The peers' connects spread evenly over this many ms ("0": all in the same instant). */
const SPREAD_MS =
  process.env.KBGP_BENCH_SESSIONS_SPREAD_MS === "0" ? 0 : envInt("KBGP_BENCH_SESSIONS_SPREAD_MS", 1000);
const TOTAL = PEERS * K;
if (TOTAL > 1 << 20) throw new Error("at most 2^20 prefixes in all (inputs.ts's /24s from 11.0.0.0)");
/** BIRD receives only here; its probe is per protocol, so not every 50 ms. */
const PROBE_MS: Record<ReceiverName, number> = { ...PROBE_INTERVAL_MS, bird: 100 };

/** Each peer's announcements, encoded once. */
const tables = Array.from({ length: PEERS }, (_, i) =>
  chunks(encodeV4Routes(i * K, K, SENDER_AS, NEXT_HOP_4, 100).announce),
);

interface SessionsRun {
  daemon: ReceiverName;
  run: number;
  load1: number;
  /** Daemon spawned → it answers and knows every neighbor (not part of the scenario's time). */
  startSeconds: number | null;
  /** Peers start connecting → every session Established and every prefix held. */
  seconds: number | null;
  /** Peers start → the first and the last session Established (the peers' view). */
  firstEstablishedSeconds: number | null;
  allEstablishedSeconds: number | null;
  /** Peers start → the first probe that saw every prefix held. */
  heldSeconds: number | null;
  /** VmRSS when the peers start; VmHWM when done; VmRSS after the settle. */
  rssReadyMB: number | null;
  peakRssMB: number | null;
  rssEndMB: number | null;
  /** The daemon's utime + stime from the peers' start to done. */
  cpuSeconds: number | null;
  /** This process's CPU over the same time: the P senders and every probe. */
  benchCpuSeconds: number | null;
  /** kbgpd: largest event-loop delay from the peers' start to the end of the settle (a metrics scrape
   *  unanswered for 10 s counts as a delay that long: measure.ts's LagWatch), and the scrapes that failed. */
  lagMaxMs: number | null;
  lagScrapeFailures: number | null;
  /** Sessions that failed before Established and were tried again 1 s later (sender-pool.ts), and why. */
  retries: number;
  retryReasons: Record<string, number>;
  /** After the settle: sessions the daemon counts Established, and prefixes it holds. */
  upAtEnd: number | null;
  heldAtEnd: number | null;
  /** [seconds after the start, sessions Established, prefixes held]. */
  progress: [number, number, number][];
  error?: string;
}

/** What the bench reads from the daemon under test: prefixes held in all, sessions Established. */
interface Watch {
  /** Every neighbor configured (the daemon has read its configuration). */
  ready(): Promise<boolean>;
  held(): Promise<number>;
  up(): Promise<number>;
  close(): void;
}

async function watch(d: Started): Promise<Watch> {
  if (d.name === "kbgpd") {
    const states = async () =>
      (await d.client.call<{ neighbors: { state: string }[] }>("neighbor.list")).neighbors.map(
        (n) => n.state,
      );
    return {
      ready: async () => {
        // /readyz answers 200 once every BGP listener is up (docs/metrics.md).
        const res = await fetch(d.metricsUrl!.replace(/metrics$/, "readyz")).catch(() => null);
        return res?.status === 200 && (await states()).length === PEERS;
      },
      held: () => kbgpdDestinations(d.client),
      up: async () => (await states()).filter((s) => s === "established").length,
      close: () => d.client.close(),
    };
  }
  if (d.name === "gobgpd")
    return {
      ready: async () => (await gobgpNeighbors(d.target)).length === PEERS,
      held: async () => (await gobgpNeighbors(d.target)).reduce((n, x) => n + x.accepted, 0),
      up: async () => (await gobgpNeighbors(d.target)).filter((x) => x.established).length,
      close: () => {},
    };
  const control = await BirdControl.connect(d.socket);
  const protocols = new BirdProtocols(
    control,
    Array.from({ length: PEERS }, (_, i) => `n${i + 1}`),
    K,
  );
  return {
    ready: async () => (await control.cmd("show protocols")).split(/\bBGP\b/).length - 1 === PEERS,
    held: async () => {
      await protocols.probe();
      return protocols.held;
    },
    up: () => protocols.established(),
    close: () => control.close(),
  };
}

async function oneRun(name: ReceiverName, index: number): Promise<SessionsRun> {
  const lab = Lab.create(`sessions-${name}`);
  const r: SessionsRun = {
    daemon: name,
    run: index,
    load1: load1(),
    startSeconds: null,
    seconds: null,
    firstEstablishedSeconds: null,
    allEstablishedSeconds: null,
    heldSeconds: null,
    rssReadyMB: null,
    peakRssMB: null,
    rssEndMB: null,
    cpuSeconds: null,
    benchCpuSeconds: null,
    lagMaxMs: null,
    lagScrapeFailures: null,
    retries: 0,
    retryReasons: {},
    upAtEnd: null,
    heldAtEnd: null,
    progress: [],
  };
  let d: Started | undefined;
  let w: Watch | undefined;
  let pool: SenderPool | undefined;
  let lag: LagWatch | undefined;
  try {
    const self = await lab.endpoint();
    const peers: Endpoint[] = [];
    for (let i = 0; i < PEERS; i++) peers.push(await lab.endpoint());
    const httpListen =
      name === "kbgpd" ? { address: self.address, port: await lab.port(self.address) } : undefined;
    const spawned = now();
    d = await startDaemon(name, lab, root, {
      self,
      neighbors: peers.map((endpoint) => ({ endpoint, asn: RECEIVER_AS, passive: true, direction: "in" })),
      ...(httpListen ? { httpListen } : {}),
    });
    const started = d;
    const wd = await watch(started);
    w = wd;
    const alive = () => (started.daemon.running ? undefined : `${name} ${started.daemon.exitDescription}`);
    await waitUntil(`${name} to know its ${PEERS} neighbors`, () => wd.ready(), {
      timeoutMs: 30_000,
      intervalMs: 50,
      abort: alive,
      detail: () => started.daemon.logTail(),
    });
    r.startSeconds = round(now() - spawned, 2);
    const pid = started.pid;
    r.rssReadyMB = mb(statusKB(pid, "VmRSS"));
    if (started.name === "kbgpd" && started.metricsUrl) lag = await LagWatch.start(started.metricsUrl);

    const cpu0 = cpuSeconds(pid);
    const bench0 = process.cpuUsage();
    const t0 = now();
    const t0ms = Date.now();
    const p = SenderPool.start(
      peers.map((e, i) => ({ address: e.address, table: tables[i]! })),
      self,
      { asn: RECEIVER_AS },
      t0ms + CAP * 1000,
      SPREAD_MS,
    );
    pool = p;
    const progress: [number, number, number][] = [];
    let held = 0;
    for (;;) {
      const why = alive() ?? p.problems()[0];
      if (why) throw new Error(`${why}\n${started.daemon.logTail()}`);
      try {
        held = await wd.held();
      } catch {
        // a probe that timed out under load: try again
      }
      const at = now() - t0;
      progress.push([round(at), p.established, held]);
      if (held >= TOTAL && r.heldSeconds === null) r.heldSeconds = round(at);
      if (held >= TOTAL && p.established === PEERS) break;
      if (at > CAP) break;
      await sleep(PROBE_MS[name]);
    }
    const done = now();
    const cpu1 = cpuSeconds(pid);
    const benchCpu = process.cpuUsage(bench0);
    r.peakRssMB = mb(statusKB(pid, "VmHWM"));
    r.cpuSeconds = cpu0 === null || cpu1 === null ? null : round(cpu1 - cpu0, 2);
    r.benchCpuSeconds = round((benchCpu.user + benchCpu.system) / 1e6, 2);
    r.retries = p.retries;
    r.retryReasons = Object.fromEntries(p.retryReasons);
    const ests = p.establishedAt.filter((x): x is number => x !== undefined);
    if (ests.length) {
      r.firstEstablishedSeconds = round((Math.min(...ests) - t0ms) / 1000);
      if (ests.length === PEERS) r.allEstablishedSeconds = round((Math.max(...ests) - t0ms) / 1000);
    }
    r.progress = thin(progress);
    if (held < TOTAL || p.established < PEERS) {
      r.error = `after ${CAP} s: ${p.established} of ${PEERS} sessions Established, ${held} of ${TOTAL} prefixes held`;
      return r;
    }
    r.seconds = round(done - t0);

    // The settle: every session must still stand a few seconds later, by both ends' account.
    await sleep(SETTLE * 1000);
    r.upAtEnd = await wd.up();
    r.heldAtEnd = await wd.held();
    r.rssEndMB = mb(statusKB(pid, "VmRSS"));
    if (lag) {
      const l = await lag.stop();
      lag = undefined;
      r.lagMaxMs = round(l.maxSeconds * 1000, 1);
      r.lagScrapeFailures = l.failures;
    }
    const dropped = p.problems();
    if (dropped.length || r.upAtEnd !== PEERS || r.heldAtEnd !== TOTAL)
      r.error =
        `after ${SETTLE} s more: ${r.upAtEnd} of ${PEERS} sessions Established at ${name}, ${r.heldAtEnd} ` +
        `prefixes held; ${dropped.length} dropped at the peers${dropped.length ? ` (${dropped[0]})` : ""}`;
  } catch (err) {
    r.error = err instanceof Error ? err.message : String(err);
  } finally {
    await lag?.stop();
    w?.close();
    // The daemon first, gracefully, then the peers (their closing must not cost the daemon's run anything).
    await d?.daemon.terminate(10_000).catch(() => undefined);
    pool?.close();
    await lab.close().catch((e) => log(`lab teardown: ${e instanceof Error ? e.message : e}`));
  }
  return r;
}

const METRICS = [
  "seconds",
  "allEstablishedSeconds",
  "firstEstablishedSeconds",
  "heldSeconds",
  "peakRssMB",
  "rssReadyMB",
  "rssEndMB",
  "cpuSeconds",
  "benchCpuSeconds",
  "lagMaxMs",
  "startSeconds",
  "retries",
  "load1",
] as const;
type Summary = SummaryOf<(typeof METRICS)[number]>;
const RATIO_METRICS = ["seconds", "peakRssMB", "cpuSeconds"] as const;

function markdown(
  summaries: Partial<Record<ReceiverName, Summary>>,
  ratios: KbgpdRatios<(typeof RATIO_METRICS)[number]>,
  head: string,
): string {
  const k = summaries.kbgpd;
  return resultsMarkdown({
    head,
    ...daemonTable(summaries, [
      [`start → all ${PEERS} up and ${TOTAL} held, s`, (s) => cell(s.seconds)],
      ["→ last Established, s", (s) => cell(s.allEstablishedSeconds)],
      ["→ all held, s", (s) => cell(s.heldSeconds)],
      ["peak RSS, MB", (s) => cell(s.peakRssMB, 0)],
      ["RSS before the peers, MB", (s) => cell(s.rssReadyMB, 0)],
      ["CPU s", (s) => cell(s.cpuSeconds)],
      ["bench's CPU s (senders, probes)", (s) => cell(s.benchCpuSeconds)],
      ["event-loop lag max, ms", (s, name) => (name === "kbgpd" ? cell(s.lagMaxMs, 0) : "–")],
      ["sessions retried", (s) => cell(s.retries, 0)],
      ["daemon start-up, s", (s) => cell(s.startSeconds)],
    ]),
    note:
      "median (min–max) over the completed runs (a failed run's figures are in the JSON); a run completes " +
      `when every session stood and every prefix was held ${SETTLE} s after done, by both ends' account`,
    ratios: ratioRows(ratios, RATIO_METRICS, ["time", "peak RSS", "CPU"]),
    checks: scaleChecks(k, ratios.gobgpd, "runs without an error or a session drop"),
  });
}

const loadStart = loadAverages();
log(`${PEERS} peers × ${K} prefixes (${TOTAL} in all), iBGP, ${tables[0]!.length} chunk(s) per peer`);
const runs = await interleaved(DAEMONS, RUNS, oneRun, log, (x) =>
  x.error
    ? `FAILED: ${x.error.split("\n")[0]}`
    : `all up and held ${x.seconds} s after the start (last Established ${x.allEstablishedSeconds} s), ` +
      `${x.cpuSeconds} CPU s, peak ${x.peakRssMB} MB` +
      (x.lagMaxMs === null ? "" : `, lag max ${x.lagMaxMs} ms`) +
      `; bench ${x.benchCpuSeconds} CPU s, ${x.retries} retries`,
);
const { summaries, ratios } = summariesAndRatios(DAEMONS, runs, (x) => x.daemon, METRICS, RATIO_METRICS);
const loadEnd = loadAverages();
const title = `Sessions, ${PEERS} iBGP peers × ${K} IPv4 prefixes each, ${RUNS} run(s) per daemon`;
publish(bench, "sessions", markdown(summaries, ratios, header(title, loadStart, loadEnd)), {
  scenario:
    "scale of sessions: P raw senders (bench/lib/sender-pool.ts) connect at once, each from its own loopback " +
    "address, and announce K prefixes each over iBGP",
  peers: PEERS,
  prefixesPerPeer: K,
  prefixes: TOTAL,
  runsPerDaemon: RUNS,
  capSeconds: CAP,
  settleSeconds: SETTLE,
  connectSpreadMs: SPREAD_MS,
  probeIntervalMs: PROBE_MS,
  loadavg: { start: loadStart, end: loadEnd },
  summaries,
  ratios,
  runs,
});
