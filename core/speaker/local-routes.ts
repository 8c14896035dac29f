/**
 * Routes the speaker originates (configuration, and later the API and Kubernetes sync): turned into
 * paths from `LOCAL_SOURCE` with interned attribute sets, so they meet learned paths in Loc-RIB on equal
 * terms.
 */
import type { RouteConfig } from "../config/types.js";
import { LOCAL_SOURCE, newPath, type Path } from "../rib/path.js";
import type { AttrInterner, AttrSet } from "../wire/attr-set.js";
import type { PathAttributes } from "../wire/attributes/decode.js";
import { encodeAttributes } from "../wire/attributes/encode.js";
import { scanAttributes } from "../wire/attributes/scan.js";
import { Afi, familyKey, Safi } from "../wire/constants.js";
import { DEFAULT_CONTEXT } from "../wire/context.js";
import { parseIp } from "../wire/ip.js";

/** Intern attributes built in code (they are valid by construction: the scan only extracts fields). */
export function internAttributes(interner: AttrInterner, a: PathAttributes): AttrSet {
  const bytes = encodeAttributes(a);
  const r = scanAttributes(bytes, 0, bytes.length, DEFAULT_CONTEXT);
  return interner.intern(r.canonical, r.canonicalStart, r.canonicalEnd, r.summary);
}

export function routeFamily(r: RouteConfig): number {
  return familyKey(r.prefix.afi, Safi.UNICAST);
}

/** The path for a configured route. A next hop of the other address family than the prefix is carried as
 *  an MP next hop (RFC 8950 for IPv4 over IPv6). */
export function localPath(interner: AttrInterner, r: RouteConfig, now: number): Path {
  const nh = r.nextHop === null ? null : parseIp(r.nextHop);
  const a: PathAttributes = { origin: r.origin, asPath: r.asPath.slice() };
  let nextHop: Uint8Array | null = null;
  if (nh && nh.length === 4 && r.prefix.afi === Afi.IPV4) a.nextHop = r.nextHop!;
  else if (nh) nextHop = nh;
  if (r.med !== null) a.med = r.med;
  if (r.localPref !== null) a.localPref = r.localPref;
  if (r.communities.length) a.communities = r.communities.slice();
  if (r.largeCommunities.length) a.largeCommunities = r.largeCommunities.slice();
  if (r.extCommunities.length) a.extCommunities = r.extCommunities.slice();
  return newPath(LOCAL_SOURCE, 0, internAttributes(interner, a), nextHop, now);
}

/**
 * Two routes whose attributes are surely the same, by identity of their parts (cheap; routes resolved from
 * one text share their arrays): false means "compare the long way", not "different".
 */
export function sameAttributes(a: RouteConfig, b: RouteConfig): boolean {
  return (
    a.prefix.afi === b.prefix.afi &&
    a.nextHop === b.nextHop &&
    a.origin === b.origin &&
    a.asPath === b.asPath &&
    a.med === b.med &&
    a.localPref === b.localPref &&
    a.communities === b.communities &&
    a.largeCommunities === b.largeCommunities &&
    a.extCommunities === b.extCommunities
  );
}
