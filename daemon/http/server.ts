/**
 * kbgpd's HTTP endpoints (docs/metrics.md): `/metrics` (Prometheus text format), `/healthz` (liveness) and
 * `/readyz` (readiness), on the address of `global.http` or `--http-listen`.
 *
 * Nothing here can stop BGP: an address that cannot be bound is logged and tried again every few seconds
 * (an old kbgpd may still be leaving it), and a reload that moves the endpoints closes the old listener and
 * opens the new one without touching anything else. The server only reads; it has no method that changes
 * kbgpd, so it needs no access control beyond the address it is bound to.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Registry } from "prom-client";
import type { HttpListen } from "../../core/config/helpers.js";
import { formatIp, parseIp } from "../../core/wire/index.js";
import { listenOn } from "../listeners.js";
import type { Logger } from "../log.js";
import type { Health } from "./health.js";

/** Milliseconds between attempts to listen on an address that could not be bound. */
export const HTTP_RETRY_MS = 5000;
/** Scrapers, probes and a human or two: more connections than this at once are refused. */
const MAX_CONNECTIONS = 64;

const TEXT = "text/plain; charset=utf-8";

/** `[::1]:9179` or `127.0.0.1:9179`. */
export const formatListen = (l: HttpListen): string =>
  l.address.includes(":") ? `[${l.address}]:${l.port}` : `${l.address}:${l.port}`;

export interface HttpDeps {
  readonly registry: Registry;
  readonly health: Health;
  readonly logger: Logger;
}

