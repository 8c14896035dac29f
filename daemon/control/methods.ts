/** Control API methods (docs/api.md). Queries read the speaker; actions go in as speaker inputs. */

import { VERSION } from "../../cli/version.js";
import type { KbgpdConfig } from "../../core/config/helpers.js";
import type { AdminAction } from "../../core/speaker/io.js";
import type { Speaker } from "../../core/speaker/speaker.js";
import { Afi, formatIpv4Number, parseIp, parsePrefix } from "../../core/wire/index.js";
import { type ApiRoutes, RouteError } from "../routes/api-routes.js";
import type { Runtime } from "../runtime.js";
import { monitorMethods } from "./monitor/methods.js";
import { type Method, RpcCode, RpcError, Stream } from "./server.js";
import { inCells, localCells, outCells } from "./table-cells.js";
import {
  FAMILIES,
  inRows,
  localRows,
  localRowsFrom,
  neighborDetail,
  neighborView,
  outRows,
  type Query,
} from "./views.js";

/** Bumped when a method's result changes shape incompatibly. */
export const API_VERSION = 1;

const bad = (message: string) => new RpcError(RpcCode.INVALID_PARAMS, message);

/** `family`, else the family of `prefix`, else IPv4 unicast. */
function family(params: Record<string, unknown>, q: Query): number {
  const name = params.family;
  if (name === undefined) return FAMILIES[q.prefix?.afi === Afi.IPV6 ? "ipv6-unicast" : "ipv4-unicast"];
  const f = typeof name === "string" && Object.hasOwn(FAMILIES, name) ? FAMILIES[name] : undefined;
  if (f === undefined) throw bad(`family must be one of ${Object.keys(FAMILIES).join(", ")}`);
  if (q.prefix && f >>> 8 !== q.prefix.afi) throw bad(`prefix ${String(params.prefix)} is not in ${name}`);
  return f;
}

const MATCHES = ["exact", "longer", "shorter", "best"] as const;
/** How `rib.list` sends its rows (docs/api.md): view objects, JSON lines, or the CLI table's cells. */
const LIST_FORMS = ["rows", "lines", "cells"] as const;

/** `prefix` (a prefix, or an address: its longest match unless `match` says otherwise) and `match`. */
function query(params: Record<string, unknown>): Query {
  const text = params.prefix;
  if (text === undefined) return { match: "exact" };
  if (typeof text !== "string") throw bad("prefix must be a string");
  const address = !text.includes("/");
  const prefix = address ? (parseIp(text) ? parsePrefix(text) : null) : parsePrefix(text);
  if (!prefix) throw bad(`'${text}' is not a prefix or an address (host bits of a prefix must be clear)`);
  const m = params.match ?? (address ? "best" : "exact");
  if (!MATCHES.includes(m as Query["match"])) throw bad(`match must be one of ${MATCHES.join(", ")}`);
  return { prefix, match: m as Query["match"] };
}

/** `limit`: absent, or a positive integer. */
function limitOf(params: Record<string, unknown>): number {
  const l = params.limit;
  if (l === undefined) return Number.POSITIVE_INFINITY;
  if (typeof l !== "number" || !Number.isInteger(l) || l < 1) throw bad("limit must be a positive integer");
  return l;
}

function* limited<T>(rows: Iterable<T>, limit: number): IterableIterator<T> {
  let n = 0;
  for (const r of rows) {
    if (n++ >= limit) return;
    yield r;
  }
}

/** Application error codes (JSON-RPC leaves -32000..-32099 to servers). */
export const AppCode = { CONFIG_REFUSED: -32001, NO_CONFIG_FILE: -32002, READ_ONLY: -32003 } as const;

/** The methods that only read: all the read-only socket serves. */
export const QUERIES: ReadonlySet<string> = new Set([
  "session.hello",
  "global.get",
  "neighbor.list",
  "neighbor.get",
  "rib.list",
  "rib.summary",
  "process.list",
  "healthcheck.list",
  "monitor.start",
  "monitor.stop",
]);

/** `methods` as the read-only socket offers them: every other method answers READ_ONLY, by name. */
export function readOnly(methods: Record<string, Method>): Record<string, Method> {
  return Object.fromEntries(
    Object.entries(methods).map(([name, m]) => [
      name,
      QUERIES.has(name)
        ? m
        : () => {
            throw new RpcError(
              AppCode.READ_ONLY,
              `${name} changes kbgpd; this socket is read-only (use the main control socket)`,
            );
          },
    ]),
  );
}

/** A RouteError (a refused route) as the client sees it. */
async function routesCall<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof RouteError) throw bad(e.message);
    throw e;
  }
}

