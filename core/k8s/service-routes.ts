/**
 * A Service's routes: its LoadBalancer ingress IPs (`loadbalancer-ip`), its `spec.externalIPs`
 * (`external-ip`) and its ClusterIPs (`cluster-ip`), each a host route, each switched by the
 * configuration and overridden per Service by annotation, each announced only where kube-proxy can take
 * the traffic (endpoints.ts), and withdrawn or de-preferred on a drained node (drain.ts).
 *
 * Which Services, and which of their IPs:
 * - ExternalName Services have no IPs. Headless Services (clusterIP None) have no ClusterIP, and their
 *   externalIPs are not announced either: kube-proxy does not program headless Services, so nothing on
 *   the node would take that traffic (kube-router skips them the same way).
 * - LoadBalancer ingress IPs only for type LoadBalancer whose `spec.loadBalancerClass` is ours (equal to
 *   `loadBalancerClass`; with none configured, only Services without a class), as MetalLB's --lb-class
 *   filter. Entries with only a hostname are skipped, and so are those with `ipMode: Proxy`: that IP
 *   belongs to an external proxy that forwards to the nodes, not to the nodes (KEP-1860; kube-router skips
 *   them too).
 * - A Service whose class is another implementation's still has its externalIPs and ClusterIPs announced
 *   under their own switches: the class selects who implements the load balancer, i.e. who fills
 *   `status.loadBalancer`, while externalIPs and ClusterIPs are served by kube-proxy on every node whatever
 *   the class (Kubernetes allows the class on type LoadBalancer only). Annotate the Service with
 *   `kbgp.io/advertise-external-ip: "false"` to leave them to the other implementation.
 *
 * Traffic policy: LoadBalancer and external IPs follow `spec.externalTrafficPolicy`, ClusterIPs
 * `spec.internalTrafficPolicy` (with Local, kube-proxy sends ClusterIP traffic a node receives only to
 * that node's endpoints, so a node without one would drop what it attracts — kube-router and Cilium
 * withdraw it too); `kbgp.io/traffic-policy: local` and its aliases make every IP of the Service Local.
 */
import type { Decided, ServiceSettings } from "./annotation-settings.js";
import { readServiceSettings } from "./annotation-settings.js";
import { dePreferred, type RouteAttributes, withObject } from "./attributes.js";
import { type Candidate, hostPrefix, type Problems } from "./candidates.js";
import { endpointVerdict, type ServiceEndpoints, serviceKey } from "./endpoints.js";
import type { KubernetesConfig, RouteRule, RouteSource, Service } from "./types.js";

export interface ServiceContext {
  readonly config: KubernetesConfig;
  readonly endpoints: ReadonlyMap<string, ServiceEndpoints>;
  /** Why this node is drained; empty when it is not. */
  readonly drained: readonly string[];
  /** The configuration's and the Node's attributes. */
  readonly base: RouteAttributes;
  readonly problems: Problems;
  readonly out: Candidate[];
}

/** One kind of Service IP, with what decided to announce it and the policy it follows. */
interface IpGroup {
  readonly rule: RouteRule;
  readonly what: string;
  /** Where the addresses are, for problems. */
  readonly field: string;
  readonly ips: readonly string[];
  /** Why it is on: the annotation or the configuration switch. */
  readonly why: string;
  /** What makes it Local, or null for Cluster. */
  readonly local: string | null;
}

function switched(decided: Decided<boolean> | null, global: boolean, name: string): string | null {
  if (decided) return decided.value ? `annotation ${decided.key}=${decided.text}` : null;
  return global ? name : null;
}

function ipGroups(svc: Service, s: ServiceSettings, config: KubernetesConfig): IpGroup[] {
  const spec = svc.spec ?? {};
  const type = spec.type ?? "ClusterIP";
  if (type === "ExternalName" || spec.clusterIP === "None") return [];
  const forced =
    s.trafficPolicy?.value === "local" ? `annotation ${s.trafficPolicy.key}=${s.trafficPolicy.text}` : null;
  const external = forced ?? (spec.externalTrafficPolicy === "Local" ? "externalTrafficPolicy Local" : null);
  const internal = forced ?? (spec.internalTrafficPolicy === "Local" ? "internalTrafficPolicy Local" : null);
  const groups: IpGroup[] = [];

  const lbWhy = switched(
    s.advertiseLoadBalancerIp,
    config.announce.loadBalancerIps,
    "announce.load-balancer-ips",
  );
  const ours = (spec.loadBalancerClass ?? null) === config.loadBalancerClass;
  if (type === "LoadBalancer" && ours && lbWhy) {
    const ips: string[] = [];
    for (const ingress of svc.status?.loadBalancer?.ingress ?? [])
      if (ingress.ip && ingress.ipMode !== "Proxy") ips.push(ingress.ip);
    const field = "status.loadBalancer.ingress";
    groups.push({
      rule: "loadbalancer-ip",
      what: "LoadBalancer ingress IP",
      field,
      ips,
      why: lbWhy,
      local: external,
    });
  }

  const extWhy = switched(s.advertiseExternalIp, config.announce.externalIps, "announce.external-ips");
  if (extWhy && spec.externalIPs?.length) {
    const field = "spec.externalIPs";
    groups.push({
      rule: "external-ip",
      what: "external IP",
      field,
      ips: spec.externalIPs,
      why: extWhy,
      local: external,
    });
  }

  const cipWhy = switched(s.advertiseClusterIp, config.announce.clusterIps, "announce.cluster-ips");
  if (cipWhy) {
    const ips = (spec.clusterIPs?.length ? spec.clusterIPs : spec.clusterIP ? [spec.clusterIP] : []).filter(
      (ip) => ip !== "None" && ip !== "",
    );
    const field = spec.clusterIPs?.length ? "spec.clusterIPs" : "spec.clusterIP";
    groups.push({ rule: "cluster-ip", what: "ClusterIP", field, ips, why: cipWhy, local: internal });
  }
  return groups;
}

export function serviceCandidates(svc: Service, ctx: ServiceContext): void {
  const name = svc.metadata?.name;
  if (!name) return;
  const namespace = svc.metadata?.namespace ?? "default";
  const source: RouteSource = { kind: "Service", namespace, name };
  const report = ctx.problems.for(source);
  // Read (and so report on) the annotations even when the node is drained.
  const settings = readServiceSettings(svc.metadata?.annotations, report);
  const drain = ctx.config.drain;
  if (ctx.drained.length && drain.action === "withdraw") return;
  const own = withObject(ctx.base, settings);
  const attrs = ctx.drained.length ? dePreferred(own, drain) : own;
  const drainWhy = ctx.drained.length ? `; de-preferred: ${ctx.drained.join(", ")}` : "";
  const endpoints = ctx.endpoints.get(serviceKey(namespace, name));

  for (const g of ipGroups(svc, settings, ctx.config)) {
    for (const ip of g.ips) {
      const prefix = hostPrefix(ip);
      if (!prefix) {
        report(`${g.field}: '${ip}' is not an IP address`);
        continue;
      }
      const family = prefix.addr.length === 4 ? endpoints?.ipv4 : endpoints?.ipv6;
      const verdict = endpointVerdict(family, g.local !== null, g.local ?? "");
      if (!verdict.announce) continue;
      ctx.out.push({
        prefix,
        rule: g.rule,
        source,
        reason: `${g.what}, ${g.why}; ${verdict.why}${drainWhy}`,
        attrs,
      });
    }
  }
}
