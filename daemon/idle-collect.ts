/**
 * A full garbage collection when kbgpd goes idle after its RSS grew. V8 keeps the room its heap grew into
 * during a burst — a table taken in, a churn, a table sent to new peers — and gives it back to the OS late
 * or not at all: after 2M route changes kbgpd's RSS stayed 46–87 % above where it was with the same routes
 * held (issue 8, scenario 4), where a pod's memory limit counts RSS; V8's own memory reducer waits 8 s of
 * idling at least, and after the churn did not run within 10 s. A collection once the event loop has been
 * idle for a second hands most of it back, and a second collection a few seconds later the rest: a pause of
 * 15 ms at 100,000 routes, 50 ms at a full table, at a moment with nothing else to do.
 *
 * Measured with the IPv4 tables in JS Maps. With them in IntMaps (core/rib/int-map.ts) a churn or a full
 * table leaves far less garbage (churn peak 115 MB, not 193) and the collections give back only ~5 MB: what
 * stays (RSS after the churn ~30 % over before, with or without them) is V8 heap pages it keeps mapped
 * (smaps: 85 more 256 KB regions, 22 MB resident) while the heap in use is back at 20 MB. Kept for the bursts that still make garbage (the IPv6
 * tables are Maps; API requests; fan-out).
 */
import { getHeapStatistics, setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import type { Logger } from "./log.js";

/** What one check sees: the resident memory, and how busy the event loop was since the last check. */
export interface IdleSample {
  /** Resident set size, bytes: what a pod's limit counts, V8's heap and what lives outside it alike (the
   *  IPv4 tables' typed arrays, socket buffers). */
  readonly rssBytes: number;
  /** Event-loop utilization since the last check, 0 to 1. */
  readonly utilization: number;
}

export interface IdleCollectOptions {
  /** Collect once RSS has grown by this much since the last collection (or the lowest seen since). */
  readonly growthBytes: number;
  /** The event loop counts as idle below this utilization. */
  readonly idleBelow: number;
  /** Checks in a row that must see it idle: a pause between two bursts is not the end of the work. */
  readonly idleChecks: number;
  /** Idle checks in a row after a collection before the second. */
  readonly secondAfter: number;
}

export const IDLE_COLLECT_DEFAULTS: IdleCollectOptions = {
  growthBytes: 16 * 1024 * 1024,
  idleBelow: 0.05,
  idleChecks: 2,
  // 6 s at the default 500 ms a check.
  secondAfter: 12,
};

/**
 * The decision alone, fed one sample per check: collect now or not. A collection is followed by a second
 * once kbgpd has stayed idle for `secondAfter` checks more: V8 shrinks its young generation (up to 2 × 16
 * MB, grown during the burst) only in a collection that finds the allocation rate of the last seconds low.
 * Measured on scenario 4 (RSS 10 s after the churn over RSS before it): 1.48–1.67 without these
 * collections, 1.25–1.48 with the second one second after the first, 1.06–1.08 with it 6 s after.
 */
export class IdleCollectPolicy {
  private baseline: number | null = null;
  private idleRun = 0;
  private second: "none" | "due" | "taken" = "none";

  constructor(private readonly options: IdleCollectOptions = IDLE_COLLECT_DEFAULTS) {}

  /** Whether to collect now. */
  check(s: IdleSample): boolean {
    if (this.baseline === null || s.rssBytes < this.baseline) this.baseline = s.rssBytes;
    const idle = s.utilization < this.options.idleBelow;
    this.idleRun = idle ? this.idleRun + 1 : 0;
    if (this.second === "due") {
      const now = this.idleRun >= this.options.secondAfter;
      if (now) this.second = "taken";
      return now;
    }
    return this.idleRun >= this.options.idleChecks && s.rssBytes - this.baseline >= this.options.growthBytes;
  }

  /** A collection left RSS at `rssBytes`: growth is counted from there. */
  collected(rssBytes: number): void {
    this.baseline = rssBytes;
    this.idleRun = 0;
    this.second = this.second === "taken" ? "none" : "due";
  }
}

/**
 * V8's `gc()`, without starting Node with --expose-gc (kbgpd's bin starts as a plain script): the flag is
 * set at run time and the function read from a fresh context, which has it. Null if V8 refuses.
 */
function exposedGc(): (() => void) | null {
  try {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc");
    return typeof gc === "function" ? (gc as () => void) : null;
  } catch {
    return null;
  }
}

/**
 * Check every `everyMs` (on an unref'd timer: it never keeps kbgpd alive); returns the stop function. Each
 * collection is logged at debug level with what it gave back.
 */
export function collectWhenIdle(logger: Logger, everyMs = 500, options = IDLE_COLLECT_DEFAULTS): () => void {
  const gc = exposedGc();
  if (!gc) {
    logger.log("debug", "idle collection unavailable: V8 refused --expose-gc");
    return () => {};
  }
  const policy = new IdleCollectPolicy(options);
  let last = performance.eventLoopUtilization();
  const t = setInterval(() => {
    const now = performance.eventLoopUtilization();
    const utilization = performance.eventLoopUtilization(now, last).utilization;
    last = now;
    const rssBytes = process.memoryUsage.rss();
    if (!policy.check({ rssBytes, utilization })) return;
    const started = performance.now();
    const used = getHeapStatistics().used_heap_size;
    gc();
    const ms = Math.round(performance.now() - started);
    const after = process.memoryUsage.rss();
    policy.collected(after);
    const mb = (n: number) => Math.round(n / 1048576);
    logger.log(
      "debug",
      `idle collection: heap in use ${mb(used)} → ${mb(getHeapStatistics().used_heap_size)} MB, RSS ${mb(rssBytes)} → ${mb(after)} MB in ${ms} ms`,
    );
  }, everyMs);
  t.unref();
  return () => clearInterval(t);
}
