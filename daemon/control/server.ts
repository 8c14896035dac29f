/**
 * The control socket: JSON-RPC 2.0, one JSON object per line, over a Unix stream socket. A request gets
 * exactly one response with its id, preceded for a long answer by `rows` notifications carrying the rows in
 * chunks (socket backpressure paces them); errors carry JSON-RPC codes and a one-line message. Methods are
 * in methods.ts; this file only frames and dispatches.
 */
import { existsSync, unlinkSync } from "node:fs";
import net from "node:net";
import { LineSplitter, TOO_LONG } from "../../core/api/lines.js";
import type { Logger } from "../log.js";
import { depthOf } from "./depth.js";
import { listenPrivately } from "./socket-file.js";

export class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/** JSON-RPC 2.0 §5.1 codes. */
export const RpcCode = {
  PARSE: -32700,
  INVALID_REQUEST: -32600,
  METHOD_NOT_FOUND: -32601,
  INVALID_PARAMS: -32602,
  /** Server-defined (-32000..-32099): a connection limit was reached; the connection is closed. */
  LIMIT: -32004,
} as const;

/**
 * A method's answer that is a sequence: rows go out as `rows` notifications in chunks while the socket keeps
 * up, then the response carries `done(count)`. Neither side holds the whole sequence. `answered` runs once
 * the response is on its way: a monitor's events follow it.
 */
export class Stream {
  constructor(
    readonly rows: Iterable<unknown> | AsyncIterable<unknown>,
    readonly done: (count: number) => unknown = (count) => ({ count }),
    readonly answered: (() => void) | null = null,
    /** Send each chunk as one string of JSON lines (`lines`) instead of an array (`rows`). */
    readonly asLines = false,
  ) {}
}

export type Id = string | number | null;

/** The request being answered: its id and connection, for methods that go on talking (monitor). */
export interface Call {
  readonly id: Id;
  readonly socket: net.Socket;
}

/** A row already written as JSON text (views.ts builds hot rows from cached pieces). */
export class RawJson {
  constructor(readonly json: string) {}
}

export type Method = (params: Record<string, unknown>, call: Call) => unknown;

/** Longest request line accepted: room for a batch of many thousand routes. */
export const MAX_LINE = 16 * 1024 * 1024;

/**
 * How much one socket lets its clients hold (docs/api.md, docs/security.md). Every client is bounded: one
 * unfinished line of at most `maxLine` characters, at most `maxQueued` requests read ahead of their answers
 * (reading stops until the answers are taken), and at most `maxClients` connections at a time on this socket.
 * Together, unfinished lines hold at most `maxHeld` characters: without that, every client sending a line
 * just under the limit and never ending it would hold maxClients × maxLine (4 GiB).
 */
export interface ControlLimits {
  readonly maxClients: number;
  readonly maxLine: number;
  readonly maxQueued: number;
  readonly maxHeld: number;
}

export const DEFAULT_LIMITS: ControlLimits = {
  maxClients: 256,
  maxLine: MAX_LINE,
  maxQueued: 64,
  maxHeld: 4 * MAX_LINE,
};

/** Deepest params accepted: real requests nest 4 levels (params, routes, a route, its communities). */
export const MAX_DEPTH = 32;

/** A connection refused or dropped is closed this long after its last line, even if the client never reads. */
const CLOSE_GRACE_MS = 1000;
/**
 * Rows per `rows` notification, and the text size at which a chunk goes out early. Small chunks keep both
 * sides' heaps small (no large-object strings, a short young generation: listing 200,000 routes, the CLI's
 * peak RSS went from ~100 to ~67 MB at the same speed) and give the event loop back to the sessions often.
 */
const CHUNK_ROWS = 100;
const CHUNK_CHARS = 16 * 1024;

const response = (id: Id, body: { result: unknown } | { error: { code: number; message: string } }) =>
  `${JSON.stringify({ jsonrpc: "2.0", id, ...body })}\n`;

