/**
 * The Kubernetes sync's pure side: the fields of cluster objects kbgp reads, its resolved configuration, and
 * what it derives from them. The daemon (daemon/k8s) fills a ClusterState from its informers and hands it to
 * core/k8s/desired-routes.ts; core never talks to an API server.
 *
 * Object shapes are the API's JSON (as @kubernetes/client-node's informers deliver them, field names
 * unchanged), narrowed to what is read; every field is optional because the API server may leave it out.
 */
import type { MaxPrefixConfig, NeighborConfig, PrefixFilter, RouteConfig } from "../config/types.js";
import type { FamilyKey } from "../wire/constants.js";

export interface ObjectMeta {
  readonly name?: string;
  readonly namespace?: string;
  readonly uid?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly resourceVersion?: string;
  /** Set while the object is being deleted (a string on the wire, a Date from client-node). */
  readonly deletionTimestamp?: unknown;
}

export interface Service {
  readonly metadata?: ObjectMeta;
  readonly spec?: {
    readonly type?: string;
    readonly clusterIP?: string;
    readonly clusterIPs?: readonly string[];
    readonly externalIPs?: readonly string[];
    readonly externalTrafficPolicy?: string;
    readonly internalTrafficPolicy?: string;
    readonly loadBalancerClass?: string;
    readonly ipFamilies?: readonly string[];
  };
  readonly status?: {
    readonly loadBalancer?: {
      readonly ingress?: readonly {
        readonly ip?: string;
        readonly hostname?: string;
        readonly ipMode?: string;
      }[];
    };
  };
}

export interface EndpointSlice {
  readonly metadata?: ObjectMeta;
  readonly addressType?: string;
  readonly endpoints?: readonly {
    readonly addresses?: readonly string[];
    readonly conditions?: {
      readonly ready?: boolean | null;
      readonly serving?: boolean | null;
      readonly terminating?: boolean | null;
    };
    readonly nodeName?: string;
  }[];
}

export interface Node {
  readonly metadata?: ObjectMeta;
  readonly spec?: {
    readonly podCIDR?: string;
    readonly podCIDRs?: readonly string[];
    readonly unschedulable?: boolean;
    readonly taints?: readonly { readonly key?: string; readonly value?: string; readonly effect?: string }[];
  };
  readonly status?: {
    readonly addresses?: readonly { readonly type?: string; readonly address?: string }[];
    readonly conditions?: readonly { readonly type?: string; readonly status?: string }[];
  };
}

export interface Pod {
  readonly metadata?: ObjectMeta;
  readonly spec?: { readonly nodeName?: string; readonly hostNetwork?: boolean };
  readonly status?: {
    readonly phase?: string;
    readonly podIP?: string;
    readonly podIPs?: readonly { readonly ip?: string }[];
  };
}

export interface Namespace {
  readonly metadata?: ObjectMeta;
}

/** Everything the informers hold: the whole cluster's Services, EndpointSlices, Nodes and Namespaces, and
 *  the Pods the daemon watches. Pods with the `local` policy need only this node's Pods; the `cluster`
 *  policy has every speaker announce Pods wherever they run, so it needs every node's (annotation
 *  selectors do not exist: watching all Pods, or this node's only and giving up `cluster`, is the
 *  daemon's choice). Only this node's Node object is read, for its pod CIDRs, annotations and drain. */
export interface ClusterState {
  readonly services: Iterable<Service>;
  readonly endpointSlices: Iterable<EndpointSlice>;
  readonly nodes: Iterable<Node>;
  readonly pods: Iterable<Pod>;
  readonly namespaces: Iterable<Namespace>;
}

/** Where a node condition stops it attracting Service traffic (docs/kubernetes.md). */
export type DrainCondition = "unschedulable" | "taint" | "exclude-label" | "network-unavailable";

/** The `kubernetes` section of the configuration, every default applied (docs/config.md). */
export interface KubernetesConfig {
  /** Start with the module on (the CLI's `kbgp k8s enable|disable` overrides it, and that survives a restart). */
  readonly enabled: boolean;
  /** This node's name: the config's, else NODE_NAME from the downward API, else the host name. */
  readonly nodeName: string;
  /** A kubeconfig file, or null for in-cluster config (then KUBECONFIG, then ~/.kube/config outside a pod). */
  readonly kubeconfig: string | null;
  readonly announce: {
    readonly loadBalancerIps: boolean;
    readonly externalIps: boolean;
    /** Every Service's ClusterIPs (kube-ovn's announce-cluster-ip); without it, only annotated Services'. */
    readonly clusterIps: boolean;
    readonly podCidrs: boolean;
    /** Pod IPs of annotated Pods and Namespaces. */
    readonly pods: boolean;
  };
  /** With `announce.pods`: watch every Pod (`cluster`), or only this node's (`node`: lighter on a large
   *  cluster, but then Pods with the `cluster` policy are announced only by the node they run on). */
  readonly podWatch: "cluster" | "node";
  /** The loadBalancerClass that is ours: LoadBalancer Services with another class are left alone; null means
   *  only Services without a class. */
  readonly loadBalancerClass: string | null;
  readonly drain: {
    /** Which conditions make this node stop attracting Service traffic. */
    readonly when: readonly DrainCondition[];
    /** Taint keys that count as drained (with `taint` in `when`). */
    readonly taints: readonly string[];
    /** Withdraw the node's Service routes, or keep them de-preferred. */
    readonly action: "withdraw" | "deprefer";
    /** With `deprefer`: times to prepend the local AS, and the LOCAL_PREF to set (null: leave it). */
    readonly prepend: number;
    readonly localPref: number | null;
  };
  /** Added to every route the module announces. */
  readonly communities: readonly number[];
  readonly largeCommunities: RouteConfig["largeCommunities"];
  readonly peering: PeeringConfig;
}

