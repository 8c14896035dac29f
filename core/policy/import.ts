/**
 * Import policy: whether a received path may enter Loc-RIB, and if not, why (shown by `kbgp neighbor X
 * filtered`). The checks are the protocol's own loop and sanity rules plus the neighbor's reject list.
 */
import type { PrefixFilter } from "../config/types.js";
import type { Keyed } from "../rib/prefix-map.js";
import { type AttrSet, findAttribute } from "../wire/attr-set.js";
import { asPathContains, neighborAs } from "../wire/attributes/as-path.js";
import { AttrType } from "../wire/constants.js";
import { formatIpv4Number } from "../wire/ip.js";
import { formatPrefix } from "../wire/prefix.js";
import { firstMatch } from "./prefix-filter.js";

export interface ImportPeer {
  readonly localAs: number;
  readonly routerId: number;
  readonly clusterId: number;
  readonly ebgp: boolean;
  readonly peerAs: number;
  readonly importReject: readonly PrefixFilter[];
}

const clusterListHas = (b: Uint8Array, at: [number, number], id: number) => {
  for (let i = at[0]; i + 3 < at[1]; i += 4)
    if (((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0 === id) return true;
  return false;
};

/** Why import rejects the path, or null to accept it. `nextHop` is the MP next hop if any. */
export function importReason(
  peer: ImportPeer,
  key: Keyed,
  attrs: AttrSet,
  nextHop: Uint8Array | null,
): string | null {
  return pathReason(peer, attrs, nextHop) ?? prefixReason(peer, key);
}

/**
 * The checks that read the path alone — the same for every prefix of an UPDATE, so a caller holding many
 * prefixes with one path asks once (`importReason` is this, then `prefixReason`).
 */
export function pathReason(peer: ImportPeer, attrs: AttrSet, nextHop: Uint8Array | null): string | null {
  const b = attrs.bytes;
  const path = findAttribute(b, AttrType.AS_PATH);
  // RFC 4271 §9.1.2: a path that already contains our AS is a loop.
  if (path && asPathContains(b, path[0], path[1], peer.localAs))
    return `AS loop: AS ${peer.localAs} in AS_PATH`;
  // RFC 4271 §6.3 / RFC 7606 §7.2: an external peer must be the first AS of the path.
  if (peer.ebgp) {
    const first = path ? neighborAs(b, path[0], path[1]) : 0;
    if (first !== peer.peerAs) return `first AS ${first} is not the peer's AS ${peer.peerAs}`;
  }
  // RFC 4456 §8: our own reflected routes coming back.
  if (attrs.originatorId >= 0 && attrs.originatorId === peer.routerId)
    return "ORIGINATOR_ID is our router ID";
  if (attrs.clusterListLength > 0) {
    const cl = findAttribute(b, AttrType.CLUSTER_LIST);
    if (cl && clusterListHas(b, cl, peer.clusterId)) return "CLUSTER_LIST contains our cluster ID";
  }
  // RFC 4271 §6.3: a semantically wrong next hop makes the route unusable (logged, no NOTIFICATION). An
  // IPv4 next hop in MP_REACH_NLRI is no different (RFC 4760 §3): BIRD sends every IPv4 route that way once
  // extended next hop (RFC 8950) is negotiated.
  const nh =
    nextHop === null
      ? attrs.nextHop
      : nextHop.length === 4
        ? ((nextHop[0] << 24) | (nextHop[1] << 16) | (nextHop[2] << 8) | nextHop[3]) >>> 0
        : -1;
  if (nh >= 0 && (nh === 0 || nh >>> 28 === 0xe || nh >>> 28 === 0xf))
    return `unusable next hop ${formatIpv4Number(nh)}`;
  return null;
}

/** The check that reads the prefix alone: the neighbor's reject list. */
export function prefixReason(peer: ImportPeer, key: Keyed): string | null {
  if (peer.importReject.length === 0) return null;
  const reject = firstMatch(peer.importReject, key);
  if (reject) {
    const range =
      reject.ge === reject.prefix.length && reject.le === reject.prefix.length
        ? ""
        : ` ge ${reject.ge} le ${reject.le}`;
    return `import-reject ${formatPrefix(reject.prefix)}${range}`;
  }
  return null;
}
