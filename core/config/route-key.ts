/**
 * What makes an originated route the same route: its prefix, our path identifier and the neighbors it is
 * for. Announcing it again replaces it; a different identifier or set of neighbors is another path.
 */
import { formatPrefix, type Prefix } from "../wire/prefix.js";

/** `neighbors` sorted and canonical (RFC 5952), or null for every neighbor. */
export function routeKey(prefix: Prefix, identifier: number, neighbors: readonly string[] | null): string {
  return `${formatPrefix(prefix)}#${identifier}${neighbors ? `@${neighbors.join(",")}` : ""}`;
}
