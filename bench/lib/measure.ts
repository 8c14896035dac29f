/**
 * Measuring commands: wall time of one-shot commands, time to the first byte and the first route row of a
 * listing, a child's peak RSS, and a daemon's RSS over time. Every child has a hard time limit.
 */
import { spawn, spawnSync } from "node:child_process";
import { accessSync, closeSync, constants, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";

const TIME = "/usr/bin/time";

const now = (): number => Number(process.hrtime.bigint()) / 1e9;
export const round = (x: number, digits = 3): number => Number(x.toFixed(digits));

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** A field of /proc/PID/status in kB (VmRSS, VmHWM), or null once the process is gone. */
export function statusKB(pid: number, field: "VmRSS" | "VmHWM"): number | null {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

export const mb = (kB: number | null): number | null => (kB === null ? null : round((kB * 1024) / 1e6, 1));

/** The first child of `pid` (a daemon started under `timeout`), waited for up to 5 s. */
export function childOf(pid: number): number {
  for (let i = 0; i < 100; i++) {
    try {
      const kids = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim();
      if (kids) return Number(kids.split(/\s+/)[0]);
    } catch {
      // not there yet, or /proc without children files: fall through to the sleep
    }
    spawnSync("sleep", ["0.05"]);
  }
  throw new Error(`no child process of ${pid} after 5 s`);
}

/** Samples a process's VmRSS every `intervalMs` and keeps the largest value. */
export class RssSampler {
  private timer: NodeJS.Timeout;
  readonly startKB: number | null;
  maxKB = 0;

  constructor(
    private readonly pid: number,
    intervalMs = 50,
  ) {
    this.startKB = statusKB(pid, "VmRSS");
    this.maxKB = this.startKB ?? 0;
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  private sample(): void {
    const v = statusKB(this.pid, "VmRSS");
    if (v !== null && v > this.maxKB) this.maxKB = v;
  }

  stop(): { startKB: number | null; maxKB: number; endKB: number | null } {
    clearInterval(this.timer);
    this.sample();
    return { startKB: this.startKB, maxKB: this.maxKB, endKB: statusKB(this.pid, "VmRSS") };
  }
}

/** Wall time of one run of a short command (spawn to exit), output discarded; throws unless it exits 0. */
export function wallOnce(cmd: string, args: string[], timeoutMs = 60_000): number {
  const t0 = now();
  const r = spawnSync(cmd, args, { stdio: ["ignore", "ignore", "pipe"], timeout: timeoutMs });
  const t = now() - t0;
  if (r.status !== 0)
    throw new Error(
      `${cmd} ${args.join(" ")}: ${r.error?.message ?? `exit ${r.status ?? r.signal}`} ${String(r.stderr).trim()}`,
    );
  return t;
}

export const haveTime = ((): boolean => {
  try {
    accessSync(TIME, constants.X_OK);
    return true;
  } catch {
    return false;
  }
})();

export interface TimedRun {
  /** Spawn to exit. */
  seconds: number;
  /** Spawn to the first byte on stdout, and to the first stdout line holding an IPv4 prefix (a route row). */
  firstByteSeconds: number | null;
  firstRowSeconds: number | null;
  stdoutBytes: number;
  stdoutLines: number;
  /** Peak RSS of the command: /usr/bin/time's %M when installed, else the last VmHWM read by polling. */
  peakRssKB: number | null;
  rssMethod: "/usr/bin/time %M" | "VmHWM polling" | "not measured";
  exitCode: number | null;
  timedOut: boolean;
  stderrTail: string;
}

export interface TimedOptions {
  timeoutMs: number;
  /** File given as standard input (else /dev/null). */
  stdinFile?: string;
  /** Read stdout through a pipe (first byte, first row, line count); else it goes to /dev/null. */
  readStdout?: boolean;
  measureRss?: boolean;
}

const ROW = /\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\/\d{1,2}\b/;

/** Runs a command to its end (SIGKILL of its process group after timeoutMs) and measures it. */
export function timedRun(cmd: string, args: string[], opts: TimedOptions): Promise<TimedRun> {
  const rss = opts.measureRss ?? false;
  const timeFile = `/tmp/kbgp-bench-time-${process.pid}-${Math.random().toString(36).slice(2)}`;
  const [file, argv] = rss && haveTime ? [TIME, ["-f", "%M", "-o", timeFile, cmd, ...args]] : [cmd, args];
  const stdin = opts.stdinFile ? openSync(opts.stdinFile, "r") : "ignore";
  return new Promise((resolve, reject) => {
    const t0 = now();
    const child = spawn(file, argv, {
      stdio: [stdin, opts.readStdout ? "pipe" : "ignore", "pipe"],
      detached: true,
    });
    if (typeof stdin === "number") closeSync(stdin);
    let firstByte: number | null = null;
    let firstRow: number | null = null;
    let bytes = 0;
    let lines = 0;
    let head = "";
    let stderr = "";
    let timedOut = false;
    let hwm: number | null = null;
    const poll =
      rss && !haveTime && child.pid
        ? setInterval(() => {
            const v = statusKB(child.pid!, "VmHWM");
            if (v !== null) hwm = v;
          }, 10)
        : undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // already gone
      }
    }, opts.timeoutMs);
    child.stdout?.on("data", (chunk: Buffer) => {
      const t = now();
      firstByte ??= t - t0;
      bytes += chunk.length;
      for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines++;
      if (firstRow === null) {
        // Only the head of the output is searched: a row is complete once its line is.
        head = (head + chunk.toString("latin1")).slice(-65_536);
        const nl = head.lastIndexOf("\n");
        if (
          nl >= 0 &&
          head
            .slice(0, nl)
            .split("\n")
            .some((l) => ROW.test(l))
        )
          firstRow = t - t0;
      }
    });
    child.stderr!.on("data", (d: Buffer) => {
      stderr = (stderr + d.toString("utf8")).slice(-4000);
    });
    child.once("error", (e) => {
      clearTimeout(timer);
      if (poll) clearInterval(poll);
      reject(e);
    });
    child.once("close", (code) => {
      const seconds = now() - t0;
      clearTimeout(timer);
      if (poll) clearInterval(poll);
      let peak: number | null = hwm;
      if (rss && haveTime) {
        try {
          const m = /(\d+)\s*$/.exec(readFileSync(timeFile, "utf8"));
          peak = m ? Number(m[1]) : null;
        } catch {
          peak = null;
        }
        rmSync(timeFile, { force: true });
        // /usr/bin/time prefixes its output with "Command exited with non-zero status N" when it fails.
      }
      resolve({
        seconds: round(seconds),
        firstByteSeconds: firstByte === null ? null : round(firstByte),
        firstRowSeconds: firstRow === null ? null : round(firstRow),
        stdoutBytes: bytes,
        stdoutLines: lines,
        peakRssKB: peak,
        rssMethod: rss ? (haveTime ? "/usr/bin/time %M" : "VmHWM polling") : "not measured",
        exitCode: code,
        timedOut,
        stderrTail: stderr.trim().slice(-600),
      });
    });
  });
}

