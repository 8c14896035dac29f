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

/**
 * What to watch. Pods (and Namespaces, whose annotations they inherit) only when pod IPs are announced, and
 * then cluster-wide: a Pod with policy `cluster` is announced by every speaker wherever it runs, so no field
 * selector can narrow them to this node.
 */
export function resources(kc: KubeConfig, withPods: boolean): Resource[] {
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
  if (withPods)
    all.push(
      { name: "pods", path: "/api/v1/pods", list: list(() => core.listPodForAllNamespaces()) },
      { name: "namespaces", path: "/api/v1/namespaces", list: list(() => core.listNamespace()) },
    );
  return all;
}