/** Peers and per-node speaker settings from the cluster (docs/kubernetes.md, "Peering"). */
export interface PeeringConfig {
  /** iBGP with every other node in our AS (kube-router's node mesh). */
  readonly mesh: boolean;
  /** Mesh only with Nodes carrying all these labels (every Node when empty). */
  readonly nodeSelector: Readonly<Record<string, string>>;
  /** Read this Node's peering annotations: external peers, our AS, route-reflector role, import reject,
   *  listen addresses. */
  readonly nodeAnnotations: boolean;
  /** What every peer from the cluster starts from (hold time, graceful restart, max-prefix…): the
   *  configuration's defaults, or the group named in `peering.group`. Address, AS, port, local address,
   *  families, next hops and route-reflector-client are the cluster's. */
  readonly template: NeighborConfig;
  /** The prefix limit of a peer from the cluster in another AS: the group's `max-prefix` (null for `off`),
   *  else the eBGP default (the template itself is resolved as an internal neighbor). */
  readonly ebgpMaxPrefix: MaxPrefixConfig | null;
}

/** The speaker this module runs in, as the pure function needs it. */
export interface LocalSpeaker {
  readonly asn: number;
}

/** One peer the cluster asks for. */
export interface DesiredPeer {
  /** Canonical text (as core/wire/ip.ts formats it). */
  readonly address: string;
  readonly asn: number;
  /** null: the configuration's `global.listen.port`, as every node listens on the same port. */
  readonly port: number | null;
  readonly localAddress: string | null;
  /** TCP MD5 (RFC 2385) password, decoded, or null. */
  readonly password: string | null;
  readonly routeReflectorClient: boolean;
  readonly families: readonly FamilyKey[];
  /** Our next hop for the family the session's own address does not give one for (dual stack). */
  readonly nextHopIpv4: string | null;
  readonly nextHopIpv6: string | null;
  /** `mesh`: another node; `node-annotation`: an external peer from this Node's annotations. */
  readonly kind: "mesh" | "node-annotation";
  /** The Node it comes from: the other node (mesh), or this one (its annotation). */
  readonly source: RouteSource;
  readonly reason: string;
}

/** What the cluster says about this node's speaker and its peers. */
export interface Peering {
  /** Our AS from this Node's annotation, or null for the configuration's. */
  readonly asn: number | null;
  /** Route reflector role from this Node's annotations, and the cluster ID a server uses. */
  readonly routeReflector: { readonly role: "server" | "client"; readonly clusterId: number | null } | null;
  /** Addresses to listen on from this Node's annotation, or null for the configuration's. */
  readonly listenAddresses: readonly string[] | null;
  /** Rejected on import from every peer (this Node's annotation). */
  readonly importReject: readonly PrefixFilter[];
  /** Sorted by address, one per address. */
  readonly peers: readonly DesiredPeer[];
  readonly problems: readonly ObjectProblem[];
}

/** What a route was derived from. A route's sources are Services, Nodes and Pods; a Namespace appears only
 *  in an ObjectProblem (a bad annotation on it), since the routes its annotation asks for are its Pods'. */
export interface RouteSource {
  readonly kind: "Service" | "Node" | "Pod" | "Namespace";
  readonly namespace: string | null;
  readonly name: string;
}

/** Which rule produced a route (docs/kubernetes.md names each). */
export type RouteRule = "loadbalancer-ip" | "external-ip" | "cluster-ip" | "pod-cidr" | "pod-ip";

/** One route the module wants announced, and why. */
export interface DesiredRoute {
  /** Next hop null (each session's own address), identifier 0, no neighbor limit. */
  readonly route: RouteConfig;
  readonly rule: RouteRule;
  /** Every object that asks for this prefix, sorted (kind, namespace, name); the first one's attributes win. */
  readonly sources: readonly RouteSource[];
  /** Why, in a few words an operator reads in `kbgp k8s routes`: what the IP is and what switched it on,
   *  then what the endpoints say, then drain — "LoadBalancer ingress IP, announce.load-balancer-ips;
   *  externalTrafficPolicy Local: ready endpoint on this node; de-preferred: node unschedulable",
   *  "ClusterIP, annotation kbgp.io/advertise-cluster-ip=true; ready endpoints in the cluster",
   *  "annotation kbgp.io/announce=local on Namespace team; Pod on this node". */
  readonly reason: string;
}

/** What the derivation found wrong in the cluster's objects (a bad annotation value): the route is
 *  derived without it and the problem reported, never thrown. */
export interface ObjectProblem {
  readonly source: RouteSource;
  readonly message: string;
}

export interface Derivation {
  /** Sorted by prefix (family, then address bytes, then length). */
  readonly routes: readonly DesiredRoute[];
  /** Sorted by source (kind, namespace, name), then message; each problem once. */
  readonly problems: readonly ObjectProblem[];
  /** Why this node is drained ("node unschedulable", "taint example.com/maintenance"…), in the order of
   *  `drain.when`; empty when it is not. With `withdraw` its Service routes are absent from `routes`, so
   *  this is where `kbgp k8s status` finds why. */
  readonly drained: readonly string[];
}
