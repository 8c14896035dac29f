/**
 * The `kubernetes` section → KubernetesConfig (core/k8s/types.ts), every default applied. The section's
 * presence is what makes the module available; `enabled` only says whether it starts on.
 */
import os from "node:os";
import type { MaxPrefixConfig, NeighborConfig } from "../../core/config/types.js";
import type { KubernetesConfig } from "../../core/k8s/types.js";
import { kubernetesSchema } from "./kubernetes-schema.js";
import { check, type RawIssue } from "./schema.js";

/** The node's name when the file gives none: the downward API's NODE_NAME, else the host name. */
export const hostNodeName = (): string => process.env.NODE_NAME || os.hostname();

/** Conditions that drain a node by default: an operator's cordon, and the label Kubernetes defines for it. */
const DEFAULT_DRAIN: KubernetesConfig["drain"] = {
  when: ["unschedulable", "exclude-label"],
  taints: [],
  action: "withdraw",
  prepend: 3,
  localPref: null,
};

/** The settings peers from the cluster start from, and the prefix limit of those in another AS. */
export interface PeerTemplate {
  readonly template: NeighborConfig;
  readonly ebgpMaxPrefix: MaxPrefixConfig | null;
}

export function resolveKubernetes(
  value: unknown,
  nodeName: () => string,
  /** The settings peers from the cluster start from: the defaults, or those of group `group` (undefined
   *  when there is no such group, which has been reported). */
  peerTemplate: (group: string | undefined) => PeerTemplate | undefined,
  out: RawIssue[],
): KubernetesConfig | null {
  if (value === undefined || value === null) return null;
  const k = check(kubernetesSchema, value, ["kubernetes"], out);
  if (!k) return null;
  const p = k.peering ?? {};
  const resolved = peerTemplate(p.group);
  if (!resolved) return null;
  const a = k.announce ?? {};
  const d = k.drain ?? {};
  return {
    enabled: k.enabled ?? true,
    nodeName: k["node-name"] ?? nodeName(),
    kubeconfig: k.kubeconfig ?? null,
    announce: {
      loadBalancerIps: a["load-balancer-ips"] ?? true,
      externalIps: a["external-ips"] ?? true,
      clusterIps: a["cluster-ips"] ?? false,
      podCidrs: a["pod-cidrs"] ?? true,
      pods: a.pods ?? false,
    },
    podWatch: k["pod-watch"] ?? "cluster",
    loadBalancerClass: k["load-balancer-class"] ?? null,
    drain: {
      when: d.when ?? DEFAULT_DRAIN.when,
      taints: d.taints ?? DEFAULT_DRAIN.taints,
      action: d.action ?? DEFAULT_DRAIN.action,
      prepend: d.prepend ?? DEFAULT_DRAIN.prepend,
      localPref: d["local-pref"] ?? DEFAULT_DRAIN.localPref,
    },
    communities: k.communities ?? [],
    largeCommunities: k["large-communities"] ?? [],
    peering: {
      mesh: p.mesh ?? false,
      nodeSelector: p["node-selector"] ?? {},
      nodeAnnotations: p["node-annotations"] ?? true,
      ...resolved,
    },
  };
}
