/**
 * What one object's annotations ask for, each setting read from the keys annotations.ts lists for it, in
 * its order (ours first, then the aliases). The keys come from that table, so a key cannot be read here
 * without being documented there, and a parser missing for a listed key fails at load, in every test.
 */
import type { PrefixFilter } from "../config/types.js";
import type { LargeCommunity } from "../wire/attributes/communities.js";
import {
  ANNOTATIONS,
  type AnnotatedKind,
  type AnnouncePolicy,
  KBGP,
  KUBE_OVN_BGP,
  KUBE_ROUTER,
  type Parsed,
  parseAnnounce,
  parseBool,
  parseCommunities,
  parseGoBool,
  parseLargeCommunities,
  parseNumber,
  parseOvnBgp,
  parseTrafficPolicy,
  type TrafficPolicy,
} from "./annotations.js";
import {
  type AnnotatedPeer,
  parseAddresses,
  parseAsn,
  parseClusterId,
  parseImportReject,
  parseKubeRouterPeerLists,
  parseKubeRouterPeers,
  parsePeers,
} from "./peer-annotations.js";

export type Annotations = Readonly<Record<string, string>>;

/** How one key's value is read; `all` gives the other annotations, for keys that come in pairs. */
type Parse<T> = (value: string, all: Annotations) => Parsed<T>;

interface Lookup<T> {
  readonly key: string;
  readonly parse: Parse<T>;
}

/** A setting's value, and the annotation that decided it (for the route's reason). */
export interface Decided<T> {
  readonly value: T;
  readonly key: string;
  readonly text: string;
}

/** Times to prepend an AS; `asn` null is ours. */
export interface Prepend {
  readonly asn: number | null;
  readonly count: number;
}

/** The keys read for `ours` on `kind`, in precedence order, each with its parser from `parsers`. */
function lookups<T>(
  ours: string,
  kind: AnnotatedKind,
  parsers: Readonly<Record<string, Parse<T>>>,
): Lookup<T>[] {
  const entry = ANNOTATIONS.find((a) => a.key === ours);
  if (!entry?.on.includes(kind)) throw new Error(`${ours} is not in the annotation table for ${kind}`);
  const keys = [ours, ...entry.aliases.filter((a) => a.on.includes(kind)).map((a) => a.key)];
  return keys.map((key) => {
    const parse = parsers[key];
    if (!parse) throw new Error(`no parser for ${key} (${ours} on ${kind})`);
    return { key, parse };
  });
}

/** The first key present whose value reads; a value that does not read is reported and skipped. */
function read<T>(
  annotations: Annotations | undefined,
  keys: readonly Lookup<T>[],
  report: (message: string) => void,
): Decided<T> | null {
  if (!annotations) return null;
  for (const { key, parse } of keys) {
    const text = annotations[key];
    if (text === undefined) continue;
    const p = parse(text, annotations);
    if (p.error !== undefined) report(`annotation ${key}: '${text}' ${p.error}`);
    if (p.value !== undefined) return { value: p.value, key, text };
  }
  return null;
}

const goBool: Parse<boolean> = (v) => parseGoBool(v);
const count = (v: string): Parsed<Prepend> => {
  const n = parseNumber(v, 0, 255);
  return n.value === undefined ? { error: n.error } : { value: { asn: null, count: n.value } };
};

/** kube-router's pair: `path-prepend.as` read together with `path-prepend.repeat-n`; kube-router refuses
 *  one without the other ("both … must be set"). */
const kubeRouterPrepend: Parse<Prepend> = (asText, all) => {
  const repeatText = all[KUBE_ROUTER.prependRepeat];
  if (repeatText === undefined) return { error: `needs ${KUBE_ROUTER.prependRepeat} as well` };
  const asn = parseNumber(asText, 0, 0xffffffff);
  if (asn.value === undefined) return { error: "is not an AS number" };
  const n = parseNumber(repeatText, 0, 255);
  if (n.value === undefined)
    return { error: `with ${KUBE_ROUTER.prependRepeat} '${repeatText}', which ${n.error}` };
  return { value: { asn: asn.value, count: n.value } };
};

