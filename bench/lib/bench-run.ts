/**
 * What the daemon benches (ingest, fan-out, churn) share around their runs: environment knobs, progress on
 * stderr, the peer tools' versions, which daemons to run, and the interleaved order of runs (each round
 * starts with another daemon, so that load on a shared machine falls on all of them alike).
 */
import { writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { run } from "../../test/interop/harness/proc.js";
import { RECEIVER_NAMES, type ReceiverName } from "./ingest-daemons.js";
import { round } from "./measure.js";
import { BIRD, GOBGP, requirePeerTools } from "./peers.js";

export const now = (): number => Number(process.hrtime.bigint()) / 1e9;

/** A positive integer from the environment, else `fallback`. */
export function envInt(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return Number.isInteger(v) && v > 0 ? v : fallback;
}

/** The names listed in `envName` (comma separated), each one of `all`; all of them when it is unset. */
export function envNames<T extends string>(envName: string, all: readonly T[]): T[] {
  const names = (process.env[envName]?.split(",") ?? all).map((s) => s.trim());
  for (const n of names)
    if (!all.includes(n as T)) throw new Error(`${envName}: unknown name '${n}' (${all.join(", ")})`);
  return names as T[];
}

/** Progress lines on stderr, "[NAME bench   12 s] …", seconds since the bench started. */
export function progress(name: string): (msg: string) => void {
  const started = now();
  return (msg) =>
    process.stderr.write(`[${name} bench ${(now() - started).toFixed(0).padStart(4)} s] ${msg}\n`);
}

/** Checks that gobgpd and BIRD are installed and returns their versions and kbgp's. */
export async function daemonVersions(root: string): Promise<{ gobgp: string; bird: string; kbgp: string }> {
  requirePeerTools();
  return {
    gobgp: (await run(GOBGP, ["--version"])).stdout.trim(),
    bird: await run(BIRD, ["--version"]).then((r) => (r.stderr || r.stdout).trim()),
    kbgp: (await run(process.execPath, [join(root, "bin/kbgp.cjs"), "version"])).stdout.trim(),
  };
}

/** Exits (running `finally` blocks' process hooks) on SIGINT and SIGTERM. */
export function exitOnSignals(): void {
  process.once("SIGINT", () => process.exit(130));
  process.once("SIGTERM", () => process.exit(143));
}

/** Thins samples ([t, value, …]) to at most `max` points, keeping the first and the last. */
export const thin = <T>(xs: T[], max = 40): T[] =>
  xs.length <= max ? xs : xs.filter((_, i) => i === xs.length - 1 || i % Math.ceil(xs.length / max) === 0);

export const load1 = (): number => round(loadavg()[0]!, 2);
export const loadAverages = (): number[] => loadavg().map((x) => round(x, 2));

/** `runs` rounds over `names`, each round rotated by one (kbgpd, gobgpd, BIRD; then gobgpd, BIRD, kbgpd;
 *  …); `describe` turns a run's result into its progress line. */
export async function interleaved<N extends string, R>(
  names: readonly N[],
  runs: number,
  one: (name: N, index: number) => Promise<R>,
  log: (msg: string) => void,
  describe: (r: R) => string,
): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < runs; i++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(k + i) % names.length]!;
      log(`run ${i + 1}/${runs}: ${name} (load ${load1().toFixed(2)})`);
      const r = await one(name, i + 1);
      results.push(r);
      log(`  ${name}: ${describe(r)}`);
    }
  }
  return results;
}

/** The first line of a results table: what, when, on what, under what load. */
export function header(what: string, loadStart: number[], loadEnd: number[]): string {
  return (
    `${what}, ${new Date().toISOString()}, ${cpus().length} × ${cpus()[0]?.model ?? "?"}, ` +
    `load average ${loadStart.join(" ")} at the start and ${loadEnd.join(" ")} at the end`
  );
}

export interface Bench {
  root: string;
  /** KBGP_BENCH_RUNS: runs per daemon (default 3). */
  runs: number;
  /** The daemons to run, from the environment variable named at start (default: all three). */
  daemons: ReceiverName[];
  started: number;
  log: (msg: string) => void;
  versions: { gobgp: string; bird: string; kbgp: string };
}

/** The start of a daemon bench run as `node NAME.mjs REPO_ROOT`: how many runs of which daemons
 *  (`daemonsEnv` names the variable listing them), its progress log, the daemons' versions (failing when
 *  one is missing), and an exit on SIGINT and SIGTERM. */
export async function startBench(name: string, daemonsEnv: string): Promise<Bench> {
  const root = process.argv[2];
  if (!root) throw new Error(`usage: ${name}.mjs REPO_ROOT`);
  const runs = envInt("KBGP_BENCH_RUNS", 3);
  const daemons = envNames(daemonsEnv, RECEIVER_NAMES);
  const started = now();
  const log = progress(name);
  const versions = await daemonVersions(root);
  exitOnSignals();
  return { root, runs, daemons, started, log, versions };
}

/** Writes bench/results/NAME.md, shows it on stderr, and prints the JSON result (with the versions and the
 *  bench's duration) on stdout for bench/run.mjs. */
export function publish(b: Bench, name: string, md: string, result: Record<string, unknown>): void {
  writeFileSync(join(b.root, `bench/results/${name}.md`), md);
  process.stderr.write(`\n${md}\n`);
  const all = { ...result, versions: b.versions, benchSeconds: round(now() - b.started, 1) };
  process.stdout.write(`${JSON.stringify(all)}\n`);
}
