/**
 * The ingest bench's numbers: per-run results, their median / min / max per receiver, the ratios kbgpd
 * over gobgpd and over BIRD, the targets, and the Markdown table docs/performance.md quotes.
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

const stat = (xs: (number | null)[]): Stat | null => {
  const v = xs.filter((x): x is number => x !== null);
  return v.length
    ? { median: round(median(v)), min: round(Math.min(...v)), max: round(Math.max(...v)), n: v.length }
    : null;
};

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

export type Summary = Record<Metric, Stat | null> & { runs: number; completed: number };

export function summarize(runs: RunResult[]): Summary {
  const s = Object.fromEntries(METRICS.map((m) => [m, stat(runs.map((r) => r[m]))])) as Record<
    Metric,
    Stat | null
  >;
  return { ...s, runs: runs.length, completed: runs.filter((r) => r.seconds !== null).length };
}

const ratio = (a: Stat | null, b: Stat | null): number | null =>
  a && b && b.median > 0 ? round(a.median / b.median, 3) : null;

/** kbgpd's median over the other receiver's, for time, peak RSS and CPU (below 1: kbgpd is better). */
export function ratios(kbgpd: Summary | undefined, other: Summary | undefined) {
  if (!kbgpd || !other) return null;
  return {
    seconds: ratio(kbgpd.seconds, other.seconds),
    peakRssMB: ratio(kbgpd.peakRssMB, other.peakRssMB),
    cpuSeconds: ratio(kbgpd.cpuSeconds, other.cpuSeconds),
  };
}

export interface TargetCheck {
  what: string;
  target: string;
  value: number | null;
  met: boolean | null;
}

/** The targets for a full table (1.2M prefixes); meaningless for a scaled-down run. */
export function targets(summaries: Partial<Record<string, Summary>>): TargetCheck[] {
  const k = summaries.kbgpd;
  const g = summaries.gobgpd;
  const check = (
    what: string,
    target: string,
    value: number | null | undefined,
    ok: (x: number) => boolean,
  ) => ({
    what,
    target,
    value: value ?? null,
    met: value === null || value === undefined ? null : ok(value),
  });
  const speedup = k?.seconds && g?.seconds ? round(g.seconds.median / k.seconds.median, 2) : null;
  return [
    check("Established → all prefixes in Loc-RIB, median s", "≤ 3", k?.seconds?.median, (x) => x <= 3),
    check("gobgpd's time over kbgpd's (medians)", "≥ 10", speedup, (x) => x >= 10),
    check("peak RSS (VmHWM), median MB", "≤ 250", k?.peakRssMB?.median, (x) => x <= 250),
    check("CPU seconds over the ingest, median", "≤ 3", k?.cpuSeconds?.median, (x) => x <= 3),
  ];
}

const cell = (s: Stat | null, digits = 2): string =>
  s ? `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})` : "–";

export function markdown(
  summaries: Partial<Record<string, Summary>>,
  r: { gobgpd: ReturnType<typeof ratios>; bird: ReturnType<typeof ratios> },
  checks: TargetCheck[],
  header: string,
): string {
  const rows = Object.entries(summaries).map(
    ([name, s]) =>
      `| ${name} | ${s!.completed}/${s!.runs} | ${cell(s!.seconds)} | ${cell(s!.seconds99)} | ${cell(s!.peakRssMB, 0)} | ${cell(s!.cpuSeconds)} | ${cell(s!.load1)} |`,
  );
  const rr = (x: ReturnType<typeof ratios>, name: string): string =>
    x ? `| kbgpd / ${name} | ${x.seconds ?? "–"} | ${x.peakRssMB ?? "–"} | ${x.cpuSeconds ?? "–"} |` : "";
  return [
    header,
    "",
    "| receiver | runs done | Established → all, s | → 99 %, s | peak RSS, MB | CPU s (ingest) | load (1 min) |",
    "|---|---|---|---|---|---|---|",
    ...rows,
    "",
    "median (min–max) over the runs",
    "",
    "| ratio of medians | time | peak RSS | CPU |",
    "|---|---|---|---|",
    rr(r.gobgpd, "gobgpd"),
    rr(r.bird, "BIRD"),
    "",
    "| kbgpd target | wanted | measured | met |",
    "|---|---|---|---|",
    ...checks.map(
      (c) =>
        `| ${c.what} | ${c.target} | ${c.value ?? "–"} | ${c.met === null ? "–" : c.met ? "yes" : "no"} |`,
    ),
    "",
  ].join("\n");
}