/** What kbgpd runs besides the speaker, for `process.list` and `healthcheck.list`. */
export interface HelperViews {
  readonly processes: () => unknown[];
  readonly healthchecks: () => unknown[];
}

/**
 * `reload` reads and validates the configuration file again and applies it (throwing, with nothing applied,
 * when it is refused); null when kbgpd runs without one.
 */
export function controlMethods(
  speaker: Speaker,
  runtime: Runtime,
  reload: (() => KbgpdConfig) | null,
  api: ApiRoutes,
  helpers: HelperViews,
): Record<string, Method> {
  const peer = (params: Record<string, unknown>) => {
    const a = params.neighbor;
    const p = typeof a === "string" ? speaker.peers.get(a) : undefined;
    if (!p) throw new RpcError(RpcCode.INVALID_PARAMS, `no neighbor ${String(a)}`);
    return p;
  };
  const admin = (action: AdminAction) => (params: Record<string, unknown>) => {
    const p = peer(params);
    runtime.dispatch({
      kind: "admin",
      neighbor: p.id,
      action,
      ...(typeof params.message === "string" ? { message: params.message } : {}),
    });
    return { ok: true };
  };
  return {
    "session.hello": () => ({ server: "kbgpd", version: VERSION, apiVersion: API_VERSION }),
    "global.get": () => {
      const g = speaker.global;
      return {
        asn: g.asn,
        routerId: formatIpv4Number(g.routerId),
        listen: { addresses: g.listenAddresses, port: g.port },
        ribSize: Object.fromEntries(Object.entries(FAMILIES).map(([n, f]) => [n, speaker.locRib.count(f)])),
        gracefulRestart: speaker.restartStatus(),
      };
    },
    "neighbor.list": () => ({
      neighbors: [...speaker.peers.values()].map((p) => neighborView(p, runtime.now())),
    }),
    "neighbor.get": (params) => neighborDetail(peer(params), runtime.now()),
    "rib.list": (params) => {
      const table = params.table ?? "local";
      const limit = limitOf(params);
      const q = query(params);
      const f = family(params, q);
      const form = params.form ?? "rows";
      if (!LIST_FORMS.includes(form as (typeof LIST_FORMS)[number]))
        throw bad(`form must be one of ${LIST_FORMS.join(", ")}`);
      if (!["local", "in", "filtered", "out"].includes(table as string))
        throw bad("table must be local, in, filtered or out");
      const cells = form === "cells";
      const from = params.neighbor === undefined && table === "local" ? undefined : peer(params);
      let rows: Iterable<unknown>;
      if (table === "local")
        rows = cells
          ? localCells(speaker, f, q, from)
          : from
            ? localRowsFrom(speaker, from, f, q)
            : localRows(speaker, f, q);
      else if (table === "in" || table === "filtered")
        rows = (cells ? inCells : inRows)(from!, f, q, table === "filtered");
      else rows = (cells ? outCells : outRows)(from!, f, q);
      return new Stream(limited(rows, limit), undefined, null, form === "lines");
    },
    "rib.add": (params) => routesCall(() => api.add(params.routes)),
    "rib.delete": (params) => routesCall(() => api.delete(params.routes)),
    "rib.deleteAll": () => routesCall(async () => ({ deleted: await api.clear() })),
    "rib.summary": () => ({
      families: Object.fromEntries(
        Object.entries(FAMILIES).map(([n, f]) => [
          n,
          { destinations: speaker.locRib.count(f), paths: speaker.locRib.pathCount(f) },
        ]),
      ),
    }),
    "config.reload": () => {
      if (!reload) throw new RpcError(AppCode.NO_CONFIG_FILE, "kbgpd runs without a configuration file");
      let config: KbgpdConfig;
      try {
        config = reload();
      } catch (e) {
        throw new RpcError(
          AppCode.CONFIG_REFUSED,
          `configuration refused, the running one stays: ${(e as Error).message}`,
        );
      }
      return {
        ok: true,
        neighbors: config.neighbors.length,
        routes: config.routes.length,
        processes: config.processes.length,
        healthchecks: config.healthchecks.length,
      };
    },
    "process.list": () => ({ processes: helpers.processes() }),
    "healthcheck.list": () => ({ healthchecks: helpers.healthchecks() }),
    "neighbor.shutdown": admin("shutdown"),
    "neighbor.enable": admin("enable"),
    "neighbor.reset": admin("reset"),
    "neighbor.softResetIn": admin("soft-reset-in"),
    "neighbor.softResetOut": admin("soft-reset-out"),
    ...monitorMethods(speaker, runtime),
  };
}
