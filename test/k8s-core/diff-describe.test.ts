/** diffRoutes on hand-made cases, and the text helpers for `kbgp k8s routes`. */
import { describe, expect, it } from "vitest";
import { formatProblem, formatSource } from "../../core/k8s/describe.js";
import { diffRoutes } from "../../core/k8s/diff.js";
import { k8sRoute } from "../../daemon/k8s/views.js";
import { ASN, config, NODE, node, readyHere, run, service } from "./fixtures.js";

const web = (annotations: Record<string, string> = {}) =>
  service("web", { ingress: [{ ip: "192.0.2.10" }], externalIPs: ["198.51.100.1"], annotations });

describe("diffRoutes", () => {
  const eps = [readyHere("web")];

  it("announces new routes and withdraws gone ones", () => {
    const before = run({ services: [web()], endpointSlices: eps }).routes;
    const after = run({
      services: [service("web", { ingress: [{ ip: "192.0.2.10" }] })],
      endpointSlices: eps,
    }).routes;
    const d = diffRoutes(before, after);
    expect(d.announce).toEqual([]);
    expect(d.withdraw.map((r) => r.rule)).toEqual(["external-ip"]);
    expect(diffRoutes(after, before).announce.map((r) => r.rule)).toEqual(["external-ip"]);
  });

  it("announces again only routes whose attributes changed", () => {
    const before = run({ services: [web()], endpointSlices: eps }).routes;
    const after = run({ services: [web({ "kbgp.io/local-pref": "50" })], endpointSlices: eps }).routes;
    const d = diffRoutes(before, after);
    expect(d.announce).toHaveLength(2);
    expect(d.withdraw).toEqual([]);
  });

  it("a change of reason or sources alone sends nothing", () => {
    const before = run({ services: [web()], endpointSlices: eps }).routes;
    const after = run(
      { services: [web()], endpointSlices: eps },
      config({ announce: { loadBalancerIps: false } }),
    ).routes;
    const flipped = run(
      { services: [web({ "kbgp.io/advertise-loadbalancer-ip": "true" })], endpointSlices: eps },
      config({ announce: { loadBalancerIps: false } }),
    ).routes;
    expect(diffRoutes(before, flipped)).toEqual({ announce: [], withdraw: [] });
    expect(diffRoutes(before, after).withdraw).toHaveLength(1);
  });
});

describe("a route as k8s.routes shows it", () => {
  it("prefix, rule, sources, reason and attributes as text", () => {
    const d = run(
      {
        services: [
          web({
            "kbgp.io/communities": "65000:1 no-export",
            "kbgp.io/local-pref": "50",
            "kbgp.io/as-path-prepend": "2",
          }),
          service("api", { namespace: "prod", externalIPs: ["192.0.2.10"] }),
        ],
        endpointSlices: [readyHere("web"), readyHere("api", { namespace: "prod" })],
        nodes: [node(NODE, { annotations: { "kbgp.io/large-communities": "65000:1:2" } })],
      },
      config(),
    );
    const r = k8sRoute(d.routes[0]);
    expect({ ...r, sources: r.sources.map(formatSource) }).toMatchObject({
      prefix: "192.0.2.10/32",
      rule: "loadbalancer-ip",
      sources: ["Service default/web", "Service prod/api"],
      reason: "LoadBalancer ingress IP, announce.load-balancer-ips; ready endpoints in the cluster",
      attributes: `as-path ${ASN} ${ASN}, local-pref 50, communities 65000:1 no-export, large-communities 65000:1:2`,
    });
  });

  it("a route without attributes has an empty attribute text", () => {
    const d = run({ nodes: [node(NODE, { podCIDR: "10.244.0.0/24" })] });
    const r = k8sRoute(d.routes[0]);
    expect({ sources: r.sources.map(formatSource), attributes: r.attributes }).toEqual({
      sources: [`Node ${NODE}`],
      attributes: "",
    });
  });

  it("formatSource and formatProblem", () => {
    expect(formatSource({ kind: "Namespace", namespace: null, name: "team" })).toBe("Namespace team");
    const d = run({ services: [web({ "kbgp.io/local-pref": "x" })], endpointSlices: [readyHere("web")] });
    expect(d.problems.map(formatProblem)).toEqual([
      "Service default/web: annotation kbgp.io/local-pref: 'x' is not a number from 0 to 4294967295",
    ]);
  });
});
