/**
 * One configured helper process (ExaBGP's `process` block): started without a shell, its stdout read line
 * by line as ExaBGP text API commands (core/api/exabgp-session.ts) with the answers written to its stdin,
 * its stderr logged line by line under its name, and started again with backoff (backoff.ts) whenever it
 * exits.
 *
 * Its routes are its own source, `process:<name>`, and live exactly as long as it runs: when it exits they
 * are withdrawn, and it announces them again once restarted. That is the point of a helper (it owns the
 * decision), and unlike routes added with `rib.add` they are not written to the state directory. When kbgpd
 * itself stops, they are left to go with the sessions (or to be kept by graceful-restart peers).
 *
 * The helper stays in kbgpd's process group: whatever stops kbgpd's group (a terminal's Ctrl-C, systemd,
 * `timeout`) stops it too, and if kbgpd dies without stopping it, its stdin closes.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { ExabgpSession } from "../../core/api/exabgp-session.js";
import { LineSplitter, TOO_LONG } from "../../core/api/lines.js";
import type { ProcessConfig } from "../../core/config/helpers.js";
import type { Logger } from "../log.js";
import { AnswerWriter } from "./answers.js";
import { failuresAfter, restartDelay } from "./backoff.js";
import { type HelperContext, helperHost, processSource } from "./host.js";
import { terminate } from "./terminate.js";

export interface HelperDeps extends HelperContext {
  readonly logger: Logger;
  /** How many routes a source has in the speaker. */
  readonly routeCount: (source: string) => number;
}

export type HelperState = "running" | "backoff" | "stopping" | "stopped";

interface Exit {
  readonly code: number | null;
  readonly signal: string | null;
  /** Why it could not be started (ENOENT…), when it never ran. */
  readonly error: string | null;
  readonly at: number;
}

/** What `process.list` shows (docs/api.md). */
export interface HelperStatus {
  readonly name: string;
  readonly run: readonly string[];
  readonly state: HelperState;
  readonly pid: number | null;
  readonly since: number | null;
  readonly restarts: number;
  readonly routes: number;
  readonly ack: string | null;
  readonly lastExit: Exit | null;
  readonly nextStart: number | null;
}

/** A running child and what belongs to its run. */
interface Run {
  readonly child: ChildProcess;
  readonly session: ExabgpSession;
  alive: boolean;
}

export class HelperProcess {
  private run: Run | null = null;
  private state: HelperState = "stopped";
  private since: number | null = null;
  private restarts = 0;
  private failures = 0;
  private lastExit: Exit | null = null;
  private timer: NodeJS.Timeout | null = null;
  private nextStart: number | null = null;
  /** Set by stop(): no restart, and whether its routes go now (reload) or with the sessions (kbgpd stops). */
  private retired: { withdraw: boolean } | null = null;

  constructor(
    readonly config: ProcessConfig,
    private readonly deps: HelperDeps,
  ) {}

  get source(): string {
    return processSource(this.config.name);
  }

  start(): void {
    if (this.retired || this.run) return;
    const { name, run, env, workingDirectory } = this.config;
    let child: ChildProcess;
    try {
      child = spawn(run[0], run.slice(1), {
        stdio: ["pipe", "pipe", "pipe"],
        env: { ...process.env, ...env },
        ...(workingDirectory ? { cwd: workingDirectory } : {}),
      });
    } catch (e) {
      // Most failures (ENOENT…) come as an "error" event; arguments Node refuses throw.
      this.since = Date.now();
      return this.afterRun({ code: null, signal: null, error: (e as Error).message, at: Date.now() });
    }
    const io = {
      alive: () => current.alive,
      say: (line: string) => {
        // Also in the log: many helpers never read their answers.
        if (line.startsWith("error: ")) this.log("warn", `refused: ${line.slice(7)}`);
        answers.say(line);
      },
      unanswered: (line: number, error: string) => this.log("warn", `line ${line} refused: ${error}`),
    };
    const session = new ExabgpSession(
      helperHost(name, this.deps, io),
      this.config.ack ? "enable" : "disable",
    );
    const answers = new AnswerWriter(child.stdin!, () => {
      if (session.ack === "silence") return;
      session.silence();
      this.log("warn", "does not read its answers: answers are off (it can send enable-ack)");
    });
    const current: Run = { child, session, alive: true };
    this.run = current;
    this.state = "running";
    this.since = Date.now();
    this.nextStart = null;
    child.stdin!.on("error", () => {}); // EPIPE once it exits: reported through "exit"
    child.once("error", (e) => this.ended(current, null, null, e.message));
    child.once("exit", (code, signal) => this.ended(current, code, signal, null));
    this.logStderr(current);
    this.read(current, answers).catch((e) => {
      // Its stdout is closed under the reader when it ends; only a failure while it runs is news.
      if (current.alive) this.log("error", `reading its output: ${(e as Error).message}`);
    });
    if (child.pid !== undefined) this.log("info", `started (pid ${child.pid})`);
  }

