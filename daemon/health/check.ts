/**
 * Running one health check: the command without a shell, in its own process group (as ExaBGP's healthcheck
 * does), so that on its timeout the whole group — a shell script and whatever it started — is killed and
 * the check counts as a failure. Whatever the command left running in its group when it exits is killed
 * too: a check never leaves processes behind. Its output is kept (the last 1 KiB) for the log and the
 * status, and otherwise ignored.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { signalGroup } from "../processes/terminate.js";

export interface CheckResult {
  readonly ok: boolean;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly timedOut: boolean;
  /** Why it could not be started (ENOENT…). */
  readonly error: string | null;
  readonly at: number;
  readonly durationMs: number;
  /** The end of what it printed (stdout and stderr together), trimmed. */
  readonly output: string;
}

const OUTPUT_TAIL = 1024;
/** After the check exits, how long to wait for the last of its output. */
const CLOSE_WAIT_MS = 1000;

export interface RunningCheck {
  readonly result: Promise<CheckResult>;
  /** Kill it now (kbgpd stops, or the check was removed): it resolves as a failure. */
  kill(): void;
}

export function runCheck(command: readonly string[], timeoutMs: number): RunningCheck {
  const at = Date.now();
  let child: ChildProcess;
  try {
    child = spawn(command[0], command.slice(1), { stdio: ["ignore", "pipe", "pipe"], detached: true });
  } catch (e) {
    // Most failures (ENOENT…) come as an "error" event; arguments Node refuses throw.
    const error = (e as Error).message;
    const failed: CheckResult = {
      ok: false,
      exitCode: null,
      signal: null,
      timedOut: false,
      error,
      at,
      durationMs: 0,
      output: "",
    };
    return { result: Promise.resolve(failed), kill: () => {} };
  }
  let output = "";
  const keep = (chunk: string) => {
    output = (output + chunk).slice(-OUTPUT_TAIL);
  };
  child.stdout!.setEncoding("utf8").on("data", keep);
  child.stderr!.setEncoding("utf8").on("data", keep);
  let timedOut = false;
  const killGroup = () => {
    if (child.pid !== undefined) signalGroup(child.pid, "SIGKILL");
  };
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup();
  }, timeoutMs);
  const result = new Promise<CheckResult>((resolve) => {
    let settled = false;
    const done = (exitCode: number | null, signal: string | null, error: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.stdout!.destroy();
      child.stderr!.destroy();
      resolve({
        ok: exitCode === 0 && !timedOut,
        exitCode,
        signal,
        timedOut,
        error,
        at,
        durationMs: Date.now() - at,
        output: output.trim(),
      });
    };
    child.once("error", (e) => done(null, null, e.message));
    child.once("exit", (code, signal) => {
      // Its leftovers (a background job of a shell script) go with it. Then its output is read to the end
      // ("close"), unless something that left the group still holds the pipes.
      killGroup();
      const late = setTimeout(() => done(code, signal, null), CLOSE_WAIT_MS);
      child.once("close", () => {
        clearTimeout(late);
        done(code, signal, null);
      });
    });
  });
  return { result, kill: killGroup };
}