const SERVICE = {
  advertiseLoadBalancerIp: lookups<boolean>(KBGP.advertiseLoadBalancerIp, "Service", {
    [KBGP.advertiseLoadBalancerIp]: parseBool,
    // kube-router skips the LB IPs whenever the key is there, whatever its value.
    [KUBE_ROUTER.skipLbIps]: () => ({ value: false }),
    [KUBE_ROUTER.advertiseLoadBalancerIp]: goBool,
  }),
  advertiseExternalIp: lookups<boolean>(KBGP.advertiseExternalIp, "Service", {
    [KBGP.advertiseExternalIp]: parseBool,
    [KUBE_ROUTER.advertiseExternalIp]: goBool,
  }),
  advertiseClusterIp: lookups<boolean>(KBGP.advertiseClusterIp, "Service", {
    [KBGP.advertiseClusterIp]: parseBool,
    [KUBE_ROUTER.advertiseClusterIp]: goBool,
    [KUBE_OVN_BGP]: (v) => {
      const p = parseOvnBgp(v);
      return p.value === undefined ? { error: p.error } : { value: p.value !== "none" };
    },
  }),
  trafficPolicy: lookups<TrafficPolicy>(KBGP.trafficPolicy, "Service", {
    [KBGP.trafficPolicy]: parseTrafficPolicy,
    [KUBE_ROUTER.serviceLocal]: (v) => {
      const p = parseGoBool(v);
      return p.value === undefined ? { error: p.error } : { value: p.value ? "local" : "spec" };
    },
    [KUBE_OVN_BGP]: (v) => {
      const p = parseOvnBgp(v);
      return p.value === undefined ? { error: p.error } : { value: p.value === "local" ? "local" : "spec" };
    },
  }),
  communities: lookups<number[]>(KBGP.communities, "Service", { [KBGP.communities]: parseCommunities }),
  largeCommunities: lookups<LargeCommunity[]>(KBGP.largeCommunities, "Service", {
    [KBGP.largeCommunities]: parseLargeCommunities,
  }),
  localPref: lookups<number>(KBGP.localPref, "Service", {
    [KBGP.localPref]: (v) => parseNumber(v, 0, 0xffffffff),
  }),
  prepend: lookups<Prepend>(KBGP.asPathPrepend, "Service", { [KBGP.asPathPrepend]: count }),
};

const NODE = {
  communities: lookups<number[]>(KBGP.communities, "Node", {
    [KBGP.communities]: parseCommunities,
    [KUBE_ROUTER.nodeCommunities]: parseCommunities,
  }),
  largeCommunities: lookups<LargeCommunity[]>(KBGP.largeCommunities, "Node", {
    [KBGP.largeCommunities]: parseLargeCommunities,
  }),
  prepend: lookups<Prepend>(KBGP.asPathPrepend, "Node", {
    [KBGP.asPathPrepend]: count,
    [KUBE_ROUTER.prependAs]: kubeRouterPrepend,
  }),
};

/** A Node's peering keys (docs/kubernetes.md, "Peering"). */
const PEERING = {
  asn: lookups<number>(KBGP.asn, "Node", { [KBGP.asn]: parseAsn, [KUBE_ROUTER.nodeAsn]: parseAsn }),
  rrServer: lookups<number>(KBGP.rrServer, "Node", {
    [KBGP.rrServer]: parseClusterId,
    [KUBE_ROUTER.rrServer]: parseClusterId,
  }),
  rrClient: lookups<number>(KBGP.rrClient, "Node", {
    [KBGP.rrClient]: parseClusterId,
    [KUBE_ROUTER.rrClient]: parseClusterId,
  }),
  peers: lookups<AnnotatedPeer[]>(KBGP.peers, "Node", {
    [KBGP.peers]: parsePeers,
    [KUBE_ROUTER.peers]: parseKubeRouterPeers,
    [KUBE_ROUTER.peerIps]: parseKubeRouterPeerLists,
  }),
  importReject: lookups<PrefixFilter[]>(KBGP.importReject, "Node", {
    [KBGP.importReject]: parseImportReject,
    [KUBE_ROUTER.customImportReject]: parseImportReject,
  }),
  listenAddresses: lookups<string[]>(KBGP.listenAddresses, "Node", {
    [KBGP.listenAddresses]: parseAddresses,
    [KUBE_ROUTER.localAddresses]: parseAddresses,
  }),
};

const announce = (kind: "Pod" | "Namespace") =>
  lookups<AnnouncePolicy>(KBGP.announce, kind, {
    [KBGP.announce]: parseAnnounce,
    [KUBE_OVN_BGP]: parseOvnBgp,
  });
const POD_ANNOUNCE = announce("Pod");
const NAMESPACE_ANNOUNCE = announce("Namespace");

