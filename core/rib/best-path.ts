/**
 * The BGP decision process (RFC 4271 §9.1.2.2) as ordered elimination steps: each step keeps only the
 * candidates that are best by its criterion, and the step that leaves one candidate is the *reason* the
 * winner won — which the CLI shows. Operators know the order from Cisco/FRR/GoBGP:
 *
 *   local-pref → local-origin → as-path → origin → med (per neighbor AS) → external → cluster-list →
 *   router-id (ORIGINATOR_ID when reflected, RFC 4456 §9) → peer-address → path-id
 *
 * IGP cost is not a step: kbgp has no IGP, every next hop counts as equally close. Paths still equal after
 * `external` form the multipath (ECMP) set.
 */
import { compareAddressBytes } from "../wire/ip.js";
import type { Path } from "./path.js";

export const BestReason = {
  ONLY_PATH: "only-path",
  LOCAL_PREF: "local-pref",
  LOCAL_ORIGIN: "local-origin",
  AS_PATH: "as-path",
  ORIGIN: "origin",
  MED: "med",
  EXTERNAL: "external",
  CLUSTER_LIST: "cluster-list",
  ROUTER_ID: "router-id",
  PEER_ADDRESS: "peer-address",
  PATH_ID: "path-id",
} as const;
export type BestReason = (typeof BestReason)[keyof typeof BestReason];

/** RFC 4271 §5.1.5: the default LOCAL_PREF for routes that carry none (eBGP-learned, local). */
export const DEFAULT_LOCAL_PREF = 100;

export interface Selection {
  readonly best: Path | null;
  readonly reason: BestReason;
  /**
   * Paths equal to the best up to the multipath cut (best included, best first) when there are several;
   * empty when the best is the only one (`multipathCount`).
   */
  readonly multipath: readonly Path[];
}

/** The multipath set of a lone best path (or of none): one frozen array shared by every such destination,
 *  so a table of single-path prefixes allocates none (56 bytes each); nothing writes to a multipath set. */
export const NO_MULTIPATH: readonly Path[] = Object.freeze([]);

/** How many paths the multipath set of a destination (or selection) with this best holds: the best alone
 *  counts one. */
export function multipathCount(s: {
  readonly best: Path | null;
  readonly multipath: readonly Path[];
}): number {
  return s.multipath.length > 0 ? s.multipath.length : s.best ? 1 : 0;
}

const NONE: Selection = { best: null, reason: BestReason.ONLY_PATH, multipath: NO_MULTIPATH };

const localPref = (p: Path) => (p.attrs.localPref >= 0 ? p.attrs.localPref : DEFAULT_LOCAL_PREF);
/** RFC 4271 §9.1.2.2 (c): a missing MED counts as the lowest value. */
const med = (p: Path) => (p.attrs.med >= 0 ? p.attrs.med : 0);
const origin = (p: Path) => (p.attrs.origin >= 0 ? p.attrs.origin : 2);
/** RFC 4456 §9: a reflected route is compared by ORIGINATOR_ID instead of the peer's router ID. */
const routerId = (p: Path) => (p.attrs.originatorId >= 0 ? p.attrs.originatorId : p.source.routerId);

/** Keep the candidates with the lowest `key` (negate for "highest wins"). */
function keepMin(cands: Path[], key: (p: Path) => number): Path[] {
  let min = Number.POSITIVE_INFINITY;
  for (const p of cands) min = Math.min(min, key(p));
  return cands.filter((p) => key(p) === min);
}

/** RFC 4271 §9.1.2.2 (g): the lowest peer address; several ADD-PATH paths may share it. */
function keepLowestAddress(cands: Path[]): Path[] {
  let low = cands[0].source.addressBytes;
  for (const p of cands) if (compareAddressBytes(p.source.addressBytes, low) < 0) low = p.source.addressBytes;
  return cands.filter((p) => compareAddressBytes(p.source.addressBytes, low) === 0);
}

/** RFC 4271 §9.1.2.2 (c): among routes from the same neighboring AS, drop those with a higher MED. */
function keepMed(cands: Path[], neighborAs: (p: Path) => number): Path[] {
  const lowest = new Map<number, number>();
  for (const p of cands) {
    const as = neighborAs(p);
    lowest.set(as, Math.min(lowest.get(as) ?? Number.POSITIVE_INFINITY, med(p)));
  }
  return cands.filter((p) => med(p) === lowest.get(neighborAs(p)));
}

/**
 * Choose among `paths`. `neighborAs(p)` is the AS a path was learned from for MED comparison (the first AS
 * of its AS_PATH; RFC 4271 §9.1.2.2 c).
 */
export function selectBest(paths: readonly Path[], neighborAs: (p: Path) => number): Selection {
  if (paths.length === 0) return NONE;
  if (paths.length === 1) return { best: paths[0], reason: BestReason.ONLY_PATH, multipath: NO_MULTIPATH };
  let c = paths.slice();
  let multipath: Path[] | null = null;
  const steps: [BestReason, (c: Path[]) => Path[]][] = [
    [BestReason.LOCAL_PREF, (c) => keepMin(c, (p) => -localPref(p))],
    [BestReason.LOCAL_ORIGIN, (c) => keepMin(c, (p) => (p.source.local ? 0 : 1))],
    [BestReason.AS_PATH, (c) => keepMin(c, (p) => p.attrs.asPathLength)],
    [BestReason.ORIGIN, (c) => keepMin(c, origin)],
    [BestReason.MED, (c) => keepMed(c, neighborAs)],
    [BestReason.EXTERNAL, (c) => keepMin(c, (p) => (p.source.ebgp ? 0 : 1))],
    [BestReason.CLUSTER_LIST, (c) => keepMin(c, (p) => p.attrs.clusterListLength)],
    [BestReason.ROUTER_ID, (c) => keepMin(c, routerId)],
    [BestReason.PEER_ADDRESS, keepLowestAddress],
    [BestReason.PATH_ID, (c) => keepMin(c, (p) => p.pathId)],
  ];
  for (const [reason, step] of steps) {
    c = step(c);
    if (reason === BestReason.EXTERNAL) multipath = c;
    if (c.length === 1) {
      const best = c[0];
      if (!multipath || multipath.length === 1) return { best, reason, multipath: NO_MULTIPATH };
      return { best, reason, multipath: [best, ...multipath.filter((p) => p !== best)] };
    }
  }
  // Unreachable: peer address and path id together are unique.
  return { best: c[0], reason: BestReason.PATH_ID, multipath: c };
}