/** Clock ticks per second of /proc/PID/stat's utime and stime (USER_HZ: 100 on every Linux we run on). */
const CLK_TCK = ((): number => {
  const r = spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" });
  const v = Number(r.stdout?.trim());
  return Number.isInteger(v) && v > 0 ? v : 100;
})();

/** CPU seconds (user + system, every thread) a process has used so far, or null once it is gone. */
export function cpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // comm (in parentheses) may hold spaces: count fields after its closing parenthesis; utime and stime
    // are fields 14 and 15 of stat(5), i.e. 12 and 13 after it.
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12])) / CLK_TCK;
  } catch {
    return null;
  }
}

/** Samples a process's CPU seconds and VmRSS every `intervalMs` from this process (never waiting on the
 *  process itself, which may be too busy to answer anything), so that their values at a moment known only
 *  afterwards (a session's Established time as the daemon reports it) can be read back. */
export class ProcSampler {
  private samples: [at: number, cpu: number, rssKB: number | null][] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly pid: number,
    private readonly clock: () => number,
    intervalMs = 20,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  private sample(): void {
    const cpu = cpuSeconds(this.pid);
    if (cpu !== null) this.samples.push([this.clock(), cpu, statusKB(this.pid, "VmRSS")]);
    // Bounded: at 20 ms, 30,000 samples are 10 minutes; beyond that every other one is dropped.
    if (this.samples.length > 30_000) this.samples = this.samples.filter((_, i) => i % 2 === 0);
  }

