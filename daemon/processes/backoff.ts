/**
 * When to start a helper process again after it exited: at once would let a helper that fails on start
 * spin the CPU and flood the log, so the wait doubles with each quick failure, from 1 s up to 60 s, and
 * starts over once a run lasted a minute (a helper that ran that long was working).
 */

export const BACKOFF = { firstMs: 1000, maxMs: 60_000, resetAfterMs: 60_000 } as const;

/** The wait before the next start after `failures` (1, 2, …) consecutive quick exits. */
export function restartDelay(failures: number): number {
  const doublings = Math.max(0, Math.min(failures - 1, 30));
  return Math.min(BACKOFF.maxMs, BACKOFF.firstMs * 2 ** doublings);
}

/** Consecutive quick exits after one more exit, of a run that lasted `ranMs`. */
export function failuresAfter(previous: number, ranMs: number): number {
  return ranMs >= BACKOFF.resetAfterMs ? 1 : previous + 1;
}
