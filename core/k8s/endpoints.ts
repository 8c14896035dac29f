/**
 * Whether a Service has endpoints that can take traffic, on this node and anywhere, per address family:
 * the EndpointSlices are indexed once per derivation by the Service they belong to (the
 * `kubernetes.io/service-name` label, in the slice's namespace), so deciding for every Service IP is a map
 * lookup.
 *
 * Readiness, as MetalLB (internal/k8s/epslices EndpointCanServe) and the EndpointSlice API define it:
 * - `ready` unset means ready ("nil should be interpreted as true"). `ready` is false for a terminating
 *   endpoint unless the Service publishes not-ready addresses, so a ready endpoint is one to send new
 *   connections to.
 * - `serving` is `ready` without the terminating part: true on an endpoint that is shutting down but still
 *   passes its readiness probe (KEP-1672). Unset, it is taken to equal `ready`. `terminating` itself is not
 *   needed: serving and not ready means terminating.
 * What a Service IP's announcement makes of these is in `endpointVerdict`.
 */
import type { EndpointSlice } from "./types.js";

/** The label the EndpointSlice controller sets to the owning Service's name. */
const SERVICE_NAME_LABEL = "kubernetes.io/service-name";

export interface FamilyEndpoints {
  /** An endpoint on this node is ready. */
  readyLocal: boolean;
  /** An endpoint on this node is ready or still serving while terminating. */
  servingLocal: boolean;
  readyAnywhere: boolean;
  servingAnywhere: boolean;
}

export interface ServiceEndpoints {
  readonly ipv4: FamilyEndpoints;
  readonly ipv6: FamilyEndpoints;
}

export type Family = "ipv4" | "ipv6";

export const serviceKey = (namespace: string, name: string): string => `${namespace}/${name}`;

const none = (): FamilyEndpoints => ({
  readyLocal: false,
  servingLocal: false,
  readyAnywhere: false,
  servingAnywhere: false,
});

function sliceFamily(addressType: string | undefined, firstAddress: string): Family | null {
  if (addressType === "IPv4") return "ipv4";
  if (addressType === "IPv6") return "ipv6";
  if (addressType !== undefined) return null; // FQDN: not something kube-proxy forwards to
  return firstAddress.includes(":") ? "ipv6" : "ipv4";
}

/**
 * Index `slices` by Service (`serviceKey`). An endpoint is on this node when its `nodeName` is `node`; one
 * without a nodeName (endpoints written by hand, or by controllers that leave it out) is on this node when
 * one of its addresses is one of the node's (`nodeAddresses`), as kube-router does.
 */
export function indexEndpoints(
  slices: Iterable<EndpointSlice>,
  node: string,
  nodeAddresses: ReadonlySet<string>,
): Map<string, ServiceEndpoints> {
  const index = new Map<string, ServiceEndpoints>();
  for (const slice of slices) {
    const service = slice.metadata?.labels?.[SERVICE_NAME_LABEL];
    if (!service) continue;
    const key = serviceKey(slice.metadata?.namespace ?? "default", service);
    for (const ep of slice.endpoints ?? []) {
      const addresses = ep.addresses ?? [];
      if (addresses.length === 0) continue;
      const family = sliceFamily(slice.addressType, addresses[0]);
      if (!family) continue;
      const ready = ep.conditions?.ready !== false;
      const serving = ready || ep.conditions?.serving === true;
      if (!serving) continue;
      const local =
        typeof ep.nodeName === "string" ? ep.nodeName === node : addresses.some((a) => nodeAddresses.has(a));
      let entry = index.get(key);
      if (!entry) index.set(key, (entry = { ipv4: none(), ipv6: none() }));
      const f = entry[family];
      f.servingAnywhere = true;
      if (ready) f.readyAnywhere = true;
      if (local) {
        f.servingLocal = true;
        if (ready) f.readyLocal = true;
      }
    }
  }
  return index;
}

/** Whether a Service IP is announced from this node, and why in words for the route's reason. */
export interface Verdict {
  readonly announce: boolean;
  readonly why: string;
}

/**
 * `local` (externalTrafficPolicy or internalTrafficPolicy Local, or an annotation forcing it): kube-proxy
 * sends the traffic a node receives for the IP only to endpoints on that node, so the node announces it
 * only with a ready endpoint of its own (MetalLB: "noLocalEndpoints"; Calico: Endpoints' ready addresses on
 * the node). When no endpoint of the Service is ready anywhere but one on this node still serves while
 * terminating, the node keeps announcing: kube-proxy itself falls back to serving-terminating endpoints
 * when none is ready (KEP-1669), and withdrawing would only drop the connections they can still take.
 * While another node has a ready endpoint, a node with only terminating ones withdraws, so new
 * connections move there while the old ones drain (MetalLB counts serving endpoints as ready in every
 * case, which keeps attracting new connections to a node whose pods are going away).
 *
 * `cluster`: every node forwards to every endpoint, so every node announces — but only while the Service
 * has an endpoint that can serve somewhere, as MetalLB does ("noEndpoints", metallb#312): with none, the
 * routers can fail over to another cluster or site announcing the same IP instead of sending traffic
 * kube-proxy can only reject.
 */
export function endpointVerdict(
  eps: FamilyEndpoints | undefined,
  local: boolean,
  policyWhy: string,
): Verdict {
  if (local) {
    if (eps?.readyLocal) return { announce: true, why: `${policyWhy}: ready endpoint on this node` };
    if (eps?.servingLocal && !eps.readyAnywhere)
      return {
        announce: true,
        why: `${policyWhy}: no endpoint ready anywhere, a terminating one still serving on this node`,
      };
    return { announce: false, why: `${policyWhy}: no ready endpoint on this node` };
  }
  if (eps?.readyAnywhere) return { announce: true, why: "ready endpoints in the cluster" };
  if (eps?.servingAnywhere)
    return { announce: true, why: "no endpoint ready, terminating ones still serving" };
  return { announce: false, why: "no endpoint in the cluster" };
}