export class ControlServer {
  private server: net.Server | null = null;
  private readonly clients = new Set<net.Socket>();
  /** Characters of unfinished lines held for all clients. */
  private held = 0;

  constructor(
    private readonly methods: Record<string, Method>,
    private readonly logger: Logger,
    private readonly limits: ControlLimits = DEFAULT_LIMITS,
  ) {}

  async listen(path: string, mode = 0o660, gid?: number): Promise<void> {
    // A socket file left by a previous run that nobody answers on is stale.
    if (existsSync(path)) {
      const alive = await new Promise<boolean>((resolve) => {
        const probe = net.connect(path, () => {
          probe.destroy();
          resolve(true);
        });
        probe.on("error", () => resolve(false));
      });
      if (alive) throw new Error(`control socket ${path} is in use by another kbgpd`);
      unlinkSync(path);
    }
    const server = net.createServer((s) => this.serve(s));
    await listenPrivately(server, path, mode, gid).catch((e: Error) => {
      throw new Error(`cannot create control socket ${path}: ${e.message}`);
    });
    this.server = server;
    this.logger.log("info", `control socket ${path} (mode ${mode.toString(8).padStart(4, "0")})`);
  }

  close(): void {
    this.server?.close();
    for (const c of this.clients) c.destroy();
  }

  /**
   * Requests on one connection are answered in order, one at a time; connections do not wait for each other.
   * A client that does not read its answers stops being read (backpressure), so it cannot queue requests
   * without bound; one that sends a line over the limit, comes when the socket has all the clients it takes,
   * or sends the unfinished line that passes the socket's total, gets one error line and is closed.
   */
  private serve(s: net.Socket): void {
    s.on("error", () => {});
    if (this.clients.size >= this.limits.maxClients) {
      const message = `too many control connections (at most ${this.limits.maxClients}): try again later`;
      return this.refuse(s, response(null, { error: { code: RpcCode.LIMIT, message } }));
    }
    this.clients.add(s);
    const lines = new LineSplitter(this.limits.maxLine);
    /** This client's share of `held`. */
    let held = 0;
    const hold = (n: number) => {
      this.held += n - held;
      held = n;
    };
    s.on("close", () => {
      this.clients.delete(s);
      hold(0);
    });
    let queue = Promise.resolve();
    /** Lines read and not yet answered. */
    let queued = 0;
    let dropped = false;
    /** Answered in its turn; nothing after it is read. */
    const drop = (message: string, code: number) => {
      dropped = true;
      s.pause();
      lines.end(); // the unfinished line's text goes now
      hold(0);
      const text = response(null, { error: { code, message } });
      queue = queue.then(() => this.refuse(s, text));
    };
    s.setEncoding("utf8");
    s.on("data", (chunk: string) => {
      if (dropped) return;
      for (const line of lines.push(chunk)) {
        if (line === TOO_LONG)
          return drop(
            `request line longer than ${this.limits.maxLine} characters: split it (fewer routes per request)`,
            RpcCode.INVALID_REQUEST,
          );
        if (!line.trim()) continue;
        queued++;
        queue = queue.then(async () => {
          await this.answer(s, line);
          if (--queued < this.limits.maxQueued && !dropped) s.resume();
        });
      }
      hold(lines.held);
      if (this.held > this.limits.maxHeld)
        return drop(
          `kbgpd holds too many unfinished requests (over ${this.limits.maxHeld} characters from all clients): try again later`,
          RpcCode.LIMIT,
        );
      if (queued >= this.limits.maxQueued) s.pause();
    });
  }

  /** Send a last line and close; a client that does not read it is cut off after a grace period. */
  private refuse(s: net.Socket, text: string): void {
    s.pause();
    s.end(text);
    setTimeout(() => s.destroy(), CLOSE_GRACE_MS).unref();
  }

