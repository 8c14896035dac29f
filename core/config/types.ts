/**
 * The speaker's configuration after loading: every default applied, groups merged into neighbors,
 * addresses and prefixes parsed. The YAML file (docs/config.md) is turned into this by daemon/config;
 * core only ever sees this resolved form, so nothing here is optional that has a default.
 */

import type { AsPathSegment } from "../wire/attributes/as-path.js";
import type { LargeCommunity } from "../wire/attributes/communities.js";
import type { FamilyKey } from "../wire/constants.js";
import type { Prefix } from "../wire/prefix.js";

export interface SpeakerConfig {
  readonly global: GlobalConfig;
  readonly neighbors: readonly NeighborConfig[];
  /** Routes the speaker originates (besides those added through the API at run time). */
  readonly routes: readonly RouteConfig[];
}

export interface GlobalConfig {
  readonly asn: number;
  /** BGP Identifier as an unsigned 32-bit number. */
  readonly routerId: number;
  /** Addresses to listen on (text form), empty for none. */
  readonly listenAddresses: readonly string[];
  /** TCP port to listen on and to connect to by default; 179. */
  readonly port: number;
  /** RFC 4456 §7: defaults to the router ID. */
  readonly clusterId: number;
  readonly gracefulRestart: GracefulRestartConfig & {
    /** RFC 4724 §4.1 Selection_Deferral_Timer: seconds, after our restart, to wait for the peers' EoR. */
    readonly selectionDeferral: number;
  };
  /** Most paths all Adj-RIB-Ins may hold together (null: no limit; absent: DEFAULT_MAX_ROUTES). The peer
   *  whose UPDATE goes past it is closed with Cease / Out of Resources, so no peer can exhaust memory. */
  readonly maxRoutes?: number | null;
}

/** The route guard's default: room for three full Internet tables (about 1.3M IPv4 and IPv6 paths each in
 *  2026) at a few hundred bytes a path. */
export const DEFAULT_MAX_ROUTES = 4_000_000;
/** The route guard's limit in force: the configured one, the default when absent, null when off. */
export const maxRoutesOf = (g: Pick<GlobalConfig, "maxRoutes">): number | null =>
  g.maxRoutes === undefined ? DEFAULT_MAX_ROUTES : g.maxRoutes;
/** Every eBGP neighbor's prefix limit unless configured (`max-prefix`): above a full table, far below what
 *  would exhaust a node. */
export const DEFAULT_EBGP_MAX_PREFIX = { limit: 2_000_000, warningPercent: 90, restartAfter: 300 } as const;

export interface GracefulRestartConfig {
  readonly enabled: boolean;
  /** Seconds the peer should keep our routes while we restart (RFC 4724 §3, 12 bits). */
  readonly restartTime: number;
  /** true: only help peers that restart (no Restart State / forwarding preservation on our side). */
  readonly helperOnly: boolean;
  /** Seconds to keep a restarting peer's stale routes waiting for End-of-RIB after it is back. */
  readonly staleTime: number;
}

/** `internal` means the local AS; `external` accepts any AS other than ours. */
export type PeerAs = number | "internal" | "external";

export interface MaxPrefixConfig {
  readonly limit: number;
  /** Percentage of `limit` at which to log a warning. */
  readonly warningPercent: number;
  /** Seconds after which to reconnect, or null to stay down until reset by an operator. */
  readonly restartAfter: number | null;
}

/** An entry of an import reject list: `prefix` and, like a prefix-list, an optional length range. */
export interface PrefixFilter {
  readonly prefix: Prefix;
  /** Prefixes of length in [ge, le] inside `prefix` match. `ge` defaults to the prefix's own length; `le`
   *  to the prefix's own length, or to the family's maximum when only `ge` is given (as Cisco and FRR). */
  readonly ge: number;
  readonly le: number;
}

export interface AddPathConfig {
  readonly receive: boolean;
  /** Paths to advertise per prefix: 0 for none (plain best path), Infinity for all. */
  readonly send: number;
}

/** Linux's TCP_MD5SIG_MAXKEYLEN: the longest TCP MD5 password a socket takes (RFC 2385 sets no limit). */
export const MAX_PASSWORD_BYTES = 80;

export interface NeighborConfig {
  /** The peer's address (text, as configured); identifies the neighbor. */
  readonly address: string;
  readonly description: string;
  readonly peerAs: PeerAs;
  /** Remote TCP port to connect to. */
  readonly port: number;
  /** Local address to connect from, or null to let the system choose. */
  readonly localAddress: string | null;
  /** Never connect, only accept. */
  readonly passive: boolean;
  /** RFC 2385 TCP MD5 signature key, or null. A secret: never logged, never returned by the control API. */
  readonly password: string | null;
  /** eBGP multihop: the IP TTL (IPv6: hop limit) to send with, 1..255, or null for the system's default. */
  readonly ebgpMultihop: number | null;
  /** TTL security (GTSM, RFC 5082) as FRR's `ttl-security hops N`: send with TTL 255 and accept only
   *  segments that arrive with TTL >= 256 - N, i.e. from at most N hops away; 1..254, or null. Never set
   *  together with ebgpMultihop. */
  readonly ttlSecurity: number | null;
  /** Administratively down (not started). */
  readonly shutdown: boolean;
  readonly holdTime: number;
  readonly keepalive: number;
  readonly connectRetry: number;
  readonly families: readonly FamilyKey[];
  readonly nextHopSelf: boolean;
  /** Next hops to announce instead of the local address (per family of the next hop). */
  readonly nextHopIpv4: string | null;
  readonly nextHopIpv6: string | null;
  readonly routeReflectorClient: boolean;
  /** Times to prepend the local AS on export to this peer (beyond the one eBGP always adds). */
  readonly asPathPrepend: number;
  /** Communities added on export to this peer. */
  readonly communities: readonly number[];
  readonly largeCommunities: readonly LargeCommunity[];
  readonly importReject: readonly PrefixFilter[];
  readonly maxPrefix: MaxPrefixConfig | null;
  readonly gracefulRestart: GracefulRestartConfig;
  readonly addPath: AddPathConfig;
  /** RFC 8950: advertise and accept IPv4 routes with an IPv6 next hop. */
  readonly extendedNextHop: boolean;
  /** Routes learned from this neighbor may go to eBGP peers. Off for the Kubernetes node mesh: a node passing
   *  the other nodes' routes to its routers with itself as next hop would draw their traffic. */
  readonly learnedToEbgp: boolean;
  /** Group the neighbor was configured from, for display. */
  readonly group: string | null;
}

/** A route the speaker originates. */
export interface RouteConfig {
  readonly prefix: Prefix;
  /** Next hop text, or null for the local address of each session ("self"). */
  readonly nextHop: string | null;
  readonly origin: 0 | 1 | 2;
  readonly asPath: readonly AsPathSegment[];
  readonly med: number | null;
  readonly localPref: number | null;
  readonly communities: readonly number[];
  readonly largeCommunities: readonly LargeCommunity[];
  /** RFC 4360 extended communities, eight bytes each. */
  readonly extCommunities: readonly Uint8Array[];
  /** Our own path identifier (RFC 7911), so a prefix can be announced as several paths; 0 by default. */
  readonly identifier: number;
  /** Announce only to these neighbors (canonical addresses), or null for every neighbor. */
  readonly neighbors: readonly string[] | null;
}