/** Attributes an object's annotations add to its routes. */
export interface AnnotatedAttributes {
  readonly communities: readonly number[];
  readonly largeCommunities: readonly LargeCommunity[];
  readonly localPref: number | null;
  readonly prepend: Prepend | null;
}

export interface ServiceSettings extends AnnotatedAttributes {
  readonly advertiseLoadBalancerIp: Decided<boolean> | null;
  readonly advertiseExternalIp: Decided<boolean> | null;
  readonly advertiseClusterIp: Decided<boolean> | null;
  readonly trafficPolicy: Decided<TrafficPolicy> | null;
}

export function readServiceSettings(
  a: Annotations | undefined,
  report: (m: string) => void,
): ServiceSettings {
  return {
    advertiseLoadBalancerIp: read(a, SERVICE.advertiseLoadBalancerIp, report),
    advertiseExternalIp: read(a, SERVICE.advertiseExternalIp, report),
    advertiseClusterIp: read(a, SERVICE.advertiseClusterIp, report),
    trafficPolicy: read(a, SERVICE.trafficPolicy, report),
    communities: read(a, SERVICE.communities, report)?.value ?? [],
    largeCommunities: read(a, SERVICE.largeCommunities, report)?.value ?? [],
    localPref: read(a, SERVICE.localPref, report)?.value ?? null,
    prepend: read(a, SERVICE.prepend, report)?.value ?? null,
  };
}

export function readNodeAttributes(
  a: Annotations | undefined,
  report: (m: string) => void,
): AnnotatedAttributes {
  if (a && a[KUBE_ROUTER.prependRepeat] !== undefined && a[KUBE_ROUTER.prependAs] === undefined)
    report(`annotation ${KUBE_ROUTER.prependRepeat} is ignored without ${KUBE_ROUTER.prependAs}`);
  return {
    communities: read(a, NODE.communities, report)?.value ?? [],
    largeCommunities: read(a, NODE.largeCommunities, report)?.value ?? [],
    localPref: null,
    prepend: read(a, NODE.prepend, report)?.value ?? null,
  };
}

/** What a Node's annotations say about its speaker's role in the mesh: read on every node. */
export interface MeshSettings {
  readonly asn: Decided<number> | null;
  readonly rrServer: Decided<number> | null;
  readonly rrClient: Decided<number> | null;
}

export function readMeshSettings(a: Annotations | undefined, report: (m: string) => void): MeshSettings {
  const rrServer = read(a, PEERING.rrServer, report);
  return {
    asn: read(a, PEERING.asn, report),
    rrServer,
    // A server is not also a client (kube-router: rr.server wins).
    rrClient: rrServer ? null : read(a, PEERING.rrClient, report),
  };
}

/** The rest of this node's peering annotations. */
export interface NodePeeringSettings {
  readonly peers: Decided<AnnotatedPeer[]> | null;
  readonly importReject: Decided<PrefixFilter[]> | null;
  readonly listenAddresses: Decided<string[]> | null;
}

export function readNodePeering(
  a: Annotations | undefined,
  report: (m: string) => void,
): NodePeeringSettings {
  return {
    peers: read(a, PEERING.peers, report),
    importReject: read(a, PEERING.importReject, report),
    listenAddresses: read(a, PEERING.listenAddresses, report),
  };
}

export const readPodAnnounce = (a: Annotations | undefined, report: (m: string) => void) =>
  read(a, POD_ANNOUNCE, report);
export const readNamespaceAnnounce = (a: Annotations | undefined, report: (m: string) => void) =>
  read(a, NAMESPACE_ANNOUNCE, report);

/** Every key the readers above consult, with the kind it is read on (for the docs test). */
export function keysRead(): { key: string; kind: AnnotatedKind }[] {
  const out: { key: string; kind: AnnotatedKind }[] = [];
  const add = (kind: AnnotatedKind, ls: readonly Lookup<unknown>[]) => {
    for (const l of ls) out.push({ key: l.key, kind });
  };
  for (const ls of Object.values(SERVICE)) add("Service", ls as readonly Lookup<unknown>[]);
  for (const ls of Object.values(NODE)) add("Node", ls as readonly Lookup<unknown>[]);
  for (const ls of Object.values(PEERING)) add("Node", ls as readonly Lookup<unknown>[]);
  add("Pod", POD_ANNOUNCE);
  add("Namespace", NAMESPACE_ANNOUNCE);
  return out;
}
