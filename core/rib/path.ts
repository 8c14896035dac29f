/**
 * A path: one way to reach a prefix, as learned from a peer or originated locally. A peer's Adj-RIB-In
 * holds every path it sent, and those import policy accepted (`filtered` null) are, as the same objects,
 * the peer's paths in Loc-RIB: policy accepts or rejects, it never changes attributes, so one object per
 * path serves both tables. Nothing in a path names its prefix: the prefixes of one UPDATE share one
 * accepted path (core/speaker/rib-in.ts), so a path is told apart by identity only within a destination. Loc-RIB destinations hold the paths of every source; the decision process picks
 * among them.
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
  /** When the path was learned, in whole seconds since the epoch (`sinceSeconds`), for display: a small
   *  integer costs nothing, a millisecond time would be a 16-byte heap number in every path. */
  readonly since: number;
  /** Graceful restart (RFC 4724 §4.2) or enhanced route refresh (RFC 7313): kept from before, to be
   *  announced again or purged. */
  stale: boolean;
  /** Why import policy rejected it: such a path is in Adj-RIB-In only. Null: accepted (in Loc-RIB). */
  readonly filtered: string | null;
}

/** A time in ms since the epoch (the speaker's `now`) as a path's `since`. */
export const sinceSeconds = (nowMs: number): number => Math.floor(nowMs / 1000);

/** A path's `since` as the API gives it: ms since the epoch (whole seconds). */
export const sinceMs = (since: number): number => since * 1000;

/** A new path, its fields always in the one order (one hidden class for every path, whoever makes it). */
export function newPath(
  source: PathSource,
  pathId: number,
  attrs: AttrSet,
  nextHop: Uint8Array | null,
  nowMs: number,
  filtered: string | null = null,
): Path {
  return { source, pathId, attrs, nextHop, since: sinceSeconds(nowMs), stale: false, filtered };
}

/** `p` as import policy now judges it (a new object: Loc-RIB's observers and the Adj-RIBs-Out tell paths
 *  apart by identity), learned when it was and stale if it was. */
export function refiltered(p: Path, filtered: string | null): Path {
  const { source, pathId, attrs, nextHop, since, stale } = p;
  return { source, pathId, attrs, nextHop, since, stale, filtered };
}
