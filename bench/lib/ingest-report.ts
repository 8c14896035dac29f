/**
 * The ingest bench's numbers: per-run results, their median / min / max per receiver, the ratios kbgpd
 * over gobgpd and over BIRD, the targets, and the Markdown table docs/performance.md quotes. The
 * generic parts (summaries of any numeric fields, ratios, target checks, Markdown cells and tables) serve
 * the fan-out and churn benches too.
 */
import { median, round } from "./measure.js";

export interface RunResult {
  receiver: string;
  run: number;
  /** 1-minute load average when the run started (the machine is shared: read it beside every number). */
  load1: number;
  senderLoadSeconds: number;
  /** Receiver start to the first probe that saw Established. */
  establishedAfterSeconds: number | null;
  /** How much later the first probe saw Established than the daemon says it came up (kbgpd, BIRD). */
  establishedSeenLateSeconds: number | null;
  /** Established (the daemon's own time where it tells) to the first probe that saw every prefix (null: not
   *  within the cap). */
  seconds: number | null;
  /** Established to the first probe that saw 99 % of them. */
  seconds99: number | null;
  /** VmHWM of the receiver when it held every prefix (or at the cap), MB. */
  peakRssMB: number | null;
  /** VmRSS at Established, MB: what the daemon held before the table came. */
  rssAtEstablishedMB: number | null;
  /** utime + stime of the receiver from Established to all prefixes, and from its start. */
  cpuSeconds: number | null;
  cpuSecondsSinceStart: number | null;
  /** The sender's CPU over the same interval: how busy the other end was. */
  senderCpuSeconds: number | null;
  prefixes: number;
  polls: number;
  /** [seconds after Established, prefixes held], thinned to at most 40 points. */
  progress: [number, number][];
  error?: string;
}

export interface Stat {
  median: number;
  min: number;
  max: number;
  n: number;
}

export const stat = (xs: (number | null)[]): Stat | null => {
  const v = xs.filter((x): x is number => x !== null);
  return v.length
    ? { median: round(median(v)), min: round(Math.min(...v)), max: round(Math.max(...v)), n: v.length }
    : null;
};

/** Median, min and max of each of `metrics` over the runs (with `doneOnly`, over the completed ones: a
 *  failed run's figures stop wherever it failed), how many runs there were and how many are `done`
 *  (completed within the cap, without error). */
export type SummaryOf<M extends string> = Record<M, Stat | null> & { runs: number; completed: number };

export function summarizeBy<R, M extends keyof R & string>(
  runs: R[],
  metrics: readonly M[],
  done: (r: R) => boolean,
  doneOnly = false,
): SummaryOf<M> {
  const counted = doneOnly ? runs.filter(done) : runs;
  const s = Object.fromEntries(
    metrics.map((m) => [m, stat(counted.map((r) => r[m] as number | null))]),
  ) as Record<M, Stat | null>;
  return { ...s, runs: runs.length, completed: runs.filter(done).length };
}

const METRICS = [
  "seconds",
  "seconds99",
  "peakRssMB",
  "cpuSeconds",
  "cpuSecondsSinceStart",
  "establishedAfterSeconds",
  "senderCpuSeconds",
  "load1",
] as const;
type Metric = (typeof METRICS)[number];

export type Summary = SummaryOf<Metric>;

/** Each receiver's summary of its runs. */
export const summarize = (names: readonly string[], runs: RunResult[]): Partial<Record<string, Summary>> =>
  summariesOf(
    names,
    runs,
    (r) => r.receiver,
    METRICS,
    (r) => r.seconds !== null,
  );

const ratio = (a: Stat | null, b: Stat | null): number | null =>
  a && b && b.median > 0 ? round(a.median / b.median, 3) : null;

/** kbgpd's median over the other daemon's for each of `metrics` (below 1: kbgpd's is smaller). */
export function ratiosBy<M extends string>(
  kbgpd: SummaryOf<M> | undefined,
  other: SummaryOf<M> | undefined,
  metrics: readonly M[],
): Record<M, number | null> | null {
  if (!kbgpd || !other) return null;
  return Object.fromEntries(metrics.map((m) => [m, ratio(kbgpd[m], other[m])])) as Record<M, number | null>;
}

