/**
 * The kinds the sync watches, each with its watch path and a list call. Lists go through the typed API
 * clients (authentication, TLS and paging as client-node does them); watches through client-node's Watch.
 */
import {
  CoreV1Api,
  DiscoveryV1Api,
  type KubeConfig,
  type KubernetesListObject,
} from "@kubernetes/client-node";
import type { ClusterState } from "../../core/k8s/types.js";

export type ResourceName = keyof ClusterState;

export interface Resource {
  readonly name: ResourceName;
  readonly path: string;
  readonly fieldSelector?: string;
  readonly list: () => Promise<KubernetesListObject<never>>;
}

/** Which Pods to watch: none, every one, or only those of one node. */
export type PodWatch =
  | { readonly scope: "none" }
  | { readonly scope: "cluster" }
  | { readonly scope: "node"; readonly node: string };

/**
 * What to watch. Pods (and Namespaces, whose annotations they inherit) only when pod IPs are announced:
 * cluster-wide by default, since a Pod with policy `cluster` is announced by every speaker wherever it runs;
 * with `pod-watch: node`, only this node's (field selector `spec.nodeName`), which a large cluster wants and
 * which gives up announcing other nodes' `cluster` Pods.
 */
export function resources(kc: KubeConfig, pods: PodWatch): Resource[] {
  const core = kc.makeApiClient(CoreV1Api);
  const discovery = kc.makeApiClient(DiscoveryV1Api);
  const list = (f: () => Promise<unknown>) => f as () => Promise<KubernetesListObject<never>>;
  const all: Resource[] = [
    { name: "services", path: "/api/v1/services", list: list(() => core.listServiceForAllNamespaces()) },
    {
      name: "endpointSlices",
      path: "/apis/discovery.k8s.io/v1/endpointslices",
      list: list(() => discovery.listEndpointSliceForAllNamespaces()),
    },
    { name: "nodes", path: "/api/v1/nodes", list: list(() => core.listNode()) },
  ];
  if (pods.scope === "none") return all;
  const fieldSelector = pods.scope === "node" ? `spec.nodeName=${pods.node}` : undefined;
  all.push(
    {
      name: "pods",
      path: "/api/v1/pods",
      ...(fieldSelector ? { fieldSelector } : {}),
      list: list(() => core.listPodForAllNamespaces(fieldSelector ? { fieldSelector } : {})),
    },
    { name: "namespaces", path: "/api/v1/namespaces", list: list(() => core.listNamespace()) },
  );
  return all;
}
