/**
 * The annotations kbgp reads, in one table: our own `kbgp.io/…` keys and, under each, the kube-router and
 * kube-ovn keys read as its aliases, so a cluster annotated for those speakers keeps its behaviour when it
 * moves to kbgp. The table is the single source of truth: the settings in annotation-settings.ts take their
 * keys from it, and test/k8s-core/annotations-doc.test.ts checks docs/kubernetes.md's "Annotations" table
 * against it.
 *
 * Precedence, for every setting: our key, then the aliases in the order listed here. The first key present
 * with a value that can be read decides; a present key whose value cannot be read is reported as an
 * ObjectProblem and skipped, as if it were absent.
 */
import { type LargeCommunity, parseCommunity, parseLargeCommunity } from "../wire/attributes/communities.js";

export type AnnotatedKind = "Service" | "Node" | "Pod" | "Namespace";

export interface AliasKey {
  readonly key: string;
  readonly from: "kube-router" | "kube-ovn";
  readonly on: readonly AnnotatedKind[];
  /** How its values read, when that differs from ours (for the docs). */
  readonly values: string;
  /** Keys read together with it, as one setting (kube-router's `path-prepend.as` with `repeat-n`). */
  readonly with?: readonly string[];
}

export interface AnnotationKey {
  readonly key: string;
  readonly on: readonly AnnotatedKind[];
  readonly values: string;
  readonly effect: string;
  readonly aliases: readonly AliasKey[];
}

/** Our keys. */
export const KBGP = {
  advertiseLoadBalancerIp: "kbgp.io/advertise-loadbalancer-ip",
  advertiseExternalIp: "kbgp.io/advertise-external-ip",
  advertiseClusterIp: "kbgp.io/advertise-cluster-ip",
  trafficPolicy: "kbgp.io/traffic-policy",
  communities: "kbgp.io/communities",
  largeCommunities: "kbgp.io/large-communities",
  localPref: "kbgp.io/local-pref",
  asPathPrepend: "kbgp.io/as-path-prepend",
  announce: "kbgp.io/announce",
  asn: "kbgp.io/asn",
  rrServer: "kbgp.io/rr-server",
  rrClient: "kbgp.io/rr-client",
  peers: "kbgp.io/peers",
  importReject: "kbgp.io/import-reject",
  listenAddresses: "kbgp.io/listen-addresses",
} as const;

/** kube-router's keys we read (docs/user-guide.md "Advertising IPs", docs/bgp.md). */
export const KUBE_ROUTER = {
  advertiseClusterIp: "kube-router.io/service.advertise.clusterip",
  advertiseExternalIp: "kube-router.io/service.advertise.externalip",
  advertiseLoadBalancerIp: "kube-router.io/service.advertise.loadbalancerip",
  serviceLocal: "kube-router.io/service.local",
  skipLbIps: "kube-router.io/service.skiplbips",
  nodeCommunities: "kube-router.io/node.bgp.communities",
  prependAs: "kube-router.io/path-prepend.as",
  prependRepeat: "kube-router.io/path-prepend.repeat-n",
  nodeAsn: "kube-router.io/node.asn",
  rrServer: "kube-router.io/rr.server",
  rrClient: "kube-router.io/rr.client",
  peers: "kube-router.io/peers",
  peerIps: "kube-router.io/peer.ips",
  peerAsns: "kube-router.io/peer.asns",
  peerPorts: "kube-router.io/peer.ports",
  peerPasswords: "kube-router.io/peer.passwords",
  peerLocalIps: "kube-router.io/peer.localips",
  customImportReject: "kube-router.io/node.bgp.customimportreject",
  localAddresses: "kube-router.io/bgp-local-addresses",
} as const;

/** kube-ovn's one key (pkg/util/const.go BgpAnnotation). */
export const KUBE_OVN_BGP = "ovn.kubernetes.io/bgp";

const GO_BOOL = "Go strconv.ParseBool: true, false, 1, 0, t, f, TRUE, True…";

