/**
 * Scenario 3, fan-out (`node bench/run.mjs fanout`, issue 8): the daemon in the middle — kbgpd, gobgpd 3.10 or
 * BIRD 2 — holds N IPv4 /24s (default 1,000,000) and P BIRD peers (default 8) connect to it; measured is the
 * time from the first of their sessions reaching Established until every one of them holds the full table,
 * with the middle daemon's CPU (utime + stime from /proc) over that time and its peak RSS over it (VmHWM,
 * reset through /proc/PID/clear_refs just before the peers start, so the table's ingest does not count).
 *
 * The table gets into the middle daemon over BGP from bench/lib/raw-sender.ts (pre-encoded UPDATEs, as fast
 * as the middle takes them: the fastest honest way into all three daemons alike, and the way routes reach
 * a router in production); the bench waits until the middle holds all N before the peers start. The peers
 * are P BIRD processes, one protocol each, each from its own loopback address: one BIRD with P protocols
 * cannot do it, because BIRD 2 runs only one protocol at a time per neighbor address and port (the rest wait
 * Idle for its lock). Each peer is eBGP (AS 65101, 65102, …) and connects 1 s after it starts; the middle is
 * passive towards them. The peers start with their session disabled and are all enabled at once when every
 * one of them is up (`enable middle` on each control socket), so that how long each BIRD took to start does
 * not spread their sessions out; each then connects 1 s later. Probes: `show protocols all NAME` on each peer's control socket, over one
 * persistent connection per peer (bench/lib/bird-control.ts), every 100 ms; each peer's Established time is
 * BIRD's own, to the millisecond. A BIRD in the middle is woken with `birdc show status` every 100 ms, as the
 * ingest bench does its sender: BIRD 2.0.12 holds its last partial batch of UPDATEs until its poll loop
 * times out. For kbgpd, the largest event-loop delay over the fan-out comes from its metrics listener.
 *
 * Usage: node fanout.mjs REPO_ROOT. Progress on stderr, one JSON object on stdout; writes
 * bench/results/fanout.md. Environment: KBGP_BENCH_RUNS (3), KBGP_BENCH_FANOUT_PREFIXES (1000000),
 * KBGP_BENCH_FANOUT_PEERS (8), KBGP_BENCH_FANOUT_CAP (seconds per phase, 300), KBGP_BENCH_FANOUT_DAEMONS
 * (comma list, default kbgpd,gobgpd,bird), and the kbgpd knobs of the ingest bench
 * (KBGP_BENCH_KBGPD_NODE_ARGS, KBGP_BENCH_KBGPD_ROOT).
 */
import type { Endpoint } from "../test/interop/harness/lab.js";
import { Lab } from "../test/interop/harness/lab.js";
import { sleep } from "../test/interop/harness/wait.js";
import {
  envInt,
  header,
  interleaved,
  load1,
  loadAverages,
  publish,
  startBench,
  thin,
} from "./lib/bench-run.js";
import { BirdControl } from "./lib/bird-control.js";
import {
  birdBgp,
  birdSince,
  imported,
  RECEIVER_AS,
  type ReceiverName,
  startBird,
} from "./lib/ingest-daemons.js";
import {
  cell,
  check,
  type KbgpdRatios,
  kbgpdRatios,
  ratioRows,
  resultsMarkdown,
  type SummaryOf,
  summariesOf,
} from "./lib/ingest-report.js";
import { cpuSeconds, LagWatch, mb, ProcSampler, resetPeakRss, round, statusKB } from "./lib/measure.js";
import type { Running } from "./lib/peers.js";
import { type Fed, loadTable, senderRoutes, startFed, stopFed } from "./lib/raw-feed.js";
import { chunks } from "./lib/raw-sender.js";

const bench = await startBench("fanout", "KBGP_BENCH_FANOUT_DAEMONS");
const { root, log, runs: RUNS, daemons: MIDDLES } = bench;
const N = envInt("KBGP_BENCH_FANOUT_PREFIXES", 1_000_000);
const PEERS = envInt("KBGP_BENCH_FANOUT_PEERS", 8);
const CAP = envInt("KBGP_BENCH_FANOUT_CAP", 300);
const PEER_AS = 65101;
const PROBE_MS = 100;

const table = chunks(senderRoutes(0, N).announce);
/** Epoch seconds: BIRD gives its peers' Established times on this clock. */
const wall = (): number => Date.now() / 1000;

