/** Route entries (`routes` in the file, `rib.add` at run time, health-checked prefixes) → RouteConfig. */
import type { RouteConfig } from "../../core/config/types.js";
import { Afi } from "../../core/wire/index.js";
import type { Path } from "./errors.js";
import { checkRouteSize } from "./route-size.js";
import { check, type RawIssue, type RouteInput, routeSchema } from "./schema.js";

/**
 * One route given at run time (the control API, core/api/route-text.ts), checked exactly as a `routes`
 * entry of the file; problems go to `out` with paths under `base`.
 */
export function resolveRoute(value: unknown, base: Path, out: RawIssue[]): RouteConfig | undefined {
  const before = out.length;
  const input = check(routeSchema, value, base, out);
  if (!input) return undefined;
  const [route] = resolveRoutes([{ input, path: base }], out);
  return out.length === before ? route : undefined;
}

export function resolveRoutes(
  routes: readonly { input: RouteInput; path: Path }[],
  out: RawIssue[],
): RouteConfig[] {
  return routes.map(({ input: r, path }) => {
    const nextHop = r["next-hop"] ?? null;
    if (nextHop && r.prefix.afi === Afi.IPV6 && nextHop.bytes.length === 4) {
      out.push({ path: [...path, "next-hop"], message: "an IPv6 route needs an IPv6 next hop" });
    }
    checkRouteSize(r, path, out);
    const neighbors = r.neighbors ? [...new Set(r.neighbors.map((a) => a.text))].sort() : null;
    return {
      prefix: r.prefix,
      nextHop: nextHop?.text ?? null,
      origin: r.origin ?? 0,
      asPath: r["as-path"] ?? [],
      med: r.med ?? null,
      localPref: r["local-pref"] ?? null,
      communities: r.communities ?? [],
      largeCommunities: r["large-communities"] ?? [],
      extCommunities: r["extended-communities"] ?? [],
      identifier: r.identifier ?? 0,
      neighbors,
    };
  });
}
