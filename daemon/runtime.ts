/**
 * Runs a Speaker on real sockets and a real clock. Everything the speaker decides arrives as outputs and is
 * executed here; everything that happens (connections, bytes, written data, timeouts) goes back as
 * inputs. Nothing here knows BGP.
 */
import { closeSync } from "node:fs";
import net from "node:net";
import { performance } from "node:perf_hooks";
import type { Input, Output } from "../core/speaker/io.js";
import type { Speaker } from "../core/speaker/speaker.js";
import {
  describeFailure,
  formatListenAddress,
  Listeners,
  type ListenOptions,
  type ListenStatus,
} from "./listeners.js";
import type { Logger } from "./log.js";
import type { TcpMd5Addon } from "./native/tcp-md5.js";
import { applyTtl, fdOf, type ListenerTtl, listenerTtl, NO_TTL, type TtlPolicy, ttlPolicy } from "./ttl.js";

export type { ListenOptions, ListenStatus } from "./listeners.js";

/** After asking a socket to close, give it this long to flush (a NOTIFICATION) before destroying it. */
const CLOSE_GRACE_MS = 2000;

export interface RuntimeOptions {
  /** Sees every input with its time, for recordings (core/speaker/recording.ts). */
  readonly onInput?: ((at: number, input: Input) => void) | null;
  /** After every change of the listeners (start, reload, a retry): readiness reports what does not listen. */
  readonly onListenStatus?: (status: ListenStatus) => void;
  /** The TCP MD5 addon (daemon/native/tcp-md5.ts), or null where it is not built: the speaker then keeps
   *  neighbors with a password or TTL setting Idle(Unavail) (daemon/main.ts), so the no-addon paths here
   *  (connect fails, accepted connections closed) are a second line that should never be reached. */
  readonly tcpMd5?: TcpMd5Addon | null;
}

const REFUSED_LOG_MS = 60_000;
const REFUSED_LOG_ADDRESSES = 1024;

/** The family of a text address, to pair keys with listeners: a socket takes keys of its own family only. */
const familyOf = (address: string): 4 | 6 => (address.includes(":") ? 6 : 4);

/** A listener as the system makes it: default TTL, no minimum. */

