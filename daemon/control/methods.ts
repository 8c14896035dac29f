/** Control API methods (docs/api.md). Queries read the speaker; actions go in as speaker inputs. */

import { VERSION } from "../../cli/version.js";
import type { SpeakerConfig } from "../../core/config/types.js";
import type { AdminAction } from "../../core/speaker/io.js";
import type { Speaker } from "../../core/speaker/speaker.js";
import { formatIpv4Number } from "../../core/wire/index.js";
import type { Runtime } from "../runtime.js";
import { type Method, RpcCode, RpcError } from "./server.js";
import { FAMILIES, neighborView, routes } from "./views.js";

/** Bumped when a method's result changes shape incompatibly. */
export const API_VERSION = 1;

function family(params: Record<string, unknown>): number {
  const name = params.family ?? "ipv4-unicast";
  const f = typeof name === "string" ? FAMILIES[name] : undefined;
  if (f === undefined)
    throw new RpcError(RpcCode.INVALID_PARAMS, `family must be one of ${Object.keys(FAMILIES).join(", ")}`);
  return f;
}

/** Application error codes (JSON-RPC leaves -32000..-32099 to servers). */
export const AppCode = { CONFIG_REFUSED: -32001, NO_CONFIG_FILE: -32002 } as const;

/** `reload` reads and validates the configuration file again; null when kbgpd runs without one. */
export function controlMethods(
  speaker: Speaker,
  runtime: Runtime,
  reload: (() => SpeakerConfig) | null,
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
    "neighbor.get": (params) => neighborView(peer(params), runtime.now()),
    "rib.list": (params) => {
      const table = params.table ?? "local";
      if (table !== "local" && table !== "in" && table !== "out")
        throw new RpcError(RpcCode.INVALID_PARAMS, "table must be local, in or out");
      const n = table === "local" ? undefined : peer(params);
      return { routes: [...routes(speaker, family(params), table, n)] };
    },
    "config.reload": () => {
      if (!reload) throw new RpcError(AppCode.NO_CONFIG_FILE, "kbgpd runs without a configuration file");
      let config: SpeakerConfig;
      try {
        config = reload();
      } catch (e) {
        throw new RpcError(
          AppCode.CONFIG_REFUSED,
          `configuration refused, the running one stays: ${(e as Error).message}`,
        );
      }
      runtime.dispatch({ kind: "reconfigure", config });
      return { ok: true, neighbors: config.neighbors.length, routes: config.routes.length };
    },
    "neighbor.shutdown": admin("shutdown"),
    "neighbor.enable": admin("enable"),
    "neighbor.reset": admin("reset"),
    "neighbor.softResetIn": admin("soft-reset-in"),
    "neighbor.softResetOut": admin("soft-reset-out"),
  };
}
