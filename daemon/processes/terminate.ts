/**
 * Ending a child kbgpd started: SIGTERM first, so it can clean up, then SIGKILL once the grace period is
 * over, so a child that ignores SIGTERM cannot keep kbgpd from stopping or outlive it.
 */
import type { ChildProcess } from "node:child_process";

/** How long a child has to exit after SIGTERM. Below the 5 s most supervisors wait for kbgpd itself. */
export const STOP_GRACE_MS = 3000;

/** Resolves once `child` has exited; `signal(sig)` sends to the child (or its process group). */
export function terminate(
  child: ChildProcess,
  signal: (sig: NodeJS.Signals) => void = (sig) => child.kill(sig),
  graceMs = STOP_GRACE_MS,
): Promise<{ killed: boolean }> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve({ killed: false });
  return new Promise((resolve) => {
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      signal("SIGKILL");
    }, graceMs);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve({ killed });
    });
    signal("SIGTERM");
  });
}

/** Signal a process group, ignoring one that is already gone. */
export function signalGroup(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pid, sig);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ESRCH") throw e;
  }
}
