/**
 * Monitor events in gobgp's one-line layout: `<RFC3339> [ROUTE] <prefix> via <next hop> aspath [<path>]
 * attrs [<attributes>]`, `[DELROUTE]` for a withdrawal (with the path that went), `[NEIGH] <address> fsm:
 * <STATE> admin: <UP|DOWN|PFX_CT>`, and the last error while a neighbor is down. Adj-RIB-In paths with an
 * ADD-PATH identifier show it as gobgp does, `<id>:<prefix>`.
 */

import { attrsText, nextHopText } from "../../daemon/control/attrs-text.js";
import type { MonitorRow, NeighborState, RouteRow } from "../../daemon/control/monitor/events.js";
import type { K8sEvent } from "../../daemon/k8s/sync.js";
import type { K8sRoute, K8sStatus } from "../../daemon/k8s/views.js";
import { color } from "./color.js";
import { sourcesText } from "./k8s.js";

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

/** `[K8S] synced: 3 routes, 2 problems (last error: …)`. */
function k8sStatusLine(s: K8sStatus | null): string {
  if (!s?.configured) return `${color.bold("[K8S]")} not configured`;
  const problems = s.problems ? `, ${s.problems} problems` : "";
  const error = s.state === "error" && s.lastError ? ` (${s.lastError})` : "";
  return `${color.bold("[K8S]")} ${s.state}: ${s.routes} routes${problems}${error}`;
}

/** `[K8S-ROUTE] announce 203.0.113.10/32 loadbalancer-ip Service default/web`. */
function k8sRouteLine(op: "announce" | "withdraw", r: K8sRoute): string {
  const tag = op === "announce" ? color.green("[K8S-ROUTE]") : color.red("[K8S-ROUTE]");
  return `${tag} ${op} ${r.prefix} ${r.rule} ${sourcesText(r.sources)} (${r.reason})`;
}

/** One event or snapshot row, at `at` (ms since the epoch). */
export function monitorLine(
  row: MonitorRow | K8sEvent | { kind: "neighbor-removed"; address: string },
  at: number,
): string {
  let text: string;
  switch (row.kind) {
    case "neighbor":
      text = neighborLine(row);
      break;
    case "neighbor-removed":
      text = `${color.yellow("[NEIGH]")} ${row.address} removed`;
      break;
    case "k8s-status":
      text = k8sStatusLine(row.status);
      break;
    case "k8s-route":
      text = k8sRouteLine(row.op, row.route);
      break;
    default:
      text = routeLine(row);
  }
  return `${rfc3339(at)} ${text}`;
}
