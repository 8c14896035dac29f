/**
 * The listening sockets: one TCP server per address, all on one port, reconciled at any time with the list
 * asked for (the running configuration at start-up, on every reload, and when a Node's annotation changes
 * the listen addresses: daemon/main.ts). Accepted sockets go
 * to `accept`; nothing here knows BGP.
 *
 * - Sessions are never touched: closing a net.Server stops it accepting but leaves the sockets it accepted
 *   open, so a session that came in on an address no longer listed stays up.
 * - Changes run one after the other, each towards the latest list asked for: two quick reloads cannot
 *   interleave their binds, and the later one wins. Asking for what is already there changes nothing.
 * - An address that cannot be bound (not on this host yet, or still held by another process) is logged,
 *   reported through `onStatus` and tried again every few seconds; the other addresses keep listening.
 */
import net from "node:net";
import type { Logger } from "./log.js";

/** Between attempts to bind an address that failed. */
export const LISTEN_RETRY_MS = 5000;

export interface ListenOptions {
  readonly addresses: readonly string[];
  readonly port: number;
}

export interface ListenFailure {
  readonly address: string;
  readonly port: number;
  /** The system's reason, e.g. `listen EADDRINUSE: address already in use 127.0.0.1:179`. */
  readonly error: string;
}

export interface ListenStatus extends ListenOptions {
  /** Addresses asked for that are not listening, tried again every few seconds (unless `retry: false`). */
  readonly failed: readonly ListenFailure[];
}

export interface ListenersDeps {
  accept(socket: net.Socket): void;
  logger: Logger;
  /** A new listening socket, as soon as it listens (TCP MD5 keys go on it: daemon/runtime.ts). */
  onListening?(server: net.Server, address: string): void;
  /** After every reconciliation, retries included. */
  onStatus?(status: ListenStatus): void;
  /** Tests shorten LISTEN_RETRY_MS. */
  retryMs?: number;
}

/**
 * Listen with `server` on `address`:`port`: null once it listens, else the error (the server is closed then).
 * An IPv6 address listens on IPv6 only: "::" would also take IPv4 and clash with a "0.0.0.0" listener.
 * Shared with the HTTP endpoints (daemon/http/server.ts).
 */
export function listenOn(server: net.Server, address: string, port: number): Promise<Error | null> {
  return new Promise((resolve) => {
    const fail = (e: Error) => {
      server.close();
      resolve(e);
    };
    server.once("error", fail);
    server.listen({ host: address, port, ipv6Only: address.includes(":") }, () => {
      server.off("error", fail);
      resolve(null);
    });
  });
}

/** `[192.0.2.1]:179`, `[::]:179`: one form for both families. */
export const formatListenAddress = (address: string, port: number): string => `[${address}]:${port}`;

/** `cannot listen on [192.0.2.1]:179: listen EADDRNOTAVAIL: …`, for logs, errors and readiness. */
export const describeFailure = (f: ListenFailure): string =>
  `cannot listen on ${formatListenAddress(f.address, f.port)}: ${f.error}`;

export class Listeners {
  private readonly listening = new Map<string, { readonly server: net.Server; readonly port: number }>();
  private wanted: ListenOptions = { addresses: [], port: 0 };
  private retrying = true;
  /** close() was called: kbgpd is stopping, sessions with it. */
  private closing = false;
  /** Addresses of `wanted` that could not be bound, with the reason. */
  private readonly failed = new Map<string, ListenFailure>();
  private retry: NodeJS.Timeout | null = null;
  /** Reconciliations, one after the other. Never rejects. */
  private chain: Promise<void> = Promise.resolve();
  private readonly retryMs: number;

  constructor(private readonly deps: ListenersDeps) {
    this.retryMs = deps.retryMs ?? LISTEN_RETRY_MS;
  }

  /**
   * Listen on exactly `options` from now on. Resolves once this and every earlier request has been carried
   * out, with the state then (a later request may already have changed the wish). Never rejects: a failed
   * address is in `failed`. With `retry: false` (start-up, where the caller gives up instead), failures are
   * neither logged nor tried again.
   */
  listen(options: ListenOptions, { retry = true }: { retry?: boolean } = {}): Promise<ListenStatus> {
    this.wanted = { addresses: [...new Set(options.addresses)], port: options.port };
    this.retrying = retry;
    return this.enqueue();
  }

  /** What was asked for last, and what of it is not listening. */
  status(): ListenStatus {
    return { ...this.wanted, failed: [...this.failed.values()] };
  }

  /** The listening sockets and the address each is bound to. */
  *servers(): Iterable<{ readonly server: net.Server; readonly address: string }> {
    for (const [address, l] of this.listening) yield { server: l.server, address };
  }

  /** Stop listening (accepted sockets stay open). */
  async close(): Promise<void> {
    this.closing = true;
    await this.listen({ addresses: [], port: this.wanted.port }, { retry: false });
  }

  private enqueue(): Promise<ListenStatus> {
    this.chain = this.chain
      .then(() => this.reconcile())
      .catch((e) => this.deps.logger.log("error", `BGP listeners: ${(e as Error).message}`));
    return this.chain.then(() => this.status());
  }

  private async reconcile(): Promise<void> {
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    const { addresses, port } = this.wanted;
    const want = new Set(addresses);
    // Close before binding: a listener on 0.0.0.0 holds the port for every IPv4 address, so 192.0.2.1 on the
    // same port can be bound only once it is gone.
    for (const [address, l] of this.listening) {
      if (want.has(address) && l.port === port) continue;
      this.listening.delete(address);
      l.server.close();
      const where = formatListenAddress(address, l.port);
      this.deps.logger.log(
        "info",
        `stopped listening on ${where}${this.closing ? "" : " (sessions accepted there stay up)"}`,
      );
    }
    for (const [address, f] of this.failed)
      if (!want.has(address) || f.port !== port) this.failed.delete(address);
    for (const address of addresses) {
      if (this.listening.has(address)) continue;
      const error = await this.bind(address, port);
      if (error === null) {
        this.failed.delete(address);
        this.deps.logger.log("info", `listening on ${formatListenAddress(address, port)}`);
        continue;
      }
      const failure = { address, port, error };
      // Said once per reason, not at every retry.
      if (this.retrying && this.failed.get(address)?.error !== error)
        this.deps.logger.log(
          "error",
          `${describeFailure(failure)}; trying again every ${this.retryMs / 1000}s (the other listeners and every session keep running)`,
        );
      this.failed.set(address, failure);
    }
    this.deps.onStatus?.(this.status());
    if (this.failed.size > 0 && this.retrying) {
      this.retry = setTimeout(() => {
        this.retry = null;
        void this.enqueue();
      }, this.retryMs);
      this.retry.unref();
    }
  }

  /** Listen on `address`; null once it does, else the reason it cannot. */
  private async bind(address: string, port: number): Promise<string | null> {
    const server = net.createServer({ noDelay: true }, (s) => this.deps.accept(s));
    const error = await listenOn(server, address, port);
    if (error) return error.message;
    // A listening server's own errors (accept failing with EMFILE) must not throw from the emitter.
    server.on("error", (e) =>
      this.deps.logger.log("warn", `listener ${formatListenAddress(address, port)}: ${e.message}`),
    );
    this.listening.set(address, { server, port });
    this.deps.onListening?.(server, address);
    return null;
  }
}
