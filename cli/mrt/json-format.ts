/**
 * `kbgp mrt dump -j`: one JSON object per route or state change, with addresses in RFC 5952 form and
 * attributes as named fields (absent attributes are absent keys). Documented in docs/mrt.md.
 */
import type { MrtItem, RibPath } from "../../core/mrt/index.js";
import {
  type AttrSet,
  formatAsPath,
  formatCommunity,
  formatExtCommunity,
  formatIp,
  formatLargeCommunity,
  formatPrefix,
  type NlriList,
  nlriPrefixes,
  ORIGIN_NAMES,
} from "../../core/wire/index.js";

export const MRT_JSON_VERSION = 1;

type Json = Record<string, unknown>;

function attributeFields(set: AttrSet | null, nextHop: string | null): Json {
  const o: Json = {};
  if (!set) return nextHop ? { nextHop } : o;
  const a = set.decoded();
  if (a.asPath) o.asPath = formatAsPath(a.asPath);
  if (a.origin !== undefined) o.origin = ORIGIN_NAMES[a.origin];
  const nh = nextHop ?? a.nextHop;
  if (nh) o.nextHop = nh;
  if (a.localPref !== undefined) o.localPref = a.localPref;
  if (a.med !== undefined) o.med = a.med;
  if (a.communities) o.communities = a.communities.map(formatCommunity);
  if (a.largeCommunities) o.largeCommunities = a.largeCommunities.map(formatLargeCommunity);
  if (a.extCommunities) o.extCommunities = a.extCommunities.map(formatExtCommunity);
  if (a.atomicAggregate) o.atomicAggregate = true;
  if (a.aggregator) o.aggregator = a.aggregator;
  if (a.originatorId) o.originatorId = a.originatorId;
  if (a.clusterList) o.clusterList = a.clusterList;
  return o;
}

/** IPv6 MP next hops may carry a link-local address after the global one (RFC 2545 §3). */
function mpNextHop(nh: Uint8Array | null): string | null {
  if (!nh || (nh.length !== 4 && nh.length !== 16 && nh.length !== 32)) return null;
  return formatIp(nh, 0, nh.length === 4 ? 4 : 16);
}

function base(item: MrtItem): Json {
  const r = item.record;
  return {
    kbgpJson: MRT_JSON_VERSION,
    time: r.timestamp,
    ...(r.microseconds >= 0 ? { microseconds: r.microseconds } : {}),
  };
}

function prefixes(list: NlriList | null): { prefix: string; pathId?: number }[] {
  if (!list || list.count <= 0) return [];
  return nlriPrefixes(list).map((p) =>
    p.pathId === undefined ? { prefix: formatPrefix(p) } : { prefix: formatPrefix(p), pathId: p.pathId },
  );
}

function ribObject(item: Extract<MrtItem, { kind: "rib" }>, p: RibPath): Json {
  return {
    ...base(item),
    type: item.source,
    event: "rib",
    peer: formatIp(p.peer.address),
    peerAs: p.peer.asn,
    prefix: formatPrefix(item.prefix),
    ...(item.addPath ? { pathId: p.pathId } : {}),
    originated: p.originatedTime,
    ...attributeFields(p.attributes.attrs, mpNextHop(p.attributes.mpNextHop)),
  };
}

/** The JSON lines for one item. */
export function jsonLines(item: MrtItem, out: string[]): void {
  switch (item.kind) {
    case "rib":
      for (const p of item.paths) out.push(JSON.stringify(ribObject(item, p)));
      return;
    case "update": {
      const { bgp, update: u } = item;
      const head = {
        ...base(item),
        type: item.record.type === 17 ? "BGP4MP_ET" : "BGP4MP",
        peer: formatIp(bgp.peerAddress),
        peerAs: bgp.peerAs,
        ...(bgp.local ? { local: true } : {}),
      };
      for (const p of [...prefixes(u.withdrawn), ...prefixes(u.mpUnreach)]) {
        out.push(JSON.stringify({ ...head, event: "withdraw", ...p }));
      }
      const attrs = attributeFields(u.attrs, null);
      for (const p of prefixes(u.nlri))
        out.push(JSON.stringify({ ...head, event: "announce", ...p, ...attrs }));
      if (u.mpReach) {
        const withNh = attributeFields(u.attrs, mpNextHop(u.mpReach.nextHop));
        for (const p of prefixes(u.mpReach.nlri))
          out.push(JSON.stringify({ ...head, event: "announce", ...p, ...withNh }));
      }
      return;
    }
    case "state": {
      const s = item.state;
      out.push(
        JSON.stringify({
          ...base(item),
          type: item.record.type === 17 ? "BGP4MP_ET" : "BGP4MP",
          event: "state",
          peer: formatIp(s.peerAddress),
          peerAs: s.peerAs,
          oldState: s.oldState,
          newState: s.newState,
        }),
      );
      return;
    }
    default:
      return;
  }
}