interface FanoutRun {
  middle: ReceiverName;
  run: number;
  load1: number;
  /** The middle's own ingest of the table from the raw sender (not the scenario; for reference). */
  ingestSeconds: number | null;
  /** The middle's VmRSS when the peers start. */
  rssBeforeMB: number | null;
  /** First peer Established → last peer Established. */
  establishSpreadSeconds: number | null;
  /** First peer Established → every peer holds N. */
  seconds: number | null;
  /** Each peer's own Established → it holds N: the slowest and the fastest. */
  slowestPeerSeconds: number | null;
  fastestPeerSeconds: number | null;
  /** The middle's VmHWM since the peers started (the lifetime peak where it could not be reset). */
  peakRssMB: number | null;
  peakRssSinceFanout: boolean;
  /** utime + stime of the middle, and of all peers together, from the first Established to done. */
  cpuSeconds: number | null;
  peersCpuSeconds: number | null;
  /** kbgpd: largest event-loop delay over the fan-out. */
  lagMaxMs: number | null;
  /** [seconds after the first Established, prefixes held by the peer with the fewest]. */
  progress: [number, number][];
  error?: string;
}

interface Peer extends Running {
  control: BirdControl;
  /** CPU seconds over time, read back at the first Established. */
  sampler: ProcSampler;
  /** Established (epoch s, BIRD's clock) and done (epoch s, when a probe saw all N). */
  est?: number;
  done?: number;
  held: number;
}

/** Starts a BIRD per endpoint, its session to the middle disabled until `enable middle`. */
function startPeers(
  lab: Lab,
  ends: Endpoint[],
  middleAt: Endpoint,
  onStarted: (p: Peer) => void,
): Promise<Peer[]> {
  return Promise.all(
    ends.map(async (self, i) => {
      const b = await startBird(lab, `peer${i + 1}`, self.address, [
        `ipv4 table t;`,
        ...birdBgp({
          name: "middle",
          self,
          localAs: PEER_AS + i,
          peer: middleAt,
          peerAs: RECEIVER_AS,
          passive: false,
          disabled: true,
          channels: ["ipv4 { table t; import all; export none; };"],
        }),
      ]);
      const p: Peer = {
        ...b,
        control: await BirdControl.connect(b.socket),
        sampler: new ProcSampler(b.pid, wall),
        held: 0,
      };
      onStarted(p);
      return p;
    }),
  );
}

async function probePeer(p: Peer): Promise<void> {
  const out = await p.control.cmd("show protocols all middle");
  const at = wall();
  const since = birdSince(out);
  if (since !== undefined) p.est ??= since / 1000;
  p.held = imported(out);
  if (p.held === N) p.done ??= at;
}

