/**
 * One configured health check, running: the check every `interval` seconds (`fast-interval` while the state
 * is changing), each result fed to core's state machine (core/health/state.ts), and the routes of the
 * announced state handed to the speaker as the source `healthcheck:<name>` — only when that state changes,
 * so a check never causes an UPDATE by itself, and a withdraw carries no attributes at all (it is a BGP
 * withdraw, not a route with a MED).
 *
 * It starts at init with nothing announced, kbgpd's own start included: routes come once `rise` checks have
 * passed (or `fall` failed, for the down attributes). When kbgpd stops, the routes go with the sessions.
 */
import { existsSync } from "node:fs";
import type { HealthcheckConfig } from "../../core/config/helpers.js";
import { type HealthStatus, INITIAL, nextCheckIn, type Observation, step } from "../../core/health/state.js";
import type { Input } from "../../core/speaker/io.js";
import type { Logger } from "../log.js";
import { type CheckResult, type RunningCheck, runCheck } from "./check.js";

export interface HealthDeps {
  readonly dispatch: (input: Input) => void;
  readonly logger: Logger;
  readonly routeCount: (source: string) => number;
}

/** What `healthcheck.list` shows (docs/api.md). */
export interface HealthcheckStatus {
  readonly name: string;
  readonly state: HealthStatus["state"];
  readonly announced: HealthStatus["announced"];
  readonly count: number;
  readonly rise: number;
  readonly fall: number;
  readonly disabled: boolean;
  readonly checks: number;
  readonly successes: number;
  readonly failures: number;
  readonly timeouts: number;
  readonly lastResult: CheckResult | null;
  readonly since: number;
  readonly nextCheck: number | null;
  readonly routes: number;
}

export const healthSource = (name: string): string => `healthcheck:${name}`;

export class HealthcheckRunner {
  private status: HealthStatus = INITIAL;
  private since = Date.now();
  private disabled = false;
  private readonly counts = { checks: 0, successes: 0, failures: 0, timeouts: 0 };
  private last: CheckResult | null = null;
  private timer: NodeJS.Timeout | null = null;
  private nextCheck: number | null = null;
  private running: RunningCheck | null = null;
  private stopped = false;

  constructor(
    private current: HealthcheckConfig,
    private readonly deps: HealthDeps,
  ) {}

  get config(): HealthcheckConfig {
    return this.current;
  }

  get source(): string {
    return healthSource(this.current.name);
  }

  start(): void {
    this.schedule(0);
  }

  /**
   * A reload changed it: the state stays (an edit is not a reason to flap), the announced routes take their
   * new attributes at once, and the next check follows the new settings.
   */
  update(config: HealthcheckConfig): void {
    this.current = config;
    if (this.status.announced) this.announce();
    if (this.timer) this.schedule(nextCheckIn(this.status.state, config) * 1000);
  }

  /** No more checks (a running one is killed); `withdraw` its routes now, or leave them to the sessions. */
  async stop(withdraw: boolean): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.nextCheck = null;
    const r = this.running;
    r?.kill();
    await r?.result;
    if (withdraw) this.deps.dispatch({ kind: "routes", source: this.source, op: "clear" });
  }

  /** kbgpd is exiting without a stop (a crash): kill a running check's process group. */
  kill(): void {
    this.running?.kill();
  }

  view(): HealthcheckStatus {
    return {
      name: this.current.name,
      state: this.status.state,
      announced: this.status.announced,
      count: this.status.count,
      rise: this.current.rise,
      fall: this.current.fall,
      disabled: this.disabled,
      ...this.counts,
      lastResult: this.last,
      since: this.since,
      nextCheck: this.nextCheck,
      routes: this.deps.routeCount(this.source),
    };
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.nextCheck = Date.now() + ms;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.nextCheck = null;
      this.check().catch((e) => {
        this.log("warn", `check not run: ${(e as Error).message}`);
        this.schedule(this.current.interval * 1000);
      });
    }, ms);
  }

  private async check(): Promise<void> {
    const c = this.current;
    this.disabled = c.disableFile !== null && existsSync(c.disableFile);
    let o: Observation = { disabled: true };
    if (!this.disabled) {
      const r = await this.run(c);
      if (this.stopped) return;
      this.last = r;
      this.counts.checks++;
      if (r.ok) this.counts.successes++;
      else this.counts.failures++;
      if (r.timedOut) this.counts.timeouts++;
      if (!r.ok) this.log("debug", `check failed: ${describe(r)}`);
      o = { disabled: false, ok: r.ok };
    }
    const before = this.status;
    this.status = step(before, o, this.current);
    if (this.status.state !== before.state) {
      this.since = Date.now();
      const why = this.disabled ? `${c.disableFile} exists` : this.last ? describe(this.last) : "";
      this.log(
        this.status.state === "down" ? "warn" : "info",
        `${before.state} → ${this.status.state} (${why})`,
      );
    }
    if (this.status.announced !== before.announced) this.announce();
    this.schedule(nextCheckIn(this.status.state, this.current) * 1000);
  }

  private async run(c: HealthcheckConfig): Promise<CheckResult> {
    try {
      this.running = runCheck(c.command, c.timeout * 1000);
      return await this.running.result;
    } finally {
      this.running = null;
    }
  }

  /** The announced state's routes become the source's whole set: changed attributes replace, the rest go. */
  private announce(): void {
    const a = this.status.announced;
    const routes = a ? this.current.routes[a] : [];
    this.deps.dispatch({ kind: "routes", source: this.source, op: "replace", routes });
    this.log(
      "info",
      routes.length ? `announcing ${routes.length} routes as ${a}` : `not announced while ${a}`,
    );
  }

  private log(level: "debug" | "info" | "warn" | "error", msg: string): void {
    this.deps.logger.log(level, msg, { healthcheck: this.current.name });
  }
}

function describe(r: CheckResult): string {
  const how = r.error
    ? `could not run: ${r.error}`
    : r.timedOut
      ? `timed out after ${r.durationMs} ms`
      : r.signal
        ? `killed by ${r.signal}`
        : `exit code ${r.exitCode}`;
  return r.output ? `${how}: ${r.output.split("\n").slice(-1)[0]}` : how;
}