export const ANNOTATIONS: readonly AnnotationKey[] = [
  {
    key: KBGP.advertiseLoadBalancerIp,
    on: ["Service"],
    values: "true, false",
    effect:
      "Announce the Service's LoadBalancer ingress IPs or not, whatever `announce.load-balancer-ips` says.",
    aliases: [
      {
        key: KUBE_ROUTER.skipLbIps,
        from: "kube-router",
        on: ["Service"],
        values: "present, whatever its value (even false): false, as kube-router reads it",
      },
      { key: KUBE_ROUTER.advertiseLoadBalancerIp, from: "kube-router", on: ["Service"], values: GO_BOOL },
    ],
  },
  {
    key: KBGP.advertiseExternalIp,
    on: ["Service"],
    values: "true, false",
    effect: "Announce the Service's `spec.externalIPs` or not, whatever `announce.external-ips` says.",
    aliases: [
      { key: KUBE_ROUTER.advertiseExternalIp, from: "kube-router", on: ["Service"], values: GO_BOOL },
    ],
  },
  {
    key: KBGP.advertiseClusterIp,
    on: ["Service"],
    values: "true, false",
    effect: "Announce the Service's ClusterIPs or not, whatever `announce.cluster-ips` says.",
    aliases: [
      { key: KUBE_ROUTER.advertiseClusterIp, from: "kube-router", on: ["Service"], values: GO_BOOL },
      {
        key: KUBE_OVN_BGP,
        from: "kube-ovn",
        on: ["Service"],
        values: "true, yes, cluster, local: true; false, no: false",
      },
    ],
  },
  {
    key: KBGP.trafficPolicy,
    on: ["Service"],
    values: "local, spec",
    effect:
      "`local`: every IP of the Service (ClusterIPs too) is announced only from nodes with a ready endpoint " +
      "of it, as if both traffic policies were Local; `spec`: follow `spec.externalTrafficPolicy` and " +
      "`spec.internalTrafficPolicy` (the default).",
    aliases: [
      {
        key: KUBE_ROUTER.serviceLocal,
        from: "kube-router",
        on: ["Service"],
        values: `${GO_BOOL}; true: local`,
      },
      { key: KUBE_OVN_BGP, from: "kube-ovn", on: ["Service"], values: "local: local; other values: spec" },
    ],
  },
  {
    key: KBGP.communities,
    on: ["Service", "Node"],
    values: 'communities separated by commas or blanks: "65000:100", a 32-bit number, or a name (no-export…)',
    effect: "Added to the Service's routes; on a Node, to every route this node announces.",
    aliases: [{ key: KUBE_ROUTER.nodeCommunities, from: "kube-router", on: ["Node"], values: "the same" }],
  },
  {
    key: KBGP.largeCommunities,
    on: ["Service", "Node"],
    values: 'large communities separated by commas or blanks: "65000:1:2"',
    effect: "Added to the Service's routes; on a Node, to every route this node announces.",
    aliases: [],
  },
  {
    key: KBGP.localPref,
    on: ["Service"],
    values: "0 to 4294967295",
    effect: "LOCAL_PREF of the Service's routes (iBGP peers only; eBGP export drops it).",
    aliases: [],
  },
  {
    key: KBGP.asPathPrepend,
    on: ["Service", "Node"],
    values: "0 to 255",
    effect:
      "Prepend our AS that many times to the Service's routes; on a Node, to every route this node announces.",
    aliases: [
      {
        key: KUBE_ROUTER.prependAs,
        from: "kube-router",
        on: ["Node"],
        values: `with ${KUBE_ROUTER.prependRepeat}: prepend that AS (not necessarily ours) repeat-n (0 to 255) times`,
        with: [KUBE_ROUTER.prependRepeat],
      },
    ],
  },
  {
    key: KBGP.announce,
    on: ["Pod", "Namespace"],
    values: "cluster, local, none",
    effect:
      "Announce the Pod's IPs (a Namespace's: all its Pods'): `cluster` from every speaker, `local` only " +
      "from the node running the Pod, `none` not at all. A Pod's own setting beats its Namespace's.",
    aliases: [
      {
        key: KUBE_OVN_BGP,
        from: "kube-ovn",
        on: ["Pod", "Namespace"],
        values: "true, yes, cluster: cluster; local: local; false, no: none",
      },
    ],
  },
  {
    key: KBGP.asn,
    on: ["Node"],
    values: "an AS number, 1 to 4294967294 (not 23456)",
    effect:
      "The node's AS: this node's speaker runs in it, and the mesh joins only nodes in the same AS " +
      "(kube-router's per-ASN mesh). Without it, a node is in `global.asn`.",
    aliases: [{ key: KUBE_ROUTER.nodeAsn, from: "kube-router", on: ["Node"], values: "the same" }],
  },
  {
    key: KBGP.rrServer,
    on: ["Node"],
    values: "a cluster ID: a number (0 to 4294967295) or an IPv4 address",
    effect:
      "The node is a route reflector (RFC 4456) with that cluster ID: its mesh sessions to `rr-client` " +
      "nodes are to route-reflector clients. Beats `rr-client` when both are set.",
    aliases: [{ key: KUBE_ROUTER.rrServer, from: "kube-router", on: ["Node"], values: "the same" }],
  },
  {
    key: KBGP.rrClient,
    on: ["Node"],
    values: "a cluster ID, as `rr-server` (read, not used: a client needs none)",
    effect:
      "The node is a route-reflector client: it meshes only with `rr-server` nodes, and other non-server " +
      "nodes leave it out.",
    aliases: [{ key: KUBE_ROUTER.rrClient, from: "kube-router", on: ["Node"], values: "the same" }],
  },
  {
    key: KBGP.peers,
    on: ["Node"],
    values:
      "a YAML (or JSON) list of peers: `address`, `asn`, optional `port`, `local-address`, `password` " +
      "(base64, as kube-router: an annotation is not a secret)",
    effect: "External peers of this node, besides the configuration's `neighbors`.",
    aliases: [
      {
        key: KUBE_ROUTER.peers,
        from: "kube-router",
        on: ["Node"],
        values: "a YAML list: `remoteip`, `remoteasn`, optional `port`, `localip`, `password` (base64)",
      },
      {
        key: KUBE_ROUTER.peerIps,
        from: "kube-router",
        on: ["Node"],
        values:
          `addresses separated by commas, with ${KUBE_ROUTER.peerAsns} (as many AS numbers) and optionally ` +
          `${KUBE_ROUTER.peerPorts}, ${KUBE_ROUTER.peerPasswords} (base64), ${KUBE_ROUTER.peerLocalIps} ` +
          "(none, or one per address; a blank item takes the default)",
        with: [
          KUBE_ROUTER.peerAsns,
          KUBE_ROUTER.peerPorts,
          KUBE_ROUTER.peerPasswords,
          KUBE_ROUTER.peerLocalIps,
        ],
      },
    ],
  },
  {
    key: KBGP.importReject,
    on: ["Node"],
    values: "prefixes separated by commas or blanks",
    effect: "Routes inside these prefixes (the prefix and every longer one) are rejected from every peer.",
    aliases: [{ key: KUBE_ROUTER.customImportReject, from: "kube-router", on: ["Node"], values: "the same" }],
  },
  {
    key: KBGP.listenAddresses,
    on: ["Node"],
    values: "addresses separated by commas or blanks",
    effect: "Listen for BGP on these addresses instead of `global.listen.addresses`.",
    aliases: [{ key: KUBE_ROUTER.localAddresses, from: "kube-router", on: ["Node"], values: "the same" }],
  },
];

