/**
 * A resolved route back to its text form (core/api/route-text.ts), for the state directory: compaction
 * writes the routes the speaker holds, so the daemon keeps no second copy of what it was sent. Resolving
 * the text again gives the same route (extended communities are written in hex, so every flag survives).
 */
import type { RouteText } from "../../core/api/route-text.js";
import { ORIGIN_WORDS } from "../../core/api/route-text.js";
import type { RouteConfig } from "../../core/config/types.js";
import { formatAsPath, formatCommunity, formatLargeCommunity, formatPrefix } from "../../core/wire/index.js";

export function routeToText(r: RouteConfig): RouteText {
  const t: RouteText = { prefix: formatPrefix(r.prefix) };
  if (r.nextHop !== null) t["next-hop"] = r.nextHop;
  if (r.origin !== 0) t.origin = ORIGIN_WORDS[r.origin];
  if (r.asPath.length) t["as-path"] = formatAsPath(r.asPath);
  if (r.med !== null) t.med = r.med;
  if (r.localPref !== null) t["local-pref"] = r.localPref;
  if (r.communities.length) t.communities = r.communities.map(formatCommunity);
  if (r.largeCommunities.length) t["large-communities"] = r.largeCommunities.map(formatLargeCommunity);
  if (r.extCommunities.length)
    t["extended-communities"] = r.extCommunities.map((c) => `0x${Buffer.from(c).toString("hex")}`);
  if (r.identifier) t.identifier = r.identifier;
  if (r.neighbors) t.neighbors = [...r.neighbors];
  return t;
}
