/** Polling with deadlines: every wait in the interop harness is bounded in time. */

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface WaitOptions {
  timeoutMs: number;
  /** Poll interval; default 200 ms. */
  intervalMs?: number;
  /** Extra context appended to the timeout error (e.g. the daemon's log tail). */
  detail?: () => string;
  /** Checked before every attempt: a returned message ends the wait at once with that error (e.g. the
   *  daemon being waited for has exited). */
  abort?: () => string | undefined;
}

/** Calls `probe` until it returns something other than undefined/null/false and returns that value. Errors
 *  thrown by the probe count as "not yet" (a daemon's control socket may not exist yet) and the last one is
 *  reported if the deadline passes. */
export async function waitUntil<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  opts: WaitOptions,
): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  const interval = opts.intervalMs ?? 200;
  let last = "no attempt finished";
  for (;;) {
    const fatal = opts.abort?.();
    if (fatal !== undefined) {
      const detail = opts.detail ? `\n${opts.detail()}` : "";
      throw new Error(`gave up waiting for ${what}: ${fatal}${detail}`);
    }
    try {
      const value = await probe();
      if (value !== undefined && value !== null && value !== false) return value;
      last = `last result: ${JSON.stringify(value)}`;
    } catch (err) {
      last = `last error: ${err instanceof Error ? err.message : String(err)}`;
    }
    const left = deadline - Date.now();
    if (left <= 0) {
      const detail = opts.detail ? `\n${opts.detail()}` : "";
      throw new Error(`timed out after ${opts.timeoutMs} ms waiting for ${what} (${last})${detail}`);
    }
    await sleep(Math.min(interval, left));
  }
}
