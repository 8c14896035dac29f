/** `k8s.status`, `k8s.enable`, `k8s.disable`, `k8s.routes`, `k8s.peers` (docs/api.md). */
import { formatPrefix, parsePrefix } from "../../core/wire/index.js";
import { type K8sSync, NotConfigured } from "../k8s/sync.js";
import { accepts, shown } from "./params.js";
import { type Method, RpcCode, RpcError } from "./server.js";

const refuseUnconfigured = async <T>(f: () => Promise<T>): Promise<T> => {
  try {
    return await f();
  } catch (e) {
    if (e instanceof NotConfigured) throw new RpcError(RpcCode.INVALID_PARAMS, e.message);
    throw e;
  }
};

export function k8sMethods(
  k8s: K8sSync,
  /** A neighbor's session state, or null when there is no such neighbor. */
  sessionState: (address: string) => string | null,
): Record<string, Method> {
  return {
    "k8s.peers": accepts([], () => k8s.peersView(sessionState)),
    "k8s.status": accepts([], () => k8s.status()),
    "k8s.enable": accepts([], () => refuseUnconfigured(() => k8s.enable())),
    "k8s.disable": accepts([], () => refuseUnconfigured(() => k8s.disable())),
    "k8s.routes": accepts(["prefix"], (params) => {
      const { prefix } = params;
      if (prefix === undefined) return k8s.routes();
      const p = typeof prefix === "string" ? parsePrefix(prefix) : null;
      if (!p)
        throw new RpcError(
          RpcCode.INVALID_PARAMS,
          `prefix must be a prefix like 203.0.113.10/32, not ${shown(prefix)}`,
        );
      return k8s.routes(formatPrefix(p));
    }),
  };
}