async function oneRun(middle: ReceiverName, index: number): Promise<FanoutRun> {
  const lab = Lab.create(`fanout-${middle}`);
  const r: FanoutRun = {
    middle,
    run: index,
    load1: load1(),
    ingestSeconds: null,
    rssBeforeMB: null,
    establishSpreadSeconds: null,
    seconds: null,
    slowestPeerSeconds: null,
    fastestPeerSeconds: null,
    peakRssMB: null,
    peakRssSinceFanout: false,
    cpuSeconds: null,
    peersCpuSeconds: null,
    lagMaxMs: null,
    progress: [],
  };
  let fed: Partial<Fed> = {};
  const peers: Peer[] = [];
  let mp: ProcSampler | undefined;
  let lag: LagWatch | undefined;
  try {
    // Addresses for the peers are reserved first, so the middle's configuration can name them.
    const peerEnds: Endpoint[] = [];
    for (let i = 0; i < PEERS; i++) peerEnds.push(await lab.endpoint());
    const downstream = peerEnds.map((endpoint, i) => ({ endpoint, asn: PEER_AS + i }));
    const f = await startFed(middle, lab, root, { downstream, metrics: true }, (x) => {
      fed = x;
    });
    fed = f;
    const pid = f.receiver.pid;
    r.ingestSeconds = round(await loadTable(f, table, N, CAP));
    await sleep(1000);

    r.rssBeforeMB = mb(statusKB(pid, "VmRSS"));
    r.peakRssSinceFanout = resetPeakRss(pid);
    const middleSampler = new ProcSampler(pid, wall);
    mp = middleSampler;
    if (f.receiver.metricsUrl) lag = await LagWatch.start(f.receiver.metricsUrl);
    const started = await startPeers(lab, peerEnds, f.receiverAt, (p) => peers.push(p));
    await Promise.all(started.map((p) => p.control.cmd("enable middle")));

    let waking = true;
    const waker = f.receiver.wake
      ? (async () => {
          for (let i = 0; waking && i < CAP * 10 + 10; i++) {
            await f.receiver.wake!();
            await sleep(100);
          }
        })()
      : Promise.resolve();
    const deadline = wall() + CAP;
    const progressAt: [number, number][] = [];
    try {
      for (;;) {
        const why =
          f.broken() ??
          peers
            .map((p) => (p.daemon.running ? undefined : `${p.daemon.name} ${p.daemon.exitDescription}`))
            .find(Boolean);
        if (why) throw new Error(why);
        await Promise.all(
          started.filter((p) => p.done === undefined).map((p) => probePeer(p).catch(() => undefined)),
        );
        const first = Math.min(...started.map((p) => p.est ?? Number.POSITIVE_INFINITY));
        if (Number.isFinite(first))
          progressAt.push([round(wall() - first), Math.min(...started.map((p) => p.held))]);
        if (started.every((p) => p.done !== undefined)) break;
        if (wall() > deadline) break;
        await sleep(PROBE_MS);
      }
    } finally {
      waking = false;
      await waker;
    }
    const ests = started.map((p) => p.est).filter((x): x is number => x !== undefined);
    if (ests.length === 0) throw new Error(`no peer reached Established within ${CAP} s`);
    const first = Math.min(...ests);
    const cpuSince = (s: ProcSampler, pidOf: number) => {
      const a = s.at(first)?.cpu;
      const b = cpuSeconds(pidOf);
      return a === undefined || b === null ? null : b - a;
    };
    r.peakRssMB = mb(statusKB(pid, "VmHWM"));
    const middleCpu = cpuSince(middleSampler, pid);
    r.cpuSeconds = middleCpu === null ? null : round(middleCpu, 2);
    const peerCpu = started.map((p) => cpuSince(p.sampler, p.pid));
    r.peersCpuSeconds = peerCpu.includes(null) ? null : round(peerCpu.reduce((a, b) => a! + b!, 0)!, 2);
    if (lag) {
      r.lagMaxMs = round((await lag.stop()).maxSeconds * 1000, 1);
      lag = undefined;
    }
    r.progress = thin(progressAt);
    if (ests.length === PEERS) r.establishSpreadSeconds = round(Math.max(...ests) - first);
    const full = started.filter((p) => p.done !== undefined);
    if (full.length < PEERS) {
      r.error = `${full.length} of ${PEERS} peers held all ${N} prefixes after ${CAP} s (fewest held: ${Math.min(...started.map((p) => p.held))})`;
      return r;
    }
    // Every session still the one that came up first: a reset would show an Established time a second or more
    // later (a peer reconnects after 1 s). BIRD stores monotonic times and converts them to the time of day
    // when it prints them, so the same time reads a few ms apart from one command to the next.
    const again = await Promise.all(
      started.map(async (p) => birdSince(await p.control.cmd("show protocols all middle"))),
    );
    const reset = started.filter(
      (p, i) => again[i] === undefined || Math.abs(again[i] / 1000 - p.est!) > 0.5,
    );
    if (reset.length > 0)
      throw new Error(
        `sessions reset during the fan-out: ${reset
          .map(
            (p) =>
              `${p.daemon.name} (up since ${p.est}, now ${again[started.indexOf(p)]}): ${p.daemon.logTail(5)}`,
          )
          .join("; ")}\n${f.receiver.daemon.logTail(20)}`,
      );
    if (f.sender.down !== undefined)
      throw new Error(`the middle's session to the sender ended: ${f.sender.down}`);
    const own = full.map((p) => p.done! - p.est!);
    r.seconds = round(Math.max(...full.map((p) => p.done!)) - first);
    r.slowestPeerSeconds = round(Math.max(...own));
    r.fastestPeerSeconds = round(Math.min(...own));
  } catch (err) {
    r.error = err instanceof Error ? err.message : String(err);
  } finally {
    mp?.stop();
    for (const p of peers) p.sampler.stop();
    await lag?.stop();
    for (const p of peers) p.control.close();
    await Promise.all(peers.map((p) => p.daemon.terminate(5_000).catch(() => undefined)));
    await stopFed(fed, lab, log);
  }
  return r;
}

