/**
 * What the control API returns: plain JSON views of the speaker's state, with string enums and stable
 * field names (documented in docs/api.md). Reading only; nothing here changes the speaker.
 */
import type { Destination } from "../../core/rib/loc-rib.js";
import type { Path } from "../../core/rib/path.js";
import type { Peer } from "../../core/speaker/peer.js";
import type { Speaker } from "../../core/speaker/speaker.js";
import {
  type Afi,
  type AttrSet,
  familyName,
  formatAsPath,
  formatCommunity,
  formatExtCommunity,
  formatIp,
  formatIpv4Number,
  formatLargeCommunity,
  formatPrefix,
  IPV4_UNICAST,
  IPV6_UNICAST,
  ORIGIN_NAMES,
} from "../../core/wire/index.js";

export const FAMILIES: Record<string, number> = {
  "ipv4-unicast": IPV4_UNICAST,
  "ipv6-unicast": IPV6_UNICAST,
};

const sum = (m: Map<number, number>) => [...m.values()].reduce((a, b) => a + b, 0);
const byFamily = (m: Map<number, number>) => Object.fromEntries([...m].map(([f, n]) => [familyName(f), n]));

export function neighborView(p: Peer, now: number) {
  const s = p.session;
  const advertised = s?.ribOut
    ? Object.fromEntries(s.negotiated!.families.map((f) => [familyName(f), s.ribOut!.count(f)]))
    : {};
  return {
    address: p.id,
    description: p.config.description,
    asn: p.peerAs,
    routerId: p.routerId ? formatIpv4Number(p.routerId) : null,
    hostname: p.hostname,
    state: p.state,
    adminDown: p.adminDown,
    prefixLimitReached: p.prefixLimitDown,
    upSince: p.upSince,
    downSince: p.upSince ? null : p.downSince,
    uptimeSeconds: p.upSince ? Math.floor((now - p.upSince) / 1000) : 0,
    establishedTransitions: p.establishedCount,
    families: s?.negotiated?.families.map(familyName) ?? [],
    received: sum(p.ribIn.received),
    accepted: p.ribIn.acceptedCount(),
    receivedByFamily: byFamily(p.ribIn.received),
    acceptedByFamily: byFamily(p.ribIn.accepted),
    advertisedByFamily: advertised,
    messages: {
      sent: {
        open: p.sent[1],
        update: p.sent[2],
        notification: p.sent[3],
        keepalive: p.sent[4],
        routeRefresh: p.sent[5],
      },
      received: {
        open: p.received[1],
        update: p.received[2],
        notification: p.received[3],
        keepalive: p.received[4],
        routeRefresh: p.received[5],
      },
    },
    lastError: p.lastError,
    lastNotification: p.lastNotification,
  };
}

export function attributesView(a: AttrSet, mpNextHop: Uint8Array | null) {
  const d = a.decoded();
  const nh = mpNextHop ? formatIp(mpNextHop, 0, mpNextHop.length === 4 ? 4 : 16) : (d.nextHop ?? null);
  return {
    nextHop: nh,
    asPath: d.asPath ? formatAsPath(d.asPath) : "",
    origin: d.origin !== undefined ? ORIGIN_NAMES[d.origin] : null,
    ...(d.med !== undefined ? { med: d.med } : {}),
    ...(d.localPref !== undefined ? { localPref: d.localPref } : {}),
    communities: (d.communities ?? []).map(formatCommunity),
    largeCommunities: (d.largeCommunities ?? []).map(formatLargeCommunity),
    extCommunities: (d.extCommunities ?? []).map(formatExtCommunity),
    ...(d.atomicAggregate ? { atomicAggregate: true } : {}),
    ...(d.aggregator ? { aggregator: d.aggregator } : {}),
    ...(d.originatorId ? { originatorId: d.originatorId } : {}),
    ...(d.clusterList ? { clusterList: d.clusterList } : {}),
  };
}

function pathView(p: Path, best: boolean) {
  return {
    from: p.source.id,
    best,
    stale: p.stale,
    pathId: p.pathId,
    since: p.since,
    ...attributesView(p.attrs, p.nextHop),
  };
}

export function destinationView(d: Destination) {
  return {
    prefix: formatPrefix({ afi: d.afi, length: d.length, addr: d.addr }),
    reason: d.reason,
    multipath: d.multipath.length,
    paths: [d.best, ...d.paths.filter((p) => p !== d.best)]
      .filter((p): p is Path => !!p)
      .map((p) => pathView(p, p === d.best)),
  };
}

/** Loc-RIB, or one neighbor's Adj-RIB-In ("in", accepted and filtered) or Adj-RIB-Out ("out"). */
export function* routes(sp: Speaker, family: number, table: "local" | "in" | "out", neighbor?: Peer) {
  const afi = (family >>> 8) as Afi;
  if (table === "local") {
    for (const d of sp.locRib.table(family).values(afi)) yield destinationView(d);
  } else if (table === "in" && neighbor) {
    for (const e of neighbor.ribIn.entries(family)) {
      for (const r of e.paths) {
        yield {
          prefix: formatPrefix({ afi: e.afi, length: e.length, addr: e.addr }),
          pathId: r.pathId,
          accepted: r.accepted !== null,
          ...(r.filtered ? { filtered: r.filtered } : {}),
          ...attributesView(r.attrs, r.nextHop),
        };
      }
    }
  } else if (table === "out" && neighbor?.session?.ribOut) {
    for (const s of neighbor.session.ribOut.routes(family)) {
      const prefix = formatPrefix({ afi: s.afi, length: s.length, addr: s.addr });
      for (const p of s.paths) {
        yield {
          prefix,
          pathId: p.pathId,
          since: p.since,
          nextHop: p.nextHop ? formatIp(p.nextHop, 0, p.nextHop.length === 4 ? 4 : 16) : null,
          attributes: Buffer.from(p.exported.bytes).toString("hex"),
        };
      }
    }
  }
}