/** Each daemon's summary of its runs (`nameOf` says whose a run is). */
export function summariesOf<N extends string, R, M extends keyof R & string>(
  names: readonly N[],
  runs: R[],
  nameOf: (r: R) => N,
  metrics: readonly M[],
  done: (r: R) => boolean,
  doneOnly = false,
): Partial<Record<N, SummaryOf<M>>> {
  const out: Partial<Record<N, SummaryOf<M>>> = {};
  for (const n of names)
    out[n] = summarizeBy(
      runs.filter((r) => nameOf(r) === n),
      metrics,
      done,
      doneOnly,
    );
  return out;
}

export interface KbgpdRatios<M extends string> {
  meaning: string;
  gobgpd: Record<M, number | null> | null;
  bird: Record<M, number | null> | null;
}

/** kbgpd's medians over gobgpd's and over BIRD's for each of `metrics`. */
export function kbgpdRatios<M extends string>(
  s: Partial<Record<string, SummaryOf<M>>>,
  metrics: readonly M[],
): KbgpdRatios<M> {
  return {
    meaning: "kbgpd median / other median (below 1: kbgpd's is smaller)",
    gobgpd: ratiosBy(s.kbgpd, s.gobgpd, metrics),
    bird: ratiosBy(s.kbgpd, s.bird, metrics),
  };
}

/** The ratio table in Markdown: one column per metric, headed by `labels`. */
export function ratioRows<M extends string>(
  r: KbgpdRatios<M>,
  metrics: readonly M[],
  labels: string[],
): string[] {
  const row = (x: Record<M, number | null> | null, name: string): string[] =>
    x ? [`| kbgpd / ${name} | ${metrics.map((m) => x[m] ?? "–").join(" | ")} |`] : [];
  return [
    `| ratio of medians | ${labels.join(" | ")} |`,
    `|---|${labels.map(() => "---").join("|")}|`,
    ...row(r.gobgpd, "gobgpd"),
    ...row(r.bird, "BIRD"),
  ];
}

/** kbgpd's median over the other receiver's, for time, peak RSS and CPU (below 1: kbgpd is better). */
export const INGEST_RATIOS = ["seconds", "peakRssMB", "cpuSeconds"] as const;

export interface TargetCheck {
  what: string;
  target: string;
  value: number | null;
  met: boolean | null;
}

export function check(
  what: string,
  target: string,
  value: number | null | undefined,
  ok: (x: number) => boolean,
): TargetCheck {
  return {
    what,
    target,
    value: value ?? null,
    met: value === null || value === undefined ? null : ok(value),
  };
}

/** The targets for a full table (1.2M prefixes); meaningless for a scaled-down run. */
export function targets(summaries: Partial<Record<string, Summary>>): TargetCheck[] {
  const k = summaries.kbgpd;
  const g = summaries.gobgpd;
  const speedup = k?.seconds && g?.seconds ? round(g.seconds.median / k.seconds.median, 2) : null;
  return [
    check("Established → all prefixes in Loc-RIB, median s", "≤ 3", k?.seconds?.median, (x) => x <= 3),
    check("gobgpd's time over kbgpd's (medians)", "≥ 10", speedup, (x) => x >= 10),
    check("peak RSS (VmHWM), median MB", "≤ 250", k?.peakRssMB?.median, (x) => x <= 250),
    check("CPU seconds over the ingest, median", "≤ 3", k?.cpuSeconds?.median, (x) => x <= 3),
  ];
}

/** The target table's rows. */
export const targetRows = (checks: TargetCheck[]): string[] => [
  "| kbgpd target | wanted | measured | met |",
  "|---|---|---|---|",
  ...checks.map(
    (c) => `| ${c.what} | ${c.target} | ${c.value ?? "–"} | ${c.met === null ? "–" : c.met ? "yes" : "no"} |`,
  ),
];

/** "median (min–max)", or a dash. */
export const cell = (s: Stat | null, digits = 2): string =>
  s ? `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})` : "–";

/** A results page: the header line, the table of medians (one row per daemon), the ratio table and the
 *  targets. */
