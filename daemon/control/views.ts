/**
 * What the control API returns: plain JSON views of the speaker's state, with string enums and stable
 * field names (documented in docs/api.md). Reading only; nothing here changes the speaker.
 */
import type { SentPath } from "../../core/rib/adj-rib-out.js";
import { multipathCount } from "../../core/rib/best-path.js";
import type { Destination } from "../../core/rib/loc-rib.js";
import { type Path, sinceMs } from "../../core/rib/path.js";
import type { Keyed, PrefixMap } from "../../core/rib/prefix-map.js";
import type { Peer } from "../../core/speaker/peer.js";
import { sendHoldSeconds } from "../../core/speaker/speaker.js";
import {
  type Afi,
  type AttrSet,
  decodeAttributes,
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
  MessageType,
  ORIGIN_NAMES,
  type PathAttributes,
  type Prefix,
} from "../../core/wire/index.js";
import { capabilityRows } from "./capability-view.js";
import { RawJson } from "./server.js";

export const FAMILIES: Record<string, number> = {
  "ipv4-unicast": IPV4_UNICAST,
  "ipv6-unicast": IPV6_UNICAST,
};

const sum = (m: Map<number, number>) => {
  let n = 0;
  for (const v of m.values()) n += v;
  return n;
};
const byFamily = (m: Map<number, number>) => Object.fromEntries([...m].map(([f, n]) => [familyName(f), n]));

/** Messages counted by BGP type code (RFC 4271 §4.1; 5 is ROUTE-REFRESH, RFC 2918). */
const messageCounts = (byType: ArrayLike<number>) => ({
  open: byType[1],
  update: byType[2],
  notification: byType[3],
  keepalive: byType[4],
  routeRefresh: byType[5],
});

/** UPDATE messages: RFC 4271 §4.1 type 2. */
const UPDATE = MessageType.UPDATE;

/**
 * The numbers of `neighbor.list` that move with routes and UPDATEs, for the monitor's `neighbor-counters`
 * events: O(families), read from counts the speaker keeps.
 */
export function neighborCounters(p: Peer) {
  return {
    received: sum(p.ribIn.received),
    accepted: p.ribIn.acceptedCount(),
    advertised: p.session?.ribOut?.totalCount() ?? 0,
    updatesReceived: p.received[UPDATE],
    updatesSent: p.sent[UPDATE],
  };
}
export type NeighborCounters = ReturnType<typeof neighborCounters>;

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
    /** Why this kbgpd cannot run the session (a password, ttl-security or ebgp-multihop without the native
     *  addon), or null. */
    unavailable: p.unavailable,
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
    messages: { sent: messageCounts(p.sent), received: messageCounts(p.received) },
    lastError: p.lastError,
    lastNotification: p.lastNotification,
  };
}

/** Everything `kbgp neighbor <addr>` shows: the summary plus transport, timers, capabilities, limits. */
export function neighborDetail(p: Peer, now: number) {
  const s = p.session;
  const n = p.config;
  return {
    ...neighborView(p, now),
    localAs: p.localAs,
    localAddress: s?.local?.address ?? n.localAddress,
    localPort: s?.local?.port ?? null,
    remotePort: s?.remote.port ?? n.port,
    passive: n.passive,
    /** Whether a TCP MD5 password is configured; the password itself never leaves kbgpd. */
    password: n.password !== null,
    /** The TTL sent with (`ebgp-multihop`), or null. */
    ebgpMultihop: n.ebgpMultihop,
    /** `ttl-security` hops (RFC 5082): sent with TTL 255, received TTL must be at least 256 - hops; or null. */
    ttlSecurity: n.ttlSecurity,
    timers: {
      configured: { holdTime: n.holdTime, keepalive: n.keepalive, connectRetry: n.connectRetry },
      negotiated: s ? { holdTime: s.negotiated!.holdTime, keepalive: s.keepaliveSeconds } : null,
    },
    capabilities:
      s?.localOpen && s.remoteOpen ? capabilityRows(s.localOpen.capabilities, s.remoteOpen.capabilities) : [],
    prefixLimit: n.maxPrefix
      ? {
          limit: n.maxPrefix.limit,
          warningPercent: n.maxPrefix.warningPercent,
          restartAfter: n.maxPrefix.restartAfter,
        }
      : null,
    advertised: s?.ribOut?.totalCount() ?? 0,
    /** RFC 9687: how long what we send may stay unwritten before the session is closed; null without a
     *  session. */
    sendHoldTime: s?.negotiated ? sendHoldSeconds(s.negotiated.holdTime) : null,
    staleFamilies: [...p.staleFamilies].map(familyName),
  };
}

