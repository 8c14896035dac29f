/**
 * Export policy: whether a Loc-RIB best path goes to a peer (RFC 4271 §9.1.3, RFC 4456 §6, RFC 1997
 * well-known communities, split horizon), and the attributes and next hop it carries there (RFC 4271
 * §5.1: AS_PATH prepend and next hop self on eBGP, LOCAL_PREF only inside the AS, MED not passed between
 * ASes; RFC 4456 §8 ORIGINATOR_ID and CLUSTER_LIST when reflecting). Attribute bytes are cached per
 * (source attribute set, source, family), so a full table shares few encodings.
 */

import type { Exported } from "../rib/adj-rib-out.js";
import { DEFAULT_LOCAL_PREF } from "../rib/best-path.js";
import type { Path, PathSource } from "../rib/path.js";
import type { AttrSet } from "../wire/attr-set.js";
import type { AsPathSegment } from "../wire/attributes/as-path.js";
import {
  COMMUNITY_NO_ADVERTISE,
  COMMUNITY_NO_EXPORT,
  COMMUNITY_NO_EXPORT_SUBCONFED,
  type LargeCommunity,
} from "../wire/attributes/communities.js";
import type { PathAttributes } from "../wire/attributes/decode.js";
import { encodeAttributes } from "../wire/attributes/encode.js";
import { IPV4_UNICAST, IPV6_UNICAST, SegmentType } from "../wire/constants.js";
import { formatIpv4, formatIpv4Number } from "../wire/ip.js";

export interface ExportTarget {
  /** The neighbor address: routes learned from it are not sent back. */
  readonly id: string;
  readonly ebgp: boolean;
  /** This peer is our route-reflector client. */
  readonly rrClient: boolean;
  readonly localAs: number;
  readonly routerId: number;
  readonly clusterId: number;
  /** RFC 6793 negotiated; otherwise AS numbers go out in 2 octets with AS4_PATH. */
  readonly as4: boolean;
  readonly prepend: number;
  readonly nextHopSelf: boolean;
  readonly communities: readonly number[];
  readonly largeCommunities: readonly LargeCommunity[];
  /** "Self" next hops: IPv4 as text, IPv6 as 16 bytes; null when the session offers none. */
  readonly selfV4: string | null;
  readonly selfV6: Uint8Array | null;
  /** The peer accepts IPv4 routes with an IPv6 next hop (RFC 8950). */
  readonly extendedNextHopV4: boolean;
}

export interface ExportResult {
  readonly exported: Exported;
  /** MP_REACH_NLRI next hop; null for IPv4 in the classic fields (NEXT_HOP is in `exported`). */
  readonly nextHop: Uint8Array | null;
}

/** Why the path is not for this peer, or null. */
export function exportBlocked(t: ExportTarget, path: Path): string | null {
  if (path.source.id === t.id) return "learned from this peer";
  const attrs = path.attrs.decoded();
  const comms = attrs.communities;
  if (comms) {
    if (comms.includes(COMMUNITY_NO_ADVERTISE)) return "NO_ADVERTISE";
    if (t.ebgp && (comms.includes(COMMUNITY_NO_EXPORT) || comms.includes(COMMUNITY_NO_EXPORT_SUBCONFED))) {
      return comms.includes(COMMUNITY_NO_EXPORT) ? "NO_EXPORT" : "NO_EXPORT_SUBCONFED";
    }
  }
  return sourceBlocked(t, path.source);
}

/** Why no path from `source` goes to this peer whatever its attributes, or null. The speaker asks this
 *  before marking a change for a session: iBGP peers without reflection skip each other's tables. */
export function sourceBlocked(t: Pick<ExportTarget, "id" | "ebgp" | "rrClient">, source: PathSource) {
  if (source.id === t.id) return "learned from this peer";
  if (t.ebgp && source.learnedToEbgp === false) return "learned from a neighbor whose routes stay off eBGP";
  // RFC 4456 §6: a reflector passes client routes to everyone and non-client routes to clients only;
  // without reflection, iBGP-learned routes never go to iBGP peers (RFC 4271 §9.2.1).
  if (!t.ebgp && !source.local && !source.ebgp && !source.rrClient && !t.rrClient)
    return "iBGP-learned route to an iBGP peer";
  return null;
}

