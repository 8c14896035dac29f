/**
 * `kbgp api`: the ExaBGP text API on standard input, so existing ExaBGP `process` scripts and helpers work
 * unchanged (`./my-script | kbgp api`). Each line is answered `done` or `error: <reason>` on standard
 * output, in order; consecutive announces and withdraws travel in shared requests, so a script that
 * prints a million routes is not held to one round trip per line. As in ExaBGP 5, `disable-ack` is
 * answered and then stops the answers, `silence-ack` stops them at once, `enable-ack` brings them back;
 * while answers are off, errors go to standard error with their line number, so a script that stopped
 * reading answers is never blocked and a person still sees what was refused.
 */
import { type ExabgpCommand, parseExabgpCommand } from "../../core/api/exabgp-text.js";
import type { Options } from "../args.js";
import type { Client } from "../client.js";
import { withClient } from "../client.js";
import { CliError, ExitCode } from "../errors.js";
import { RoutePipeline } from "../route-pipeline.js";
import { VERSION } from "../version.js";

type Ack = "enable" | "disable" | "silence";

export function apiCommand(words: readonly string[], opts: Options): Promise<void> {
  if (words.length)
    throw new CliError(`kbgp api reads commands from standard input, not '${words[0]}'`, ExitCode.USAGE);
  return withClient(opts.socket, (c) => new ApiSession(c).run(process.stdin));
}

class ApiSession {
  private ack: Ack = "enable";
  private lineNo = 0;
  private readonly pending: string[] = [];
  private scheduled = false;
  private readonly pipeline: RoutePipeline<number>;

  constructor(private readonly client: Client) {
    this.pipeline = new RoutePipeline(client, (line, error) => this.answer(error, line));
  }

  async run(input: NodeJS.ReadableStream): Promise<void> {
    let buf = "";
    input.setEncoding("utf8");
    for await (const chunk of input as AsyncIterable<string>) {
      buf += chunk;
      let nl = buf.indexOf("\n");
      for (; nl >= 0; nl = buf.indexOf("\n")) {
        const line = buf.slice(0, nl).replace(/\r$/, "");
        buf = buf.slice(nl + 1);
        await this.line(line, ++this.lineNo);
      }
      // Input paused: send what is queued, so a script that waits for its answer gets it.
      await this.pipeline.flush();
    }
    if (buf.trim()) await this.line(buf, ++this.lineNo);
    await this.pipeline.finish();
    this.write();
  }

  private async line(text: string, n: number): Promise<void> {
    const cmd = parseExabgpCommand(text);
    switch (cmd.kind) {
      case "empty":
        return;
      case "announce":
      case "withdraw":
        return this.pipeline.push(cmd.kind === "announce" ? "rib.add" : "rib.delete", cmd.routes, n);
      default:
        return this.pipeline.call(() => this.other(cmd, n));
    }
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
          this.ack = cmd.mode;
          if (cmd.mode === "enable") answer(null);
          return;
        case "version":
          this.say(`kbgp ${VERSION}`);
          return answer(null);
        case "eor":
          // kbgpd sends End-of-RIB itself once a session's table is out (RFC 4724).
          return answer(null);
        case "route-refresh":
          await this.each(cmd.neighbors, "neighbor.softResetIn");
          return answer(null);
        case "flush-adj-rib-out":
          await this.each(cmd.neighbors, "neighbor.softResetOut");
          return answer(null);
        case "teardown":
          await this.each(cmd.neighbors, "neighbor.reset");
          return answer(null);
        case "clear-adj-rib":
          if (cmd.direction === "in" || cmd.neighbors)
            return answer("kbgp clears only every route added through the API: 'clear adj-rib out'");
          await this.client.call("rib.deleteAll");
          return answer(null);
        case "shutdown":
          return answer("kbgp api does not stop kbgpd; use its service manager");
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

  /** Call `method` for each neighbor in scope (null: every configured neighbor). */
  private async each(neighbors: string[] | null, method: string): Promise<void> {
    const list =
      neighbors ??
      (await this.client.call<{ neighbors: { address: string }[] }>("neighbor.list")).neighbors.map(
        (n) => n.address,
      );
    for (const neighbor of list) await this.client.call(method, { neighbor });
  }

  private answer(error: string | null, line: number): void {
    if (this.ack === "enable") this.say(error === null ? "done" : `error: ${error}`);
    else if (error !== null) process.stderr.write(`kbgp api: line ${line}: ${error}\n`);
  }

  /** Answers are batched into few writes, flushed as soon as the event loop is free. */
  private say(line: string): void {
    this.pending.push(line);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.write());
  }

  private write(): void {
    this.scheduled = false;
    if (this.pending.length === 0) return;
    process.stdout.write(`${this.pending.join("\n")}\n`);
    this.pending.length = 0;
  }
}
