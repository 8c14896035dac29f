/**
 * The Kubernetes sync as the control API shows it (docs/api.md, `k8s.status`, `k8s.routes`, monitor topic
 * `k8s`). The CLI and the shell import these types only.
 */
import { formatRouteAttributes } from "../../core/k8s/describe.js";
import type { DesiredPeer, DesiredRoute, ObjectProblem, Peering, RouteSource } from "../../core/k8s/types.js";
import { formatAsPath } from "../../core/wire/attributes/as-path.js";
import { formatCommunity, formatLargeCommunity } from "../../core/wire/attributes/communities.js";
import { formatPrefix } from "../../core/wire/index.js";
import type { ResourceName } from "./resources.js";

export type K8sState = "off" | "connecting" | "syncing" | "synced" | "error";

export interface K8sStatus {
  /** The configuration has a `kubernetes` section; without one every other field is its default. */
  readonly configured: boolean;
  /** The toggle: the config's `enabled`, overridden by `kbgp k8s enable|disable` (kept across restarts). */
  readonly enabled: boolean;
  readonly state: K8sState;
  readonly node: string | null;
  readonly server: string | null;
  /** When `state` last changed (ms since the epoch). */
  readonly since: number | null;
  /** When the desired routes were last applied. */
  readonly lastSync: number | null;
  readonly objects: Readonly<Record<ResourceName, number>>;
  /** Routes the module announces now. */
  readonly routes: number;
  readonly peering: PeeringView;
  /** Problems (bad annotation values) in the last derivation. */
  readonly problems: number;
  /** Why this node is drained ("node unschedulable"…), [] when it is not; and what that does. */
  readonly drained: readonly string[];
  readonly drainAction: "withdrawn" | "de-preferred";
  readonly lastError: string | null;
  /** The last few errors, oldest first. */
  readonly errors: readonly { readonly at: number; readonly message: string }[];
}

export interface K8sRoute {
  readonly prefix: string;
  readonly rule: DesiredRoute["rule"];
  readonly sources: readonly RouteSource[];
  readonly reason: string;
  readonly nextHop: string;
  readonly asPath: string;
  readonly localPref: number | null;
  readonly communities: readonly string[];
  readonly largeCommunities: readonly string[];
  /** The attributes beyond the defaults in one phrase ("as-path 65001 65001, local-pref 50"), "" if none. */
  readonly attributes: string;
}

export function k8sRoute(d: DesiredRoute): K8sRoute {
  const r = d.route;
  return {
    prefix: formatPrefix(r.prefix),
    rule: d.rule,
    sources: d.sources,
    reason: d.reason,
    nextHop: r.nextHop ?? "self",
    asPath: formatAsPath(r.asPath),
    localPref: r.localPref,
    communities: r.communities.map(formatCommunity),
    largeCommunities: r.largeCommunities.map(formatLargeCommunity),
    attributes: formatRouteAttributes(r),
  };
}

/** What the cluster says about this node's speaker (docs/kubernetes.md, "Peering"). */
export interface PeeringView {
  /** Peers from the cluster that are configured now. */
  readonly peers: number;
  /** Our AS from this Node's annotation, or null for `global.asn`. */
  readonly asn: number | null;
  readonly routeReflector: Peering["routeReflector"];
  readonly listenAddresses: readonly string[] | null;
  /** Prefixes this Node's annotation rejects on import. */
  readonly importReject: number;
}

/** `k8s.peers`: a DesiredPeer as core/k8s derives it; `password` is never sent, only whether there is one. */
export type K8sPeer = Omit<DesiredPeer, "password" | "families"> & {
  readonly password: boolean;
  readonly families: readonly string[];
  /** The session's state (`neighbor.list`'s), or null when kbgpd has no such neighbor (yet). */
  readonly state: string | null;
};

export interface K8sPeers {
  readonly peers: readonly K8sPeer[];
  readonly problems: readonly ObjectProblem[];
}

export interface K8sRoutes {
  readonly routes: readonly K8sRoute[];
  readonly problems: readonly ObjectProblem[];
}

export const NO_OBJECTS: Readonly<Record<ResourceName, number>> = {
  services: 0,
  endpointSlices: 0,
  nodes: 0,
  pods: 0,
  namespaces: 0,
};
