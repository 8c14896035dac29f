/**
 * This node's own routes: its pod CIDRs (`pod-cidr`), from `spec.podCIDRs` (one per family on a
 * dual-stack cluster), else the older single `spec.podCIDR`.
 *
 * A drained node keeps announcing them. Drain is about Service traffic, which any node can take and
 * kube-proxy forwards; a pod CIDR's traffic can enter only through the node whose pods use it, and pods
 * keep running there during a drain (DaemonSets, pods that tolerate the taint, pods still terminating), so
 * withdrawing it would cut them off rather than move their traffic anywhere.
 */
import { parsePrefix } from "../wire/prefix.js";
import type { RouteAttributes } from "./attributes.js";
import type { Candidate, Problems } from "./candidates.js";
import type { Node, RouteSource } from "./types.js";

export function podCidrCandidates(
  node: Node,
  base: RouteAttributes,
  problems: Problems,
  out: Candidate[],
): void {
  const name = node.metadata?.name;
  if (!name) return;
  const source: RouteSource = { kind: "Node", namespace: null, name };
  const spec = node.spec ?? {};
  const field = spec.podCIDRs?.length ? "spec.podCIDRs" : "spec.podCIDR";
  const cidrs = spec.podCIDRs?.length ? spec.podCIDRs : spec.podCIDR ? [spec.podCIDR] : [];
  for (const text of cidrs) {
    const prefix = parsePrefix(text.trim());
    if (!prefix) {
      problems.add(source, `${field}: '${text}' is not a prefix (address/length, host bits clear)`);
      continue;
    }
    out.push({ prefix, rule: "pod-cidr", source, reason: `this node's pod CIDR (${field})`, attrs: base });
  }
}