  private async answer(s: net.Socket, line: string): Promise<void> {
    if (s.destroyed) return;
    let req: { jsonrpc?: unknown; id?: unknown; method?: unknown; params?: unknown };
    try {
      req = JSON.parse(line);
    } catch {
      return write(s, response(null, { error: { code: RpcCode.PARSE, message: "not JSON" } }));
    }
    const id = (req && (typeof req.id === "string" || typeof req.id === "number") ? req.id : null) as Id;
    if (req?.jsonrpc !== "2.0" || typeof req.method !== "string") {
      const message = 'expected {jsonrpc: "2.0", id, method, params}';
      return write(s, response(id, { error: { code: RpcCode.INVALID_REQUEST, message } }));
    }
    const method = Object.hasOwn(this.methods, req.method) ? this.methods[req.method] : undefined;
    if (!method) {
      const message = `unknown method ${req.method}`;
      return write(s, response(id, { error: { code: RpcCode.METHOD_NOT_FOUND, message } }));
    }
    // Named parameters only (JSON-RPC also allows an array): an array or a scalar would be read as no
    // parameters at all, and a method with defaults would do something the client did not ask for.
    const given = req.params;
    if (given !== undefined && given !== null && (typeof given !== "object" || Array.isArray(given))) {
      const message = `params must be an object of named parameters, not ${Array.isArray(given) ? "an array" : typeof given}`;
      return write(s, response(id, { error: { code: RpcCode.INVALID_PARAMS, message } }));
    }
    if (depthOf(given, MAX_DEPTH) > MAX_DEPTH) {
      const message = `params nest deeper than ${MAX_DEPTH} levels`;
      return write(s, response(id, { error: { code: RpcCode.INVALID_PARAMS, message } }));
    }
    const params = (given ?? {}) as Record<string, unknown>;
    try {
      const result = await method(params, { id, socket: s });
      if (result instanceof Stream) {
        const count = await this.stream(s, id, result.rows, result.asLines);
        if (count < 0) return;
        const written = write(s, response(id, { result: result.done(count) }));
        result.answered?.();
        await written;
      } else await write(s, response(id, { result }));
    } catch (e) {
      if (e instanceof RpcError)
        return write(s, response(id, { error: { code: e.code, message: e.message } }));
      this.logger.log("error", `control ${req.method}: ${(e as Error).stack}`);
      const message = `internal error: ${(e as Error).message}`;
      return write(s, response(id, { error: { code: -32603, message } }));
    }
  }

  /**
   * Send rows in chunks; the count sent, or -1 when the client went away. As lines, a chunk's rows are one
   * JSON string a client can print as it is: parsing one string costs a fraction of parsing the rows.
   */
  private async stream(
    s: net.Socket,
    id: Id,
    rows: Iterable<unknown> | AsyncIterable<unknown>,
    asLines: boolean,
  ): Promise<number> {
    let chunk: string[] = [];
    let chars = 0;
    let count = 0;
    const head = `{"jsonrpc":"2.0","method":"rows","params":{"id":${JSON.stringify(id)},`;
    const flush = async () => {
      const body = asLines
        ? `"lines":${JSON.stringify(`${chunk.join("\n")}\n`)}`
        : `"rows":[${chunk.join(",")}]`;
      const text = `${head}${body}}}\n`;
      chunk = [];
      chars = 0;
      await write(s, text);
      // Let the speaker run between chunks: a long listing must not delay keepalives.
      await new Promise((r) => setImmediate(r));
    };
    for await (const row of rows) {
      if (s.destroyed) return -1;
      const text = row instanceof RawJson ? row.json : JSON.stringify(row);
      chunk.push(text);
      chars += text.length;
      count++;
      if (chunk.length >= CHUNK_ROWS || chars >= CHUNK_CHARS) await flush();
    }
    if (chunk.length > 0) await flush();
    return s.destroyed ? -1 : count;
  }
}

/** Write and, when the socket's buffer is full, wait until it drains (or the client is gone). */
function write(s: net.Socket, text: string): Promise<void> {
  if (s.destroyed || s.write(text)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      s.off("drain", done).off("close", done);
      resolve();
    };
    s.on("drain", done).on("close", done);
  });
}
