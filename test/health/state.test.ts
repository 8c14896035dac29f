/**
 * The health check state machine (core/health/state.ts) with plain values: ExaBGP's transitions, and
 * properties over random runs — nothing is announced up without `rise` successes in a row (down without
 * `fall` failures), and the announced routes never change unless the state did.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type HealthState,
  type HealthStatus,
  INITIAL,
  nextCheckIn,
  type Observation,
  step,
  type Thresholds,
} from "../../core/health/state.js";

const OK: Observation = { disabled: false, ok: true };
const FAIL: Observation = { disabled: false, ok: false };
const DISABLED: Observation = { disabled: true };

/** The state after each observation. */
function states(obs: readonly Observation[], t: Thresholds): HealthStatus[] {
  const out: HealthStatus[] = [];
  let s = INITIAL;
  for (const o of obs) out.push((s = step(s, o, t)));
  return out;
}
const names = (obs: readonly Observation[], t: Thresholds) => states(obs, t).map((s) => s.state);

describe("transitions", () => {
  const t = { rise: 3, fall: 2 };

  it("rises to up after `rise` successes, announcing nothing before", () => {
    const run = states([OK, OK, OK, OK], t);
    expect(run.map((s) => [s.state, s.count, s.announced])).toEqual([
      ["rising", 1, null],
      ["rising", 2, null],
      ["up", 0, "up"],
      ["up", 0, "up"],
    ]);
  });

  it("falls from init to down after `fall` failures (down is announced: its own attributes)", () => {
    expect(names([FAIL, FAIL, FAIL], t)).toEqual(["falling", "down", "down"]);
    expect(states([FAIL, FAIL], t)[1].announced).toBe("down");
  });

  it("starts over on a result against the trend, keeping what is announced", () => {
    const run = states([OK, OK, OK, FAIL, OK, OK, FAIL, FAIL], t);
    expect(run.map((s) => s.state)).toEqual([
      "rising",
      "rising",
      "up",
      "falling",
      "rising",
      "rising",
      "falling",
      "down",
    ]);
    expect(run.map((s) => s.announced)).toEqual([null, null, "up", "up", "up", "up", "up", "down"]);
  });

  it("goes straight to up or down with rise or fall 1", () => {
    expect(names([OK, FAIL, OK], { rise: 1, fall: 1 })).toEqual(["up", "down", "up"]);
  });

  it("is disabled at once while the disable file exists, and leaves through init counting that check", () => {
    const run = states([OK, OK, OK, DISABLED, DISABLED, OK, OK, OK], t);
    expect(run.map((s) => s.state)).toEqual([
      "rising",
      "rising",
      "up",
      "disabled",
      "disabled",
      "rising",
      "rising",
      "up",
    ]);
    // ExaBGP keeps the disabled announcement until the next up or down.
    expect(run.map((s) => s.announced)).toEqual([
      null,
      null,
      "up",
      "disabled",
      "disabled",
      "disabled",
      "disabled",
      "up",
    ]);
  });

  it("checks fast while the state is changing", () => {
    const i = { interval: 5, fastInterval: 1 };
    const expected: Record<HealthState, number> = {
      init: 1,
      rising: 1,
      falling: 1,
      up: 5,
      down: 5,
      disabled: 5,
    };
    for (const [state, seconds] of Object.entries(expected))
      expect(nextCheckIn(state as HealthState, i)).toBe(seconds);
  });
});

describe("properties", () => {
  const observation = fc.oneof(
    { arbitrary: fc.constant(OK), weight: 4 },
    { arbitrary: fc.constant(FAIL), weight: 4 },
    { arbitrary: fc.constant(DISABLED), weight: 1 },
  );
  const thresholds = fc.record({
    rise: fc.integer({ min: 1, max: 6 }),
    fall: fc.integer({ min: 1, max: 6 }),
  });
  const runs = fc.tuple(fc.array(observation, { maxLength: 80 }), thresholds);

  it("announces up only after `rise` successes in a row, down only after `fall` failures in a row", () => {
    fc.assert(
      fc.property(runs, ([obs, t]) => {
        let s = INITIAL;
        obs.forEach((o, i) => {
          const next = step(s, o, t);
          if (next.state === "up" && s.state !== "up") {
            const last = obs.slice(0, i + 1).slice(-t.rise);
            expect(last.length).toBe(t.rise);
            expect(last.every((x) => !x.disabled && x.ok)).toBe(true);
          }
          if (next.state === "down" && s.state !== "down") {
            const last = obs.slice(0, i + 1).slice(-t.fall);
            expect(last.length).toBe(t.fall);
            expect(last.every((x) => !x.disabled && !x.ok)).toBe(true);
          }
          if (next.state === "disabled") expect(o.disabled).toBe(true);
          s = next;
        });
      }),
    );
  });

  it("changes the announced routes only when the state changes, and only on entering up, down or disabled", () => {
    fc.assert(
      fc.property(runs, ([obs, t]) => {
        let s = INITIAL;
        for (const o of obs) {
          const next = step(s, o, t);
          if (next.state === s.state) expect(next.announced).toBe(s.announced);
          if (next.announced !== s.announced) expect(next.announced).toBe(next.state);
          s = next;
        }
      }),
    );
  });

  it("counts stay below the threshold they count towards", () => {
    fc.assert(
      fc.property(runs, ([obs, t]) => {
        for (const s of states(obs, t)) {
          const limit = s.state === "rising" ? t.rise : s.state === "falling" ? t.fall : null;
          if (limit === null) expect(s.count).toBe(0);
          else expect(s.count > 0 && s.count < limit).toBe(true);
        }
      }),
    );
  });

  it("settles: after any history, `rise` successes make it up and `fall` failures down, and it stays", () => {
    fc.assert(
      fc.property(runs, fc.boolean(), ([obs, t], healthy) => {
        const n = healthy ? t.rise : t.fall;
        const tail = Array.from({ length: n + 3 }, () => (healthy ? OK : FAIL));
        const run = states([...obs, ...tail], t).slice(obs.length + n - 1);
        for (const s of run)
          expect([s.state, s.announced]).toEqual(healthy ? ["up", "up"] : ["down", "down"]);
      }),
    );
  });
});
