/**
 * One speaker of the ExaBGP text API, line by line: a script piped into `kbgp api`, or a helper process
 * kbgpd runs itself (daemon/processes). Both accept the same lines and answer them the same way; they differ
 * only in where route changes and neighbor actions go and where answers are written, which the host says.
 *
 * Each line is answered `done` or `error: <reason>`, in order; consecutive announces and withdraws travel in
 * shared requests (route-pipeline.ts), so a script that prints a million routes is not held to one round
 * trip per line. As in ExaBGP 5, `disable-ack` is answered and then stops the answers, `silence-ack` stops
 * them at once, `enable-ack` brings them back; while answers are off, errors go to the host's `unanswered`
 * (standard error, the log) with their line number, so a script that stopped reading answers is never
 * blocked and a person still sees what was refused.
 */
import { type ExabgpCommand, parseExabgpCommand } from "./exabgp-text.js";
import { type Line, MAX_LINE, TOO_LONG } from "./lines.js";
import { RoutePipeline, type RouteSender } from "./route-pipeline.js";

export type AckMode = "enable" | "disable" | "silence";
/** What `route-refresh`, `flush adj-rib out` and `teardown` ask of each neighbor in scope. */
export type NeighborAction = "soft-reset-in" | "soft-reset-out" | "reset";

/** Where a session runs. */
export interface ExabgpHost {
  /** Where announces (`add`) and withdraws (`delete`) go. */
  readonly send: RouteSender;
  /** Carry out `action` on each neighbor in `scope` (null: every neighbor); rejects with the reason. */
  neighbors(action: NeighborAction, scope: readonly string[] | null): Promise<void>;
  /** `clear adj-rib out`: withdraw every route this speaker of the API has announced. */
  clear(): Promise<void>;
  /** The error for any other `clear adj-rib`: what `clear adj-rib out` clears here. */
  readonly clearRefusal: string;
  /** Why `shutdown` is refused. */
  readonly shutdownRefusal: string;
  /** The line `version` answers before its `done`. */
  readonly version: string;
  /** One line of answer, without its newline. */
  say(line: string): void;
  /** An error while answers are off, with the number of the line it answers. */
  unanswered(line: number, error: string): void;
}

export class ExabgpSession {
  private mode: AckMode;
  private lineNo = 0;
  private readonly pipeline: RoutePipeline<number>;

  constructor(
    private readonly host: ExabgpHost,
    ack: AckMode = "enable",
  ) {
    this.mode = ack;
    this.pipeline = new RoutePipeline(host.send, (line, error) => this.answer(error, line));
  }

  get ack(): AckMode {
    return this.mode;
  }

  /** Answers off from now on, as after `silence-ack` (for a reader that stopped reading them). */
  silence(): void {
    this.mode = "silence";
  }

  /** Take the next line; resolves when there is room for more (backpressure). */
  async line(text: Line): Promise<void> {
    const n = ++this.lineNo;
    if (text === TOO_LONG)
      return this.pipeline.call(async () => this.answer(`the line is longer than ${MAX_LINE} characters`, n));
    const cmd = parseExabgpCommand(text);
    switch (cmd.kind) {
      case "empty":
        return;
      case "announce":
      case "withdraw":
        return this.pipeline.push(cmd.kind === "announce" ? "add" : "delete", cmd.routes, n);
      default:
        return this.pipeline.call(() => this.other(cmd, n));
    }
  }

  /** Send what is queued now (when input pauses, so a writer that waits for its answer gets it). */
  flush(): Promise<void> {
    return this.pipeline.flush();
  }

  /** Send what is queued and wait until every line so far is answered. */
  settle(): Promise<void> {
    return this.pipeline.finish();
  }

  /** Everything but routes, in order with them. */
  private async other(cmd: ExabgpCommand, n: number): Promise<void> {
    const answer = (error: string | null) => this.answer(error, n);
    try {
      switch (cmd.kind) {
        case "comment":
          return answer(null);
        case "ack":
          // disable-ack is acknowledged before the answers stop, enable-ack after; silence-ack never.
          if (cmd.mode === "disable") answer(null);
          this.mode = cmd.mode;
          if (cmd.mode === "enable") answer(null);
          return;
        case "version":
          this.host.say(this.host.version);
          return answer(null);
        case "eor":
          // kbgpd sends End-of-RIB itself once a session's table is out (RFC 4724).
          return answer(null);
        case "route-refresh":
          await this.host.neighbors("soft-reset-in", cmd.neighbors);
          return answer(null);
        case "flush-adj-rib-out":
          await this.host.neighbors("soft-reset-out", cmd.neighbors);
          return answer(null);
        case "teardown":
          await this.host.neighbors("reset", cmd.neighbors);
          return answer(null);
        case "clear-adj-rib":
          if (cmd.direction === "in" || cmd.neighbors) return answer(this.host.clearRefusal);
          await this.host.clear();
          return answer(null);
        case "shutdown":
          return answer(this.host.shutdownRefusal);
        case "show-neighbor":
        case "show-adj-rib":
          return answer("use kbgp neighbor (and kbgp neighbor <address> adj-in|adj-out) instead");
        case "unsupported":
          return answer(`${cmd.command}: ${cmd.reason}`);
        case "error":
          return answer(cmd.message);
        default:
          return answer(`unexpected command ${cmd.kind}`);
      }
    } catch (e) {
      answer((e as Error).message);
    }
  }

  private answer(error: string | null, line: number): void {
    if (this.mode === "enable") this.host.say(error === null ? "done" : `error: ${error}`);
    else if (error !== null) this.host.unanswered(line, error);
  }
}
