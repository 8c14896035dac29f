/**
 * A derived route's attributes, put together from the configuration (added to every route), this node's
 * Node annotations (every route this node announces), the Service's annotations (its routes) and, for a
 * de-preferred Service route on a drained node, the drain settings. Then the RouteConfig the speaker takes.
 */
import type { RouteConfig } from "../config/types.js";
import type { LargeCommunity } from "../wire/attributes/communities.js";
import { SegmentType } from "../wire/constants.js";
import type { Prefix } from "../wire/prefix.js";
import type { AnnotatedAttributes, Prepend } from "./annotation-settings.js";
import type { KubernetesConfig } from "./types.js";

export interface RouteAttributes {
  /** Leftmost first; an `asn` of null is ours. */
  readonly prepends: readonly Prepend[];
  readonly localPref: number | null;
  /** Sorted, each once. */
  readonly communities: readonly number[];
  readonly largeCommunities: readonly LargeCommunity[];
}

const uniqueSorted = (xs: readonly number[]): number[] => [...new Set(xs)].sort((a, b) => a - b);

const compareLarge = (a: LargeCommunity, b: LargeCommunity): number =>
  a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

function uniqueLarge(xs: readonly LargeCommunity[]): LargeCommunity[] {
  const sorted = [...xs].sort(compareLarge);
  return sorted.filter((c, i) => i === 0 || compareLarge(sorted[i - 1], c) !== 0);
}

/** What every route this node announces carries: the configuration's communities and the Node's. */
export function baseAttributes(config: KubernetesConfig, node: AnnotatedAttributes): RouteAttributes {
  return {
    prepends: node.prepend && node.prepend.count > 0 ? [node.prepend] : [],
    localPref: null,
    communities: uniqueSorted([...config.communities, ...node.communities]),
    largeCommunities: uniqueLarge([...config.largeCommunities, ...node.largeCommunities]),
  };
}

/** `base` with an object's own attributes: communities added, its prepend after the node's (nearer the
 *  origin), its LOCAL_PREF. */
export function withObject(base: RouteAttributes, own: AnnotatedAttributes): RouteAttributes {
  if (!own.communities.length && !own.largeCommunities.length && own.localPref === null && !own.prepend)
    return base;
  return {
    prepends: own.prepend && own.prepend.count > 0 ? [...base.prepends, own.prepend] : base.prepends,
    localPref: own.localPref ?? base.localPref,
    communities: uniqueSorted([...base.communities, ...own.communities]),
    largeCommunities: uniqueLarge([...base.largeCommunities, ...own.largeCommunities]),
  };
}

/** De-preferred on a drained node: our AS `drain.prepend` times in front of everything, and LOCAL_PREF at
 *  most `drain.local-pref` (de-preferring never raises a Service's own lower value). */
export function dePreferred(attrs: RouteAttributes, drain: KubernetesConfig["drain"]): RouteAttributes {
  const localPref =
    drain.localPref === null
      ? attrs.localPref
      : attrs.localPref === null
        ? drain.localPref
        : Math.min(attrs.localPref, drain.localPref);
  return {
    ...attrs,
    prepends: drain.prepend > 0 ? [{ asn: null, count: drain.prepend }, ...attrs.prepends] : attrs.prepends,
    localPref,
  };
}

/** The route to originate: next hop self, ORIGIN IGP, path identifier 0, for every neighbor. */
export function routeConfig(prefix: Prefix, attrs: RouteAttributes, localAs: number): RouteConfig {
  const asns: number[] = [];
  for (const p of attrs.prepends) for (let i = 0; i < p.count; i++) asns.push(p.asn ?? localAs);
  return {
    prefix,
    nextHop: null,
    origin: 0,
    asPath: asns.length ? [{ type: SegmentType.AS_SEQUENCE, asns }] : [],
    med: null,
    localPref: attrs.localPref,
    communities: attrs.communities,
    largeCommunities: attrs.largeCommunities,
    extCommunities: [],
    identifier: 0,
    neighbors: null,
  };
}
