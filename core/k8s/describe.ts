/**
 * Derived routes' parts and problems as text, for `kbgp k8s routes` (daemon/k8s/views.ts, cli/format/k8s.ts):
 * sources as "Service ns/name", attributes in the CLI's words.
 */
import type { RouteConfig } from "../config/types.js";
import { formatCommunity, formatLargeCommunity } from "../wire/attributes/communities.js";
import type { ObjectProblem, RouteSource } from "./types.js";

/** "Service default/web", "Node worker-1". */
export const formatSource = (s: RouteSource): string =>
  `${s.kind} ${s.namespace === null ? s.name : `${s.namespace}/${s.name}`}`;

/** "as-path 65000 65000, local-pref 50, communities 65000:1 no-export, large-communities 65000:1:2", or
 *  "" when the route carries none of them. */
export function formatRouteAttributes(r: RouteConfig): string {
  const parts: string[] = [];
  const asns = r.asPath.flatMap((s) => s.asns);
  if (asns.length) parts.push(`as-path ${asns.join(" ")}`);
  if (r.localPref !== null) parts.push(`local-pref ${r.localPref}`);
  if (r.med !== null) parts.push(`med ${r.med}`);
  if (r.communities.length) parts.push(`communities ${r.communities.map(formatCommunity).join(" ")}`);
  if (r.largeCommunities.length)
    parts.push(`large-communities ${r.largeCommunities.map(formatLargeCommunity).join(" ")}`);
  return parts.join(", ");
}

/** "Service default/web: annotation kbgp.io/local-pref: 'high' is not a number from 0 to 4294967295". */
export const formatProblem = (p: ObjectProblem): string => `${formatSource(p.source)}: ${p.message}`;