  /** Stop it for good: SIGTERM (after closing its stdin), SIGKILL after the grace period. */
  async stop(withdraw: boolean): Promise<void> {
    this.retired = { withdraw };
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.nextStart = null;
    const r = this.run;
    if (!r) {
      this.state = "stopped";
      if (withdraw) this.withdraw();
      return;
    }
    this.state = "stopping";
    r.child.stdin?.end();
    const { killed } = await terminate(r.child);
    if (killed) this.log("warn", "did not exit on SIGTERM: killed");
  }

  /** kbgpd is exiting without a stop (a crash): end it at once rather than leave it behind. */
  kill(): void {
    this.run?.child.kill("SIGKILL");
  }

  status(): HelperStatus {
    return {
      name: this.config.name,
      run: this.config.run,
      state: this.state,
      pid: this.run?.child.pid ?? null,
      since: this.since,
      restarts: this.restarts,
      routes: this.deps.routeCount(this.source),
      ack: this.run?.session.ack ?? null,
      lastExit: this.lastExit,
      nextStart: this.nextStart,
    };
  }

  /** Its output, a chunk at a time: each line applied and answered before the next chunk is read. */
  private async read(r: Run, answers: AnswerWriter): Promise<void> {
    const stdout = r.child.stdout!;
    stdout.setEncoding("utf8");
    const lines = new LineSplitter();
    for await (const chunk of stdout as AsyncIterable<string>) {
      if (!r.alive) break;
      for (const line of lines.push(chunk)) await r.session.line(line);
      await r.session.settle();
      await answers.flush();
      // Let sessions and timers run between chunks however fast the helper writes.
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (!r.alive) return;
    for (const line of lines.end()) await r.session.line(line);
    await r.session.settle();
    await answers.flush();
  }

  private logStderr(r: Run): void {
    const stderr = r.child.stderr!;
    stderr.setEncoding("utf8");
    const lines = new LineSplitter();
    const log = (line: string | typeof TOO_LONG) =>
      this.log("info", line === TOO_LONG ? "(a line too long for the log)" : line, { stream: "stderr" });
    stderr.on("data", (chunk: string) => {
      for (const line of lines.push(chunk)) log(line);
    });
    stderr.on("end", () => {
      for (const line of lines.end()) log(line);
    });
  }

  /** The run is over (it exited, or could not be started). */
  private ended(r: Run, code: number | null, signal: string | null, error: string | null): void {
    if (!r.alive) return;
    r.alive = false;
    this.run = null;
    // What it writes from now on is moot (stderr is still logged to its end: a traceback comes last).
    r.child.stdout?.destroy();
    this.afterRun({ code, signal, error, at: Date.now() });
  }

  /** Withdraw its routes and plan what comes next: nothing when it was stopped, else a start after a backoff. */
  private afterRun(exit: Exit): void {
    const ranMs = exit.at - (this.since ?? exit.at);
    this.lastExit = exit;
    const how = exit.error
      ? `could not start: ${exit.error}`
      : exit.signal
        ? `killed by ${exit.signal}`
        : `exited with code ${exit.code}`;
    const retired = this.retired;
    if (!retired || retired.withdraw) this.withdraw();
    this.since = exit.at;
    if (retired) {
      this.state = "stopped";
      this.log("info", `stopped (${how})`);
      return;
    }
    this.failures = failuresAfter(this.failures, ranMs);
    const delay = restartDelay(this.failures);
    this.state = "backoff";
    this.nextStart = exit.at + delay;
    this.log("warn", `${how} after ${(ranMs / 1000).toFixed(1)} s; starting again in ${delay / 1000} s`);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.restarts++;
      this.start();
    }, delay);
  }

  private withdraw(): void {
    const n = this.deps.routeCount(this.source);
    this.deps.dispatch({ kind: "routes", source: this.source, op: "clear" });
    if (n) this.log("info", `its ${n} routes withdrawn`);
  }

  private log(level: "debug" | "info" | "warn" | "error", msg: string, fields: Record<string, unknown> = {}) {
    this.deps.logger.log(level, msg, { process: this.config.name, ...fields });
  }
}