export function resultsMarkdown(o: {
  head: string;
  columns: string[];
  rows: string[][];
  note?: string;
  ratios: string[];
  checks: TargetCheck[];
}): string {
  return [
    o.head,
    "",
    `| ${o.columns.join(" | ")} |`,
    `|${o.columns.map(() => "---").join("|")}|`,
    ...o.rows.map((r) => `| ${r.join(" | ")} |`),
    "",
    o.note ?? "median (min–max) over the runs",
    "",
    ...o.ratios,
    "",
    ...targetRows(o.checks),
    "",
  ].join("\n");
}

/** The ingest table: one row per receiver (time to all and to 99 %, peak RSS, CPU, load), the ratios and
 *  the targets. Scenario 2 (bench/real.ts) times from its first UPDATE: `timeLabel` says so. */
export function markdown(
  summaries: Partial<
    Record<string, SummaryOf<"seconds" | "seconds99" | "peakRssMB" | "cpuSeconds" | "load1">>
  >,
  r: KbgpdRatios<(typeof INGEST_RATIOS)[number]>,
  checks: TargetCheck[],
  head: string,
  o: { timeLabel?: string; note?: string } = {},
): string {
  return resultsMarkdown({
    head,
    columns: [
      "receiver",
      "runs done",
      o.timeLabel ?? "Established → all, s",
      "→ 99 %, s",
      "peak RSS, MB",
      "CPU s (ingest)",
      "load (1 min)",
    ],
    rows: Object.entries(summaries).map(([name, s]) => [
      name,
      `${s!.completed}/${s!.runs}`,
      cell(s!.seconds),
      cell(s!.seconds99),
      cell(s!.peakRssMB, 0),
      cell(s!.cpuSeconds),
      cell(s!.load1),
    ]),
    ...(o.note ? { note: o.note } : {}),
    ratios: ratioRows(r, INGEST_RATIOS, ["time", "peak RSS", "CPU"]),
    checks,
  });
}

/** Each daemon's summary over its completed runs (a time, and no error) and kbgpd's ratios. */
export function summariesAndRatios<
  N extends string,
  R extends { seconds: number | null; error?: string },
  M extends keyof R & string,
  Q extends M,
>(names: readonly N[], runs: R[], nameOf: (r: R) => N, metrics: readonly M[], ratioMetrics: readonly Q[]) {
  const summaries = summariesOf(
    names,
    runs,
    nameOf,
    metrics,
    (x) => x.seconds !== null && x.error === undefined,
    true,
  );
  return { summaries, ratios: kbgpdRatios(summaries, ratioMetrics) };
}

/** kbgpd's checks in the scale scenarios (sessions, origination): every run completed (`runsWhat`: without
 *  an error or a session drop), the worst run's event-loop delay within 200 ms, and — when gobgpd ran — each
 *  median at least as good as gobgpd's. */
export function scaleChecks(
  k: SummaryOf<"lagMaxMs"> | undefined,
  overGobgpd: Record<"seconds" | "peakRssMB" | "cpuSeconds", number | null> | null,
  runsWhat: string,
): TargetCheck[] {
  return [
    check(runsWhat, `${k?.runs ?? "–"}`, k?.completed, (x) => x === k?.runs),
    check("largest event-loop delay, ms (worst run)", "≤ 200", k?.lagMaxMs?.max, (x) => x <= 200),
    ...(overGobgpd
      ? [
          check("time, kbgpd over gobgpd (medians)", "≤ 1", overGobgpd.seconds, (x) => x <= 1),
          check("peak RSS, kbgpd over gobgpd", "≤ 1", overGobgpd.peakRssMB, (x) => x <= 1),
          check("CPU, kbgpd over gobgpd", "≤ 1", overGobgpd.cpuSeconds, (x) => x <= 1),
        ]
      : []),
  ];
}

/** The columns and rows of a per-daemon results table: the daemon, its runs done, then `columns` (a header
 *  and the cell of each daemon's summary), then the load. */
export function daemonTable<S extends { runs: number; completed: number; load1: Stat | null }>(
  summaries: Partial<Record<string, S>>,
  columns: [header: string, cellOf: (s: S, name: string) => string][],
): { columns: string[]; rows: string[][] } {
  return {
    columns: ["daemon", "runs done", ...columns.map(([h]) => h), "load (1 min)"],
    rows: Object.entries(summaries).map(([name, s]) => [
      name,
      `${s!.completed}/${s!.runs}`,
      ...columns.map(([, f]) => f(s!, name)),
      cell(s!.load1),
    ]),
  };
}
