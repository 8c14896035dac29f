/**
 * Pod IPs (`pod-ip`) of Pods whose annotation, or their Namespace's, asks for it, as kube-ovn-speaker
 * does for Pods and Subnets: `cluster` — every speaker announces the IP and the cluster network carries
 * the traffic to the Pod's node; `local` — only the speaker on the node running the Pod. A Pod's own
 * annotation beats its Namespace's (`none` on a Pod opts it out of its Namespace's policy).
 *
 * Only Pods that can take traffic at that IP: Running, not being deleted, not on the host network (their
 * IP is the node's, which the node announces by other means if at all), with an IP in `status.podIPs`
 * (else `status.podIP`). Like the pod CIDR, a Pod's IP is not withdrawn when the node is drained: the Pod
 * still runs there and can be reached nowhere else.
 */
import type { Decided } from "./annotation-settings.js";
import { readNamespaceAnnounce, readPodAnnounce } from "./annotation-settings.js";
import type { AnnouncePolicy } from "./annotations.js";
import type { RouteAttributes } from "./attributes.js";
import { type Candidate, hostPrefix, type Problems } from "./candidates.js";
import type { Namespace, Pod, RouteSource } from "./types.js";

/** Each Namespace's policy, read once (its problems reported once, whether or not it has Pods). */
export function namespacePolicies(
  namespaces: Iterable<Namespace>,
  problems: Problems,
): Map<string, Decided<AnnouncePolicy>> {
  const out = new Map<string, Decided<AnnouncePolicy>>();
  for (const ns of namespaces) {
    const name = ns.metadata?.name;
    if (!name) continue;
    const decided = readNamespaceAnnounce(
      ns.metadata?.annotations,
      problems.for({ kind: "Namespace", namespace: null, name }),
    );
    if (decided) out.set(name, decided);
  }
  return out;
}

export function podCandidates(
  pod: Pod,
  node: string,
  namespaces: ReadonlyMap<string, Decided<AnnouncePolicy>>,
  base: RouteAttributes,
  problems: Problems,
  out: Candidate[],
): void {
  const name = pod.metadata?.name;
  if (!name) return;
  const namespace = pod.metadata?.namespace ?? "default";
  const source: RouteSource = { kind: "Pod", namespace, name };
  const own = readPodAnnounce(pod.metadata?.annotations, problems.for(source));
  const decided = own ?? namespaces.get(namespace);
  if (!decided || decided.value === "none") return;
  if (pod.spec?.hostNetwork === true || pod.status?.phase !== "Running") return;
  if (pod.metadata?.deletionTimestamp !== undefined && pod.metadata.deletionTimestamp !== null) return;
  const local = decided.value === "local";
  if (local && pod.spec?.nodeName !== node) return;

  const where = own ? "the Pod" : `Namespace ${namespace}`;
  const reason = `annotation ${decided.key}=${decided.text} on ${where}${local ? "; Pod on this node" : ""}`;
  const ips = pod.status?.podIPs?.length
    ? pod.status.podIPs.map((p) => p.ip ?? "").filter((ip) => ip !== "")
    : pod.status?.podIP
      ? [pod.status.podIP]
      : [];
  for (const ip of ips) {
    const prefix = hostPrefix(ip);
    if (!prefix) {
      problems.add(source, `status.podIPs: '${ip}' is not an IP address`);
      continue;
    }
    out.push({ prefix, rule: "pod-ip", source, reason, attrs: base });
  }
}
