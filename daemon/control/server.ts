/**
 * The control socket: JSON-RPC 2.0, one JSON object per line, over a Unix stream socket. A request gets
 * exactly one response with its id; errors carry JSON-RPC codes and a one-line message. Methods are in
 * methods.ts; this file only frames and dispatches.
 */
import { chmodSync, existsSync, unlinkSync } from "node:fs";
import net from "node:net";
import type { Logger } from "../log.js";

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
} as const;

export type Method = (params: Record<string, unknown>) => unknown;

/** Longest request line accepted; nothing legitimate comes close. */
const MAX_LINE = 1024 * 1024;

export class ControlServer {
  private server: net.Server | null = null;

  constructor(
    private readonly methods: Record<string, Method>,
    private readonly logger: Logger,
  ) {}

  async listen(path: string, mode = 0o660): Promise<void> {
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
    await new Promise<void>((resolve, reject) => {
      server.once("error", (e) =>
        reject(new Error(`cannot create control socket ${path}: ${(e as Error).message}`)),
      );
      server.listen(path, () => resolve());
    });
    chmodSync(path, mode);
    this.server = server;
    this.logger.log("info", `control socket ${path}`);
  }

  close(): void {
    this.server?.close();
  }

  private serve(s: net.Socket): void {
    let buf = "";
    s.setEncoding("utf8");
    s.on("error", () => {});
    s.on("data", (chunk: string) => {
      buf += chunk;
      for (let nl = buf.indexOf("\n"); nl >= 0; nl = buf.indexOf("\n")) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line.trim()) s.write(`${JSON.stringify(this.answer(line))}\n`);
      }
      if (buf.length > MAX_LINE) {
        s.end(
          `${JSON.stringify({ jsonrpc: "2.0", id: null, error: { code: RpcCode.INVALID_REQUEST, message: "request too long" } })}\n`,
        );
      }
    });
  }

  private answer(line: string): object {
    let req: { jsonrpc?: unknown; id?: unknown; method?: unknown; params?: unknown };
    try {
      req = JSON.parse(line);
    } catch {
      return { jsonrpc: "2.0", id: null, error: { code: RpcCode.PARSE, message: "not JSON" } };
    }
    const id = (req && (typeof req.id === "string" || typeof req.id === "number") ? req.id : null) as
      | string
      | number
      | null;
    if (req?.jsonrpc !== "2.0" || typeof req.method !== "string") {
      return {
        jsonrpc: "2.0",
        id,
        error: { code: RpcCode.INVALID_REQUEST, message: 'expected {jsonrpc: "2.0", id, method, params}' },
      };
    }
    const method = this.methods[req.method];
    if (!method)
      return {
        jsonrpc: "2.0",
        id,
        error: { code: RpcCode.METHOD_NOT_FOUND, message: `unknown method ${req.method}` },
      };
    const params =
      req.params && typeof req.params === "object" ? (req.params as Record<string, unknown>) : {};
    try {
      return { jsonrpc: "2.0", id, result: method(params) };
    } catch (e) {
      if (e instanceof RpcError) return { jsonrpc: "2.0", id, error: { code: e.code, message: e.message } };
      this.logger.log("error", `control ${req.method}: ${(e as Error).stack}`);
      return {
        jsonrpc: "2.0",
        id,
        error: { code: -32603, message: `internal error: ${(e as Error).message}` },
      };
    }
  }
}
