/**
 * `kbgp k8s status`, `kbgp k8s routes` and `kbgp k8s peers` as text: the status as `key: value` lines
 * (gobgp's `neighbor ADDRESS` style), routes and peers as fixed-column tables with the objects behind each.
 */
import { formatSource } from "../../core/k8s/describe.js";
import type { RouteSource } from "../../core/k8s/types.js";
import type { K8sPeer, K8sRoute, K8sStatus } from "../../daemon/k8s/views.js";
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
  const p = s.peering;
  const rr = p.routeReflector;
  const speaker = [
    p.asn === null ? "" : `AS ${p.asn} (annotation)`,
    rr
      ? `route reflector ${rr.role}${rr.role === "server" && rr.clusterId !== null ? `, cluster ID ${rr.clusterId}` : ""}`
      : "",
    p.listenAddresses ? `listening on ${p.listenAddresses.join(", ")}` : "",
    p.importReject ? `${p.importReject} prefixes rejected on import` : "",
  ].filter((x) => x);
  lines.push(`  Peers:         ${p.peers} from the cluster${p.peers ? " (kbgp k8s peers)" : ""}`);
  if (speaker.length) lines.push(`  This node:     ${speaker.join("; ")}`);
  if (s.drained.length)
    lines.push(`  Drained:       ${s.drained.join(", ")} (Service routes ${s.drainAction})`);
  if (s.lastError) lines.push(`  Last error:    ${s.lastError}`);
  return lines.join("\n");
}

export function k8sRoutesTable(routes: readonly K8sRoute[]): string[] {
  const rows = routes.map((r) => [r.prefix, r.rule, sourcesText(r.sources), r.reason, r.attributes]);
  return table(["Prefix", "Rule", "From", "Why", "Attributes"], rows);
}

export function k8sPeersTable(peers: readonly K8sPeer[]): string[] {
  const rows = peers.map((p) => [
    p.address,
    String(p.asn),
    p.kind,
    formatSource(p.source),
    p.state ?? "-",
    p.localAddress ?? "-",
    p.reason,
  ]);
  return table(["Peer", "AS", "Kind", "From", "State", "Local address", "Why"], rows);
}

/** Columns padded to their widest cell; the last one is not padded. */
function table(head: string[], rows: string[][]): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join("  ")
      .trimEnd();
  return [line(head), ...rows.map(line)];
}
