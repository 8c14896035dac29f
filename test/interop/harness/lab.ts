/** One Lab per test: its own temporary directory, loopback addresses and ports nobody else (no other test,
 *  no other test file running in parallel) uses, and a teardown that stops every daemon it started. */
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestContext } from "vitest";
import type { Peer } from "./types.js";

/** Seconds a daemon may live at most (backstop if the test runner dies without tearing down). */
export const DAEMON_LIFETIME_SEC = positiveInt(process.env.KBGP_INTEROP_LIFETIME, 600);
/** KBGP_INTEROP_KEEP=1 keeps the lab directories (configs, logs) for inspection. */
const KEEP = process.env.KBGP_INTEROP_KEEP === "1";

const LOCK_DIR = join(tmpdir(), "kbgp-interop-locks");
/** Ports below the kernel's ephemeral range (32768-60999), so outgoing connections never take them. */
const PORT_MIN = 20_000;
const PORT_MAX = 32_000;

export interface Endpoint {
  address: string;
  port: number;
}

const openLabs = new Set<Lab>();
const LAB_PREFIX = "kbgp-interop-";
const OWNER_FILE = "owner.pid";
let swept = false;

/** Once per process: removes lab directories left behind by a test runner that was killed before its
 *  teardown (owner process gone and older than a daemon's lifetime, so their daemons are dead too). */
function sweepStaleLabs(): void {
  if (swept) return;
  swept = true;
  for (const entry of readdirSync(tmpdir())) {
    if (!entry.startsWith(LAB_PREFIX) || entry === "kbgp-interop-locks") continue;
    const dir = join(tmpdir(), entry);
    try {
      if (Date.now() - statSync(dir).mtimeMs < (DAEMON_LIFETIME_SEC + 30) * 1000) continue;
      if (!staleLock(join(dir, OWNER_FILE))) continue;
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // raced with another sweeper, or not ours to remove
    }
  }
}

export class Lab {
  readonly dir: string;
  private readonly locks: string[] = [];
  private readonly peers: Peer[] = [];
  private readonly cleanups: (() => Promise<void> | void)[] = [];
  private closed = false;

  private constructor(readonly name: string) {
    sweepStaleLabs();
    const safe = name.replace(/[^A-Za-z0-9_-]+/g, "-").slice(0, 24);
    this.dir = mkdtempSync(join(tmpdir(), `${LAB_PREFIX}${safe}-`));
    writeFileSync(join(this.dir, OWNER_FILE), String(process.pid));
    openLabs.add(this);
  }

  static create(name: string): Lab {
    return new Lab(name);
  }

  /** A lab closed when the test finishes, pass or fail; on failure the daemons' log tails are printed. */
  static forTest(ctx: TestContext, name: string = ctx.task.name): Lab {
    const lab = new Lab(name);
    ctx.onTestFinished(async () => {
      if (ctx.task.result?.state === "fail") {
        console.error(`interop lab "${ctx.task.name}" failed; daemon logs:\n${lab.report()}`);
      }
      await lab.close();
    });
    return lab;
  }

  /** A fresh sub-directory of the lab directory. */
  subdir(name: string): string {
    const d = join(this.dir, name);
    mkdirSync(d, { recursive: true });
    return d;
  }

  /** A loopback address and a listening port reserved for this lab. IPv4: a random 127.x.y.z (x >= 100,
   *  leaving 127.0.0.0/16 to humans and to kbgpd's defaults); IPv6: ::1, the only IPv6 loopback address, so
   *  there the port alone tells the speakers apart. */
  async endpoint(family: "ipv4" | "ipv6" = "ipv4"): Promise<Endpoint> {
    const address = family === "ipv6" ? "::1" : this.reserveAddress();
    return { address, port: await this.port(address) };
  }

