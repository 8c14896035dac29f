/**
 * The CLI's side of the control socket (docs/api.md): one connection per command, requests with ids,
 * streamed answers handed over chunk by chunk so a full table never sits in memory. A daemon that is not
 * there is reported within a second, in one line, with exit code 3.
 */
import net from "node:net";
import type { Refused, RouteSender } from "../core/api/route-pipeline.js";
import { CliError, ExitCode } from "./errors.js";

export const DEFAULT_SOCKET = "/run/kbgp/kbgp.sock";
const CONNECT_TIMEOUT_MS = 1000;

/** -s/--socket, else KBGP_SOCKET, else the default. */
export function socketPath(option: string | undefined): string {
  return option || process.env.KBGP_SOCKET || DEFAULT_SOCKET;
}

/** A JSON-RPC error from the daemon: its code and one-line message. */
export class RemoteError extends CliError {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message, code === -32602 ? ExitCode.USAGE : ExitCode.FAILED);
  }
}

/** A chunk of a streamed answer: an array of rows, or (asked for as `form: "lines"`) JSON lines as one string. */
type Chunk = unknown[] | string;

interface Pending {
  readonly onChunk: ((chunk: Chunk) => void | Promise<void>) | null;
  readonly resolve: (v: unknown) => void;
  readonly reject: (e: Error) => void;
}

/** What a notification other than `rows` is handed to (a monitor's events); awaited like rows. */
export type Listener = (params: unknown) => void | Promise<void>;

export class Client {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<string, Listener>();
  private buf = "";
  private closedError: Error | null = null;
  /** Rows handed to a slow consumer pause reading, so the daemon's own backpressure holds. */
  private busy: Promise<void> | null = null;
  private lost: (e: Error) => void = () => {};
  /** Settles with the reason once the connection is lost (the daemon went away) or a listener failed. */
  readonly ended = new Promise<Error>((resolve) => {
    this.lost = resolve;
  });

  private constructor(
    private readonly socket: net.Socket,
    readonly path: string,
  ) {
    socket.setEncoding("utf8");
    socket.on("data", (d: string) => this.data(d));
    socket.on("error", (e) => this.fail(new CliError(`lost kbgpd at ${path}: ${e.message}`)));
    socket.on("close", () => this.fail(new CliError(`lost kbgpd at ${path}: it closed the connection`)));
  }

  static connect(path: string): Promise<Client> {
    return new Promise((resolve, reject) => {
      const s = net.connect(path);
      const unreachable = (why: string) => {
        s.destroy();
        reject(new CliError(`cannot reach kbgpd at ${path}: ${why}`, ExitCode.NO_DAEMON));
      };
      const timer = setTimeout(() => unreachable("no answer within 1 s"), CONNECT_TIMEOUT_MS);
      s.once("error", (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        const why =
          e.code === "ENOENT" || e.code === "ECONNREFUSED"
            ? "is the daemon running?"
            : e.code === "EACCES"
              ? "permission denied (is your user in the socket's group?)"
              : e.message;
        unreachable(why);
      });
      s.once("connect", () => {
        clearTimeout(timer);
        s.removeAllListeners("error");
        resolve(new Client(s, path));
      });
    });
  }

  /** A request whose answer is one value. */
  call<T = unknown>(method: string, params: object = {}): Promise<T> {
    return this.request(method, params, null) as Promise<T>;
  }

  /** A request whose answer is streamed: `onRows` gets each chunk (awaited), the result comes last. */
  stream<T = unknown>(
    method: string,
    params: object,
    onRows: (rows: unknown[]) => void | Promise<void>,
  ): Promise<T> {
    return this.request(method, params, onRows as Pending["onChunk"]) as Promise<T>;
  }

  /** As `stream`, for a request with `form: "lines"`: `onLines` gets each chunk's JSON lines as one string. */
  streamLines<T = unknown>(
    method: string,
    params: object,
    onLines: (lines: string) => void | Promise<void>,
  ): Promise<T> {
    return this.request(method, { ...params, form: "lines" }, onLines as Pending["onChunk"]) as Promise<T>;
  }

  /** Hand notifications of `method` to `listener`. */
  on(method: string, listener: Listener): void {
    this.listeners.set(method, listener);
  }

  close(): void {
    this.socket.removeAllListeners("close");
    this.socket.end();
  }

  private request(method: string, params: object, onChunk: Pending["onChunk"]): Promise<unknown> {
    if (this.closedError) return Promise.reject(this.closedError);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { onChunk, resolve, reject });
      this.socket.write(`${JSON.stringify({ jsonrpc: "2.0", id, method, params })}\n`);
    });
  }

  private data(d: string): void {
    this.buf += d;
    if (!this.busy) void this.drain();
  }

  /** Handle complete lines in order; a chunk of rows is awaited before the next line is read. */
  private async drain(): Promise<void> {
    for (let nl = this.buf.indexOf("\n"); nl >= 0; nl = this.buf.indexOf("\n")) {
      const line = this.buf.slice(0, nl);
      this.buf = this.buf.slice(nl + 1);
      const msg = JSON.parse(line) as {
        id?: number;
        method?: string;
        params?: { id: number; rows?: unknown[]; lines?: string };
        result?: unknown;
        error?: { code: number; message: string };
      };
      if (msg.method !== undefined) {
        const p = msg.method === "rows" && msg.params ? this.pending.get(msg.params.id) : undefined;
        const r = p
          ? p.onChunk?.(msg.params!.rows ?? msg.params!.lines ?? [])
          : this.listeners.get(msg.method)?.(msg.params);
        if (r) {
          this.socket.pause();
          this.busy = r;
          try {
            await r;
          } catch (e) {
            if (p) {
              p.reject(e as Error);
              this.pending.delete(msg.params!.id);
            } else this.fail(e as Error);
          } finally {
            this.busy = null;
            this.socket.resume();
          }
        }
        continue;
      }
      // An error for the connection itself (id null: kbgpd has all the clients it takes, or a line was too
      // long); kbgpd closes it next, and every request waiting gets that reason instead of "closed".
      if (msg.id === null && msg.error) {
        this.fail(new RemoteError(msg.error.code, msg.error.message));
        continue;
      }
      const p = msg.id !== undefined ? this.pending.get(msg.id) : undefined;
      if (!p) continue;
      this.pending.delete(msg.id!);
      if (msg.error) p.reject(new RemoteError(msg.error.code, msg.error.message));
      else p.resolve(msg.result);
    }
  }

  private fail(e: Error): void {
    this.lost(e);
    this.closedError ??= e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }
}

/** Connect, run `f`, close. */
export async function withClient<T>(socket: string | undefined, f: (c: Client) => Promise<T>): Promise<T> {
  const c = await Client.connect(socketPath(socket));
  try {
    return await f(c);
  } finally {
    c.close();
  }
}

/** Route changes through `rib.add` and `rib.delete` (core/api/route-pipeline.ts). */
export const routeSender =
  (c: Client): RouteSender =>
  (op, routes) =>
    c
      .call<{ refused: Refused[] }>(op === "add" ? "rib.add" : "rib.delete", { routes })
      .then((r) => r.refused);
