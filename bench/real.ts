/**
 * Scenario 2, real-table ingest (`node bench/run.mjs real`, issue 8): the UPDATEs of a real Internet table
 * (RIPE's updates.et-header.2015.gz under KBGP_DATA, default ../shared/data: one collector peer's full IPv4
 * table, 577,699 prefixes in the end (577,700 with the sentinel below) under 88,770 distinct attribute sets as sent) replayed over one
 * loopback session by the raw sender (bench/lib/raw-sender.ts) into the receiver under test — kbgpd, gobgpd
 * 3.10, BIRD 2 — one at a time, fresh daemons every run, runs interleaved round by round.
 *
 * The UPDATEs go in file order as recorded, withdrawals too (bench/lib/mrt-table.ts): each attribute set is
 * rewritten once for an eBGP session (the sender's AS in front of the AS_PATH for the receivers' first-AS
 * check, next hop 198.18.0.2, LOCAL_PREF / ORIGINATOR_ID / CLUSTER_LIST left out) and re-encoded with the
 * project's wire codec. The count each receiver must reach is computed exactly by applying the same UPDATEs
 * to a set of prefixes; a sentinel prefix (198.18.255.0/24) announced after the last UPDATE makes a receiver
 * that holds that count one that has processed every UPDATE (as in the churn bench). The table's AS_PATHs hold private ASes, the benches' usual 65001 and 65002 among
 * them, so the receiver is AS 4200000001 and the sender AS 4200000002, checked to appear in no AS_PATH.
 *
 * Measured per run: time from the first UPDATE written (just after Established) to the first probe that sees
 * every prefix held (O(1) probes, as in scenario 1), the receiver's CPU (utime + stime from /proc) over that
 * time, its peak RSS (VmHWM) once it holds everything. A run that does not reach the count within the cap
 * is not done, with the count it reached.
 *
 * Usage: node real.mjs REPO_ROOT. Progress on stderr, one JSON object on stdout; writes
 * bench/results/real.md. Environment: KBGP_BENCH_RUNS (3), KBGP_BENCH_REAL_UPDATES (the first N UPDATEs of
 * the file only, for a quick check; default all), KBGP_BENCH_REAL_CAP (seconds per run, 120),
 * KBGP_BENCH_REAL_RECEIVERS (comma list, default kbgpd,gobgpd,bird), KBGP_DATA, and the kbgpd knobs of the
 * ingest bench (KBGP_BENCH_KBGPD_NODE_ARGS, KBGP_BENCH_KBGPD_ROOT).
 */
import { join, resolve } from "node:path";
import { Lab } from "../test/interop/harness/lab.js";
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
import { NEXT_HOP_4, type ReceiverName } from "./lib/ingest-daemons.js";
import {
  check,
  INGEST_RATIOS,
  kbgpdRatios,
  markdown,
  type SummaryOf,
  summariesOf,
} from "./lib/ingest-report.js";
import { cpuSeconds, mb, round, statusKB } from "./lib/measure.js";
import { encodeRealTable } from "./lib/mrt-table.js";
import { type Fed, startFed, stopFed, waitCount } from "./lib/raw-feed.js";
import { chunks } from "./lib/raw-sender.js";

const bench = await startBench("real", "KBGP_BENCH_REAL_RECEIVERS");
const { root, log, runs: RUNS, daemons: RECEIVERS } = bench;
const LIMIT = envInt("KBGP_BENCH_REAL_UPDATES", Number.POSITIVE_INFINITY);
const CAP = envInt("KBGP_BENCH_REAL_CAP", 120);
const RECEIVER_ASN = 4_200_000_001;
const SENDER_ASN = 4_200_000_002;
const FILE = join(
  resolve(process.env.KBGP_DATA ?? join(root, "../shared/data")),
  "mrt/updates.et-header.2015.gz",
);

const t0 = now();
const table = encodeRealTable(FILE, SENDER_ASN, NEXT_HOP_4, LIMIT);
const encodeSeconds = round(now() - t0, 2);
if (table.asns.has(RECEIVER_ASN)) throw new Error(`AS ${RECEIVER_ASN} appears in the table's AS_PATHs`);
const TOTAL = table.finalPrefixes;
if (table.peakBeforeSentinel >= TOTAL)
  throw new Error(
    `the replay holds ${table.peakBeforeSentinel} prefixes before the sentinel: the count cannot tell the end`,
  );
const messages = chunks(table.messages);
const fullFile = LIMIT === Number.POSITIVE_INFINITY;

interface RealRun {
  receiver: ReceiverName;
  run: number;
  load1: number;
  /** First UPDATE written → first probe that saw every prefix held (null: not within the cap). */
  seconds: number | null;
  /** → the first probe that saw 99 % of them. */
  seconds99: number | null;
  /** First UPDATE → the last handed to the kernel (the receiver's reading pace, through TCP). */
  writeSeconds: number | null;
  /** Session Established (the sender's view) → first UPDATE written: the bench's own delay. */
  establishedToSendSeconds: number | null;
  cpuSeconds: number | null;
  peakRssMB: number | null;
  rssAtEstablishedMB: number | null;
  /** The most prefixes a probe saw held, and how many probes there were. */
  held: number;
  polls: number;
  progress: [number, number][];
  error?: string;
}

