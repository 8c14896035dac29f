/**
 * Node drain: whether this node should stop attracting Service traffic, and what that does to a Service
 * route. Each condition counts only when listed in `drain.when`, because each means something else to
 * someone:
 * - `unschedulable` (`kubectl cordon`): the usual first step of a drain, but also used to keep new pods
 *   off a node that keeps serving. Kubernetes' own service controller once took cordoned nodes out of
 *   load balancer pools and users lost traffic for it (kubernetes#44997, #65013); MetalLB added the same
 *   in 0.14.9 and reverted it (metallb#2470, #2715).
 * - `taint`: the taint keys in `drain.taints`, any effect (a maintenance taint an operator or a reboot
 *   controller sets, as Antrea's drainOnTaints proposal).
 * - `exclude-label`: `node.kubernetes.io/exclude-from-external-load-balancers`, the label Kubernetes
 *   defines for this; MetalLB and Calico honour it. Any value but a false one (Go's ParseBool: "false",
 *   "0", "f"…) counts, as in Kubernetes' cloud-provider service controller since kubernetes#131085 (an
 *   empty value too). kubeadm puts it on control-plane nodes, so a cluster whose only nodes are
 *   control-plane nodes wants this condition off.
 * - `network-unavailable`: condition NetworkUnavailable=True, which MetalLB also honours: the node's
 *   network is not set up, so traffic it attracts is lost.
 */
import { parseGoBool } from "./annotations.js";
import type { KubernetesConfig, Node } from "./types.js";

const EXCLUDE_FROM_LB_LABEL = "node.kubernetes.io/exclude-from-external-load-balancers";

const excluded = (value: string | undefined): boolean =>
  value !== undefined && parseGoBool(value).value !== false;

/** Why `node` is drained, in the order of `drain.when` (a taint per matching key); empty when it is not,
 *  or when this node's Node object is not known. */
export function drainReasons(node: Node | undefined, drain: KubernetesConfig["drain"]): string[] {
  if (!node) return [];
  const out: string[] = [];
  for (const when of drain.when) {
    switch (when) {
      case "unschedulable":
        if (node.spec?.unschedulable === true) out.push("node unschedulable");
        break;
      case "taint":
        for (const key of drain.taints)
          if (node.spec?.taints?.some((t) => t.key === key)) out.push(`taint ${key}`);
        break;
      case "exclude-label":
        if (excluded(node.metadata?.labels?.[EXCLUDE_FROM_LB_LABEL]))
          out.push(`label ${EXCLUDE_FROM_LB_LABEL}`);
        break;
      case "network-unavailable":
        if (node.status?.conditions?.some((c) => c.type === "NetworkUnavailable" && c.status === "True"))
          out.push("condition NetworkUnavailable");
        break;
      default:
        when satisfies never;
    }
  }
  return [...new Set(out)];
}
