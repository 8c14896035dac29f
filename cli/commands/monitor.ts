/**
 * `kbgp monitor global rib [-a ipv4|ipv6] [--current]`, `kbgp monitor neighbor [ADDRESS] [--current]`,
 * `kbgp monitor neighbor ADDRESS adj-in [-a …] [--current]` (also gobgp's `monitor adj-in ADDRESS`): the
 * current state first if asked, then one line per change until Ctrl-C, in gobgp's layout or, with -j, one
 * JSON object per line carrying its sequence number (docs/api.md, `monitor.start`). The numbers are checked
 * as they come, so a gap could never pass unnoticed. Exit 0 when stopped or when stdout closes (`| head`),
 * 1 when kbgpd drops a subscriber that fell too far behind, 3 when kbgpd goes away.
 */
import type { MonitorNotice, MonitorRow } from "../../daemon/control/monitor/events.js";
import { familyOption, type Options } from "../args.js";
import { Client, socketPath } from "../client.js";
import { CliError, ExitCode } from "../errors.js";
import { monitorLine } from "../format/monitor.js";
import { LineWriter } from "../output.js";

const USAGE =
  "expected 'monitor global rib', 'monitor neighbor [ADDRESS]', 'monitor neighbor ADDRESS adj-in' or 'monitor k8s'";

/** The words after `monitor` as `monitor.start` parameters. */
export function monitorParams(words: readonly string[], opts: Options): Record<string, unknown> {
  const family = familyOption(opts.family);
  const [what, ...rest] = words;
  const extra = (from: number) => {
    if (rest.length > from) throw new CliError(`unexpected '${rest[from]}' (${USAGE})`, ExitCode.USAGE);
  };
  const current = { current: opts.current };
  if (what === "global") {
    if (rest[0] !== "rib") throw new CliError(USAGE, ExitCode.USAGE);
    extra(1);
    return { topic: "rib", ...(family ? { family } : {}), ...current };
  }
  if (what === "adj-in" || (what === "neighbor" && rest[1] === "adj-in")) {
    const neighbor = rest[0];
    if (neighbor === undefined) throw new CliError("monitor adj-in needs a neighbor ADDRESS", ExitCode.USAGE);
    extra(what === "adj-in" ? 1 : 2);
    return { topic: "adj-in", neighbor, ...(family ? { family } : {}), ...current };
  }
  if (what === "k8s") {
    extra(0);
    if (family) throw new CliError("-a is for routes, not the Kubernetes sync", ExitCode.USAGE);
    return { topic: "k8s", ...current };
  }
  if (what === "neighbor") {
    extra(1);
    if (family) throw new CliError("-a is for routes, not neighbor states", ExitCode.USAGE);
    return { topic: "neighbor", ...(rest[0] !== undefined ? { neighbor: rest[0] } : {}), ...current };
  }
  throw new CliError(USAGE, ExitCode.USAGE);
}

export async function monitorCommand(words: readonly string[], opts: Options): Promise<void> {
  const params = monitorParams(words, opts);
  const client = await Client.connect(socketPath(opts.socket));
  const out = new LineWriter();
  const print = (row: object, at: number, seq: number) =>
    out.lines.push(
      opts.json ? JSON.stringify({ kbgpJson: 1, seq, ...row }) : monitorLine(row as MonitorRow, at),
    );
  // Lines are written once a chunk from the socket is handled, or when many have gathered.
  let flushing: Promise<void> | null = null;
  const flushSoon = () =>
    (flushing ??= new Promise<void>((r) => setImmediate(r))
      .then(() => out.flush(true))
      .finally(() => {
        flushing = null;
      }));
  let stopping = false;
  let resolveStop: (why: Error | null) => void = () => {};
  const stopped = new Promise<Error | null>((resolve) => {
    resolveStop = resolve;
  });
  const stop = (why: Error | null) => {
    stopping = true;
    resolveStop(why);
  };
  const connection: { lost: Error | null } = { lost: null };
  void client.ended.then((e) => {
    connection.lost = e;
  });
  let seq = 0;
  client.on("monitor", (p) => {
    if (stopping) return;
    const { id: _id, ...event } = p as MonitorNotice;
    if (event.kind === "overflow") {
      if (opts.json) out.lines.push(JSON.stringify({ kbgpJson: 1, ...event }));
      return stop(
        new CliError(
          `kbgpd dropped this monitor after event ${event.lastSeq}: it fell ${event.lost} events behind (run it again, with --current to start from the current state)`,
        ),
      );
    }
    if (event.seq !== seq + 1)
      return stop(new CliError(`event ${event.seq} came after ${seq}: events were lost (a kbgpd fault)`));
    seq = event.seq;
    const { seq: _seq, ...row } = event;
    print(row, event.at, seq);
    if (out.closed) return stop(null);
    // Reading pauses while a large batch is written, so kbgpd's backpressure reaches the terminal.
    if (out.lines.length >= 1024) return out.flush(true);
    void flushSoon();
  });
  // `| head` closed our stdout: nothing more to do (the write that found it closed tells us).
  process.stdout.on("error", () => stop(null));
  process.once("SIGINT", () => stop(null));
  process.once("SIGTERM", () => stop(null));
  let why: Error | null;
  try {
    const answer = client.stream<{ snapshot: number }>("monitor.start", params, async (rows) => {
      const now = Date.now();
      for (const r of rows) print(r as object, now, 0);
      await out.flush(true);
      if (out.closed) stop(null);
    });
    // Ctrl-C or a closed stdout during a long snapshot ends it too.
    const first = await Promise.race([answer, stopped.then((e) => ({ stopped: e }))]);
    if ("stopped" in first) why = first.stopped;
    else {
      if (opts.json && opts.current)
        out.lines.push(JSON.stringify({ kbgpJson: 1, kind: "end-of-snapshot", count: first.snapshot }));
      await out.flush(true);
      why = out.closed ? null : await Promise.race([stopped, client.ended]);
    }
  } catch (e) {
    why = e as Error;
  }
  await flushing;
  await out.flush(true);
  client.close();
  // The connection went before we stopped: kbgpd is gone.
  if (why && why === connection.lost) throw new CliError(why.message, ExitCode.NO_DAEMON);
  if (why) throw why;
}