async function oneRun(name: ReceiverName, index: number): Promise<RealRun> {
  const lab = Lab.create(`real-${name}`);
  const r: RealRun = {
    receiver: name,
    run: index,
    load1: load1(),
    seconds: null,
    seconds99: null,
    writeSeconds: null,
    establishedToSendSeconds: null,
    cpuSeconds: null,
    peakRssMB: null,
    rssAtEstablishedMB: null,
    held: 0,
    polls: 0,
    progress: [],
  };
  let fed: Partial<Fed> = {};
  try {
    const f = await startFed(name, lab, root, { asn: RECEIVER_ASN, senderAs: SENDER_ASN }, (x) => {
      fed = x;
    });
    fed = f;
    const pid = f.receiver.pid;
    r.rssAtEstablishedMB = mb(statusKB(pid, "VmRSS"));
    const cpu0 = cpuSeconds(pid);
    const t1 = now();
    r.establishedToSendSeconds = round((Date.now() - f.sender.establishedAt!) / 1000);
    let writeError: Error | undefined;
    const writing = f.sender
      .send(messages, CAP * 1000)
      .then(() => {
        r.writeSeconds = round(now() - t1);
      })
      .catch((e: Error) => {
        writeError = e;
      });
    const progress: [number, number][] = [];
    const done = await waitCount(f, TOTAL, t1 + CAP, (held, at) => {
      r.polls++;
      r.held = Math.max(r.held, held);
      progress.push([round(at - t1), held]);
      if (r.seconds99 === null && held >= TOTAL * 0.99) r.seconds99 = round(at - t1);
    });
    const cpu1 = cpuSeconds(pid);
    r.peakRssMB = mb(statusKB(pid, "VmHWM"));
    r.progress = thin(progress);
    if (writeError) throw writeError;
    if (done === null) {
      r.error = `held ${r.held} of ${TOTAL} prefixes after ${CAP} s (${f.sender.bytesSent} bytes written)`;
      return r;
    }
    await writing;
    r.seconds = round(done - t1);
    r.cpuSeconds = cpu0 === null || cpu1 === null ? null : round(cpu1 - cpu0, 2);
  } catch (err) {
    r.error = err instanceof Error ? err.message : String(err);
  } finally {
    await stopFed(fed, lab, log);
  }
  return r;
}

const METRICS = [
  "seconds",
  "seconds99",
  "writeSeconds",
  "cpuSeconds",
  "peakRssMB",
  "rssAtEstablishedMB",
  "establishedToSendSeconds",
  "load1",
] as const;
type Summary = SummaryOf<(typeof METRICS)[number]>;

const loadStart = loadAverages();
log(
  `${table.updatesRead} UPDATEs read from ${FILE} (peer AS ${table.peerAs}): ${table.announced} prefixes ` +
    `announced, ${table.withdrawn} withdrawn, ${table.asZeroPrefixes} left out (AS 0 in the AS_PATH), ${TOTAL} held in the end, ${table.attributeSets} attribute sets; ` +
    `sent as ${table.messageCount} UPDATEs, ${round(table.messages.length / 1e6, 2)} MB (encoded in ${encodeSeconds} s)`,
);
const runs = await interleaved(RECEIVERS, RUNS, oneRun, log, (x) =>
  x.error
    ? `NOT DONE: ${x.error.split("\n")[0]}`
    : `${x.seconds} s (99 % ${x.seconds99} s), ${x.cpuSeconds} CPU s, peak RSS ${x.peakRssMB} MB`,
);
const summaries = summariesOf(
  RECEIVERS,
  runs,
  (x) => x.receiver,
  METRICS,
  (x) => x.seconds !== null && x.error === undefined,
  true,
) as Partial<Record<ReceiverName, Summary>>;
const ratios = kbgpdRatios(summaries, INGEST_RATIOS);
const k = summaries.kbgpd;
const g = summaries.gobgpd;
const speedup = k?.seconds && g?.seconds ? round(g.seconds.median / k.seconds.median, 2) : null;
const checks = fullFile
  ? [
      check("first UPDATE → all prefixes held, median s", "≤ 1.5", k?.seconds?.median, (x) => x <= 1.5),
      check("gobgpd's time over kbgpd's (medians)", "≥ 10", speedup, (x) => x >= 10),
      check("peak RSS over gobgpd's (medians)", "≤ 0.25", ratios.gobgpd?.peakRssMB, (x) => x <= 0.25),
    ]
  : [];
const loadEnd = loadAverages();
const title =
  `Real-table ingest, ${table.updatesRead} UPDATEs of updates.et-header.2015.gz (${TOTAL} prefixes held in the end, ` +
  `${table.attributeSets} attribute sets), ${RUNS} run(s) per receiver`;
const md = markdown(summaries, ratios, checks, header(title, loadStart, loadEnd), {
  timeLabel: "first UPDATE → all, s",
  note: "median (min–max) over the completed runs (a run not done is in the JSON, with the count it reached)",
});
publish(bench, "real", md, {
  scenario:
    "real-table ingest: the UPDATEs of updates.et-header.2015.gz in file order, rewritten for eBGP, from a raw sender over one loopback session",
  file: FILE,
  table: {
    peerAs: table.peerAs,
    updatesRead: table.updatesRead,
    announced: table.announced,
    withdrawn: table.withdrawn,
    finalPrefixes: TOTAL,
    peakBeforeSentinel: table.peakBeforeSentinel,
    asZeroPrefixes: table.asZeroPrefixes,
    attributeSets: table.attributeSets,
    updatesSent: table.messageCount,
    bytesSent: table.messages.length,
    skipped: table.skipped,
    encodeSeconds,
    receiverAs: RECEIVER_ASN,
    senderAs: SENDER_ASN,
  },
  runsPerReceiver: RUNS,
  capSeconds: CAP,
  loadavg: { start: loadStart, end: loadEnd },
  summaries,
  ratios,
  targets: fullFile ? checks : "the targets are for the whole file only",
  runs,
});
