/** Child processes of the interop harness: long-running daemons in their own process group, and short
 *  control commands (gobgp, birdc, vtysh) with a hard time limit. */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { accessSync, closeSync, constants, openSync, readdirSync, readFileSync } from "node:fs";
import { sleep, waitUntil } from "./wait.js";

/** Fails loudly (never skips) when a peer binary is missing. */
export function requireBinary(path: string, debianPackage: string): string {
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new Error(
      `interop: ${path} is missing or not executable; install the Debian package '${debianPackage}' ` +
        "(scripts/setup.sh does it)",
    );
  }
  return path;
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a control command to completion; SIGKILLs it after `timeoutMs`. Never rejects on a non-zero exit
 *  status (callers decide), only on a timeout or a failure to start. */
export function run(cmd: string, args: string[], timeoutMs = 10_000): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(
      cmd,
      args,
      { timeout: timeoutMs, killSignal: "SIGKILL", maxBuffer: 64 * 1024 * 1024, encoding: "utf8" },
      (err, stdout, stderr) => {
        if (err && (err as NodeJS.ErrnoException & { killed?: boolean }).killed) {
          reject(new Error(`${cmd} ${args.join(" ")}: killed after ${timeoutMs} ms`));
          return;
        }
        if (err && typeof (err as NodeJS.ErrnoException).code === "string") {
          reject(new Error(`${cmd}: ${err.message}`));
          return;
        }
        const code = err ? ((err as { code?: number }).code ?? 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** run() that throws unless the command exits 0. */
export async function runOk(cmd: string, args: string[], timeoutMs = 10_000): Promise<string> {
  const r = await run(cmd, args, timeoutMs);
  if (r.code !== 0) {
    throw new Error(
      `${cmd} ${args.join(" ")} exited ${r.code}: ${(r.stderr || r.stdout).trim().slice(0, 2000)}`,
    );
  }
  return r.stdout;
}

export interface DaemonOptions {
  cwd: string;
  /** stdout and stderr of the daemon go here. */
  logFile: string;
  env?: NodeJS.ProcessEnv;
  /** Backstop: coreutils `timeout` kills the daemon after this many seconds even if the test runner itself
   *  was killed and never ran its teardown. */
  lifetimeSec: number;
}

/** A daemon run as `timeout --foreground -k 5 LIFETIME cmd args...` in a new session led by `timeout`.
 *  SIGTERM goes to `timeout`, which forwards it once to the daemon; SIGKILL goes to the whole session. */
export class Daemon {
  readonly pid: number;
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private readonly exited: Promise<void>;

  private constructor(
    readonly name: string,
    readonly logFile: string,
    child: ChildProcess,
  ) {
    if (child.pid === undefined) throw new Error(`${name}: spawn failed`);
    this.pid = child.pid;
    this.exited = new Promise((resolve) => {
      child.once("exit", (code, signal) => {
        this.exitInfo = { code, signal };
        resolve();
      });
    });
    liveDaemons.add(this);
  }

  static spawn(name: string, cmd: string, args: string[], opts: DaemonOptions): Daemon {
    const fd = openSync(opts.logFile, "a");
    try {
      const child = spawn("timeout", ["--foreground", "-k", "5", String(opts.lifetimeSec), cmd, ...args], {
        cwd: opts.cwd,
        env: opts.env ?? process.env,
        detached: true,
        stdio: ["ignore", fd, fd],
      });
      child.unref();
      return new Daemon(name, opts.logFile, child);
    } finally {
      closeSync(fd);
    }
  }

  get running(): boolean {
    return this.exitInfo === undefined;
  }

  /** "exited with code 1" etc., or undefined while running. */
  get exitDescription(): string | undefined {
    if (!this.exitInfo) return undefined;
    return this.exitInfo.signal
      ? `killed by ${this.exitInfo.signal}`
      : `exited with code ${this.exitInfo.code}`;
  }

  logTail(lines = 40): string {
    try {
      const text = readFileSync(this.logFile, "utf8").trimEnd().split("\n");
      return text.slice(-lines).join("\n");
    } catch {
      return "(no log)";
    }
  }

  /** Graceful: SIGTERM to the daemon (through `timeout`), wait up to graceMs, then SIGKILL the group. */
  async terminate(graceMs = 5_000): Promise<void> {
    if (this.running) {
      signal(this.pid, "SIGTERM");
      await Promise.race([this.exited, sleep(graceMs)]);
    }
    await this.kill();
  }

  /** SIGKILL to every process of the daemon's session; waits (bounded) until none is left. */
  async kill(): Promise<void> {
    killSession(this.pid);
    await Promise.race([this.exited, sleep(5_000)]);
    await waitUntil(
      `the processes of ${this.name} (session ${this.pid}) to disappear`,
      () => {
        const left = sessionMembers(this.pid);
        for (const pid of left) signal(pid, "SIGKILL");
        return left.length === 0;
      },
      { timeoutMs: 5_000, intervalMs: 50 },
    );
    liveDaemons.delete(this);
  }

  killSync(): void {
    killSession(this.pid);
    liveDaemons.delete(this);
  }

  /** Sends `sig` to the program itself, bypassing `timeout` (which would forward it and, because of `-k`,
   *  follow it with a SIGKILL 5 s later). For signals the program handles and survives, such as SIGHUP. */
  signalProgram(sig: NodeJS.Signals): void {
    const children = childrenOf(this.pid);
    if (children.length !== 1)
      throw new Error(
        `${this.name}: expected one process under timeout (${this.pid}), found ${children.length}`,
      );
    signal(children[0]!, sig);
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ESRCH") throw err;
  }
}

/** Every live (non-zombie) process: its pid and the fields of /proc/PID/stat after the command name
 *  ("state ppid pgrp session …"). Read from /proc rather than kill(-pgid, 0), which also counts zombies, so
 *  that a container whose init does not reap orphans still looks clean. */
function* liveProcesses(): Generator<[pid: number, fields: string[]]> {
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // exited meanwhile
    }
    // comm (in parentheses) may contain spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (fields[0] !== "Z") yield [Number(entry), fields];
  }
}

/** Live processes of the session `sid` (we start every daemon as a session leader, and its helpers stay in
 *  the session even when they change process group, as ExaBGP's API processes do). */
function sessionMembers(sid: number): number[] {
  return [...liveProcesses()].filter(([, f]) => Number(f[3]) === sid).map(([pid]) => pid);
}

/** Live processes whose parent is `ppid`. */
function childrenOf(ppid: number): number[] {
  return [...liveProcesses()].filter(([, f]) => Number(f[1]) === ppid).map(([pid]) => pid);
}

/** SIGKILL to the process group and to every other member of the session. */
function killSession(sid: number): void {
  signal(-sid, "SIGKILL");
  for (const pid of sessionMembers(sid)) signal(pid, "SIGKILL");
}

const liveDaemons = new Set<Daemon>();

// Last line of defence: whatever the tests did, no daemon outlives this process (a SIGKILLed test runner
// is covered by the `timeout` lifetime instead).
process.once("exit", () => {
  for (const d of liveDaemons) d.killSync();
});