  /** A TCP port free on `address`, reserved across every process using this harness. */
  async port(address = "127.0.0.1"): Promise<number> {
    for (let attempt = 0; attempt < 200; attempt++) {
      const port = PORT_MIN + Math.floor(Math.random() * (PORT_MAX - PORT_MIN));
      if (!this.lock(`port-${port}`)) continue;
      if (await canListen(address, port)) return port;
    }
    throw new Error(`lab ${this.name}: no free port found in ${PORT_MIN}-${PORT_MAX}`);
  }

  private reserveAddress(): string {
    for (let attempt = 0; attempt < 1000; attempt++) {
      const a = `127.${100 + Math.floor(Math.random() * 155)}.${Math.floor(Math.random() * 256)}.${1 + Math.floor(Math.random() * 254)}`;
      if (this.lock(`addr-${a}`)) return a;
    }
    throw new Error(`lab ${this.name}: could not reserve a loopback address`);
  }

  /** Exclusive-create a lock file holding our pid; a lock whose owner process is gone is taken over. */
  private lock(key: string): boolean {
    mkdirSync(LOCK_DIR, { recursive: true });
    const path = join(LOCK_DIR, key);
    for (let i = 0; i < 2; i++) {
      try {
        const fd = openSync(path, "wx");
        writeSync(fd, String(process.pid));
        closeSync(fd);
        this.locks.push(path);
        return true;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
        if (!staleLock(path)) return false;
        rmSync(path, { force: true });
      }
    }
    return false;
  }

  /** Registers a peer for teardown; returns its 1-based index in the lab (used for default next hops). */
  register(peer: Peer): number {
    this.peers.push(peer);
    return this.peers.length;
  }

  onClose(fn: () => Promise<void> | void): void {
    this.cleanups.push(fn);
  }

  /** The log tails of every peer, for a failed test's output. */
  report(lines = 30): string {
    return this.peers
      .map((p) => `----- ${p.kind} ${p.spec.address}:${p.spec.port} (lab ${this.dir})\n${p.logTail(lines)}`)
      .join("\n");
  }

  /** Stops every peer (SIGTERM, then SIGKILL of its process group), releases addresses and ports, and
   *  removes the directory (unless KBGP_INTEROP_KEEP=1). Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const errors: unknown[] = [];
    await Promise.all(
      this.peers.map((p) =>
        p.stop().catch(async (err) => {
          errors.push(err);
          await p.kill().catch((e) => errors.push(e));
        }),
      ),
    );
    for (const fn of this.cleanups) {
      try {
        await fn();
      } catch (err) {
        errors.push(err);
      }
    }
    this.releaseSync();
    if (!KEEP) rmSync(this.dir, { recursive: true, force: true });
    openLabs.delete(this);
    if (errors.length > 0) throw new AggregateError(errors, `lab ${this.name}: teardown errors`);
  }

  private releaseSync(): void {
    for (const path of this.locks.splice(0)) {
      try {
        unlinkSync(path);
      } catch {
        // already gone
      }
    }
  }

  /** Synchronous release for the process 'exit' hook (daemons are killed by proc.ts's own hook). */
  exitSync(): void {
    this.releaseSync();
    if (!KEEP) rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Closes every lab still open (for afterAll; each test should close its own lab as well). */
export async function closeAllLabs(): Promise<void> {
  const errors: unknown[] = [];
  for (const lab of [...openLabs]) await lab.close().catch((err) => errors.push(err));
  if (errors.length > 0) throw new AggregateError(errors, "interop teardown errors");
}

process.once("exit", () => {
  for (const lab of openLabs) lab.exitSync();
});

function staleLock(path: string): boolean {
  try {
    const pid = Number(readFileSync(path, "utf8"));
    if (!Number.isInteger(pid) || pid <= 0) return true;
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== "EPERM";
  }
}

function canListen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once("error", () => resolve(false));
    srv.listen({ host, port, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

function positiveInt(text: string | undefined, fallback: number): number {
  const n = Number(text);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}
