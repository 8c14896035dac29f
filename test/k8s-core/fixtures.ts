/**
 * Cluster objects and configuration for the derivation's tests, built from small descriptions so each test
 * says only what matters to it. Objects are plain API JSON, as the informers deliver them.
 */
import { DEFAULT_EBGP_MAX_PREFIX } from "../../core/config/types.js";
import { derive } from "../../core/k8s/desired-routes.js";
import type {
  ClusterState,
  Derivation,
  EndpointSlice,
  KubernetesConfig,
  Namespace,
  Node,
  Pod,
  Service,
} from "../../core/k8s/types.js";
import { formatPrefix } from "../../core/wire/index.js";
import { neighbor } from "../helpers/speaker-config.js";

export const NODE = "node-a";
export const OTHER = "node-b";
export const ASN = 65000;

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

/** Peering off, as a configuration without `kubernetes.peering` has it (the mesh) — annotations read. */
export const PEERING: KubernetesConfig["peering"] = {
  mesh: false,
  nodeSelector: {},
  nodeAnnotations: true,
  template: neighbor("0.0.0.0", "internal"),
  ebgpMaxPrefix: DEFAULT_EBGP_MAX_PREFIX,
};

export function config(more: DeepPartial<KubernetesConfig> = {}): KubernetesConfig {
  const base: KubernetesConfig = {
    enabled: true,
    nodeName: NODE,
    kubeconfig: null,
    announce: { loadBalancerIps: true, externalIps: true, clusterIps: false, podCidrs: true, pods: true },
    podWatch: "cluster",
    loadBalancerClass: null,
    drain: { when: [], taints: [], action: "withdraw", prepend: 3, localPref: null },
    communities: [],
    largeCommunities: [],
    peering: PEERING,
  };
  return {
    ...base,
    ...(more as Partial<KubernetesConfig>),
    announce: { ...base.announce, ...more.announce },
    drain: { ...base.drain, ...(more.drain as Partial<KubernetesConfig["drain"]>) },
  };
}

export interface ServiceOptions {
  namespace?: string;
  type?: string;
  clusterIP?: string;
  clusterIPs?: string[];
  externalIPs?: string[];
  ingress?: { ip?: string; hostname?: string; ipMode?: string }[];
  etp?: string;
  itp?: string;
  lbClass?: string;
  annotations?: Record<string, string>;
}

export function service(name: string, o: ServiceOptions = {}): Service {
  return {
    metadata: { name, namespace: o.namespace ?? "default", annotations: o.annotations },
    spec: {
      type: o.type ?? (o.ingress ? "LoadBalancer" : "ClusterIP"),
      clusterIP: o.clusterIP ?? o.clusterIPs?.[0] ?? "10.96.0.10",
      clusterIPs: o.clusterIPs ?? (o.clusterIP ? [o.clusterIP] : undefined),
      externalIPs: o.externalIPs,
      externalTrafficPolicy: o.etp,
      internalTrafficPolicy: o.itp,
      loadBalancerClass: o.lbClass,
    },
    status: o.ingress ? { loadBalancer: { ingress: o.ingress } } : {},
  };
}

export interface EndpointOptions {
  node?: string | null;
  ready?: boolean | null;
  serving?: boolean | null;
  terminating?: boolean | null;
  addresses?: string[];
}

/** A slice for Service `svc` (namespace default unless given) with these endpoints. */
export function slice(
  svc: string,
  endpoints: EndpointOptions[],
  o: { namespace?: string; addressType?: string; name?: string } = {},
): EndpointSlice {
  return {
    metadata: {
      name: o.name ?? `${svc}-abc`,
      namespace: o.namespace ?? "default",
      labels: { "kubernetes.io/service-name": svc },
    },
    addressType: o.addressType ?? "IPv4",
    endpoints: endpoints.map((e, i) => ({
      addresses: e.addresses ?? [o.addressType === "IPv6" ? `fd00::${i + 1}` : `10.244.0.${i + 1}`],
      conditions: { ready: e.ready, serving: e.serving, terminating: e.terminating },
      nodeName: e.node === null ? undefined : (e.node ?? NODE),
    })),
  };
}

export interface NodeOptions {
  podCIDR?: string;
  podCIDRs?: string[];
  unschedulable?: boolean;
  taints?: { key: string; effect?: string }[];
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  conditions?: { type: string; status: string }[];
  addresses?: string[];
}

export function node(name: string, o: NodeOptions = {}): Node {
  return {
    metadata: { name, labels: o.labels, annotations: o.annotations },
    spec: { podCIDR: o.podCIDR, podCIDRs: o.podCIDRs, unschedulable: o.unschedulable, taints: o.taints },
    status: {
      addresses: (o.addresses ?? []).map((address) => ({ type: "InternalIP", address })),
      conditions: o.conditions,
    },
  };
}

export interface PodOptions {
  namespace?: string;
  node?: string;
  ips?: string[];
  podIP?: string;
  phase?: string;
  hostNetwork?: boolean;
  deleting?: boolean;
  annotations?: Record<string, string>;
}

export function pod(name: string, o: PodOptions = {}): Pod {
  return {
    metadata: {
      name,
      namespace: o.namespace ?? "default",
      annotations: o.annotations,
      deletionTimestamp: o.deleting ? "2026-01-01T00:00:00Z" : undefined,
    },
    spec: { nodeName: o.node ?? NODE, hostNetwork: o.hostNetwork },
    status: {
      phase: o.phase ?? "Running",
      podIP: o.podIP ?? o.ips?.[0],
      podIPs: o.ips?.map((ip) => ({ ip })),
    },
  };
}

export const namespace = (name: string, annotations?: Record<string, string>): Namespace => ({
  metadata: { name, annotations },
});

export function cluster(parts: Partial<{ [K in keyof ClusterState]: ClusterState[K] }> = {}): ClusterState {
  return {
    services: parts.services ?? [],
    endpointSlices: parts.endpointSlices ?? [],
    nodes: parts.nodes ?? [node(NODE)],
    pods: parts.pods ?? [],
    namespaces: parts.namespaces ?? [],
  };
}

export function run(c: Partial<ClusterState>, cfg: KubernetesConfig = config(), at = NODE): Derivation {
  return derive(cluster(c), at, cfg, { asn: ASN });
}

/** The prefixes of a derivation's routes, as text. */
export const prefixes = (d: Derivation): string[] => d.routes.map((r) => formatPrefix(r.route.prefix));

/** The route for `prefix` (text), or undefined. */
export const routeFor = (d: Derivation, prefix: string) =>
  d.routes.find((r) => formatPrefix(r.route.prefix) === prefix);

/** A ready endpoint of `svc` on this node, so Cluster and Local policies both announce it. */
export const readyHere = (svc: string, o: { namespace?: string; addressType?: string } = {}): EndpointSlice =>
  slice(svc, [{ ready: true }], o);
