/**
 * Peering from the cluster (docs/kubernetes.md, "Peering"): the Node objects in, this node's speaker
 * settings and peers out. As kube-router does it, with its annotations read as aliases:
 *
 * - Node mesh: iBGP with every other node in our AS, between the nodes' primary addresses (sessions from
 *   ours, so the other side recognises the source). A node's AS is its `kbgp.io/asn` annotation, else
 *   `global.asn`; so nodes annotated with different ASes form one mesh per AS (kube-router's per-ASN mesh).
 * - Route reflection (RFC 4456): an `rr-server` node reflects to `rr-client` nodes; a client meshes only with
 *   servers. Unlike kube-router, a node that is neither leaves clients out too, since a client never
 *   configures it and the session could never come up.
 * - External peers of this node from its annotations (`kbgp.io/peers`, kube-router's lists), from our
 *   address of the peer's family.
 *
 * Pure and total: a bad annotation is a problem on its Node, never an exception; the result is sorted, so
 * it does not depend on the order the informers list Nodes in.
 */
import { IPV4_UNICAST, IPV6_UNICAST } from "../wire/constants.js";
import { addressOrder } from "../wire/ip.js";
import { type MeshSettings, readMeshSettings, readNodePeering } from "./annotation-settings.js";
import { Problems } from "./candidates.js";
import { isIpv4Text, type NodeAddresses, nodeAddresses } from "./node-addresses.js";
import type { DesiredPeer, Node, Peering, PeeringConfig, RouteSource } from "./types.js";

const NONE: MeshSettings = { asn: null, rrServer: null, rrClient: null };

const nodeSource = (name: string): RouteSource => ({ kind: "Node", namespace: null, name });

const byName = (a: Node, b: Node): number => {
  const x = a.metadata?.name ?? "";
  const y = b.metadata?.name ?? "";
  return x < y ? -1 : x > y ? 1 : 0;
};

const selected = (n: Node, selector: PeeringConfig["nodeSelector"]): boolean =>
  Object.entries(selector).every(([k, v]) => n.metadata?.labels?.[k] === v);

export function derivePeering(
  nodes: Iterable<Node>,
  nodeName: string,
  config: PeeringConfig,
  /** `global.asn` of the configuration: the AS of every node without an AS annotation. */
  clusterAsn: number,
): Peering {
  const problems = new Problems();
  const all = [...nodes];
  const self = all.find((n) => n.metadata?.name === nodeName);
  const selfSource = nodeSource(nodeName);
  const annotations = config.nodeAnnotations;
  const mine = annotations ? readMeshSettings(self?.metadata?.annotations, problems.for(selfSource)) : NONE;
  const asn = mine.asn?.value ?? clusterAsn;
  const role = mine.rrServer ? "server" : mine.rrClient ? "client" : null;
  const own = readNodePeering(
    annotations ? self?.metadata?.annotations : undefined,
    problems.for(selfSource),
  );
  const addrs = nodeAddresses(self);
  const peers: DesiredPeer[] = [];

  if (self && config.mesh) {
    if (!addrs.primary) problems.add(selfSource, "no InternalIP or ExternalIP address: not in the node mesh");
    // By name, so that of two nodes claiming one address the same one wins whatever the listing order.
    else
      for (const n of [...all].sort(byName)) {
        const name = n.metadata?.name;
        if (!name || name === nodeName || !selected(n, config.nodeSelector)) continue;
        const source = nodeSource(name);
        const theirs = annotations ? readMeshSettings(n.metadata?.annotations, problems.for(source)) : NONE;
        if ((theirs.asn?.value ?? clusterAsn) !== asn) continue;
        if (role === "client" && !theirs.rrServer) continue;
        if (role !== "server" && theirs.rrClient) continue;
        const them = nodeAddresses(n);
        const address = isIpv4Text(addrs.primary) ? them.ipv4 : them.ipv6;
        if (!address) {
          problems.add(
            source,
            `no ${isIpv4Text(addrs.primary) ? "IPv4" : "IPv6"} address: not in the node mesh`,
          );
          continue;
        }
        if (addrs.all.has(address)) {
          problems.add(source, `has this node's address ${address}: not in the node mesh`);
          continue;
        }
        const client = role === "server" && theirs.rrClient !== null;
        peers.push({
          ...session(address, addrs.primary, addrs, config),
          asn,
          port: null,
          password: null,
          routeReflectorClient: client,
          kind: "mesh",
          source,
          reason: `node mesh, AS ${asn}${client ? `; route-reflector client (${theirs.rrClient!.key} on it)` : ""}`,
        });
      }
  }

  for (const p of own.peers?.value ?? []) {
    const local = p.localAddress ?? (isIpv4Text(p.address) ? addrs.ipv4 : addrs.ipv6);
    if (local && isIpv4Text(local) !== isIpv4Text(p.address)) {
      problems.add(
        selfSource,
        `peer ${p.address}: local address ${local} is of the other IP family; not peering`,
      );
      continue;
    }
    if (addrs.all.has(p.address)) {
      problems.add(selfSource, `peer ${p.address} is this node's own address; not peering`);
      continue;
    }
    peers.push({
      ...session(p.address, local, addrs, config),
      asn: p.asn,
      port: p.port,
      password: p.password,
      routeReflectorClient: false,
      kind: "node-annotation",
      source: selfSource,
      reason: `annotation ${own.peers!.key}`,
    });
  }

  return {
    asn: mine.asn?.value ?? null,
    routeReflector: role && {
      role,
      clusterId: (role === "server" ? mine.rrServer : mine.rrClient)?.value ?? null,
    },
    listenAddresses: own.listenAddresses?.value ?? null,
    importReject: own.importReject?.value ?? [],
    peers: unique(peers, problems),
    problems: problems.sorted(),
  };
}

/** Address, local address, families and next hops of a session from this node (`local` null: the system
 *  picks the source address). */
function session(
  address: string,
  local: string | null,
  addrs: NodeAddresses,
  config: PeeringConfig,
): Pick<DesiredPeer, "address" | "localAddress" | "families" | "nextHopIpv4" | "nextHopIpv6"> {
  // Families this node has an address (a next hop) for; MP-BGP negotiates them with the peer.
  const families = config.template.families.filter(
    (f) => (f === IPV4_UNICAST && addrs.ipv4) || (f === IPV6_UNICAST && addrs.ipv6),
  );
  const v4 = isIpv4Text(address);
  return {
    address,
    localAddress: local,
    families: families.length ? families : [v4 ? IPV4_UNICAST : IPV6_UNICAST],
    // The session's own address family takes its next hop from the session (`self`); the other one needs
    // this node's address of that family.
    nextHopIpv4: v4 ? null : addrs.ipv4,
    nextHopIpv6: v4 ? addrs.ipv6 : null,
  };
}

/** One peer per address: an external peer from this node's annotation beats a node of the mesh (it is the
 *  more specific wish), and the clash is reported. */
function unique(peers: DesiredPeer[], problems: Problems): DesiredPeer[] {
  const by = new Map<string, DesiredPeer>();
  for (const p of peers.sort((a, b) => (a.kind === b.kind ? 0 : a.kind === "node-annotation" ? -1 : 1))) {
    const first = by.get(p.address);
    if (!first) by.set(p.address, p);
    else
      problems.add(
        p.source,
        `peer ${p.address} (${p.reason}) is also ${first.kind === "mesh" ? `node ${first.source.name}` : `listed by ${first.reason}`}; that one is used`,
      );
  }
  return [...by.values()].sort((a, b) => addressOrder(a.address, b.address));
}
