/**
 * MRT RIB entries → routes to announce (`kbgp mrt inject global FILE`): each path of a TABLE_DUMP /
 * TABLE_DUMP_V2 entry becomes a RouteText with the path's own attributes, as gobgp's `mrt inject` does. With
 * `onlyBest`, the entry's paths go through the same decision process as the Loc-RIB (RFC 4271 §9.1.2.2, the
 * recorded peers standing in for neighbors) and only the winner is kept. Without it, every path is kept,
 * told apart by our own path identifier (its position in the entry), so ADD-PATH neighbors get them all.
 */
import type { RouteText } from "../api/route-text.js";
import { ORIGIN_WORDS } from "../api/route-text.js";
import { selectBest } from "../rib/best-path.js";
import { pathNeighborAs } from "../rib/loc-rib.js";
import type { Path, PathSource } from "../rib/path.js";
import {
  formatAsPath,
  formatCommunity,
  formatExtCommunity,
  formatIp,
  formatLargeCommunity,
  formatPrefix,
  Safi,
  UpdateAction,
} from "../wire/index.js";
import type { MrtItem, RibPath } from "./decoder.js";

export interface RibRouteOptions {
  readonly onlyBest: boolean;
  /** Replaces every path's next hop: an address or "self" (our address on each session). */
  readonly nextHop?: string;
}

export interface RibRoutes {
  readonly routes: RouteText[];
  /** Paths left out: unusable (malformed attributes, treat-as-withdraw, no attributes at all). */
  readonly skipped: number;
}

/** Whether a path can be announced at all: it has attributes and RFC 7606 did not withdraw it. */
const usable = (p: RibPath) =>
  p.attributes.attrs !== null &&
  p.attributes.action !== UpdateAction.TREAT_AS_WITHDRAW &&
  p.attributes.action !== UpdateAction.AFI_SAFI_DISABLE &&
  p.attributes.action !== UpdateAction.SESSION_RESET;

/** The recorded peer as a path source, so the decision process can compare paths of different peers. */
function sourceOf(p: RibPath): PathSource {
  return {
    id: formatIp(p.peer.address),
    local: false,
    ebgp: true,
    peerAs: p.peer.asn,
    routerId: p.peer.bgpId >>> 0,
    addressBytes: p.peer.address,
    rrClient: false,
  };
}

/** The routes of one RIB entry; other items (and non-unicast entries) give none. */
export function ribRoutes(item: MrtItem, opts: RibRouteOptions): RibRoutes {
  if (item.kind !== "rib" || item.safi !== Safi.UNICAST) return { routes: [], skipped: 0 };
  const good = item.paths.filter(usable);
  const skipped = item.paths.length - good.length;
  let chosen: readonly RibPath[] = good;
  if (opts.onlyBest && good.length > 1) {
    const paths: Path[] = good.map((p) => ({
      source: sourceOf(p),
      pathId: Math.max(p.pathId, 0),
      attrs: p.attributes.attrs!,
      nextHop: p.attributes.mpNextHop,
      since: 0,
      stale: false,
      filtered: null,
    }));
    const best = selectBest(paths, pathNeighborAs).best!;
    chosen = [good[paths.indexOf(best)]];
  }
  const prefix = formatPrefix(item.prefix);
  const routes = chosen.map((p, i) => {
    const r = pathRoute(prefix, p, opts.nextHop);
    if (!opts.onlyBest && i > 0) r.identifier = i;
    return r;
  });
  return { routes, skipped };
}

function pathRoute(prefix: string, p: RibPath, nextHop: string | undefined): RouteText {
  const a = p.attributes.attrs!.decoded();
  const r: RouteText = { prefix };
  // MP_REACH may carry a global and a link-local address (RFC 2545 §3): the global one is the route's.
  const mp = p.attributes.mpNextHop;
  // A path recorded without a next hop goes out with ours ("self", the default).
  const nh = nextHop ?? (mp ? formatIp(mp, 0, mp.length === 4 ? 4 : 16) : a.nextHop);
  if (nh !== undefined) r["next-hop"] = nh;
  if (a.origin !== undefined && a.origin !== 0) r.origin = ORIGIN_WORDS[a.origin];
  if (a.asPath?.length) r["as-path"] = formatAsPath(a.asPath);
  if (a.med !== undefined) r.med = a.med;
  if (a.localPref !== undefined) r["local-pref"] = a.localPref;
  if (a.communities?.length) r.communities = a.communities.map(formatCommunity);
  if (a.largeCommunities?.length) r["large-communities"] = a.largeCommunities.map(formatLargeCommunity);
  if (a.extCommunities?.length) r["extended-communities"] = a.extCommunities.map(formatExtCommunity);
  return r;
}
