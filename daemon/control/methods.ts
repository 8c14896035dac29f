/** Control API methods (docs/api.md). Queries read the speaker; actions go in as speaker inputs. */

import { VERSION } from "../../cli/version.js";
import type { KbgpdConfig } from "../../core/config/helpers.js";
import { maxRoutesOf } from "../../core/config/types.js";
import type { AdminAction } from "../../core/speaker/io.js";
import type { Speaker } from "../../core/speaker/speaker.js";
import { formatIpv4Number } from "../../core/wire/index.js";
import type { K8sSync } from "../k8s/sync.js";
import { type ApiRoutes, RouteError } from "../routes/api-routes.js";
import type { Runtime } from "../runtime.js";
import { k8sMethods } from "./k8s-methods.js";
import { monitorMethods } from "./monitor/methods.js";
import { accepts, checkDeclared, cut, paramsOf, shown } from "./params.js";
import { ribList } from "./rib-list/listing.js";
import { RIB_LIST_PARAMS, ribListRequest } from "./rib-list/request.js";
import { type Method, RpcCode, RpcError } from "./server.js";
import { FAMILIES, neighborDetail, neighborView } from "./views.js";

/** Bumped when a method's result changes shape incompatibly. */
export const API_VERSION = 1;

const bad = (message: string) => new RpcError(RpcCode.INVALID_PARAMS, message);

/** Application error codes (JSON-RPC leaves -32000..-32099 to servers). */
export const AppCode = { CONFIG_REFUSED: -32001, NO_CONFIG_FILE: -32002, READ_ONLY: -32003 } as const;

/** The methods that only read: all the read-only socket serves. */
export const QUERIES: ReadonlySet<string> = new Set([
  "session.hello",
  "session.methods",
  "global.get",
  "neighbor.list",
  "neighbor.get",
  "rib.list",
  "rib.summary",
  "process.list",
  "healthcheck.list",
  "k8s.status",
  "k8s.routes",
  "k8s.peers",
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

/** RFC 9003: a shutdown communication is at most 255 octets of UTF-8 (longer would be cut on the wire). */
export const MAX_SHUTDOWN_MESSAGE_BYTES = 255;

/** `message` of a neighbor action: absent, or a string that fits in a NOTIFICATION as it is. */
function messageOf(params: Record<string, unknown>): string | undefined {
  const m = params.message;
  if (m === undefined) return undefined;
  if (typeof m !== "string") throw bad(`message must be a string, not ${shown(m)}`);
  const bytes = Buffer.byteLength(m, "utf8");
  if (bytes > MAX_SHUTDOWN_MESSAGE_BYTES)
    throw bad(
      `message must be at most ${MAX_SHUTDOWN_MESSAGE_BYTES} bytes of UTF-8 (RFC 9003), not ${bytes}`,
    );
  return m;
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
  /** The Kubernetes sync (its methods answer "not configured" when the file has no kubernetes section). */
  readonly k8s: K8sSync | null;
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
    if (typeof a !== "string") throw bad(`neighbor must be a neighbor's address, not ${shown(a)}`);
    const p = speaker.peers.get(a);
    if (!p) throw bad(`no neighbor ${cut(a)}`);
    return p;
  };
  /** A neighbor action; `message` (RFC 9003) only for those that send a Cease with it. */
  const admin = (action: AdminAction, withMessage: boolean) =>
    accepts(withMessage ? ["neighbor", "message"] : ["neighbor"], (params) => {
      const message = messageOf(params);
      const p = peer(params);
      runtime.dispatch({ kind: "admin", neighbor: p.id, action, ...(message ? { message } : {}) });
      return { ok: true };
    });
  const table: Record<string, Method> = {
    "session.hello": accepts([], () => ({ server: "kbgpd", version: VERSION, apiVersion: API_VERSION })),
    // What this kbgpd offers: every method, whether the read-only socket serves it, and its parameters.
    "session.methods": accepts([], () => ({
      methods: Object.keys(table)
        .sort()
        .map((name) => ({ name, readOnly: QUERIES.has(name), params: paramsOf(table[name]) })),
    })),
    "global.get": accepts([], () => {
      const g = speaker.global;
      return {
        asn: g.asn,
        routerId: formatIpv4Number(g.routerId),
        // From the listeners themselves: they also know which addresses failed to bind.
        listen: runtime.listenStatus(),
        ribSize: Object.fromEntries(Object.entries(FAMILIES).map(([n, f]) => [n, speaker.locRib.count(f)])),
        gracefulRestart: speaker.restartStatus(),
        connectionsRefused: { ...speaker.refused },
        // The route guard: paths in all Adj-RIB-Ins together and their limit (null: none).
        routes: {
          received: speaker.ribInTally.paths,
          max: maxRoutesOf(g),
        },
      };
    }),
    "neighbor.list": accepts([], () => ({
      neighbors: [...speaker.peers.values()].map((p) => neighborView(p, runtime.now())),
    })),
    "neighbor.get": accepts(["neighbor"], (params) => neighborDetail(peer(params), runtime.now())),
    "rib.list": accepts(RIB_LIST_PARAMS, (params) => ribList(speaker, ribListRequest(params, speaker.peers))),
    "rib.add": accepts(["routes"], (params) => routesCall(() => api.add(params.routes))),
    "rib.delete": accepts(["routes"], (params) => routesCall(() => api.delete(params.routes))),
    "rib.deleteAll": accepts([], () => routesCall(async () => ({ deleted: await api.clear() }))),
    "rib.summary": accepts([], () => ({
      families: Object.fromEntries(
        Object.entries(FAMILIES).map(([n, f]) => [
          n,
          { destinations: speaker.locRib.count(f), paths: speaker.locRib.pathCount(f) },
        ]),
      ),
    })),
    "config.reload": accepts([], () => {
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
        kubernetes: config.kubernetes !== null,
      };
    }),
    "process.list": accepts([], () => ({ processes: helpers.processes() })),
    "healthcheck.list": accepts([], () => ({ healthchecks: helpers.healthchecks() })),
    "neighbor.shutdown": admin("shutdown", true),
    "neighbor.enable": admin("enable", false),
    "neighbor.reset": admin("reset", true),
    "neighbor.softResetIn": admin("soft-reset-in", false),
    "neighbor.softResetOut": admin("soft-reset-out", false),
    ...(helpers.k8s ? k8sMethods(helpers.k8s, (a) => speaker.peers.get(a)?.state ?? null) : {}),
    ...monitorMethods(speaker, runtime, helpers.k8s),
  };
  return checkDeclared(table);
}
