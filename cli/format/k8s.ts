/**
 * `kbgp k8s status` and `kbgp k8s routes` as text: the status as `key: value` lines (gobgp's `neighbor
 * ADDRESS` style), the routes as a fixed-column table with the objects and the rule behind each.
 */
import { formatSource } from "../../core/k8s/describe.js";
import type { RouteSource } from "../../core/k8s/types.js";
import type { K8sRoute, K8sStatus } from "../../daemon/k8s/views.js";
import { color } from "./color.js";
import { age } from "./duration.js";

/** `Service default/web, Service prod/web`: who asked for a route. */
export const sourcesText = (sources: readonly RouteSource[]): string => sources.map(formatSource).join(", ");

const STATE_COLOR = { synced: color.green, error: color.red } as const;

export function k8sStatusText(s: K8sStatus, now: number): string {
  if (!s.configured)
    return "Kubernetes sync: not configured (add a kubernetes section to the configuration: docs/kubernetes.md)";
  const paint = STATE_COLOR[s.state as keyof typeof STATE_COLOR] ?? ((t: string) => t);
  const since = s.since === null ? "" : ` for ${age(s.since, now)}`;
  const o = s.objects;
  const lines = [
    `Kubernetes sync: ${s.enabled ? "enabled" : "disabled"}, ${paint(s.state)}${since}`,
    `  Node:          ${s.node ?? "-"}`,
    `  API server:    ${s.server ?? "-"}`,
    `  Last sync:     ${s.lastSync === null ? "never" : `${age(s.lastSync, now)} ago`}`,
    `  Objects:       ${o.services} services, ${o.endpointSlices} endpoint slices, ${o.nodes} nodes, ${o.pods} pods, ${o.namespaces} namespaces`,
    `  Routes:        ${s.routes} announced${s.problems ? `, ${s.problems} object problems (kbgp k8s routes)` : ""}`,
  ];
  if (s.drained.length)
    lines.push(`  Drained:       ${s.drained.join(", ")} (Service routes ${s.drainAction})`);
  if (s.lastError) lines.push(`  Last error:    ${s.lastError}`);
  return lines.join("\n");
}

export function k8sRoutesTable(routes: readonly K8sRoute[]): string[] {
  const rows = routes.map((r) => [r.prefix, r.rule, sourcesText(r.sources), r.reason, r.attributes]);
  const head = ["Prefix", "Rule", "From", "Why", "Attributes"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join("  ")
      .trimEnd();
  return [line(head), ...rows.map(line)];
}
