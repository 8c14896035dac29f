/**
 * The health check state machine, as ExaBGP's healthcheck program has it (src/exabgp/application/
 * healthcheck.py, read for behaviour): each check result moves the state, and routes change only on
 * entering a state whose routes are announced — up, down or disabled — different from the last one
 * announced. Nothing else produces an UPDATE: not a check, not rising or falling, not coming back to the same
 * state (up → falling → rising → up).
 *
 *   init     start: nothing announced until the first state is reached
 *   rising   `count` consecutive successes, fewer than `rise`     (routes unchanged)
 *   falling  `count` consecutive failures, fewer than `fall`       (routes unchanged)
 *   up       `rise` consecutive successes                         (routes with the up attributes)
 *   down     `fall` consecutive failures                          (down attributes, or withdrawn)
 *   disabled the disable file exists; the check is not run        (disabled attributes, or withdrawn)
 *
 * From init, a success starts rising and a failure falling; with rise (fall) 1 they go straight to up
 * (down). Leaving disabled goes back to init and, unlike ExaBGP (which drops that check's result), counts
 * the result that came with it. Pure: the daemon (daemon/health) runs the checks and keeps the time.
 */
import type { AnnouncedState } from "../config/helpers.js";

export type HealthState = "init" | "rising" | "falling" | AnnouncedState;

export interface HealthStatus {
  readonly state: HealthState;
  /** Consecutive results counted towards `rise` (rising) or `fall` (falling); 0 in other states. */
  readonly count: number;
  /** Whose routes are announced: the last of up, down and disabled entered; null before the first. */
  readonly announced: AnnouncedState | null;
}

/** One check: whether the disable file was there (then no check ran), else whether the check succeeded. */
export type Observation = { readonly disabled: true } | { readonly disabled: false; readonly ok: boolean };

export interface Thresholds {
  readonly rise: number;
  readonly fall: number;
}

export const INITIAL: HealthStatus = { state: "init", count: 0, announced: null };

/** The status after one more observation. */
export function step(s: HealthStatus, o: Observation, t: Thresholds): HealthStatus {
  if (o.disabled) return s.state === "disabled" ? s : enter("disabled");
  const ok = o.ok;
  switch (s.state) {
    case "disabled":
    case "init":
      return ok ? rising(s, 1, t) : falling(s, 1, t);
    case "rising":
      return ok ? rising(s, s.count + 1, t) : falling(s, 1, t);
    case "falling":
      return ok ? rising(s, 1, t) : falling(s, s.count + 1, t);
    case "up":
      return ok ? s : falling(s, 1, t);
    case "down":
      return ok ? rising(s, 1, t) : s;
  }
}

const rising = (s: HealthStatus, count: number, t: Thresholds): HealthStatus =>
  count >= t.rise ? enter("up") : { state: "rising", count, announced: s.announced };

const falling = (s: HealthStatus, count: number, t: Thresholds): HealthStatus =>
  count >= t.fall ? enter("down") : { state: "falling", count, announced: s.announced };

const enter = (state: AnnouncedState): HealthStatus => ({ state, count: 0, announced: state });

/** Seconds until the next check: the fast interval while the state is changing, else the interval. */
export function nextCheckIn(
  state: HealthState,
  intervals: { interval: number; fastInterval: number },
): number {
  return state === "init" || state === "rising" || state === "falling"
    ? intervals.fastInterval
    : intervals.interval;
}
