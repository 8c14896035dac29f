/**
 * Scenario 6, Kubernetes-scale local origination (`node bench/run.mjs origination`, issue 8): the daemon
 * under test — kbgpd, gobgpd 3.10 or BIRD 2, fresh every run, runs interleaved round by round — has P eBGP
 * peers up (default 50) when N routes (default 10,000 IPv4 /24s) are added through its API, the way a
 * Kubernetes node's speaker gets its Service and Pod routes. Measured from the first add until every peer
 * holds all N: wall time, the adder's own time, the daemon's CPU (utime + stime from /proc) and its peak
 * RSS over that time (VmHWM, reset through /proc/PID/clear_refs just before), and for kbgpd the largest
 * event-loop delay (its metrics listener).
 *
 * The adders: kbgpd `kbgp global rib add -f FILE` (one route per line, `PREFIX nexthop 198.18.0.100 aspath
 * 65100 med 5`; the CLI sends them as `rib.add` batches, and kbgpd answers once they are on disk); gobgpd
 * `gobgp mrt inject global FILE.mrt` (the same routes as TABLE_DUMP_V2 records; GoBGP's one batch path from
 * its CLI, the gRPC AddPathStream, padded and re-injected as bench/lib/gobgp-inject.ts says — `gobgp global
 * rib add` would be one process per route); BIRD has no API for routes: the routes are written as static
 * routes into an include file beforehand, and at the start the file is moved into place and
 * `birdc configure` reads it (its BGP sessions stay up: their configuration is unchanged).
 *
 * The peers are one BIRD with P passive protocols, each on a loopback address of its own, and the daemon
 * connects to each (bench/lib/bird-peers.ts says why one BIRD can hold them all); each imports into its own
 * table. Probe: `show protocols all NAME` for each peer not yet full, every 100 ms on one control connection;
 * after the run every peer's session must still be the one that came up before the adds (BIRD's own
 * Established times). A BIRD under test is woken every 100 ms (`show status`: BIRD 2.0.12 holds its last
 * partial batch of UPDATEs until its poll loop times out).
 *
 * kbgpd only, afterwards: the restart. Routes added through its API are on disk, so kbgpd is stopped
 * (SIGTERM; the peers have graceful restart off, so they drop its routes at once), the bench waits until no
 * peer holds any, and kbgpd is started again on the same configuration and state directory: measured is
 * the time from its spawn until every peer holds all N again.
 *
 * Usage: node origination.mjs REPO_ROOT. Progress on stderr, one JSON object on stdout; writes
 * bench/results/origination.md. Environment: KBGP_BENCH_RUNS (3), KBGP_BENCH_ORIGINATION_ROUTES (10000),
 * KBGP_BENCH_ORIGINATION_PEERS (50), KBGP_BENCH_ORIGINATION_CAP (seconds per phase, 180),
 * KBGP_BENCH_ORIGINATION_DAEMONS (comma list, default kbgpd,gobgpd,bird), and the kbgpd knobs of the ingest
 * bench.
 */
import { renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
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
import { type BirdPeers, BirdProtocols, startBirdPeers } from "./lib/bird-peers.js";
import { gobgpMrtInject, type InjectPass } from "./lib/gobgp-inject.js";
import {
  type DaemonSpec,
  RECEIVER_AS,
  type ReceiverName,
  type Started,
  startDaemon,
} from "./lib/ingest-daemons.js";
import {
  cell,
  check,
  daemonTable,
  type KbgpdRatios,
  ratioRows,
  resultsMarkdown,
  type SummaryOf,
  scaleChecks,
  summariesAndRatios,
} from "./lib/ingest-report.js";
import { NEXT_HOP, prefixText, writeGobgpWords, writeTableDump } from "./lib/inputs.js";
import { cpuSeconds, LagWatch, mb, resetPeakRss, round, statusKB, timedRun } from "./lib/measure.js";
import { BIRDC } from "./lib/peers.js";
import { writeRoutes } from "./lib/static-routes.js";

const bench = await startBench("origination", "KBGP_BENCH_ORIGINATION_DAEMONS");
const { root, log, runs: RUNS, daemons: DAEMONS } = bench;
const N = envInt("KBGP_BENCH_ORIGINATION_ROUTES", 10_000);
const PEERS = envInt("KBGP_BENCH_ORIGINATION_PEERS", 50);
const CAP = envInt("KBGP_BENCH_ORIGINATION_CAP", 180);
const PEER_AS = 65201;
const PROBE_MS = 100;
/** gobgp's `mrt inject` loses up to about a thousand records at the end of its stream: padding. */
const PAD = Math.min(N, 2000);

interface OriginationRun {
  daemon: ReceiverName;
  run: number;
  load1: number;
  /** Daemon spawned → every peer Established (not part of the scenario). */
  upSeconds: number | null;
  /** First add → every peer holds all N. */
  seconds: number | null;
  /** The adder's own wall time (its exit; gobgp: every pass). */
  adderSeconds: number | null;
  /** First add → the first peer holds all N. */
  firstPeerSeconds: number | null;
  rssBeforeMB: number | null;
  /** VmHWM since just before the adds (the lifetime peak where it could not be reset). */
  peakRssMB: number | null;
  peakRssSinceAdds: boolean;
  /** utime + stime of the daemon from the first add to done. */
  cpuSeconds: number | null;
  /** kbgpd: largest event-loop delay over the adds (a scrape unanswered counts, see LagWatch). */
  lagMaxMs: number | null;
  /** gobgp: its inject passes. */
  passes?: InjectPass[];
  /** kbgpd: spawn of the restarted kbgpd → every peer holds all N again; and → its control socket answers;
   *  and how long its stop took until no peer held any route. */
  restartSeconds: number | null;
  restartControlSeconds: number | null;
  stopSeconds: number | null;
  /** [seconds after the first add, routes held by the peer with the fewest]. */
  progress: [number, number][];
  error?: string;
}

/** Polls the peers until every one holds N (or the daemon stops, or `deadline` passes); `stalled` may give
 *  up early (gobgp's inject). */
async function waitPeers(
  peers: BirdProtocols,
  daemon: Started,
  deadline: number,
  progress: [number, number][],
  t0: number,
  stalled: (held: number) => string | undefined = () => undefined,
): Promise<"done" | "stalled" | "deadline"> {
  for (;;) {
    if (!daemon.daemon.running)
      throw new Error(`${daemon.name} ${daemon.daemon.exitDescription}\n${daemon.daemon.logTail()}`);
    await peers.probe();
    progress.push([round(now() - t0), peers.fewest]);
    if (peers.complete) return "done";
    if (stalled(peers.held)) return "stalled";
    if (now() > deadline) return "deadline";
    await sleep(PROBE_MS);
  }
}

async function oneRun(name: ReceiverName, index: number): Promise<OriginationRun> {
  const lab = Lab.create(`origination-${name}`);
  const r: OriginationRun = {
    daemon: name,
    run: index,
    load1: load1(),
    upSeconds: null,
    seconds: null,
    adderSeconds: null,
    firstPeerSeconds: null,
    rssBeforeMB: null,
    peakRssMB: null,
    peakRssSinceAdds: false,
    cpuSeconds: null,
    lagMaxMs: null,
    restartSeconds: null,
    restartControlSeconds: null,
    stopSeconds: null,
    progress: [],
  };
  let peers: BirdPeers | undefined;
  let d: Started | undefined;
  let lag: LagWatch | undefined;
  let dutControl: BirdControl | undefined;
  try {
    const self = await lab.endpoint();
    const ends: Endpoint[] = [];
    for (let i = 0; i < PEERS; i++) ends.push(await lab.endpoint());
    peers = await startBirdPeers(lab, "peers", ends, self, RECEIVER_AS, PEER_AS);
    const watch = new BirdProtocols(peers.control, peers.names, N);

    // The inputs, written before anything is timed.
    const words = join(lab.dir, "routes.txt");
    const mrt = join(lab.dir, "routes.mrt");
    const birdRoutes = join(lab.dir, "api-routes.conf");
    let mrtRecords = 0;
    if (name === "kbgpd") writeGobgpWords(words, N);
    if (name === "gobgpd") mrtRecords = writeTableDump(mrt, N, PAD);
    if (name === "bird") {
      writeFileSync(birdRoutes, "");
      writeRoutes(`${birdRoutes}.new`, N, prefixText);
    }

    const spec: DaemonSpec = {
      self,
      neighbors: ends.map((endpoint, i) => ({
        endpoint,
        asn: PEER_AS + i,
        passive: false,
        direction: "out",
      })),
      ...(name === "kbgpd"
        ? { httpListen: { address: self.address, port: await lab.port(self.address) } }
        : {}),
      birdConfig: ["protocol static api {", "  ipv4;", `  include "${birdRoutes}";`, "}"],
      birdExportOption: `next hop address ${NEXT_HOP}`,
    };
    const spawned = now();
    const started = await startDaemon(name, lab, root, spec);
    d = started;
    await waitUntil(
      `every peer Established with ${name}`,
      async () => (await watch.established()) === PEERS,
      {
        timeoutMs: 60_000,
        intervalMs: 100,
        abort: () => (started.daemon.running ? undefined : `${name} ${started.daemon.exitDescription}`),
        detail: () => started.daemon.logTail(),
      },
    );
    r.upSeconds = round(now() - spawned, 2);
    await watch.probe(); // every peer's Established time, before the adds
    const upBefore = watch.all.map((s) => s.est);
    await sleep(1000);

    const pid = started.pid;
    r.rssBeforeMB = mb(statusKB(pid, "VmRSS"));
    r.peakRssSinceAdds = resetPeakRss(pid);
    if (started.name === "kbgpd" && started.metricsUrl) lag = await LagWatch.start(started.metricsUrl);
    if (started.name === "bird") dutControl = await BirdControl.connect(started.socket);
    const cpu0 = cpuSeconds(pid);
    const progress: [number, number][] = [];
    let waking = true;
    const waker = dutControl
      ? (async () => {
          for (let i = 0; waking && i < CAP * 10 + 10; i++) {
            await dutControl!.cmd("show status").catch(() => undefined);
            await sleep(100);
          }
        })()
      : Promise.resolve();

    const t0 = now();
    const deadline = t0 + CAP;
    let outcome: "done" | "stalled" | "deadline";
    try {
      if (started.name === "gobgpd") {
        const g = await gobgpMrtInject({
          target: started.target,
          file: mrt,
          records: mrtRecords,
          prefixes: N,
          deadline,
          label: (x) => x.replaceAll(`${lab.dir}/`, ""),
          wait: (stalled) => waitPeers(watch, started, deadline, progress, t0, stalled),
        });
        r.passes = g.passes;
        r.adderSeconds = round(
          g.passes.reduce((s, p) => s + p.seconds, 0),
          2,
        );
        outcome = g.finished ? "done" : "deadline";
      } else {
        // BIRD: its file moved into place (written beforehand, like the other daemons' inputs), then read.
        if (started.name === "bird") renameSync(`${birdRoutes}.new`, birdRoutes);
        const adder =
          started.name === "kbgpd"
            ? timedRun(
                process.execPath,
                [join(root, "bin/kbgp.cjs"), "-s", started.socket, "global", "rib", "add", "-f", words],
                { timeoutMs: CAP * 1000 },
              )
            : timedRun(BIRDC, ["-s", started.socket, "configure"], { timeoutMs: CAP * 1000 });
        outcome = await waitPeers(watch, started, deadline, progress, t0);
        const a = await adder;
        if (a.exitCode !== 0) throw new Error(`the adder failed (${a.exitCode}): ${a.stderrTail}`);
        r.adderSeconds = a.seconds;
      }
    } finally {
      waking = false;
      await waker;
    }
    const cpu1 = cpuSeconds(pid);
    r.peakRssMB = mb(statusKB(pid, "VmHWM"));
    r.cpuSeconds = cpu0 === null || cpu1 === null ? null : round(cpu1 - cpu0, 2);
    if (lag) {
      r.lagMaxMs = round((await lag.stop()).maxSeconds * 1000, 1);
      lag = undefined;
    }
    r.progress = thin(progress);
    const dones = watch.all.map((s) => s.done).filter((x): x is number => x !== undefined);
    if (outcome !== "done") {
      r.error = `${dones.length} of ${PEERS} peers held all ${N} routes after ${CAP} s (fewest: ${watch.fewest})`;
      return r;
    }
    const t0ms = Date.now() - (now() - t0) * 1000;
    r.seconds = round((Math.max(...dones) - t0ms) / 1000);
    r.firstPeerSeconds = round((Math.min(...dones) - t0ms) / 1000);

    // Every session still the one from before the adds (a reset shows a later Established time).
    watch.reset();
    await watch.probe();
    const reset = watch.all.filter((s, i) => s.est === undefined || Math.abs(s.est - upBefore[i]!) > 500);
    if (reset.length) throw new Error(`${reset.length} peer session(s) reset during the adds`);

    if (started.name === "kbgpd") {
      // The restart: stop, wait until the peers dropped every route, start on the same state directory.
      started.client.close();
      const s0 = now();
      await started.daemon.terminate(10_000);
      await waitUntil("the peers to drop kbgpd's routes", async () => (await watch.established()) === 0, {
        timeoutMs: 30_000,
        intervalMs: 100,
      });
      watch.reset();
      await watch.probe();
      if (watch.held !== 0) throw new Error(`the peers still hold ${watch.held} routes after kbgpd stopped`);
      r.stopSeconds = round(now() - s0, 2);
      const t1 = now();
      const again = await startDaemon("kbgpd", lab, root, spec);
      d = again;
      r.restartControlSeconds = round(now() - t1, 2);
      const back = await waitPeers(watch, again, t1 + CAP, [], t1);
      if (back !== "done")
        throw new Error(`after the restart, ${watch.fewest} routes at the fewest peer after ${CAP} s`);
      const t1ms = Date.now() - (now() - t1) * 1000;
      r.restartSeconds = round((Math.max(...watch.all.map((s) => s.done!)) - t1ms) / 1000);
    }
  } catch (err) {
    r.error = err instanceof Error ? err.message : String(err);
  } finally {
    await lag?.stop();
    dutControl?.close();
    if (d?.name === "kbgpd") d.client.close();
    await d?.daemon.terminate(10_000).catch(() => undefined);
    peers?.control.close();
    await peers?.daemon.terminate(10_000).catch(() => undefined);
    await lab.close().catch((e) => log(`lab teardown: ${e instanceof Error ? e.message : e}`));
  }
  return r;
}

const METRICS = [
  "seconds",
  "adderSeconds",
  "firstPeerSeconds",
  "peakRssMB",
  "rssBeforeMB",
  "cpuSeconds",
  "lagMaxMs",
  "restartSeconds",
  "restartControlSeconds",
  "stopSeconds",
  "upSeconds",
  "load1",
] as const;
type Summary = SummaryOf<(typeof METRICS)[number]>;
const RATIO_METRICS = ["seconds", "adderSeconds", "peakRssMB", "cpuSeconds"] as const;

function markdown(
  summaries: Partial<Record<ReceiverName, Summary>>,
  ratios: KbgpdRatios<(typeof RATIO_METRICS)[number]>,
  head: string,
): string {
  const k = summaries.kbgpd;
  return resultsMarkdown({
    head,
    ...daemonTable(summaries, [
      [`first add → all ${PEERS} peers hold ${N}, s`, (s) => cell(s.seconds)],
      ["adder, s", (s) => cell(s.adderSeconds)],
      ["→ first peer full, s", (s) => cell(s.firstPeerSeconds)],
      ["RSS before, MB", (s) => cell(s.rssBeforeMB, 0)],
      ["peak RSS over the adds, MB", (s) => cell(s.peakRssMB, 0)],
      ["CPU s", (s) => cell(s.cpuSeconds)],
      ["event-loop lag max, ms", (s, name) => (name === "kbgpd" ? cell(s.lagMaxMs, 0) : "–")],
      [
        `restart → all ${PEERS} hold ${N} again, s`,
        (s, name) => (name === "kbgpd" ? cell(s.restartSeconds) : "–"),
      ],
    ]),
    note:
      "median (min–max) over the completed runs (a failed run's figures are in the JSON); adders: " +
      "`kbgp global rib add -f`, `gobgp mrt inject global` (padded, see the JSON's passes), `birdc configure` " +
      "of static routes; the restart is kbgpd's, from its spawn",
    ratios: ratioRows(ratios, RATIO_METRICS, ["time", "adder", "peak RSS", "CPU"]),
    checks: [
      ...scaleChecks(k, ratios.gobgpd, "runs without an error or a session reset"),
      check(
        "API routes re-announced after a restart (runs)",
        `${k?.runs ?? "–"}`,
        k?.restartSeconds?.n,
        (x) => x === k?.runs,
      ),
    ],
  });
}

const loadStart = loadAverages();
log(`${N} routes through the API with ${PEERS} BIRD peers up`);
const runs = await interleaved(DAEMONS, RUNS, oneRun, log, (x) =>
  x.error
    ? `FAILED: ${x.error.split("\n")[0]}`
    : `all ${PEERS} peers full ${x.seconds} s after the first add (adder ${x.adderSeconds} s), ` +
      `${x.cpuSeconds} CPU s, peak ${x.peakRssMB} MB (${x.rssBeforeMB} before)` +
      (x.lagMaxMs === null ? "" : `, lag max ${x.lagMaxMs} ms`) +
      (x.restartSeconds === null ? "" : `; restart → all full again ${x.restartSeconds} s`),
);
const { summaries, ratios } = summariesAndRatios(DAEMONS, runs, (x) => x.daemon, METRICS, RATIO_METRICS);
const loadEnd = loadAverages();
const title = `Origination, ${N} IPv4 routes added through the API with ${PEERS} eBGP peers up, ${RUNS} run(s) per daemon`;
publish(bench, "origination", markdown(summaries, ratios, header(title, loadStart, loadEnd)), {
  scenario:
    "local origination: N routes added through each daemon's API (kbgp global rib add -f, gobgp mrt inject, " +
    "birdc configure of static routes) while P BIRD peers are up; then kbgpd restarted on its state directory",
  routes: N,
  peers: PEERS,
  gobgpPadding: PAD,
  runsPerDaemon: RUNS,
  capSeconds: CAP,
  probeIntervalMs: PROBE_MS,
  loadavg: { start: loadStart, end: loadEnd },
  summaries,
  ratios,
  runs,
});
