/**
 * What changed between two derivations, as the speaker sees routes: a route is identified by its prefix,
 * path identifier and neighbors (core/config/route-key.ts), and needs announcing again only when its
 * attributes changed. A route whose sources, rule or reason changed but whose attributes did not is not
 * sent again; the daemon keeps the latest derivation for `kbgp k8s routes`.
 */

import { routeKey } from "../config/route-key.js";
import type { RouteConfig } from "../config/types.js";
import type { DesiredRoute } from "./types.js";

export interface RouteDiff {
  /** New routes and routes whose attributes changed, in `next`'s order. */
  readonly announce: readonly DesiredRoute[];
  /** Routes of `previous` that `next` no longer has, in `previous`'s order. */
  readonly withdraw: readonly DesiredRoute[];
}

export const desiredRouteKey = (r: DesiredRoute): string =>
  routeKey(r.route.prefix, r.route.identifier, r.route.neighbors);

const sameNumbers = (a: readonly number[], b: readonly number[]): boolean =>
  a.length === b.length && a.every((x, i) => x === b[i]);

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Whether two routes for the same key carry the same attributes. */
export function sameAttributes(a: RouteConfig, b: RouteConfig): boolean {
  return (
    a.nextHop === b.nextHop &&
    a.origin === b.origin &&
    a.med === b.med &&
    a.localPref === b.localPref &&
    a.asPath.length === b.asPath.length &&
    a.asPath.every((s, i) => s.type === b.asPath[i].type && sameNumbers(s.asns, b.asPath[i].asns)) &&
    sameNumbers(a.communities, b.communities) &&
    a.largeCommunities.length === b.largeCommunities.length &&
    a.largeCommunities.every((c, i) => sameNumbers(c, b.largeCommunities[i])) &&
    a.extCommunities.length === b.extCommunities.length &&
    a.extCommunities.every((c, i) => sameBytes(c, b.extCommunities[i]))
  );
}

export function diffRoutes(previous: readonly DesiredRoute[], next: readonly DesiredRoute[]): RouteDiff {
  const before = new Map<string, DesiredRoute>();
  for (const r of previous) before.set(desiredRouteKey(r), r);
  const after = new Set<string>();
  const announce: DesiredRoute[] = [];
  for (const r of next) {
    const key = desiredRouteKey(r);
    after.add(key);
    const old = before.get(key);
    if (!old || !sameAttributes(old.route, r.route)) announce.push(r);
  }
  const withdraw = previous.filter((r) => !after.has(desiredRouteKey(r)));
  return { announce, withdraw };
}
