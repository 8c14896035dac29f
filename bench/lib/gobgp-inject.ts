/**
 * Routes into gobgpd's global RIB in bulk: `gobgp mrt inject global FILE`, GoBGP's one batch path from the
 * command line (the CLI streams the file's paths over the gRPC AddPathStream call; `gobgp global rib add` is
 * one process and one call per route).
 *
 * gobgp 3.10's `mrt inject` exits without waiting for the server to take the last paths it streamed, which
 * are silently lost (peerlab/bench/gobgp_inject.py): 537 of 1,000 arrive, or 199,078 of 200,000. So, as the
 * peer lab does, the file carries copies of its first records at its end (inputs.ts's writeTableDump `pad`),
 * and what gets lost is padding; should routes still be missing once they stop arriving, the missing tail
 * is injected again (`COUNT SKIP`), on the caller's clock.
 */
import { run } from "../../test/interop/harness/proc.js";
import { now } from "./bench-run.js";
import { round, type TimedRun, timedRun } from "./measure.js";
import { GOBGP } from "./peers.js";

/** Destinations in gobgpd's IPv4 Loc-RIB: `gobgp global rib summary` walks the table (1 s at 1M, and it
 *  slows gobgpd), so only once the routes stopped arriving. */
export async function gobgpRibCount(target: string): Promise<number> {
  const out = (await run(GOBGP, ["--target", target, "global", "rib", "summary", "-a", "ipv4"], 120_000))
    .stdout;
  return Number(/Destination: (\d+)/.exec(out)?.[1] ?? 0);
}

export interface InjectPass {
  args: string;
  seconds: number;
  exit: number | null;
  /** gobgpd's Loc-RIB size after a pass that fell short. */
  gobgpdHas?: number;
}

/** How a wait for the routes to arrive ended: all there, given up (they stopped arriving after the command
 *  exited), or out of time. */
export type InjectWait = "done" | "stalled" | "deadline";

export interface InjectOptions {
  target: string;
  /** The padded MRT file, its RIB records (padding included), and how many distinct prefixes it holds. */
  file: string;
  records: number;
  prefixes: number;
  /** On now()'s clock. */
  deadline: number;
  /** Waits until the routes are wherever the bench wants them; polls `stalled(progress)` with a number that
   *  grows while they arrive and gives up when it returns a reason. */
  wait(stalled: (progress: number) => string | undefined): Promise<InjectWait>;
  /** The file's name with the lab directory left out, for the results. */
  label: (path: string) => string;
}

/** Injects until `wait` says done (at most 5 passes): the passes and whether the routes all arrived. */
export async function gobgpMrtInject(o: InjectOptions): Promise<{ finished: boolean; passes: InjectPass[] }> {
  const passes: InjectPass[] = [];
  let skip = 0;
  let outcome: InjectWait = "deadline";
  for (let pass = 0; pass < 5 && now() < o.deadline; pass++) {
    const args = [
      "mrt",
      "inject",
      "global",
      o.file,
      ...(skip ? [String(o.records - skip), String(skip)] : []),
    ];
    let exited: TimedRun | undefined;
    const p0 = now();
    const child = timedRun(GOBGP, ["--target", o.target, ...args], {
      timeoutMs: Math.max(1, o.deadline - now()) * 1000,
    }).then((r) => (exited = r));
    let last = -1;
    let lastChange = now();
    outcome = await o.wait((progress) => {
      if (progress !== last) [last, lastChange] = [progress, now()];
      return exited && now() - lastChange > 3 ? "the routes stopped arriving after gobgp exited" : undefined;
    });
    const done = await child;
    passes.push({
      args: o.label(args.slice(3).join(" ")),
      seconds: round(now() - p0, 2),
      exit: done.exitCode,
    });
    if (outcome !== "stalled") break;
    const have = await gobgpRibCount(o.target);
    passes[passes.length - 1]!.gobgpdHas = have;
    if (have >= o.prefixes) {
      // All in gobgpd; the rest is on its way out of it.
      outcome = await o.wait(() => undefined);
      break;
    }
    skip = have;
  }
  return { finished: outcome === "done", passes };
}
