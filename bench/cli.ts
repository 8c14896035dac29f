/**
 * CLI and injection benchmark (`node bench/run.mjs cli`): kbgp against gobgp 3.10 in one run, on loopback.
 *
 *  1. Start-up: median wall time (spawn to exit) of `node -e 0`, `kbgp neighbor`, `kbgp neighbor -j`,
 *     `kbgp neighbor ADDR`, `gobgp neighbor`, `gobgp neighbor ADDR`, each daemon with the same 10 neighbors
 *     (a BIRD 2 receiver, Established, and nine addresses where nothing listens, Active/Connect), empty RIBs,
 *     runs interleaved round by round so that background load hits every command alike.
 *  2. Injection of N (default 1,000,000) IPv4 /24s into kbgpd, timed from the command's start until its BIRD
 *     peer reports all N imported: `kbgp global rib add -f FILE`, `kbgp api < FILE` (ExaBGP lines),
 *     `kbgp mrt inject global FILE.mrt`, with `kbgp global rib del all` (until BIRD holds 0) in between;
 *     against `gobgp mrt inject global FILE.mrt` into gobgpd with the same BIRD setup, timed the same way.
 *  3. With the N routes held: `kbgp global rib` and `kbgp global rib -j` (3 runs each: time to the first
 *     byte and to the first route row on stdout, total time, CLI peak RSS, kbgpd RSS before and at most
 *     while serving), `kbgp neighbor` / `kbgp neighbor BIRD`; `gobgp global rib` once (it takes about a
 *     minute), `gobgp neighbor` / `gobgp neighbor BIRD`.
 *
 * Usage: node cli.mjs REPO_ROOT. Progress on stderr, one JSON object on stdout. Environment:
 * KBGP_BENCH_ROUTES (N), KBGP_BENCH_RUNS (start-up runs, 15), KBGP_BENCH_CAP (seconds per injection, 300).
 */
import { existsSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { Lab } from "../test/interop/harness/lab.js";
import { run } from "../test/interop/harness/proc.js";
import { gobgpMrtInject, gobgpRibCount } from "./lib/gobgp-inject.js";
import { prefixText, writeExabgpLines, writeGobgpWords, writeTableDump } from "./lib/inputs.js";
import {
  haveTime,
  mb,
  median,
  RssSampler,
  round,
  statusKB,
  type TimedRun,
  timedRun,
  wallOnce,
} from "./lib/measure.js";
import {
  BIRD,
  type BirdRunning,
  GOBGP,
  type Running,
  requirePeerTools,
  startBird,
  startGobgpd,
  startKbgpd,
  topology,
  waitBirdCount,
  waitEstablished,
} from "./lib/peers.js";

const root = process.argv[2];
if (!root) throw new Error("usage: cli.mjs REPO_ROOT");
const envInt = (name: string, fallback: number): number => {
  const v = Number(process.env[name]);
  return Number.isInteger(v) && v > 0 ? v : fallback;
};
const N = envInt("KBGP_BENCH_ROUTES", 1_000_000);
const RUNS = envInt("KBGP_BENCH_RUNS", 15);
const CAP = envInt("KBGP_BENCH_CAP", 300);
const GOBGP_LISTING_CAP = 300;
const PAD = Math.min(20_000, N);

const KBGP = join(root, "bin/kbgp.cjs");
const NODE = process.execPath;
const now = (): number => Number(process.hrtime.bigint()) / 1e9;
const started = now();
const log = (msg: string): void => {
  process.stderr.write(`[cli bench ${(now() - started).toFixed(0).padStart(4)} s] ${msg}\n`);
};

// ------------------------------------------------------------------------------------------ targets

interface Target {
  id: string;
  what: string;
  unit: string;
  kbgp: number | null;
  /** The peer tool's number for the same thing in this run (null where it has none). */
  peer: { tool: string; value: number | null } | null;
  /** peer/kbgp for times and sizes (how many times better kbgp is), kbgp/node for start-up. */
  ratio: number | null;
  ratioMeaning: string | null;
  target: string | null;
  met: boolean | null;
}
const targets: Target[] = [];
const ratioOf = (a: number | null, b: number | null): number | null =>
  a === null || b === null || b === 0 ? null : round(a / b, 2);

function target(
  t: Omit<Target, "met"> & { check?: (x: number) => boolean; checkValue?: number | null },
): void {
  const { check, checkValue, ...rest } = t;
  const v = checkValue === undefined ? t.kbgp : checkValue;
  targets.push({ ...rest, met: check ? (v === null ? false : check(v)) : null });
}

// ------------------------------------------------------------------------------------------ set-up

requirePeerTools();
if (!existsSync(join(root, "dist/kbgp.cjs"))) throw new Error("dist/kbgp.cjs is missing: run npm run build");
const versions = {
  gobgp: (await run(GOBGP, ["--version"])).stdout.trim(),
  bird: await run(BIRD, ["--version"]).then((r) => (r.stderr || r.stdout).trim()),
  kbgp: (await run(NODE, [KBGP, "version"])).stdout.trim(),
};
const loadStart = loadavg().map((x) => round(x, 2));

const lab = Lab.create("bench-cli");
process.once("SIGINT", () => process.exit(130));
process.once("SIGTERM", () => process.exit(143));
const topo = await topology(lab);

log(`writing ${N} routes three ways into ${lab.dir}`);
const files = {
  words: join(lab.dir, "routes.txt"),
  exabgp: join(lab.dir, "routes.exabgp"),
  mrt: join(lab.dir, "routes.mrt"),
  mrtPadded: join(lab.dir, "routes-padded.mrt"),
};
const t = now();
writeGobgpWords(files.words, N);
writeExabgpLines(files.exabgp, N);
writeTableDump(files.mrt, N);
const paddedRecords = writeTableDump(files.mrtPadded, N, PAD);
const inputSeconds = round(now() - t, 1);

const stops: Running[] = [];
async function stop(...rs: Running[]): Promise<void> {
  for (const r of rs) await r.daemon.terminate();
}

try {
  // ---------------------------------------------------------------------------------------- 1. start-up
  log("starting kbgpd, gobgpd and their BIRD receivers");
  const birdK = await startBird(lab, "bird-kbgpd", topo.birdK, topo.kbgpd);
  const birdG = await startBird(lab, "bird-gobgpd", topo.birdG, topo.gobgpd);
  stops.push(birdK, birdG);
  const kbgpd = await startKbgpd(lab, root, topo.kbgpd, topo.birdK, topo.dummies);
  stops.push(kbgpd);
  let gobgpd = await startGobgpd(lab, topo.gobgpd, topo.birdG, topo.dummies);
  stops.push(gobgpd);
  await waitEstablished(birdK);
  await waitEstablished(birdG);

  // Run as users run it: the executable, whose `#!` line carries kbgp's Node options.
  const kbgp = (...args: string[]): [string, string[]] => [KBGP, ["-s", kbgpd.socket, ...args]];
  const gobgp = (...args: string[]): [string, string[]] => [GOBGP, ["--target", gobgpd.target, ...args]];
  const listed = (await run(...kbgp("neighbor"))).stdout;
  const neighborsListed = [topo.birdK, ...topo.dummies].filter((e) => listed.includes(e.address)).length;
  const gListed = (await run(...gobgp("neighbor"))).stdout;
  const gobgpNeighborsListed = [topo.birdG, ...topo.dummies].filter((e) =>
    gListed.includes(e.address),
  ).length;
  if (neighborsListed !== 10 || gobgpNeighborsListed !== 10)
    throw new Error(`expected 10 neighbors listed, kbgp: ${neighborsListed}, gobgp: ${gobgpNeighborsListed}`);

  const startupCommands: Record<string, [string, string[]]> = {
    node: [NODE, ["-e", "0"]],
    kbgpNeighbor: kbgp("neighbor"),
    kbgpNeighborJson: kbgp("neighbor", "-j"),
    kbgpNeighborAddress: kbgp("neighbor", topo.birdK.address),
    gobgpNeighbor: gobgp("neighbor"),
    gobgpNeighborAddress: gobgp("neighbor", topo.birdG.address),
  };
  const names = Object.keys(startupCommands);
  log(`start-up: ${RUNS} interleaved rounds of ${names.join(", ")}`);
  for (const name of names) for (let i = 0; i < 2; i++) wallOnce(...startupCommands[name]!); // warm caches
  const samples: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let round_ = 0; round_ < RUNS; round_++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(k + round_) % names.length]!;
      samples[name]!.push(wallOnce(...startupCommands[name]!));
    }
  }
  const stat = (xs: number[]) => ({
    median: round(median(xs)),
    min: round(Math.min(...xs)),
    max: round(Math.max(...xs)),
    runs: xs.map((x) => round(x)),
  });
  const startup = Object.fromEntries(names.map((n) => [n, stat(samples[n]!)])) as Record<
    string,
    ReturnType<typeof stat>
  >;
  const m = (name: string): number => startup[name]!.median;
  target({
    id: "startup.kbgpNeighborOverNode",
    what: "`kbgp neighbor` median wall time over `node -e 0`'s (10 neighbors, empty RIB)",
    unit: "ratio",
    kbgp: m("kbgpNeighbor"),
    peer: { tool: "node -e 0", value: m("node") },
    ratio: ratioOf(m("kbgpNeighbor"), m("node")),
    ratioMeaning: "kbgp / node",
    target: "≤ 1.25",
    check: (x) => x <= 1.25,
    checkValue: ratioOf(m("kbgpNeighbor"), m("node")),
  });
  for (const [k, g, what] of [
    ["kbgpNeighbor", "gobgpNeighbor", "`neighbor` (10 neighbors)"],
    ["kbgpNeighborJson", "gobgpNeighbor", "`neighbor -j` against gobgp's `neighbor`"],
    ["kbgpNeighborAddress", "gobgpNeighborAddress", "`neighbor ADDR` (the BIRD peer, empty RIB)"],
  ] as const) {
    target({
      id: `startup.${k}`,
      what: `${what}: median wall time, s`,
      unit: "s",
      kbgp: m(k),
      peer: { tool: "gobgp", value: m(g) },
      ratio: ratioOf(m(g), m(k)),
      ratioMeaning: "gobgp / kbgp",
      target: null,
    });
  }
  for (const k of ["kbgpNeighborJson", "kbgpNeighborAddress"])
    target({
      id: `startup.${k}OverNode`,
      what: `${k} median wall time over node -e 0's (informational)`,
      unit: "ratio",
      kbgp: m(k),
      peer: { tool: "node -e 0", value: m("node") },
      ratio: ratioOf(m(k), m("node")),
      ratioMeaning: "kbgp / node",
      target: null,
    });
  await stop(gobgpd, birdG);

  // ---------------------------------------------------------------------------------------- 2. injection
  async function inject(
    label: string,
    cmd: [string, string[]],
    bird: BirdRunning,
    daemon: Running,
    stdinFile?: string,
  ) {
    log(`${label}: injecting ${N} routes`);
    const sampler = new RssSampler(daemon.pid, 200);
    const t0 = now();
    let cli: TimedRun | undefined;
    const child = timedRun(cmd[0], cmd[1], {
      timeoutMs: CAP * 1000,
      ...(stdinFile ? { stdinFile } : {}),
    }).then((r) => {
      cli = r;
      return r;
    });
    const seen = await waitBirdCount(bird, N, t0 + CAP, now, () =>
      cli && cli.exitCode !== 0 ? `the command failed (${cli.exitCode}): ${cli.stderrTail}` : undefined,
    );
    const done = await child;
    const rss = sampler.stop();
    const r = {
      command: [cmd[0] === KBGP ? "kbgp" : cmd[0], ...cmd[1].slice(2)]
        .join(" ")
        .replaceAll(`${lab.dir}/`, ""),
      finished: seen.at !== null,
      seconds: seen.at === null ? null : round(seen.at - t0, 2),
      birdImported: seen.imported,
      commandSeconds: done.seconds,
      commandExit: done.exitCode,
      commandTimedOut: done.timedOut,
      ...(done.exitCode !== 0 || seen.gaveUp ? { error: seen.gaveUp ?? done.stderrTail } : {}),
      daemonRssBeforeMB: mb(rss.startKB),
      daemonRssMaxMB: mb(rss.maxKB),
      daemonRssAfterMB: mb(rss.endKB),
    };
    log(
      `${label}: ${r.finished ? `BIRD holds all after ${r.seconds} s` : `NOT finished (${seen.imported})`}`,
    );
    return r;
  }

  async function deleteAll(label: string) {
    const t0 = now();
    const del = await timedRun(...kbgp("global", "rib", "del", "all"), { timeoutMs: CAP * 1000 });
    const seen = await waitBirdCount(birdK, 0, t0 + CAP, now);
    const r = {
      commandSeconds: del.seconds,
      commandExit: del.exitCode,
      birdEmptySeconds: seen.at === null ? null : round(seen.at - t0, 2),
    };
    log(`${label}: del all took ${r.commandSeconds} s, BIRD empty after ${r.birdEmptySeconds} s`);
    return r;
  }

  const injection: Record<string, unknown> = {};
  const addFile = await inject("rib add -f", kbgp("global", "rib", "add", "-f", files.words), birdK, kbgpd);
  const delAfterAddFile = await deleteAll("rib add -f");
  const api = await inject("api", kbgp("api"), birdK, kbgpd, files.exabgp);
  const delAfterApi = await deleteAll("api");
  const mrtInject = await inject("mrt inject", kbgp("mrt", "inject", "global", files.mrt), birdK, kbgpd);
  Object.assign(injection, {
    kbgpRibAddFile: {
      ...addFile,
      input: `${N} lines like '${prefixText(0)} nexthop …'`,
      deleteAll: delAfterAddFile,
    },
    kbgpApi: {
      ...api,
      input: `${N} ExaBGP lines like 'announce route ${prefixText(0)} next-hop self …'`,
      deleteAll: delAfterApi,
    },
    kbgpMrtInject: { ...mrtInject, input: `TABLE_DUMP_V2, ${N} RIB_IPV4_UNICAST records` },
  });

  // ---------------------------------------------------------------------------------------- 3. listing (kbgp)
  const summary = JSON.parse((await run(...kbgp("global", "rib", "summary", "-j"))).stdout || "{}");
  const kbgpHeld: number | null = summary.destinations ?? null;
  log(
    `listing: kbgpd holds ${kbgpHeld ?? JSON.stringify(summary)} IPv4 destinations; 3 runs each of global rib, -j`,
  );
  const kbgpdSampler = new RssSampler(kbgpd.pid, 50);
  const listings: Record<"text" | "json", TimedRun[]> = { text: [], json: [] };
  for (let i = 0; i < 3; i++) {
    for (const [kind, args] of [
      ["text", ["global", "rib"]],
      ["json", ["global", "rib", "-j"]],
    ] as const) {
      listings[kind].push(
        await timedRun(...kbgp(...args), { timeoutMs: 120_000, readStdout: true, measureRss: true }),
      );
    }
  }
  const kbgpdRss = kbgpdSampler.stop();
  const kbgpLoadedNeighbor: number[] = [];
  const kbgpLoadedNeighborAddr: number[] = [];
  for (let i = 0; i < 5; i++) {
    kbgpLoadedNeighbor.push(wallOnce(...kbgp("neighbor")));
    kbgpLoadedNeighborAddr.push(wallOnce(...kbgp("neighbor", topo.birdK.address)));
  }
  const kbgpdRssHeldKB = statusKB(kbgpd.pid, "VmRSS");
  const kbgpdHwmKB = statusKB(kbgpd.pid, "VmHWM");
  const summarize = (rs: TimedRun[]) => {
    const ok = rs.every((r) => r.exitCode === 0 && !r.timedOut);
    const fr = rs.map((r) => r.firstRowSeconds).filter((x): x is number => x !== null);
    return {
      ok,
      firstByteSeconds: round(median(rs.map((r) => r.firstByteSeconds ?? Number.NaN))),
      firstRowSeconds: fr.length === rs.length ? round(median(fr)) : null,
      seconds: round(median(rs.map((r) => r.seconds))),
      cliPeakRssMB: mb(Math.max(...rs.map((r) => r.peakRssKB ?? 0))),
      stdoutLines: rs[0]?.stdoutLines ?? 0,
      stdoutMB: round((rs[0]?.stdoutBytes ?? 0) / 1e6, 1),
      runs: rs.map(({ stderrTail, ...r }) => ({ ...r, ...(stderrTail ? { stderrTail } : {}) })),
    };
  };
  const kbgpText = summarize(listings.text);
  const kbgpJson = summarize(listings.json);
  const growth = (s: { startKB: number | null; maxKB: number }) =>
    s.startKB ? round(((s.maxKB - s.startKB) / s.startKB) * 100, 1) : null;
  const kbgpdListing = {
    rssBeforeMB: mb(kbgpdRss.startKB),
    rssMaxWhileListingMB: mb(kbgpdRss.maxKB),
    rssAfterMB: mb(kbgpdRss.endKB),
    growthPercent: growth(kbgpdRss),
    rssHoldingRoutesMB: mb(kbgpdRssHeldKB),
    peakRssSinceStartMB: mb(kbgpdHwmKB),
  };
  await stop(kbgpd, birdK);

  // ---------------------------------------------------------------------------------------- gobgp side
  log("restarting gobgpd and its BIRD receiver for the gobgp runs");
  const birdG2 = await startBird(lab, "bird-gobgpd-2", topo.birdG, topo.gobgpd);
  stops.push(birdG2);
  gobgpd = await startGobgpd(lab, topo.gobgpd, topo.birdG, topo.dummies);
  stops.push(gobgpd);
  await waitEstablished(birdG2);

  // gobgp 3.10's `mrt inject` loses the tail of what it streams: the file carries PAD copies of its first
  // records at the end, and the missing tail is injected again (bench/lib/gobgp-inject.ts).
  log(`gobgp mrt inject: ${N} routes (+${PAD} padding records)`);
  const gSampler = new RssSampler(gobgpd.pid, 200);
  const g0 = now();
  let gSeen: Awaited<ReturnType<typeof waitBirdCount>> = { at: null, imported: 0 };
  const { passes } = await gobgpMrtInject({
    target: gobgpd.target,
    file: files.mrtPadded,
    records: paddedRecords,
    prefixes: N,
    deadline: g0 + CAP,
    label: (x) => x.replaceAll(`${lab.dir}/`, ""),
    wait: async (stalled) => {
      gSeen = await waitBirdCount(birdG2, N, g0 + CAP, now, stalled);
      return gSeen.at !== null ? "done" : gSeen.gaveUp ? "stalled" : "deadline";
    },
  });
  const gRss = gSampler.stop();
  const gobgpInject = {
    command: `gobgp mrt inject global FILE.mrt (TABLE_DUMP_V2, ${N} records + ${PAD} padding)`,
    finished: gSeen.at !== null,
    seconds: gSeen.at === null ? null : round(gSeen.at - g0, 2),
    birdImported: gSeen.imported,
    passes,
    note:
      "Timed until the BIRD peer holds every route, as the kbgp variants are. gobgpd streams the routes to " +
      "its Established BIRD neighbor while they arrive, and `mrt inject` itself then takes longer than into " +
      "a gobgpd without neighbors (the issue's 45–50 s).",
    daemonRssBeforeMB: mb(gRss.startKB),
    daemonRssMaxMB: mb(gRss.maxKB),
    daemonRssAfterMB: mb(gRss.endKB),
  };
  injection.gobgpMrtInject = gobgpInject;
  log(
    `gobgp mrt inject: ${gobgpInject.finished ? `BIRD holds all after ${gobgpInject.seconds} s` : "NOT finished"}`,
  );
  for (const [id, k] of [
    ["injection.ribAddFile", addFile],
    ["injection.api", api],
    ["injection.mrtInject", mrtInject],
  ] as const) {
    target({
      id,
      what: `${N} routes until BIRD holds all: ${k.command} against gobgp mrt inject`,
      unit: "s",
      kbgp: k.seconds,
      peer: { tool: "gobgp mrt inject", value: gobgpInject.seconds },
      ratio: ratioOf(gobgpInject.seconds, k.seconds),
      ratioMeaning: "gobgp / kbgp",
      target: "≥ 5",
      check: (x) => x >= 5,
      checkValue: ratioOf(gobgpInject.seconds, k.seconds),
    });
  }

  // ---------------------------------------------------------------------------------------- 3. listing (gobgp)
  const gobgpHeld = await gobgpRibCount(gobgpd.target);
  log(`gobgp global rib: one run over ${gobgpHeld} routes (capped at ${GOBGP_LISTING_CAP} s)`);
  const gListSampler = new RssSampler(gobgpd.pid, 50);
  const gList = await timedRun(...gobgp("global", "rib"), {
    timeoutMs: GOBGP_LISTING_CAP * 1000,
    readStdout: true,
    measureRss: true,
  });
  const gListRss = gListSampler.stop();
  log(`gobgp global rib: first row ${gList.firstRowSeconds} s, done ${gList.seconds} s`);
  const gobgpLoadedNeighborAddr: number[] = [];
  const gobgpLoadedNeighbor: number[] = [];
  for (let i = 0; i < 3; i++) {
    gobgpLoadedNeighborAddr.push(wallOnce(...gobgp("neighbor", topo.birdG.address), 60_000));
    gobgpLoadedNeighbor.push(wallOnce(...gobgp("neighbor"), 60_000));
  }
  const gobgpText = summarize([gList]);
  const gobgpdListing = {
    rssBeforeMB: mb(gListRss.startKB),
    rssMaxWhileListingMB: mb(gListRss.maxKB),
    rssAfterMB: mb(gListRss.endKB),
    growthPercent: growth(gListRss),
    peakRssSinceStartMB: mb(statusKB(gobgpd.pid, "VmHWM")),
  };
  await stop(gobgpd, birdG2);

  const listingTarget = (
    id: string,
    what: string,
    unit: string,
    k: number | null,
    g: number | null,
    limit: number,
    tool = "gobgp global rib",
  ) =>
    target({
      id,
      what,
      unit,
      kbgp: k,
      peer: { tool, value: g },
      ratio: ratioOf(g, k),
      ratioMeaning: "gobgp / kbgp",
      target: `≤ ${limit}`,
      check: (x) => x <= limit,
    });
  for (const [form, r] of [
    ["", kbgpText],
    [" -j", kbgpJson],
  ] as const) {
    const sfx = form ? "Json" : "";
    listingTarget(
      `listing.firstRow${sfx}`,
      `\`kbgp global rib${form}\`, ${N} routes: first route row on stdout`,
      "s",
      r.firstRowSeconds,
      gobgpText.firstRowSeconds,
      0.3,
    );
    listingTarget(
      `listing.total${sfx}`,
      `\`kbgp global rib${form}\`, ${N} routes: whole listing`,
      "s",
      r.ok ? r.seconds : null,
      gobgpText.seconds,
      5,
    );
    listingTarget(
      `listing.cliRss${sfx}`,
      `\`kbgp global rib${form}\`: CLI peak RSS`,
      "MB",
      r.cliPeakRssMB,
      gobgpText.cliPeakRssMB,
      80,
    );
  }
  listingTarget(
    "listing.daemonGrowth",
    "daemon RSS growth while serving the listings (kbgpd: 6 listings; gobgpd: 1)",
    "%",
    kbgpdListing.growthPercent,
    gobgpdListing.growthPercent,
    10,
    "gobgpd",
  );
  listingTarget(
    "listing.neighborAddress",
    `\`neighbor BIRD-ADDRESS\` with ${N} routes held: median wall time`,
    "s",
    round(median(kbgpLoadedNeighborAddr)),
    round(median(gobgpLoadedNeighborAddr)),
    0.3,
    "gobgp neighbor ADDR",
  );

  const result = {
    benchmark: "cli",
    routes: N,
    measured:
      "Wall-clock seconds from spawn to exit (start-up: median of interleaved runs); injections from the " +
      "command's start until the BIRD peer reports every route imported (polled every 0.2 s through birdc); " +
      "listings: first byte / first line holding a prefix on the CLI's stdout (a pipe the bench reads), " +
      "total, the CLI's peak RSS (/usr/bin/time %M, else VmHWM polling) and the daemon's VmRSS sampled " +
      "every 50 ms. Ratios: peer/kbgp (higher is better for kbgp), except start-up: kbgp/node.",
    setup: {
      neighbors:
        "10 per daemon: one BIRD 2 receiver (eBGP, Established) and 9 loopback addresses where nothing listens",
      routes: `${N} IPv4 /24s from ${prefixText(0)}, ORIGIN IGP, AS_PATH 65100, MED 5`,
      gobgpPadding: `${PAD} records (gobgp 3.10's mrt inject drops its tail; see peerlab)`,
      inputWriteSeconds: inputSeconds,
      rssMethod: haveTime ? "/usr/bin/time %M" : "VmHWM polling every 10 ms",
      versions,
      loadAverageStart: loadStart,
      loadAverageEnd: loadavg().map((x) => round(x, 2)),
      totalSeconds: round(now() - started, 1),
    },
    startup: { runs: RUNS, neighborsListed, ...startup },
    injection,
    listing: {
      routesHeld: { kbgpd: kbgpHeld, gobgpd: gobgpHeld },
      kbgpGlobalRib: kbgpText,
      kbgpGlobalRibJson: kbgpJson,
      kbgpd: kbgpdListing,
      kbgpNeighbor: stat(kbgpLoadedNeighbor),
      kbgpNeighborAddress: stat(kbgpLoadedNeighborAddr),
      gobgpGlobalRib: gobgpText,
      gobgpd: gobgpdListing,
      gobgpNeighbor: stat(gobgpLoadedNeighbor),
      gobgpNeighborAddress: stat(gobgpLoadedNeighborAddr),
    },
    targets,
    targetsMet: targets.filter((x) => x.met === true).length,
    targetsMissed: targets.filter((x) => x.met === false).map((x) => x.id),
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
} finally {
  for (const r of stops.reverse()) await r.daemon.kill().catch(() => {});
  await lab.close();
}