const METRICS = [
  "seconds",
  "slowestPeerSeconds",
  "fastestPeerSeconds",
  "establishSpreadSeconds",
  "peakRssMB",
  "rssBeforeMB",
  "cpuSeconds",
  "peersCpuSeconds",
  "lagMaxMs",
  "ingestSeconds",
  "load1",
] as const;
type Summary = SummaryOf<(typeof METRICS)[number]>;
const RATIO_METRICS = ["seconds", "peakRssMB", "cpuSeconds"] as const;

function markdown(
  summaries: Partial<Record<ReceiverName, Summary>>,
  ratios: KbgpdRatios<(typeof RATIO_METRICS)[number]>,
  head: string,
): string {
  const k = summaries.kbgpd?.seconds;
  const b = summaries.bird?.seconds;
  return resultsMarkdown({
    head,
    columns: [
      "middle",
      "runs done",
      `first Established → all ${PEERS} full, s`,
      "slowest peer, s",
      "fastest peer, s",
      "Established spread, s",
      "RSS before, MB",
      "peak RSS over the fan-out, MB",
      "CPU s (middle)",
      `CPU s (${PEERS} peers)`,
      "event-loop lag max, ms",
      "middle's own ingest, s",
      "load (1 min)",
    ],
    rows: Object.entries(summaries).map(([name, s]) => [
      name,
      `${s!.completed}/${s!.runs}`,
      cell(s!.seconds),
      cell(s!.slowestPeerSeconds),
      cell(s!.fastestPeerSeconds),
      cell(s!.establishSpreadSeconds),
      cell(s!.rssBeforeMB, 0),
      cell(s!.peakRssMB, 0),
      cell(s!.cpuSeconds),
      cell(s!.peersCpuSeconds),
      name === "kbgpd" ? cell(s!.lagMaxMs, 0) : "–",
      cell(s!.ingestSeconds),
      cell(s!.load1),
    ]),
    note:
      "median (min–max) over the completed runs (a failed run's figures are in the JSON); a peer's time is " +
      "from its own Established to its holding the table",
    ratios: ratioRows(ratios, RATIO_METRICS, ["time", "peak RSS", "CPU"]),
    checks: [
      check(
        `every peer complete (first Established → all ${PEERS} hold the table), kbgpd's median over BIRD's`,
        "≤ 2",
        k && b && b.median > 0 ? round(k.median / b.median, 2) : null,
        (x) => x <= 2,
      ),
    ],
  });
}

const loadStart = loadAverages();
log(`${N} prefixes to ${PEERS} peers; the table is ${table.length} chunks`);
const runs = await interleaved(MIDDLES, RUNS, oneRun, log, (x) =>
  x.error
    ? `FAILED: ${x.error.split("\n")[0]}`
    : `all ${PEERS} full ${x.seconds} s after the first Established (slowest peer ${x.slowestPeerSeconds} s), ` +
      `${x.cpuSeconds} CPU s, peak ${x.peakRssMB} MB (${x.rssBeforeMB} before)` +
      (x.lagMaxMs === null ? "" : `, lag max ${x.lagMaxMs} ms`) +
      `; peers ${x.peersCpuSeconds} CPU s; ingest ${x.ingestSeconds} s`,
);
const summaries = summariesOf(
  MIDDLES,
  runs,
  (x) => x.middle,
  METRICS,
  (x) => x.seconds !== null && x.error === undefined,
  true,
);
const ratios = kbgpdRatios(summaries, RATIO_METRICS);
const loadEnd = loadAverages();
const title = `Fan-out, ${N} IPv4 prefixes from the daemon in the middle to ${PEERS} BIRD peers, ${RUNS} run(s) per daemon`;
publish(bench, "fanout", markdown(summaries, ratios, header(title, loadStart, loadEnd)), {
  scenario: "fan-out: the middle daemon holds N IPv4 /24s (from the raw sender), then P BIRD peers connect",
  prefixes: N,
  peers: PEERS,
  runsPerDaemon: RUNS,
  capSeconds: CAP,
  probeIntervalMs: PROBE_MS,
  loadavg: { start: loadStart, end: loadEnd },
  summaries,
  ratios,
  runs,
});
