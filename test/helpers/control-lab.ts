/**
 * A real kbgpd for the control-socket tests (test/daemon/control-*.test.ts): one neighbor that never comes
 * up (so neighbor methods have something to name), its control socket, its process's memory, and a raw
 * line client that sees exactly what kbgpd writes.
 */
import { readdirSync, readFileSync } from "node:fs";
import net from "node:net";
import { createPeer, type KbgpdPeer, Lab } from "../interop/harness/index.js";

export interface ControlLab {
  readonly lab: Lab;
  readonly kbgpd: KbgpdPeer;
  /** The neighbor kbgpd has configured (its session never comes up). */
  readonly neighbor: string;
  /** kbgpd's own process (the harness runs it under `timeout`). */
  readonly pid: number;
}

export async function controlLab(name: string, n: number, extraArgs: string[] = []): Promise<ControlLab> {
  const lab = Lab.create(name);
  const [ea, eb] = [await lab.endpoint(), await lab.endpoint()];
  const kbgpd = createPeer("kbgpd", lab, {
    routerId: `10.255.${n}.1`,
    asn: 65001,
    ...ea,
    neighbors: [{ ...eb, asn: 65002, families: ["ipv4", "ipv6"], passive: true }],
  }) as KbgpdPeer;
  kbgpd.extraArgs = extraArgs;
  await kbgpd.start();
  return { lab, kbgpd, neighbor: eb.address, pid: programPid(kbgpd.socket) };
}

/** The kbgpd process whose command line names `socket` (unique per lab). */
function programPid(socket: string): number {
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let cmd: string[];
    try {
      cmd = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0");
    } catch {
      continue;
    }
    if (cmd[0] === process.execPath && cmd.some((a) => a.endsWith("kbgpd.mjs")) && cmd.includes(socket))
      return Number(entry);
  }
  throw new Error(`no kbgpd process for ${socket}`);
}

/** A process's memory from /proc/PID/status, in KiB: `VmRSS` now, `VmHWM` its peak. */
export function memoryKiB(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1]);
  return { rss: field("VmRSS"), hwm: field("VmHWM") };
}

/** One connection that collects every line kbgpd sends, parsed. */
export class LineClient {
  readonly received: unknown[] = [];
  /** Lines that were not JSON (there must be none). */
  readonly garbage: string[] = [];
  private buf = "";
  private waiters: (() => void)[] = [];
  closed = false;

  private constructor(readonly socket: net.Socket) {
    socket.setEncoding("utf8");
    socket.on("data", (d: string) => {
      this.buf += d;
      for (let nl = this.buf.indexOf("\n"); nl >= 0; nl = this.buf.indexOf("\n")) {
        const line = this.buf.slice(0, nl);
        this.buf = this.buf.slice(nl + 1);
        try {
          this.received.push(JSON.parse(line));
        } catch {
          this.garbage.push(line);
        }
      }
      this.wake();
    });
    socket.on("error", () => {});
    socket.on("close", () => {
      this.closed = true;
      this.wake();
    });
  }

  static connect(path: string): Promise<LineClient> {
    return new Promise((resolve, reject) => {
      const s = net.connect(path);
      s.once("connect", () => resolve(new LineClient(s)));
      s.once("error", reject);
    });
  }

  send(text: string | Uint8Array): void {
    this.socket.write(text);
  }

  /** Wait until `count` messages have come (or the connection closed); throws after `timeoutMs`. */
  async waitFor(count: number, timeoutMs = 5000): Promise<unknown[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length < count && !this.closed) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${this.received.length} of ${count} messages after ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.received;
  }

  /** Until the connection closes; throws after `timeoutMs`. */
  async waitClosed(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error(`still open after ${timeoutMs} ms`);
      await this.waitFor(this.received.length + 1, Math.max(1, deadline - Date.now())).catch(() => {});
    }
  }

  close(): void {
    this.socket.destroy();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}

/** A JSON-RPC request line. */
export const request = (id: number | string, method: string, params?: unknown): string =>
  `${JSON.stringify({ jsonrpc: "2.0", id, method, ...(params === undefined ? {} : { params }) })}\n`;

export interface Response {
  readonly id: unknown;
  readonly result?: unknown;
  readonly error?: { readonly code: number; readonly message: string };
}

/** One request on its own connection: the response (notifications before it are skipped). */
export async function call(path: string, method: string, params?: unknown): Promise<Response> {
  const c = await LineClient.connect(path);
  try {
    c.send(request(1, method, params));
    for (let n = 1; ; n++) {
      const got = await c.waitFor(n);
      if (got.length < n) throw new Error(`${method}: connection closed without a response`);
      const m = got[n - 1] as Response & { method?: string };
      if (m.method === undefined) return m;
    }
  } finally {
    c.close();
  }
}
