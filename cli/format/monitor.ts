/**
 * Monitor events in gobgp's one-line layout: `<RFC3339> [ROUTE] <prefix> via <next hop> aspath [<path>]
 * attrs [<attributes>]`, `[DELROUTE]` for a withdrawal (with the path that went), `[NEIGH] <address> fsm:
 * <STATE> admin: <UP|DOWN|PFX_CT>`, and the last error while a neighbor is down. Adj-RIB-In paths with an
 * ADD-PATH identifier show it as gobgp does, `<id>:<prefix>`.
 */

import { attrsText, nextHopText } from "../../daemon/control/attrs-text.js";
import type { MonitorRow, NeighborState, RouteRow } from "../../daemon/control/monitor/events.js";
import { color } from "./color.js";

/** RFC 3339, to the second, UTC: what gobgp prints. */
export const rfc3339 = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

function routeLine(r: RouteRow): string {
  const tag = r.kind === "route" ? color.green("[ROUTE]") : color.red("[DELROUTE]");
  const nlri = r.neighbor && r.path.pathId ? `${r.path.pathId}:${r.prefix}` : r.prefix;
  const via = nextHopText(r.path, r.family === "ipv6-unicast");
  return `${tag} ${nlri} via ${via} aspath [${r.path.asPath}] attrs ${attrsText(r.path)}`;
}

function neighborLine(n: NeighborState): string {
  const admin = n.adminDown ? "DOWN" : n.prefixLimitReached ? "PFX_CT" : "UP";
  const why = n.state !== "established" && n.lastError ? ` (${n.lastError})` : "";
  return `${color.yellow("[NEIGH]")} ${n.address} fsm: ${n.state.toUpperCase()} admin: ${admin}${why}`;
}

/** One event or snapshot row, at `at` (ms since the epoch). */
export function monitorLine(
  row: MonitorRow | { kind: "neighbor-removed"; address: string },
  at: number,
): string {
  const text =
    row.kind === "neighbor"
      ? neighborLine(row)
      : row.kind === "neighbor-removed"
        ? `${color.yellow("[NEIGH]")} ${row.address} removed`
        : routeLine(row);
  return `${rfc3339(at)} ${text}`;
}