  /** CPU seconds and VmRSS of the last sample taken at or before `at` (the first sample if none). */
  at(at: number): { cpu: number; rssKB: number | null } | null {
    let v = this.samples[0];
    for (const s of this.samples) {
      if (s[0] > at) break;
      v = s;
    }
    return v ? { cpu: v[1], rssKB: v[2] } : null;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

/** Resets a process's VmHWM to its current RSS (`5` into /proc/PID/clear_refs, Linux 4.0 and later), so
 *  that VmHWM read later is the peak since now. False when that is not allowed or the process is gone. */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, "5");
    return true;
  } catch {
    return false;
  }
}

/** The value of an unlabelled (or first) sample of `name` in a Prometheus text exposition, or null. */
export function metricValue(text: string, name: string): number | null {
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})?\\s+(\\S+)`, "m").exec(text);
  return m ? Number(m[1]) : null;
}

/** GET a metrics page (10 s at most). */
export async function scrape(url: string): Promise<string> {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  return res.text();
}

/**
 * The largest event-loop delay kbgpd saw while this watch ran, from its own metrics (prom-client's
 * `nodejs_eventloop_lag_max_seconds`, perf_hooks.monitorEventLoopDelay at 10 ms resolution). prom-client
 * resets that histogram at every scrape, so the first scrape (at start) clears what came before and each
 * later one gives the largest delay since the one before. A stall also delays the scrape itself: the
 * slowest scrape's round trip is kept too. A scrape given up on (no answer in 10 s) loses the stall it
 * would have reported: kbgpd still answers it once free, resetting the histogram, to nobody. So the time a
 * failed scrape waited counts as a delay of at least that long.
 */
export class LagWatch {
  maxSeconds = 0;
  scrapes = 0;
  failures = 0;
  slowestScrapeSeconds = 0;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> = Promise.resolve();

  private constructor(private readonly url: string) {}

  static async start(url: string, intervalMs = 500): Promise<LagWatch> {
    const w = new LagWatch(url);
    await w.scrape(false);
    w.timer = setInterval(() => {
      w.inFlight = w.inFlight.then(() => w.scrape(true));
    }, intervalMs);
    return w;
  }

  private async scrape(keep: boolean): Promise<void> {
    const t0 = Number(process.hrtime.bigint()) / 1e9;
    try {
      const lag = metricValue(await scrape(this.url), "nodejs_eventloop_lag_max_seconds");
      if (!keep) return;
      this.scrapes++;
      if (lag !== null) this.maxSeconds = Math.max(this.maxSeconds, lag);
      const took = Number(process.hrtime.bigint()) / 1e9 - t0;
      this.slowestScrapeSeconds = Math.max(this.slowestScrapeSeconds, took);
    } catch {
      if (!keep) return;
      this.failures++;
      this.maxSeconds = Math.max(this.maxSeconds, Number(process.hrtime.bigint()) / 1e9 - t0);
    }
  }

  /** One last scrape (the delays since the previous one), then the figures. */
  async stop(): Promise<{
    maxSeconds: number;
    scrapes: number;
    failures: number;
    slowestScrapeSeconds: number;
  }> {
    clearInterval(this.timer);
    await this.inFlight;
    await this.scrape(true);
    return {
      maxSeconds: round(this.maxSeconds),
      scrapes: this.scrapes,
      failures: this.failures,
      slowestScrapeSeconds: round(this.slowestScrapeSeconds),
    };
  }
}
