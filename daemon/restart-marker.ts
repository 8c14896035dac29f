/**
 * How a starting kbgpd knows it is a graceful restart (RFC 4724): a stop that left the peers holding our
 * routes writes a marker in the state directory; the next start reads and removes it, and is restarting if
 * the peers are still within the restart time we gave them. A crash or a plain stop leaves no marker.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const FILE = "graceful-restart.json";

interface Marker {
  /** ms since the epoch. */
  readonly stoppedAt: number;
  /** The restart time we advertised, in seconds: how long the peers keep our routes. */
  readonly restartTime: number;
}

/** Record a graceful stop; written whole (temp file, then rename) so a half-written marker never counts. */
export function writeRestartMarker(dir: string, stoppedAt: number, restartTime: number): void {
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `${FILE}.tmp`);
  writeFileSync(tmp, `${JSON.stringify({ stoppedAt, restartTime } satisfies Marker)}\n`);
  renameSync(tmp, join(dir, FILE));
}

/**
 * Remove the marker and say how the last run ended: seconds since a graceful stop whose restart time has not
 * run out, or null (no marker, an unreadable one, or too late: the peers have dropped our routes).
 */
export function takeRestartMarker(dir: string, now: number): number | null {
  const path = join(dir, FILE);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return null;
  }
  rmSync(path, { force: true });
  try {
    const m = JSON.parse(text) as Partial<Marker>;
    if (typeof m.stoppedAt !== "number" || typeof m.restartTime !== "number") return null;
    const elapsed = (now - m.stoppedAt) / 1000;
    return elapsed >= 0 && elapsed < m.restartTime ? elapsed : null;
  } catch {
    return null;
  }
}

/** A stop that withdraws our routes: a marker from an earlier run must not survive it. */
export function clearRestartMarker(dir: string): void {
  rmSync(join(dir, FILE), { force: true });
}
