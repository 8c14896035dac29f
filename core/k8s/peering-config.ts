/**
 * The speaker's configuration with the cluster's peering applied: the configuration file's, plus the peers
 * the cluster asks for, under this node's AS, route-reflector cluster ID and listen addresses when its
 * annotations set them. The file's own neighbors always win over a peer from the cluster with the same
 * address. The speaker's `reconfigure` then touches only the sessions whose settings changed.
 */
import {
  DEFAULT_EBGP_MAX_PREFIX,
  MAX_PASSWORD_BYTES,
  type MaxPrefixConfig,
  type NeighborConfig,
  type SpeakerConfig,
} from "../config/types.js";
import type { DesiredPeer, ObjectProblem, Peering } from "./types.js";

export interface PeeringApplied {
  readonly config: SpeakerConfig;
  /** The peers from the cluster that are configured, in the order of `peering.peers`, each with the
   *  password its session uses (its own, else the template's). */
  readonly peers: readonly DesiredPeer[];
  /** Peers left out, and why. */
  readonly problems: readonly ObjectProblem[];
}

export function applyPeering(
  base: SpeakerConfig,
  peering: Peering | null,
  template: NeighborConfig,
  /** KubernetesConfig.peering.ebgpMaxPrefix: the group's max-prefix for eBGP peers, or the default. */
  ebgpMaxPrefix: MaxPrefixConfig | null = template.maxPrefix ?? DEFAULT_EBGP_MAX_PREFIX,
): PeeringApplied {
  if (!peering) return { config: base, peers: [], problems: [] };
  const problems: ObjectProblem[] = [];
  const reject = peering.importReject;
  const neighbors: NeighborConfig[] = base.neighbors.map((n) =>
    reject.length ? { ...n, importReject: [...n.importReject, ...reject] } : n,
  );
  const fromFile = new Set(base.neighbors.map((n) => n.address));
  const peers: DesiredPeer[] = [];
  const ourAs = peering.asn ?? base.global.asn;
  for (const p of peering.peers) {
    if (fromFile.has(p.address)) {
      problems.push({
        source: p.source,
        message: `peer ${p.address} (${p.reason}) is also in the configuration's neighbors; that one is used`,
      });
      continue;
    }
    // The peer's own password, else the template's (the configuration's kubernetes.peering).
    const password = p.password ?? template.password;
    if (password !== null && new TextEncoder().encode(password).length > MAX_PASSWORD_BYTES) {
      problems.push({
        source: p.source,
        message: `peer ${p.address}: its TCP MD5 password is longer than ${MAX_PASSWORD_BYTES} bytes; not peering`,
      });
      continue;
    }
    peers.push({ ...p, password });
    neighbors.push({
      ...template,
      address: p.address,
      description:
        p.kind === "mesh" ? `node ${p.source.name} (k8s mesh)` : `k8s peer of node ${p.source.name}`,
      peerAs: p.asn,
      port: p.port ?? base.global.port,
      localAddress: p.localAddress,
      password,
      families: p.families,
      nextHopIpv4: p.nextHopIpv4 ?? template.nextHopIpv4,
      nextHopIpv6: p.nextHopIpv6 ?? template.nextHopIpv6,
      routeReflectorClient: p.routeReflectorClient,
      // Each node announces its own routes to its routers; the others' would draw their traffic through it.
      learnedToEbgp: p.kind !== "mesh",
      importReject: [...template.importReject, ...reject],
      // The template is resolved as an internal neighbor; one in another AS gets the eBGP limit.
      maxPrefix: p.asn !== ourAs ? ebgpMaxPrefix : template.maxPrefix,
    });
  }
  const server = peering.routeReflector?.role === "server" ? peering.routeReflector.clusterId : null;
  return {
    config: {
      ...base,
      global: {
        ...base.global,
        asn: ourAs,
        clusterId: server ?? base.global.clusterId,
        listenAddresses: peering.listenAddresses ?? base.global.listenAddresses,
      },
      neighbors,
    },
    peers,
    problems,
  };
}
