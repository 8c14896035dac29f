/**
 * Session-layer fuzzing in CI: the properties of session-fuzz.ts, 100,000 cases in all (numRuns summed over
 * the three properties), sized to run in well under a minute on a 2-core machine. `npm run fuzz` runs the
 * same properties with far more cases (KBGP_FUZZ_RUNS, KBGP_FUZZ_SECONDS); KBGP_FUZZ_SEED replays a run.
 */
import fc from "fast-check";
import { describe, it } from "vitest";
import { PROPERTIES, runsFor } from "./session-fuzz.js";

const fuzzing = process.env.KBGP_FUZZ === "1";
/** CI: 100,000 cases in total. */
const TOTAL = fuzzing
  ? Number(process.env.KBGP_FUZZ_RUNS ?? 2_000_000)
  : Number(process.env.KBGP_FUZZ_CI_RUNS ?? 100_000);
const SECONDS = fuzzing ? Number(process.env.KBGP_FUZZ_SECONDS ?? 3600) : 0;
const SEED = process.env.KBGP_FUZZ_SEED === undefined ? undefined : Number(process.env.KBGP_FUZZ_SEED);
const runs = runsFor(TOTAL);

describe("speaker session fuzzing", () => {
  for (const [name, property] of Object.entries(PROPERTIES)) {
    const numRuns = runs[name as keyof typeof runs];
    // Each property gets its share of the time bound.
    const limitMs = SECONDS > 0 ? Math.round((SECONDS * 1000 * numRuns) / TOTAL) : 0;
    it(
      `${name}: ${numRuns} cases`,
      () => {
        const seed = SEED ?? Date.now() ^ (Math.random() * 0x7fffffff);
        const started = Date.now();
        const report = fc.check(property as fc.IProperty<unknown[]>, {
          numRuns,
          seed,
          ...(limitMs > 0 ? { interruptAfterTimeLimit: limitMs, markInterruptAsFailure: false } : {}),
        });
        const secs = ((Date.now() - started) / 1000).toFixed(1);
        if (fuzzing || report.failed)
          console.log(
            `${name}: ${report.numRuns} cases in ${secs}s, seed ${seed}${report.interrupted ? " (time bound reached)" : ""}`,
          );
        if (report.failed) {
          // The seed and path replay the failure: KBGP_FUZZ_SEED=<seed> npm run fuzz, or fc.assert with both.
          throw new Error(
            `${name} failed; replay with seed ${seed}, path "${report.counterexamplePath}"\n` +
              `${fc.stringify(report.counterexample)}\n${report.errorInstance instanceof Error ? report.errorInstance.message : String(report.errorInstance)}`,
          );
        }
      },
      // Generous: under the full suite on 2 CPUs a case costs several times what it does alone.
      limitMs > 0 ? limitMs + 120_000 : 300_000,
    );
  }
});
