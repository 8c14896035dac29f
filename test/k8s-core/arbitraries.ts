/**
 * fast-check arbitraries for whole clusters and configurations. Addresses come from small pools so that
 * objects often ask for the same prefix (shared IPs, a Pod IP that is also an external IP), endpoints are
 * often on this node and often not, and annotation values are often bad — the cases the merge, the
 * policies and the problem reporting must get right. Names are unique per kind and namespace, as in a
 * real cluster.
 */
import fc from "fast-check";
import type {
  ClusterState,
  DrainCondition,
  EndpointSlice,
  KubernetesConfig,
  Namespace,
  Node,
  Pod,
  Service,
} from "../../core/k8s/types.js";
import { NODE, OTHER, PEERING } from "./fixtures.js";

const V4 = ["192.0.2.1", "192.0.2.2", "192.0.2.3", "10.96.0.1", "10.96.0.2", "10.244.0.1", "10.244.0.2"];
const V6 = ["2001:db8::1", "2001:db8::2", "fd00::1"];
const ip = fc.constantFrom(...V4, ...V6, ...V4);
const ips = fc.uniqueArray(ip, { maxLength: 3 });
const namespaceName = fc.constantFrom("default", "ns1", "ns2");
const name = fc.constantFrom("a", "b", "c", "d", "e");

function annotations(
  pool: Record<string, readonly string[]>,
): fc.Arbitrary<Record<string, string> | undefined> {
  const entries = Object.entries(pool).map(([k, vs]) => fc.constantFrom(...vs.map((v) => [k, v] as const)));
  return fc.option(
    fc.subarray(entries).chain((chosen) => fc.tuple(...chosen).map((kv) => Object.fromEntries(kv))),
    { nil: undefined },
  );
}

const serviceAnnotations = annotations({
  "kbgp.io/advertise-cluster-ip": ["true", "false", "maybe"],
  "kbgp.io/advertise-loadbalancer-ip": ["true", "false"],
  "kbgp.io/advertise-external-ip": ["false", "true"],
  "kube-router.io/service.advertise.clusterip": ["true", "0"],
  "kube-router.io/service.skiplbips": ["true"],
  "kbgp.io/traffic-policy": ["local", "spec", "nearby"],
  "kube-router.io/service.local": ["true", "false"],
  "ovn.kubernetes.io/bgp": ["true", "local", "no", "sure"],
  "kbgp.io/communities": ["65000:1", "no-export, bogus", "65000:2 65000:1"],
  "kbgp.io/large-communities": ["1:2:3", "1:2"],
  "kbgp.io/local-pref": ["100", "250", "high"],
  "kbgp.io/as-path-prepend": ["1", "2", "999"],
});

const podAnnotations = annotations({
  "kbgp.io/announce": ["cluster", "local", "none", "everywhere"],
  "ovn.kubernetes.io/bgp": ["true", "local", "false"],
});

const nodeAnnotations = annotations({
  "kbgp.io/communities": ["65000:9", "x"],
  "kube-router.io/node.bgp.communities": ["no-export", "65000:8"],
  "kbgp.io/as-path-prepend": ["1", "-1"],
  "kube-router.io/path-prepend.as": ["64999", "AS"],
  "kube-router.io/path-prepend.repeat-n": ["2", "300"],
});

export const serviceArb: fc.Arbitrary<Service> = fc
  .record({
    name,
    namespace: namespaceName,
    type: fc.constantFrom("ClusterIP", "NodePort", "LoadBalancer", "LoadBalancer", "ExternalName", undefined),
    clusterIPs: fc.oneof(ips, fc.constant(["None"])),
    externalIPs: fc.option(ips, { nil: undefined }),
    ingress: fc.array(
      fc.record({
        ip: fc.option(ip, { nil: undefined }),
        ipMode: fc.constantFrom(undefined, "VIP", "Proxy"),
      }),
      { maxLength: 2 },
    ),
    etp: fc.constantFrom(undefined, "Cluster", "Local"),
    itp: fc.constantFrom(undefined, "Cluster", "Local"),
    lbClass: fc.constantFrom(undefined, "other", "ours"),
    annotations: serviceAnnotations,
  })
  .map((s) => ({
    metadata: { name: s.name, namespace: s.namespace, annotations: s.annotations },
    spec: {
      type: s.type,
      clusterIP: s.clusterIPs[0],
      clusterIPs: s.clusterIPs,
      externalIPs: s.externalIPs,
      externalTrafficPolicy: s.etp,
      internalTrafficPolicy: s.itp,
      loadBalancerClass: s.lbClass,
    },
    status: { loadBalancer: { ingress: s.ingress } },
  }));

const condition = fc.constantFrom(true, false, null, undefined);
const rarely = fc.constantFrom(false, false, false, false, true);

/** A slice for one of `owners` (namespace, Service name), or, now and then, for no Service there is. */
const sliceArb = (owners: readonly (readonly [string, string])[]): fc.Arbitrary<EndpointSlice> =>
  fc
    .record({
      owner: owners.length
        ? fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...owners) }, fc.tuple(namespaceName, name))
        : fc.tuple(namespaceName, name),
      addressType: fc.constantFrom("IPv4", "IPv4", "IPv6", "FQDN", undefined),
      endpoints: fc.array(
        fc.record({
          addresses: fc.array(fc.constantFrom("10.244.0.9", "fd00::9", "192.168.0.1"), {
            minLength: 1,
            maxLength: 2,
          }),
          ready: condition,
          serving: condition,
          terminating: condition,
          nodeName: fc.constantFrom(NODE, NODE, OTHER, undefined),
        }),
        { maxLength: 3 },
      ),
    })
    .map((s) => ({
      metadata: {
        name: `${s.owner[1]}-x`,
        namespace: s.owner[0],
        labels: { "kubernetes.io/service-name": s.owner[1] },
      },
      addressType: s.addressType,
      endpoints: s.endpoints.map((e) => ({
        addresses: e.addresses,
        conditions: { ready: e.ready, serving: e.serving, terminating: e.terminating },
        nodeName: e.nodeName,
      })),
    }));

