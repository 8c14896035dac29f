/**
 * A path: one way to reach a prefix, as learned from a peer or originated locally, after import policy.
 * Loc-RIB destinations hold the paths of every source; the decision process picks among them.
 */
import type { AttrSet } from "../wire/attr-set.js";

/** Where a path came from. Peers implement this; `LOCAL_SOURCE` stands for routes the speaker originates. */
export interface PathSource {
  /** Stable identifier: the neighbor address, or "local". */
  readonly id: string;
  readonly local: boolean;
  /** eBGP peer (false for iBGP and local). */
  readonly ebgp: boolean;
  /** The peer's AS (ours for iBGP and local). */
  readonly peerAs: number;
  /** The peer's BGP Identifier, unsigned (0 for local). */
  readonly routerId: number;
  /** The peer's address as bytes (4 or 16), for the last tie-break (RFC 4271 §9.1.2.2 g). */
  readonly addressBytes: Uint8Array;
  /** Route-reflector client (RFC 4456 §8). */
  readonly rrClient: boolean;
  /** false: routes from this source never go to eBGP peers (NeighborConfig.learnedToEbgp). */
  readonly learnedToEbgp?: boolean;
  /** Originated routes for some neighbors only: their addresses. Absent: every neighbor. */
  readonly onlyTo?: ReadonlySet<string>;
}

export const LOCAL_SOURCE: PathSource = {
  id: "local",
  local: true,
  ebgp: false,
  peerAs: 0,
  routerId: 0,
  addressBytes: new Uint8Array(4),
  rrClient: false,
};

export interface Path {
  readonly source: PathSource;
  /** RFC 7911 path identifier as received (0 without ADD-PATH). */
  readonly pathId: number;
  readonly attrs: AttrSet;
  /** MP_REACH_NLRI next hop (a private copy), or null when the NEXT_HOP attribute applies. */
  readonly nextHop: Uint8Array | null;
  /** When the path was learned (ms), for display. */
  readonly since: number;
  /** Graceful restart (RFC 4724 §4.2): kept from before the peer's restart, to be refreshed or purged. */
  stale: boolean;
}
