/**
 * Runs a Speaker on real sockets and a real clock. Everything the speaker decides arrives as outputs and is
 * executed here; everything that happens (connections, bytes, written data, timeouts) goes back as
 * inputs. Nothing here knows BGP.
 */
import net from "node:net";
import { performance } from "node:perf_hooks";
import type { Input, Output } from "../core/speaker/io.js";
import type { Speaker } from "../core/speaker/speaker.js";
import { describeFailure, Listeners, type ListenOptions, type ListenStatus } from "./listeners.js";
import type { Logger } from "./log.js";

export type { ListenOptions, ListenStatus } from "./listeners.js";

/** After asking a socket to close, give it this long to flush (a NOTIFICATION) before destroying it. */
const CLOSE_GRACE_MS = 2000;

export interface RuntimeOptions {
  /** Sees every input with its time, for recordings (core/speaker/recording.ts). */
  readonly onInput?: ((at: number, input: Input) => void) | null;
  /** After every change of the listeners (start, reload, a retry): readiness reports what does not listen. */
  readonly onListenStatus?: (status: ListenStatus) => void;
}

/** "::ffff:192.0.2.1" from a dual-stack socket is the IPv4 peer 192.0.2.1. */
export function plainAddress(a: string | undefined): string {
  if (!a) return "";
  return a.startsWith("::ffff:") && a.includes(".") ? a.slice(7) : a;
}

export class Runtime {
  private readonly sockets = new Map<number, net.Socket>();
  /** Outgoing connections not yet up, so a `close` can abandon them. */
  private readonly pending = new Map<number, net.Socket>();
  private readonly listeners: Listeners;
  private readonly onInput: ((at: number, input: Input) => void) | null;
  private nextIn = 2;
  private wake: NodeJS.Timeout | null = null;
  private wakeAt: number | null = null;
  constructor(
    private readonly speaker: Speaker,
    private readonly logger: Logger,
    options: RuntimeOptions = {},
  ) {
    this.onInput = options.onInput ?? null;
    this.listeners = new Listeners({
      accept: (s) => this.accept(s),
      logger,
      ...(options.onListenStatus ? { onStatus: options.onListenStatus } : {}),
    });
  }

  now(): number {
    return performance.timeOrigin + performance.now();
  }

  /**
   * Run `f` every `ms` until the returned function is called (the control API's periodic work: monitor
   * counters). Unref'd: it never keeps kbgpd alive on its own.
   */
  every(ms: number, f: () => void): () => void {
    const t = setInterval(f, ms);
    t.unref();
    return () => clearInterval(t);
  }

  /**
   * Listen on every address, then start the speaker. At start-up nothing runs yet that a failure could
   * hurt, so an address that cannot be bound is an error naming it and its port, and nothing starts.
   */
  async start(listen: ListenOptions): Promise<void> {
    const { failed } = await this.listeners.listen(listen, { retry: false });
    if (failed.length > 0) throw new Error(failed.map(describeFailure).join("; "));
    this.dispatch({ kind: "start" });
  }

  /**
   * Listen on exactly these addresses and port from now on (a reload; callable at any time, any number of
   * times): listeners no longer wanted close, sessions they accepted stay; an address that cannot be bound is
   * logged and tried again, the others keep listening (daemon/listeners.ts). Never rejects.
   */
  listen(listen: ListenOptions): Promise<ListenStatus> {
    return this.listeners.listen(listen);
  }

  /** The addresses and port asked for last, and those of them that do not listen. */
  listenStatus(): ListenStatus {
    return this.listeners.status();
  }

  /** Feed an input to the speaker and carry out its outputs. */
  dispatch(input: Input): void {
    const at = this.now();
    this.onInput?.(at, input);
    const outputs = this.speaker.handle(input, at);
    for (const o of outputs) this.execute(o);
    this.schedule();
  }

  private schedule(): void {
    const next = this.speaker.nextWake();
    if (next === this.wakeAt) return;
    if (this.wake) clearTimeout(this.wake);
    this.wake = null;
    this.wakeAt = next;
    if (next === null) return;
    this.wake = setTimeout(
      () => {
        this.wake = null;
        this.wakeAt = null;
        this.dispatch({ kind: "tick" });
      },
      Math.max(0, next - this.now()),
    );
  }

  private accept(s: net.Socket): void {
    const conn = this.nextIn;
    this.nextIn += 2;
    this.attach(conn, s);
    this.dispatch({
      kind: "accepted",
      conn,
      local: { address: plainAddress(s.localAddress), port: s.localPort ?? 0 },
      remote: { address: plainAddress(s.remoteAddress), port: s.remotePort ?? 0 },
    });
  }

  /** Wire a socket's events to inputs. */
  private attach(conn: number, s: net.Socket): void {
    this.sockets.set(conn, s);
    s.setNoDelay(true);
    s.on("data", (bytes) => this.dispatch({ kind: "data", conn, bytes }));
    s.on("error", () => {}); // reported through "close"
    s.on("close", (hadError) => {
      if (this.sockets.get(conn) !== s) return; // closed on the speaker's request: it already knows
      this.sockets.delete(conn);
      this.dispatch({ kind: "closed", conn, reason: hadError ? "connection error" : "closed by peer" });
    });
  }

  private execute(o: Output): void {
    switch (o.kind) {
      case "connect": {
        const s = net.connect({
          host: o.remote.address,
          port: o.remote.port,
          ...(o.localAddress ? { localAddress: o.localAddress } : {}),
        });
        let up = false;
        s.once("connect", () => {
          up = true;
          if (this.pending.get(o.conn) !== s) return s.destroy(); // abandoned meanwhile
          this.pending.delete(o.conn);
          this.attach(o.conn, s);
          this.dispatch({
            kind: "connected",
            conn: o.conn,
            local: { address: plainAddress(s.localAddress), port: s.localPort ?? 0 },
          });
        });
        s.once("error", (e) => {
          if (up || this.pending.get(o.conn) !== s) return;
          this.pending.delete(o.conn);
          this.dispatch({ kind: "connect-failed", conn: o.conn, reason: (e as Error).message });
        });
        this.pending.set(o.conn, s);
        return;
      }
      case "send": {
        const s = this.sockets.get(o.conn);
        if (!s || s.destroyed) return;
        if (o.notify) s.write(o.data, () => this.dispatch({ kind: "drained", conn: o.conn }));
        else s.write(o.data);
        return;
      }
      case "close": {
        const s = this.sockets.get(o.conn) ?? this.pending.get(o.conn);
        this.sockets.delete(o.conn);
        this.pending.delete(o.conn);
        if (!s) return;
        s.end();
        setTimeout(() => s.destroy(), CLOSE_GRACE_MS).unref();
        return;
      }
      case "log":
        this.logger.log(o.level, o.msg, { ...(o.neighbor ? { neighbor: o.neighbor } : {}), ...o.data });
        return;
    }
  }

  /** Stop listening and wait (bounded) for sockets to finish closing. */
  async close(timeoutMs = 3000): Promise<void> {
    const listening = this.listeners.close();
    if (this.wake) clearTimeout(this.wake);
    const open = [...this.sockets.values()];
    await Promise.race([
      Promise.all(open.map((s) => new Promise((r) => (s.closed ? r(null) : s.once("close", r))))),
      new Promise((r) => setTimeout(r, timeoutMs).unref()),
    ]);
    for (const s of open) s.destroy();
    await listening;
  }
}