export class HttpEndpoints {
  private server: Server | null = null;
  /** Where the endpoints should be; the server may not be there yet (retrying). */
  private wanted: HttpListen | null = null;
  private retry: NodeJS.Timeout | null = null;
  /** Changes of listener, one after the other. */
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly deps: HttpDeps) {}

  /** Where the endpoints are being served now (null: nowhere, or still trying). */
  get listening(): HttpListen | null {
    const a = this.server?.address();
    return a && typeof a === "object" ? { address: a.address, port: a.port } : null;
  }

  /**
   * Serve at `listen` from now on (null: stop serving). The same address as before changes nothing; another
   * closes the old listener first. Resolves once the new one listens or its first attempt failed (then it is
   * retried in the background).
   */
  apply(listen: HttpListen | null): Promise<void> {
    if (sameListen(listen, this.wanted)) return this.chain;
    this.wanted = listen;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    this.enqueue(() => this.moveTo(listen));
    return this.chain;
  }

  /** Stop serving, for good. */
  close(): Promise<void> {
    return this.apply(null);
  }

  /** Queue `step` after the changes before it; a failure is logged and does not stop later ones. */
  private enqueue(step: () => Promise<void> | undefined): void {
    this.chain = this.chain
      .then(step)
      .catch((e) => this.deps.logger.log("error", `http: ${(e as Error).message}`));
  }

  private async moveTo(listen: HttpListen | null): Promise<void> {
    await this.stopServer();
    if (listen === null) return;
    await this.tryListen(listen, true);
  }

  private async stopServer(): Promise<void> {
    const s = this.server;
    if (!s) return;
    this.server = null;
    const closed = new Promise<void>((resolve) => s.close(() => resolve()));
    // Prometheus keeps its connection open between scrapes: do not wait for it to go.
    s.closeAllConnections();
    await closed;
  }

  private async tryListen(listen: HttpListen, first: boolean): Promise<void> {
    const server = createServer((req, res) => void this.handle(req, res));
    server.maxConnections = MAX_CONNECTIONS;
    server.headersTimeout = 10_000;
    server.requestTimeout = 30_000;
    const where = formatListen(listen);
    const error = await listenOn(server, listen.address, listen.port);
    if (error) {
      if (first)
        this.deps.logger.log(
          "error",
          `http: cannot listen on ${where} (metrics and health endpoints): ${error.message}; retrying every ${HTTP_RETRY_MS / 1000}s`,
        );
      this.retry = setTimeout(() => {
        this.retry = null;
        if (!sameListen(listen, this.wanted)) return;
        this.enqueue(() => (sameListen(listen, this.wanted) ? this.tryListen(listen, false) : undefined));
      }, HTTP_RETRY_MS);
      this.retry.unref();
      return;
    }
    server.on("error", (e) => this.deps.logger.log("warn", `http: ${where}: ${e.message}`));
    this.server = server;
    this.deps.logger.log("info", `http: /metrics, /healthz and /readyz on ${where}`);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { "content-type": TEXT, allow: "GET, HEAD" }).end("only GET and HEAD\n");
      return;
    }
    const url = new URL(req.url ?? "/", "http://kbgpd");
    switch (url.pathname) {
      case "/metrics":
        return this.metrics(res);
      case "/healthz": {
        const problem = this.deps.health.liveness();
        return reply(res, problem === null ? 200 : 503, problem === null ? "ok" : `not alive: ${problem}`);
      }
      case "/readyz":
        return this.readyz(res, url.searchParams.has("verbose"));
      case "/":
        return reply(res, 200, "kbgpd: /metrics (Prometheus), /healthz (liveness), /readyz (readiness)");
      default:
        return reply(res, 404, `no ${url.pathname}: /metrics, /healthz and /readyz are served here`);
    }
  }

  private async metrics(res: ServerResponse): Promise<void> {
    const { registry } = this.deps;
    try {
      const body = await registry.metrics();
      res.writeHead(200, { "content-type": registry.contentType }).end(body);
    } catch (e) {
      this.deps.logger.log("error", `http: /metrics failed: ${(e as Error).message}`);
      reply(res, 500, `metrics failed: ${(e as Error).message}`);
    }
  }

  /** 200 `ok` or 503 with the first unmet condition; with `?verbose`, one line per condition (as
   *  kube-apiserver's /readyz?verbose: `[+]name ok`, `[-]name: reason`). */
  private readyz(res: ServerResponse, verbose: boolean): void {
    const { ready, checks } = this.deps.health.readiness();
    const code = ready ? 200 : 503;
    if (verbose) {
      const lines = checks.map((c) =>
        c.problem === null ? `[+]${c.name} ok` : `[-]${c.name}: ${c.problem}`,
      );
      return reply(res, code, [...lines, ready ? "ready" : "not ready"].join("\n"));
    }
    const unmet = checks.find((c) => c.problem !== null);
    reply(res, code, unmet ? `not ready: ${unmet.name}: ${unmet.problem}` : "ok");
  }
}

function reply(res: ServerResponse, code: number, text: string): void {
  res.writeHead(code, { "content-type": TEXT, "cache-control": "no-store" }).end(`${text}\n`);
}

const sameListen = (a: HttpListen | null, b: HttpListen | null): boolean =>
  a === b || (a !== null && b !== null && a.address === b.address && a.port === b.port);

/**
 * `--http-listen`: `ADDRESS:PORT`, `[IPV6]:PORT`, or `off`; null for off. An IPv6 address may also go
 * without brackets, the port after its last colon (the port is required, so that is never ambiguous): the
 * DaemonSet writes `$(NODE_IP):9179`, and the node's address may be IPv6. Throws a message naming the flag.
 */
export function parseHttpListen(s: string): HttpListen | null {
  if (s === "off") return null;
  const m = /^(?:\[([^\]]+)\]|([^[\]]+)):(\d{1,5})$/.exec(s);
  const bytes = m ? parseIp(m[1] ?? m[2]) : null;
  const port = m ? Number(m[3]) : 0;
  if (!m || !bytes || port < 1 || port > 65535)
    throw new Error(`--http-listen must be ADDRESS:PORT, [IPV6]:PORT or off, not '${s}'`);
  return { address: formatIp(bytes), port };
}