// -------------------------------------------------------------------------------------------- values

/** A value read from an annotation: `value` when usable (even partly: `error` then says what was left out),
 *  `error` alone when not. */
export interface Parsed<T> {
  readonly value?: T;
  readonly error?: string;
}

export const ok = <T>(value: T): Parsed<T> => ({ value });
export const bad = <T>(error: string): Parsed<T> => ({ error });

/** Ours: "true" or "false", in any case. */
export function parseBool(text: string): Parsed<boolean> {
  const t = text.trim().toLowerCase();
  if (t === "true") return ok(true);
  if (t === "false") return ok(false);
  return bad("is not true or false");
}

/** kube-router's, Go's strconv.ParseBool (kube-router reads an unparsable value as false; we report it). */
export function parseGoBool(text: string): Parsed<boolean> {
  if (["1", "t", "T", "TRUE", "true", "True"].includes(text)) return ok(true);
  if (["0", "f", "F", "FALSE", "false", "False"].includes(text)) return ok(false);
  return bad("is not a boolean (true, false, 1, 0, t, f)");
}

/** A decimal number in [min, max]. */
export function parseNumber(text: string, min: number, max: number): Parsed<number> {
  const t = text.trim();
  if (/^\d{1,10}$/.test(t)) {
    const n = Number(t);
    if (n >= min && n <= max) return ok(n);
  }
  return bad(`is not a number from ${min} to ${max}`);
}

