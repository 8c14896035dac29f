/** Where other people's recordings live: `KBGP_DATA`, default `../shared/data` beside the project root.
 *  Tests read them in place and never copy them into the repository. */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

export const DATA_DIR = resolve(process.env.KBGP_DATA ?? join(root, "../shared/data"));

/** Path of a file in the data folder; throws (failing the test loudly) when the folder is missing. */
export function dataFile(...parts: string[]): string {
  const p = join(DATA_DIR, ...parts);
  if (!existsSync(p)) throw new Error(`test data not found: ${p} (set KBGP_DATA to the shared data folder)`);
  return p;
}