/** The next hop to send: classic IPv4 text, or MP bytes; a string starting with "!" explains why none. */
function chooseNextHop(
  t: ExportTarget,
  family: number,
  path: Path,
): { v4: string | null; mp: Uint8Array | null } | string {
  // Next hop unchanged inside the AS for learned routes (RFC 4271 §5.1.3); a local route keeps the next hop
  // it was configured with wherever it goes.
  const keep = path.source.local || (!t.ebgp && !t.nextHopSelf);
  if (family === IPV4_UNICAST) {
    if (keep && path.nextHop === null && path.attrs.nextHop >= 0)
      return { v4: formatIpv4Number(path.attrs.nextHop), mp: null };
    if (keep && path.nextHop && path.nextHop.length === 4) return { v4: formatIpv4(path.nextHop), mp: null };
    if (keep && path.nextHop && t.extendedNextHopV4) return { v4: null, mp: path.nextHop };
    if (t.selfV4) return { v4: t.selfV4, mp: null };
    if (t.extendedNextHopV4 && t.selfV6) return { v4: null, mp: t.selfV6 };
    return "!no IPv4 next hop for this session (set next-hop.ipv4)";
  }
  if (family === IPV6_UNICAST) {
    if (keep && path.nextHop && path.nextHop.length >= 16) return { v4: null, mp: path.nextHop };
    if (t.selfV6) return { v4: null, mp: t.selfV6 };
    return "!no IPv6 next hop for this session (set next-hop.ipv6)";
  }
  return `!family ${family} is not exported`;
}

function prependAs(path: readonly AsPathSegment[] | undefined, asn: number, times: number): AsPathSegment[] {
  // Confederation segments stay inside the confederation (RFC 5065 §5.3): an eBGP export drops them.
  const rest = (path ?? []).filter(
    (s) => s.type === SegmentType.AS_SEQUENCE || s.type === SegmentType.AS_SET,
  );
  const ours = new Array<number>(times).fill(asn);
  if (rest[0]?.type === SegmentType.AS_SEQUENCE)
    return [{ type: SegmentType.AS_SEQUENCE, asns: [...ours, ...rest[0].asns] }, ...rest.slice(1)];
  return [{ type: SegmentType.AS_SEQUENCE, asns: ours }, ...rest];
}

/** The attributes as they go to `t` (without the next hop, which is per family). */
function exportAttributes(t: ExportTarget, path: Path): PathAttributes {
  const { nextHop: _, localPref, med, originatorId, clusterList, asPath, ...kept } = path.attrs.decoded();
  const out: PathAttributes = kept;
  if (t.ebgp) {
    out.asPath = prependAs(asPath, t.localAs, 1 + t.prepend);
    // LOCAL_PREF stays inside the AS (RFC 4271 §5.1.5); a MED from another AS is not passed on
    // (§5.1.4), our own routes keep theirs; ORIGINATOR_ID/CLUSTER_LIST stay inside too (RFC 4456 §8).
    if (path.source.local && med !== undefined) out.med = med;
  } else {
    out.asPath = asPath ?? [];
    out.localPref = localPref ?? DEFAULT_LOCAL_PREF;
    if (med !== undefined) out.med = med;
    if (!path.source.local && !path.source.ebgp) {
      // RFC 4456 §8: reflecting an iBGP route records its originator and our cluster.
      out.originatorId = originatorId ?? formatIpv4Number(path.source.routerId);
      out.clusterList = [formatIpv4Number(t.clusterId), ...(clusterList ?? [])];
    }
  }
  if (t.communities.length) out.communities = [...new Set([...(out.communities ?? []), ...t.communities])];
  if (t.largeCommunities.length) {
    const seen = new Set((out.largeCommunities ?? []).map((c) => c.join(":")));
    out.largeCommunities = [
      ...(out.largeCommunities ?? []),
      ...t.largeCommunities.filter((c) => !seen.has(c.join(":"))),
    ];
  }
  return out;
}

/** Exports for one target, with the attribute encodings cached. */
export class Exporter {
  private cache = new WeakMap<AttrSet, Map<string, Exported>>();

  constructor(readonly target: ExportTarget) {}

  /** The route to send for `path`, or the reason it is not sent. */
  export(family: number, path: Path): ExportResult | string {
    const blocked = exportBlocked(this.target, path);
    if (blocked) return blocked;
    const nh = chooseNextHop(this.target, family, path);
    if (typeof nh === "string") return nh.slice(1);
    const key = `${path.source.id}|${nh.v4 ?? ""}`;
    let bySource = this.cache.get(path.attrs);
    if (!bySource) this.cache.set(path.attrs, (bySource = new Map()));
    let exported = bySource.get(key);
    if (!exported) {
      const attrs = exportAttributes(this.target, path);
      if (nh.v4) attrs.nextHop = nh.v4;
      exported = { bytes: encodeAttributes(attrs, { asSize: this.target.as4 ? 4 : 2, propagate: true }) };
      bySource.set(key, exported);
    }
    return { exported, nextHop: nh.mp };
  }
}