/** kube-ovn's `ovn.kubernetes.io/bgp`. kube-ovn itself compares with "true", "cluster" and "local" only;
 *  "yes", "false" and "no" are read too, so that a Pod can say no to its Namespace's policy. */
export type OvnBgp = "cluster" | "local" | "none";
export function parseOvnBgp(text: string): Parsed<OvnBgp> {
  const t = text.trim().toLowerCase();
  if (t === "true" || t === "yes" || t === "cluster") return ok("cluster");
  if (t === "local") return ok("local");
  if (t === "false" || t === "no") return ok("none");
  return bad("is not true, yes, cluster, local, false or no");
}

export type AnnouncePolicy = "cluster" | "local" | "none";
export function parseAnnounce(text: string): Parsed<AnnouncePolicy> {
  const t = text.trim().toLowerCase();
  if (t === "cluster" || t === "local" || t === "none") return ok(t);
  return bad("is not cluster, local or none");
}

export type TrafficPolicy = "local" | "spec";
export function parseTrafficPolicy(text: string): Parsed<TrafficPolicy> {
  const t = text.trim().toLowerCase();
  if (t === "local" || t === "spec") return ok(t);
  return bad("is not local or spec");
}

/** The items of a list annotation: separated by commas and/or blanks. */
export const listItems = (text: string): string[] => text.split(/[\s,]+/).filter((s) => s !== "");

/** Each item read with `one`; the good ones kept (kube-router keeps the communities it can read and logs
 *  the others), the bad ones named in `error`. `what` is plural: "communities". */
export function parseList<T>(text: string, one: (item: string) => T | null, what: string): Parsed<T[]> {
  const good: T[] = [];
  const wrong: string[] = [];
  for (const item of listItems(text)) {
    const v = one(item);
    if (v === null) wrong.push(`'${item}'`);
    else good.push(v);
  }
  if (wrong.length === 0) return good.length ? ok(good) : bad(`holds no ${what}`);
  const error = `holds ${wrong.join(", ")}, not valid ${what}`;
  return good.length ? { value: good, error: `${error} (left out)` } : bad(error);
}

/** Names gobgp knows (WellKnownCommunityNameMap) that the IANA names of core/wire do not cover, so that
 *  kube-router's `node.bgp.communities` values read the same here. */
const GOBGP_COMMUNITY_NAMES: ReadonlyMap<string, number> = new Map([
  ["internet", 0],
  ["planned-shut", 0xffff0000],
  ["route-filter-translated-v4", 0xffff0002],
  ["route-filter-v4", 0xffff0003],
  ["route-filter-translated-v6", 0xffff0004],
  ["route-filter-v6", 0xffff0005],
]);

/** "65000:100", a 32-bit number, an IANA well-known name ("no-export") or one of gobgp's; null if none. */
export function parseCommunityText(text: string): number | null {
  return parseCommunity(text) ?? GOBGP_COMMUNITY_NAMES.get(text.toLowerCase()) ?? null;
}

export const parseCommunities = (text: string): Parsed<number[]> =>
  parseList(text, parseCommunityText, "communities");

export const parseLargeCommunities = (text: string): Parsed<LargeCommunity[]> =>
  parseList(text, parseLargeCommunity, "large communities");
