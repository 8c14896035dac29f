#!/usr/bin/env node
// `npm run fuzz`: the session-layer fuzz properties of test/speaker/session-fuzz.ts (the same ones CI runs
// 100,000 cases of) with many more cases. KBGP_FUZZ_RUNS (default 2,000,000 cases in all),
// KBGP_FUZZ_SECONDS (time bound over all properties, default 3600) and KBGP_FUZZ_SEED (replay a reported
// seed) pass through; each property prints its case count, time and seed.
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const vitest = join(root, "node_modules/vitest/vitest.mjs");
const r = spawnSync(
  process.execPath,
  [vitest, "run", "test/speaker/session-fuzz.test.ts", ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, KBGP_FUZZ: "1" },
  },
);
process.exit(r.status ?? 1);
