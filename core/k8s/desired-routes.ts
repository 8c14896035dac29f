/**
 * The Kubernetes sync's pure function: cluster objects, this node's name, the module's configuration and
 * the speaker's AS in; the routes this node should announce, each with the objects and the rule behind
 * it, and what was wrong in the objects, out. The daemon calls it on every cluster change and sends the
 * difference from the last result (diff.ts).
 *
 * One pass over each kind of object: EndpointSlices are indexed by Service once, Namespaces' pod policies
 * read once, this node's Node found once; then each Service and Pod yields its candidates (one per
 * object, prefix and rule), and candidates for the same prefix merge into one route. Cost is linear in
 * the objects, plus sorting the result.
 *
 * Merging: a prefix asked for by several objects (two Services sharing a LoadBalancer IP, an external IP
 * that is also another Service's) is one route whose sources are all of them, sorted by kind, namespace
 * and name; the first source gives the route its attributes, rule and reason (for one source asking
 * twice, the rule first in RULE_ORDER). Everything is sorted, so the result does not depend on the order
 * the informers list objects in.
 */
import { formatPrefix } from "../wire/prefix.js";
import { readNodeAttributes } from "./annotation-settings.js";
import { baseAttributes, routeConfig } from "./attributes.js";
import {
  type Candidate,
  comparePrefixes,
  compareSources,
  Problems,
  RULE_ORDER,
  sameSource,
} from "./candidates.js";
import { drainReasons } from "./drain.js";
import { indexEndpoints } from "./endpoints.js";
import { podCidrCandidates } from "./node-routes.js";
import { namespacePolicies, podCandidates } from "./pod-routes.js";
import { serviceCandidates } from "./service-routes.js";
import type {
  ClusterState,
  Derivation,
  DesiredRoute,
  KubernetesConfig,
  LocalSpeaker,
  Node,
  RouteSource,
} from "./types.js";

export function derive(
  cluster: ClusterState,
  node: string,
  config: KubernetesConfig,
  speaker: LocalSpeaker,
): Derivation {
  const problems = new Problems();
  let self: Node | undefined;
  for (const n of cluster.nodes)
    if (n.metadata?.name === node) {
      self = n;
      break;
    }
  const nodeAddresses = new Set<string>();
  for (const a of self?.status?.addresses ?? []) if (a.address) nodeAddresses.add(a.address);
  const nodeSource: RouteSource = { kind: "Node", namespace: null, name: node };
  const base = baseAttributes(
    config,
    readNodeAttributes(self?.metadata?.annotations, problems.for(nodeSource)),
  );
  const drained = drainReasons(self, config.drain);

  const candidates: Candidate[] = [];
  const ctx = {
    config,
    endpoints: indexEndpoints(cluster.endpointSlices, node, nodeAddresses),
    drained,
    base,
    problems,
    out: candidates,
  };
  for (const svc of cluster.services) serviceCandidates(svc, ctx);
  if (config.announce.podCidrs && self) podCidrCandidates(self, base, problems, candidates);
  if (config.announce.pods) {
    const namespaces = namespacePolicies(cluster.namespaces, problems);
    for (const pod of cluster.pods) podCandidates(pod, node, namespaces, base, problems, candidates);
  }

  return { routes: merge(candidates, speaker.asn), problems: problems.sorted(), drained };
}

const byWinner = (a: Candidate, b: Candidate): number =>
  compareSources(a.source, b.source) || RULE_ORDER.indexOf(a.rule) - RULE_ORDER.indexOf(b.rule);

function merge(candidates: readonly Candidate[], asn: number): DesiredRoute[] {
  const byPrefix = new Map<string, Candidate[]>();
  for (const c of candidates) {
    const key = formatPrefix(c.prefix);
    const group = byPrefix.get(key);
    if (group) group.push(c);
    else byPrefix.set(key, [c]);
  }
  const routes: DesiredRoute[] = [];
  for (const group of byPrefix.values()) {
    group.sort(byWinner);
    const first = group[0];
    const sources: RouteSource[] = [];
    for (const c of group)
      if (!sources.length || !sameSource(sources[sources.length - 1], c.source)) sources.push(c.source);
    routes.push({
      route: routeConfig(first.prefix, first.attrs, asn),
      rule: first.rule,
      sources,
      reason: first.reason,
    });
  }
  return routes.sort((a, b) => comparePrefixes(a.route.prefix, b.route.prefix));
}
