/** Running the built `kbgp` binary as a user would. */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const KBGP = join(root, "bin/kbgp.cjs");

export interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function kbgp(args: string[], input?: Uint8Array | string, env?: NodeJS.ProcessEnv): Run {
  if (!existsSync(join(root, "dist/kbgp.cjs")))
    throw new Error("dist/kbgp.cjs is missing: run npm run build");
  // The executable itself, as users run it (its `#!` line carries kbgp's Node options).
  const r = spawnSync(KBGP, args, {
    input,
    encoding: "utf8",
    ...(env ? { env: { ...process.env, ...env } } : {}),
    maxBuffer: 256 * 1024 * 1024,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
