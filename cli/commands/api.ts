/**
 * `kbgp api`: the ExaBGP text API on standard input, so existing ExaBGP `process` scripts and helpers work
 * unchanged (`./my-script | kbgp api`). The lines, their answers and the ack modes are core's ExabgpSession
 * (core/api/exabgp-session.ts), which kbgpd's own helper processes use too; here route changes and neighbor
 * actions go over the control socket, answers to standard output, and errors while answers are off to
 * standard error with their line number.
 */
import type { ExabgpHost, NeighborAction } from "../../core/api/exabgp-session.js";
import { ExabgpSession } from "../../core/api/exabgp-session.js";
import { LineSplitter } from "../../core/api/lines.js";
import type { Options } from "../args.js";
import type { Client } from "../client.js";
import { routeSender, withClient } from "../client.js";
import { CliError, ExitCode } from "../errors.js";
import { VERSION } from "../version.js";

export function apiCommand(words: readonly string[], opts: Options): Promise<void> {
  if (words.length)
    throw new CliError(`kbgp api reads commands from standard input, not '${words[0]}'`, ExitCode.USAGE);
  return withClient(opts.socket, (c) => run(c, process.stdin));
}

const METHODS: Record<NeighborAction, string> = {
  "soft-reset-in": "neighbor.softResetIn",
  "soft-reset-out": "neighbor.softResetOut",
  reset: "neighbor.reset",
};

async function run(client: Client, input: NodeJS.ReadableStream): Promise<void> {
  const answers = new Answers();
  const host: ExabgpHost = {
    send: routeSender(client),
    async neighbors(action, scope) {
      const list =
        scope ??
        (await client.call<{ neighbors: { address: string }[] }>("neighbor.list")).neighbors.map(
          (n) => n.address,
        );
      for (const neighbor of list) await client.call(METHODS[action], { neighbor });
    },
    async clear() {
      await client.call("rib.deleteAll");
    },
    clearRefusal: "kbgp clears only every route added through the API: 'clear adj-rib out'",
    shutdownRefusal: "kbgp api does not stop kbgpd; use its service manager",
    version: `kbgp ${VERSION}`,
    say: (line) => answers.say(line),
    unanswered: (line, error) => process.stderr.write(`kbgp api: line ${line}: ${error}\n`),
  };
  const session = new ExabgpSession(host);
  const lines = new LineSplitter();
  input.setEncoding("utf8");
  for await (const chunk of input as AsyncIterable<string>) {
    for (const line of lines.push(chunk)) await session.line(line);
    // Input paused: send what is queued, so a script that waits for its answer gets it.
    await session.flush();
  }
  for (const line of lines.end()) await session.line(line);
  await session.settle();
  answers.write();
}

/** Answers are batched into few writes, flushed as soon as the event loop is free. */
class Answers {
  private readonly pending: string[] = [];
  private scheduled = false;

  say(line: string): void {
    this.pending.push(line);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.write());
  }

  write(): void {
    this.scheduled = false;
    if (this.pending.length === 0) return;
    process.stdout.write(`${this.pending.join("\n")}\n`);
    this.pending.length = 0;
  }
}
