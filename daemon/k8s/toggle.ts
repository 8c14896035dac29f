/**
 * `kbgp k8s enable|disable` outlives a restart: the choice is kept in the state directory and wins over the
 * configuration's `enabled` until the operator toggles again. Written whole (temp file, fsync, rename), so a
 * crash leaves the old choice or the new one.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fsyncDir, writeWhole } from "../routes/durable-write.js";

const FILE = "k8s.json";

/** The operator's last choice, or null when there is none (or it cannot be read: the config decides). */
export function readToggle(stateDir: string): boolean | null {
  try {
    const v = JSON.parse(readFileSync(join(stateDir, FILE), "utf8")) as { enabled?: unknown };
    return typeof v.enabled === "boolean" ? v.enabled : null;
  } catch {
    return null;
  }
}

export async function writeToggle(stateDir: string, enabled: boolean): Promise<void> {
  mkdirSync(stateDir, { recursive: true });
  await writeWhole(join(stateDir, FILE), `${JSON.stringify({ enabled })}\n`);
  await fsyncDir(stateDir);
}
