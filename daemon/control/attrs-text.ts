/**
 * Path attributes in gobgp's `Attrs` column: `[{Origin: i} {Med: 10} {LocalPref: 110} {Communities: …}]`.
 * The daemon writes it into `rib.list` cells (table-cells.ts); the CLI into monitor lines.
 */
import type { AttributesView } from "./views.js";

const ORIGIN_LETTER: Readonly<Record<string, string>> = { igp: "i", egp: "e", incomplete: "?" };

export function attrsText(a: AttributesView): string {
  const parts: string[] = [];
  if (a.origin) parts.push(`{Origin: ${ORIGIN_LETTER[a.origin] ?? a.origin}}`);
  if (a.med !== undefined) parts.push(`{Med: ${a.med}}`);
  if (a.localPref !== undefined) parts.push(`{LocalPref: ${a.localPref}}`);
  if (a.communities.length) parts.push(`{Communities: ${a.communities.join(", ")}}`);
  if (a.largeCommunities.length) parts.push(`{LargeCommunity: [ ${a.largeCommunities.join(", ")}]}`);
  if (a.extCommunities.length) parts.push(`{Extcomms: [${a.extCommunities.join("], [")}]}`);
  if (a.atomicAggregate) parts.push("{AtomicAggregate}");
  if (a.aggregator) parts.push(`{Aggregate: {AS: ${a.aggregator.asn}, Address: ${a.aggregator.address}}}`);
  if (a.originatorId) parts.push(`{Originator: ${a.originatorId}}`);
  if (a.clusterList) parts.push(`{ClusterList: [${a.clusterList.join(", ")}]}`);
  return `[${parts.join(" ")}]`;
}

/** The next hop column: our own address on each session shows as gobgp shows it, the unspecified address. */
export function nextHopText(a: AttributesView, ipv6: boolean): string {
  return a.nextHop ?? (ipv6 ? "::" : "0.0.0.0");
}