const nodeArb = (nodeName: string): fc.Arbitrary<Node> =>
  fc
    .record({
      podCIDRs: fc.subarray(["10.244.0.0/24", "fd00:244::/64", "10.244.0.1/24"]),
      unschedulable: rarely,
      taint: rarely,
      exclude: fc.constantFrom(undefined, undefined, undefined, "", "false"),
      networkUnavailable: rarely,
      annotations: nodeAnnotations,
    })
    .map((n) => ({
      metadata: {
        name: nodeName,
        annotations: n.annotations,
        labels: (n.exclude === undefined
          ? {}
          : { "node.kubernetes.io/exclude-from-external-load-balancers": n.exclude }) as Record<
          string,
          string
        >,
      },
      spec: {
        podCIDRs: n.podCIDRs,
        unschedulable: n.unschedulable,
        taints: n.taint ? [{ key: "maintenance", effect: "NoSchedule" }] : [],
      },
      status: {
        addresses: [{ type: "InternalIP", address: "192.168.0.1" }],
        conditions: [{ type: "NetworkUnavailable", status: n.networkUnavailable ? "True" : "False" }],
      },
    }));

export const podArb: fc.Arbitrary<Pod> = fc
  .record({
    name,
    namespace: namespaceName,
    node: fc.constantFrom(NODE, OTHER),
    ips,
    phase: fc.constantFrom("Running", "Running", "Pending"),
    hostNetwork: fc.constantFrom(false, false, false, false, true),
    deleting: fc.boolean(),
    annotations: podAnnotations,
  })
  .map((p) => ({
    metadata: {
      name: p.name,
      namespace: p.namespace,
      annotations: p.annotations,
      deletionTimestamp: p.deleting ? "2026-01-01T00:00:00Z" : undefined,
    },
    spec: { nodeName: p.node, hostNetwork: p.hostNetwork },
    status: { phase: p.phase, podIPs: p.ips.map((i) => ({ ip: i })) },
  }));

const namespaceArb = (n: string): fc.Arbitrary<Namespace> =>
  podAnnotations.map((annotations) => ({ metadata: { name: n, annotations } }));

const byKey = <T extends { metadata?: { name?: string; namespace?: string } }>(x: T) =>
  `${x.metadata?.namespace}/${x.metadata?.name}`;

/** A cluster as arrays (so a test can reorder them). */
export interface ClusterArrays {
  services: Service[];
  endpointSlices: EndpointSlice[];
  nodes: Node[];
  pods: Pod[];
  namespaces: Namespace[];
}

export const clusterArb: fc.Arbitrary<ClusterArrays> = fc
  .record({
    services: fc.uniqueArray(serviceArb, { maxLength: 8, selector: byKey }),
    endpointSlices: fc.constant([]),
    nodes: fc
      .tuple(fc.option(nodeArb(NODE), { freq: 6, nil: null }), nodeArb(OTHER))
      .map(([a, b]) => (a ? [a, b] : [b])),
    pods: fc.uniqueArray(podArb, { maxLength: 8, selector: byKey }),
    namespaces: fc.tuple(namespaceArb("ns1"), namespaceArb("ns2"), namespaceArb("default")),
  })
  .chain((c) => {
    const owners = c.services.map((s) => [s.metadata?.namespace ?? "", s.metadata?.name ?? ""] as const);
    return fc.array(sliceArb(owners), { maxLength: 10 }).map((endpointSlices) => ({ ...c, endpointSlices }));
  });

export const configArb: fc.Arbitrary<KubernetesConfig> = fc
  .record({
    loadBalancerIps: fc.boolean(),
    externalIps: fc.boolean(),
    clusterIps: fc.boolean(),
    podCidrs: fc.boolean(),
    pods: fc.boolean(),
    loadBalancerClass: fc.constantFrom(null, "ours"),
    when: fc.subarray<DrainCondition>(["unschedulable", "taint", "exclude-label", "network-unavailable"]),
    action: fc.constantFrom<"withdraw" | "deprefer">("withdraw", "deprefer"),
    prepend: fc.integer({ min: 0, max: 3 }),
    localPref: fc.constantFrom(null, 50),
    communities: fc.subarray([65000 * 65536 + 5, 0xffffff01]),
  })
  .map((c) => ({
    enabled: true,
    nodeName: NODE,
    kubeconfig: null,
    announce: {
      loadBalancerIps: c.loadBalancerIps,
      externalIps: c.externalIps,
      clusterIps: c.clusterIps,
      podCidrs: c.podCidrs,
      pods: c.pods,
    },
    podWatch: "cluster" as const,
    loadBalancerClass: c.loadBalancerClass,
    drain: {
      when: c.when,
      taints: ["maintenance"],
      action: c.action,
      prepend: c.prepend,
      localPref: c.localPref,
    },
    communities: c.communities,
    largeCommunities: [],
    peering: PEERING,
  }));

/** `c` with each list reordered by `seed` (a small deterministic shuffle). */
export function shuffled(c: ClusterArrays, seed: number): ClusterState {
  let s = seed >>> 0 || 1;
  const rand = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 0x100000000;
  };
  const shuffle = <T>(xs: readonly T[]): T[] => {
    const out = [...xs];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  };
  return {
    services: shuffle(c.services),
    endpointSlices: shuffle(c.endpointSlices),
    nodes: shuffle(c.nodes),
    pods: shuffle(c.pods),
    namespaces: shuffle(c.namespaces),
  };
}