/** `listener 192.0.2.1:179`, for messages about one listening socket (built only when one is logged). */
const listenerName = (server: net.Server, address: string): string =>
  `listener ${formatListenAddress(address, (server.address() as net.AddressInfo | null)?.port ?? 0)}`;

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
  private readonly tcpMd5: TcpMd5Addon | null;
  /** TCP MD5 passwords (RFC 2385) by neighbor address, as on every listener: the speaker's configuration's. */
  private keys = new Map<string, string>();
  /** TTL settings (eBGP multihop, RFC 5082 TTL security) by neighbor address, and what each family's
   *  listeners need for them (daemon/ttl.ts); kept in step with the keys. */
  private ttls = new Map<string, TtlPolicy>();
  private listenerTtls: Record<4 | 6, ListenerTtl> = { 4: NO_TTL, 6: NO_TTL };
  private nextIn = 2;
  /** When a refusal from each source address was last logged. */
  private readonly refusedLogged = new Map<string, number>();
  /** The pending wake: a timer, or an immediate for a deadline already due. */
  private wake: { cancel(): void } | null = null;
  private wakeAt: number | null = null;
  constructor(
    private readonly speaker: Speaker,
    private readonly logger: Logger,
    options: RuntimeOptions = {},
  ) {
    this.onInput = options.onInput ?? null;
    this.tcpMd5 = options.tcpMd5 ?? null;
    this.listeners = new Listeners({
      accept: (s) => this.accept(s),
      onListening: (server, address) => {
        for (const [peer, password] of this.keys) this.setKey(server, address, peer, password);
        const ttl = this.listenerTtls[familyOf(address)];
        if (ttl !== NO_TTL) this.setListenerTtl(server, address, ttl);
      },
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
    // Keys first: a reconfigure's outputs may connect to a neighbor whose password just changed.
    if (input.kind === "start" || input.kind === "reconfigure") {
      this.syncKeys();
      this.syncTtls();
    }
    for (const o of outputs) this.execute(o);
    this.schedule();
  }

  private schedule(): void {
    const next = this.speaker.nextWake();
    if (next === this.wakeAt) return;
    this.wake?.cancel();
    this.wake = null;
    this.wakeAt = next;
    if (next === null) return;
    const fire = () => {
      this.wake = null;
      this.wakeAt = null;
      this.dispatch({ kind: "tick" });
    };
    const delay = next - this.now();
    // A deadline already due (the speaker's next slice of work: Speaker.pumpAll) runs after this turn's
    // I/O, without the millisecond a zero timeout waits.
    if (delay <= 0) {
      const i = setImmediate(fire);
      this.wake = { cancel: () => clearImmediate(i) };
    } else {
      const t = setTimeout(fire, delay);
      this.wake = { cancel: () => clearTimeout(t) };
    }
  }

  /**
   * RFC 2385 on the accepting side: a listening socket holds a key per peer address and hands it to the
   * connections it accepts, so a signed SYN from that peer is accepted and an unsigned or wrongly signed one
   * is dropped by the kernel. Every listener gets the keys of the neighbors of its family; keys of neighbors
   * gone or changed are replaced or removed.
   */
  private syncKeys(): void {
    const want = new Map<string, string>();
    for (const p of this.speaker.peers.values())
      if (p.config.password !== null) want.set(p.config.address, p.config.password);
    const servers = [...this.listeners.servers()];
    for (const [peer, password] of want)
      if (this.keys.get(peer) !== password)
        for (const l of servers) this.setKey(l.server, l.address, peer, password);
    for (const peer of this.keys.keys())
      if (!want.has(peer)) for (const l of servers) this.setKey(l.server, l.address, peer, null);
    this.keys = want;
  }

  /** The neighbors' TTL settings, and the listeners' TTL and minimum that follow from them. */
  private syncTtls(): void {
    const ttls = new Map<string, TtlPolicy>();
    const byFamily: Record<4 | 6, (TtlPolicy | null)[]> = { 4: [], 6: [] };
    for (const p of this.speaker.peers.values()) {
      const policy = ttlPolicy(p.config);
      if (policy) ttls.set(p.config.address, policy);
      byFamily[familyOf(p.config.address)].push(policy);
    }
    this.ttls = ttls;
    for (const family of [4, 6] as const) {
      const want = listenerTtl(byFamily[family]);
      const had = this.listenerTtls[family];
      if (want.ttl === had.ttl && want.minTtl === had.minTtl) continue;
      this.listenerTtls[family] = want;
      for (const l of this.listeners.servers())
        if (familyOf(l.address) === family) this.setListenerTtl(l.server, l.address, want);
    }
  }

  private setListenerTtl(server: net.Server, address: string, ttl: ListenerTtl): void {
    if (!this.tcpMd5) {
      // Connections still get their own checks at accept; without the addon those are refused there.
      if (ttl !== NO_TTL)
        this.logger.log(
          "error",
          `cannot set the TTL on ${listenerName(server, address)}: the native addon is not loaded`,
        );
      return;
    }
    const fd = fdOf(server);
    if (fd < 0) return; // closed meanwhile
    const error = applyTtl(this.tcpMd5, fd, ttl);
    if (error) this.logger.log("error", `cannot set the TTL on ${listenerName(server, address)}: ${error}`);
  }

  /** Set (or, with null, remove) `peer`'s key on one listener of the same family; failures are logged. */
  private setKey(server: net.Server, address: string, peer: string, password: string | null): void {
    if (familyOf(address) !== familyOf(peer)) return;
    if (!this.tcpMd5) {
      if (password !== null)
        this.logger.log(
          "error",
          `cannot set the TCP MD5 key on ${listenerName(server, address)}: TCP MD5 unavailable`,
          {
            neighbor: peer,
          },
        );
      return;
    }
    const fd = fdOf(server);
    if (fd < 0) return; // closed meanwhile
    try {
      this.tcpMd5.setKey(fd, peer, password === null ? null : Buffer.from(password));
    } catch (e) {
      // Removing a key the socket never had is no problem.
      if (password === null && (e as NodeJS.ErrnoException).code === "ENOENT") return;
      this.logger.log(
        "error",
        `cannot ${password === null ? "remove" : "set"} the TCP MD5 key on ${listenerName(server, address)}: ${(e as Error).message}`,
        { neighbor: peer },
      );
    }
  }

  /**
   * An outgoing connection. With a TCP MD5 password the key must be on the socket before connect(), since the
   * SYN is signed too (RFC 2385 §2.0): the addon creates the socket, keyed and bound to the local address,
   * and Node connects it (net.Socket reuses a handle it was given; `manualStart` keeps it from reading before
   * it is connected). A neighbor with a TTL setting (eBGP multihop, TTL security) takes the same path, with
   * or without a key: its TTL and minimum go on the socket before connect().
   */
  private open(o: Extract<Output, { kind: "connect" }>): net.Socket | string {
    const password = this.keys.get(o.remote.address) ?? null;
    const ttl = this.ttls.get(o.remote.address) ?? null;
    if (password === null && ttl === null)
      return net.connect({
        host: o.remote.address,
        port: o.remote.port,
        ...(o.localAddress ? { localAddress: o.localAddress } : {}),
      });
    // Never connect without the protection asked for: the attempt fails and is retried like any other.
    if (!this.tcpMd5)
      return password !== null
        ? "TCP MD5 unavailable: cannot connect with a password"
        : `${ttl!.what} unavailable: the native addon is not loaded`;
    let fd: number;
    try {
      fd = this.tcpMd5.socket(
        o.remote.address,
        password === null ? null : Buffer.from(password),
        o.localAddress,
      );
    } catch (e) {
      return `cannot create a ${password !== null ? "TCP MD5 " : ""}socket: ${(e as Error).message}`;
    }
    // RFC 5082 §3: the SYN already carries the TTL, and the SYN-ACK is already checked against the minimum.
    const error = ttl ? applyTtl(this.tcpMd5, fd, ttl) : null;
    if (error) {
      closeSync(fd);
      return `cannot set the ${ttl!.what}: ${error}`;
    }
    const s = new net.Socket({ fd, manualStart: true } as net.SocketConstructorOpts);
    return s.connect({ host: o.remote.address, port: o.remote.port });
  }

  private accept(s: net.Socket): void {
    const remote = plainAddress(s.remoteAddress);
    const refused = this.speaker.screen(remote, this.now());
    if (refused !== null) {
      // Before any state: a stranger, or a flood of them, costs a lookup and a close.
      s.destroy();
      this.logRefused(remote, refused);
      return;
    }
    if (!this.acceptTtl(s, remote)) {
      s.destroy();
      return;
    }
    const conn = this.nextIn;
    this.nextIn += 2;
    this.attach(conn, s);
    this.dispatch({
      kind: "accepted",
      conn,
      local: { address: plainAddress(s.localAddress), port: s.localPort ?? 0 },
      remote: { address: remote, port: s.remotePort ?? 0 },
    });
  }

  /** Log a refused connection, at most once a minute per source address: connections from strangers must
   *  not flood the log. The map is bounded; counts are in the speaker's `refused` (metrics). */
  private logRefused(address: string, why: string): void {
    const now = Date.now();
    const last = this.refusedLogged.get(address);
    if (last !== undefined && now - last < REFUSED_LOG_MS) return;
    if (this.refusedLogged.size >= REFUSED_LOG_ADDRESSES) this.refusedLogged.clear();
    this.refusedLogged.set(address, now);
    this.logger.log("info", `refused connection from ${address}: ${why} (logged once a minute per address)`);
  }

  /**
   * The neighbor's TTL and minimum on an accepted socket, before anything is written on it (RFC 5082 §3: from
   * now on, segments from too far are dropped by the kernel). An accepted socket starts with its listener's
   * TTL: one without settings gets the default back. False: it must not be used (logged).
   */
  private acceptTtl(s: net.Socket, remote: string): boolean {
    const ttl = this.ttls.get(remote) ?? null;
    const listener = this.listenerTtls[familyOf(remote)];
    if (ttl === null && listener === NO_TTL) return true;
    const fd = fdOf(s);
    if (!this.tcpMd5 || fd < 0) {
      if (ttl === null) return true; // only the listener's TTL, which could not be set either
      this.logger.log(
        "error",
        `refused a connection: ${ttl.what} unavailable: the native addon is not loaded`,
        {
          neighbor: remote,
        },
      );
      return false;
    }
    const error = applyTtl(this.tcpMd5, fd, ttl ?? NO_TTL);
    if (error === null) return true;
    this.logger.log("error", `refused a connection: cannot set the ${ttl?.what ?? "TTL"}: ${error}`, {
      neighbor: remote,
    });
    return false;
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
        const opened = this.open(o);
        if (typeof opened === "string") {
          // Reported as a failed attempt, after this dispatch: the speaker retries as for any other.
          const placeholder = new net.Socket();
          this.pending.set(o.conn, placeholder);
          setImmediate(() => {
            if (this.pending.get(o.conn) !== placeholder) return;
            this.pending.delete(o.conn);
            this.dispatch({ kind: "connect-failed", conn: o.conn, reason: opened });
          });
          return;
        }
        const s = opened;
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
        // The callback comes by process.nextTick when the kernel takes the bytes at once, and the next batch
        // goes out from it: without the hop to setImmediate, sending a full table to fast peers is one long
        // chain of ticks in which nothing else runs — no OPEN, no timer, no control request, for seconds.
        if (o.notify)
          s.write(o.data, () => setImmediate(() => this.dispatch({ kind: "drained", conn: o.conn })));
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
    this.wake?.cancel();
    const open = [...this.sockets.values()];
    await Promise.race([
      Promise.all(open.map((s) => new Promise((r) => (s.closed ? r(null) : s.once("close", r))))),
      new Promise((r) => setTimeout(r, timeoutMs).unref()),
    ]);
    for (const s of open) s.destroy();
    await listening;
  }
}
