/** Control API methods (docs/api.md). Queries read the speaker; actions go in as speaker inputs. */

import { VERSION } from "../../cli/version.js";
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

export function controlMethods(speaker: Speaker, runtime: Runtime): Record<string, Method> {
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
    "neighbor.shutdown": admin("shutdown"),
    "neighbor.enable": admin("enable"),
    "neighbor.reset": admin("reset"),
    "neighbor.softResetIn": admin("soft-reset-in"),
    "neighbor.softResetOut": admin("soft-reset-out"),
  };
}