/** Attributes as the API shows them (docs/api.md, `Attributes`). */
export function attributesView(d: PathAttributes, mpNextHop: Uint8Array | null) {
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

/** A path on its own: where from, its identifier, since when, its attributes (monitor events show this). */
export function pathFields(p: Path) {
  return {
    from: p.source.id,
    stale: p.stale,
    pathId: p.pathId,
    since: sinceMs(p.since),
    ...attributesView(p.attrs.decoded(), p.nextHop),
  };
}

function pathView(p: Path, best: boolean) {
  return { best, ...pathFields(p) };
}

export function destinationView(d: Destination) {
  return {
    prefix: formatPrefix({ afi: d.afi, length: d.length, addr: d.addr }),
    reason: d.reason,
    multipath: multipathCount(d),
    paths: [d.best, ...d.paths.filter((p) => p !== d.best)]
      .filter((p): p is Path => !!p)
      .map((p) => pathView(p, p === d.best)),
  };
}

/**
 * Which prefixes of a table: all of them; one prefix exactly; those inside it (`longer`) or around it
 * (`shorter`), the prefix included; or, for an address, the longest prefix that contains it (`best`).
 */
export interface Query {
  readonly prefix?: Prefix;
  readonly match: "exact" | "longer" | "shorter" | "best";
}

/** The entries of `table` the query selects, shortest prefixes first: O(result), not O(table). */
export function* select<V extends Keyed>(table: PrefixMap<V>, afi: Afi, q: Query): IterableIterator<V> {
  const p = q.prefix;
  if (!p) return yield* table.values(afi);
  if (q.match === "longer") return yield* table.covered(afi, p.addr, p.length);
  const around = [...table.covering(afi, p.addr, p.length)];
  if (q.match === "shorter") return yield* around.reverse();
  if (q.match === "best") return yield* around.slice(0, 1);
  const exact = around[0];
  if (exact && exact.length === p.length) yield exact;
}

/**
 * Loc-RIB rows are JSON text equal to `JSON.stringify(destinationView(d))`. Paths share few attribute sets,
 * so each set's part is written once per listing, in this cache (bounded, so a listing of a real table with
 * a set per route keeps nothing long): a million rows then cost a concatenation each rather than a view and
 * a stringify.
 */
export type AttrsJsonCache = Map<AttrSet, string>;

const ATTRS_CACHE_MAX = 4096;

/** A path's attributes as JSON members (the view without its braces). */
function attributesMembers(p: Path, cache: AttrsJsonCache): string {
  if (p.nextHop !== null) return JSON.stringify(attributesView(p.attrs.decoded(), p.nextHop)).slice(1, -1);
  let s = cache.get(p.attrs);
  if (s === undefined) {
    if (cache.size >= ATTRS_CACHE_MAX) cache.clear();
    s = JSON.stringify(attributesView(p.attrs.decoded(), null)).slice(1, -1);
    cache.set(p.attrs, s);
  }
  return s;
}

/** JSON text of the few distinct strings every row repeats (reasons, sources). */
const quoted = new Map<string, string>();
const quote = (s: string) => {
  let q = quoted.get(s);
  if (q === undefined) {
    q = JSON.stringify(s);
    if (quoted.size < ATTRS_CACHE_MAX) quoted.set(s, q);
  }
  return q;
};

/** A Loc-RIB destination's row: all its paths, the best first. */
export function destinationJson(d: Destination, cache: AttrsJsonCache): RawJson {
  const prefix = formatPrefix({ afi: d.afi, length: d.length, addr: d.addr });
  let json = `{"prefix":"${prefix}","reason":${quote(d.reason)},"multipath":${multipathCount(d)},"paths":[`;
  const path = (p: Path, best: boolean) =>
    `{"best":${best},"from":${quote(p.source.id)},"stale":${p.stale},"pathId":${p.pathId},"since":${sinceMs(p.since)},${attributesMembers(p, cache)}}`;
  let sep = "";
  if (d.best) {
    json += path(d.best, true);
    sep = ",";
  }
  for (const p of d.paths)
    if (p !== d.best) {
      json += sep + path(p, false);
      sep = ",";
    }
  return new RawJson(`${json}]}`);
}

/** A Loc-RIB destination's row showing only the paths from one neighbor. */
export function destinationFromView(d: Destination, neighbor: string) {
  const view = destinationView(d);
  return { ...view, paths: view.paths.filter((x) => x.from === neighbor) };
}

/** One path of a neighbor's Adj-RIB-In, before import policy, and whether (or why not) it was accepted. */
export function inRow(prefix: string, r: Path) {
  return {
    prefix,
    pathId: r.pathId,
    since: sinceMs(r.since),
    accepted: r.filtered === null,
    stale: r.stale,
    ...(r.filtered ? { filtered: r.filtered } : {}),
    ...attributesView(r.attrs.decoded(), r.nextHop),
  };
}

/** One path as sent to a neighbor, decoded as it went on the wire (`asSize`: the session's AS numbers). */
export function outRow(prefix: string, x: SentPath, asSize: 2 | 4) {
  return {
    prefix,
    pathId: x.pathId,
    since: sinceMs(x.since),
    ...attributesView(decodeAttributes(x.exported.bytes, asSize), x.nextHop),
    // Where the next hop went: MP_REACH_NLRI (IPv6, or IPv4 routes under RFC 8950) or NEXT_HOP.
    mpReach: x.nextHop !== null,
    attributes: Buffer.from(x.exported.bytes).toString("hex"),
  };
}

/** The shapes as JSON clients see them (the CLI imports these types only). */
export type NeighborView = ReturnType<typeof neighborView>;
export type NeighborDetailView = ReturnType<typeof neighborDetail>;
export type AttributesView = ReturnType<typeof attributesView>;
export type DestinationView = ReturnType<typeof destinationView>;
export type PathView = DestinationView["paths"][number];
export type OutRow = ReturnType<typeof outRow>;
