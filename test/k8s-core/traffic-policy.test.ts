/**
 * externalTrafficPolicy / internalTrafficPolicy and the endpoints behind a Service IP: announced from this
 * node only when kube-proxy here can take the traffic.
 */
import { describe, expect, it } from "vitest";
import { endpointVerdict, indexEndpoints } from "../../core/k8s/endpoints.js";
import { config, NODE, node, OTHER, prefixes, run, service, slice } from "./fixtures.js";

const local = (more: Parameters<typeof service>[1] = {}) =>
  service("web", { ingress: [{ ip: "192.0.2.10" }], externalIPs: ["198.51.100.1"], etp: "Local", ...more });

const announced = (...eps: Parameters<typeof slice>[1]) =>
  prefixes(run({ services: [local()], endpointSlices: [slice("web", eps)] }));

describe("externalTrafficPolicy Local", () => {
  it("announces LB and external IPs with a ready endpoint on this node", () => {
    expect(announced({ ready: true })).toEqual(["192.0.2.10/32", "198.51.100.1/32"]);
    const d = run({ services: [local()], endpointSlices: [slice("web", [{ ready: true }])] });
    expect(d.routes[0].reason).toBe(
      "LoadBalancer ingress IP, announce.load-balancer-ips; externalTrafficPolicy Local: ready endpoint on this node",
    );
  });

  it("ready unset means ready", () => {
    expect(announced({ ready: null })).toHaveLength(2);
  });

  it("withdraws when the endpoint here is not ready", () => {
    expect(announced({ ready: false, serving: false })).toEqual([]);
  });

  it("withdraws when the ready endpoints are on another node", () => {
    expect(announced({ ready: true, node: OTHER })).toEqual([]);
  });

  it("withdraws with no endpoints at all, or no slice", () => {
    expect(announced()).toEqual([]);
    expect(prefixes(run({ services: [local()] }))).toEqual([]);
  });

  it("a terminating endpoint here that still serves: withdrawn while another node has a ready one", () => {
    expect(
      announced({ ready: false, serving: true, terminating: true }, { ready: true, node: OTHER }),
    ).toEqual([]);
  });

  it("…but kept while no endpoint is ready anywhere, as kube-proxy falls back to it", () => {
    const d = run({
      services: [local()],
      endpointSlices: [slice("web", [{ ready: false, serving: true, terminating: true }])],
    });
    expect(prefixes(d)).toHaveLength(2);
    expect(d.routes[0].reason).toMatch(
      /no endpoint ready anywhere, a terminating one still serving on this node$/,
    );
  });

  it("a terminating endpoint that no longer serves counts for nothing", () => {
    expect(announced({ ready: false, serving: false, terminating: true })).toEqual([]);
  });

  it("looks at the slices of this Service only: same name in another namespace does not count", () => {
    const d = run({
      services: [local()],
      endpointSlices: [slice("web", [{ ready: true }], { namespace: "other" })],
    });
    expect(prefixes(d)).toEqual([]);
  });

  it("gathers endpoints over several slices of the Service", () => {
    const d = run({
      services: [local()],
      endpointSlices: [
        slice("web", [{ ready: true, node: OTHER }], { name: "s1" }),
        slice("web", [{ ready: true }], { name: "s2" }),
      ],
    });
    expect(prefixes(d)).toHaveLength(2);
  });

  it("per family: the IPv6 IP needs a ready IPv6 endpoint here", () => {
    const svc = local({ ingress: [{ ip: "192.0.2.10" }, { ip: "2001:db8::10" }], externalIPs: [] });
    const d = run({
      services: [svc],
      endpointSlices: [
        slice("web", [{ ready: true }]),
        slice("web", [{ ready: true, node: OTHER }], { addressType: "IPv6", name: "v6" }),
      ],
    });
    expect(prefixes(d)).toEqual(["192.0.2.10/32"]);
  });

  it("an endpoint without nodeName is local when its address is this node's", () => {
    const eps = [slice("web", [{ ready: true, node: null, addresses: ["192.168.1.5"] }])];
    const here = node(NODE, { addresses: ["192.168.1.5"] });
    expect(prefixes(run({ services: [local()], endpointSlices: eps, nodes: [here] }))).toHaveLength(2);
    expect(prefixes(run({ services: [local()], endpointSlices: eps }))).toEqual([]);
  });

  it("does not apply to the ClusterIP, which follows internalTrafficPolicy", () => {
    const svc = local({ externalIPs: [], clusterIP: "10.96.0.10" });
    const d = run(
      { services: [svc], endpointSlices: [slice("web", [{ ready: true, node: OTHER }])] },
      config({ announce: { clusterIps: true } }),
    );
    expect(prefixes(d)).toEqual(["10.96.0.10/32"]);
  });
});

describe("internalTrafficPolicy Local", () => {
  const svc = service("web", { clusterIP: "10.96.0.10", itp: "Local" });
  const on = config({ announce: { clusterIps: true } });

  it("announces the ClusterIP only with a ready endpoint on this node", () => {
    expect(prefixes(run({ services: [svc], endpointSlices: [slice("web", [{ ready: true }])] }, on))).toEqual(
      ["10.96.0.10/32"],
    );
    expect(
      prefixes(run({ services: [svc], endpointSlices: [slice("web", [{ ready: true, node: OTHER }])] }, on)),
    ).toEqual([]);
  });

  it("does not apply to external IPs", () => {
    const ext = service("web", { externalIPs: ["198.51.100.1"], itp: "Local" });
    expect(
      prefixes(run({ services: [ext], endpointSlices: [slice("web", [{ ready: true, node: OTHER }])] })),
    ).toEqual(["198.51.100.1/32"]);
  });
});

describe("Local forced by annotation", () => {
  const eps = [slice("web", [{ ready: true, node: OTHER }])];
  const on = config({ announce: { clusterIps: true } });

  for (const [key, value] of [
    ["kbgp.io/traffic-policy", "local"],
    ["kube-router.io/service.local", "true"],
    ["ovn.kubernetes.io/bgp", "local"],
  ]) {
    it(`${key}=${value} makes every IP of the Service Local, ClusterIP included`, () => {
      const svc = service("web", {
        clusterIP: "10.96.0.10",
        externalIPs: ["198.51.100.1"],
        annotations: { [key]: value },
      });
      expect(prefixes(run({ services: [svc], endpointSlices: eps }, on))).toEqual([]);
      const here = [slice("web", [{ ready: true }])];
      const d = run({ services: [svc], endpointSlices: here }, on);
      expect(prefixes(d)).toEqual(["10.96.0.10/32", "198.51.100.1/32"]);
      expect(d.routes[0].reason).toContain(`annotation ${key}=${value}: ready endpoint on this node`);
    });
  }

  it("kbgp.io/traffic-policy: spec beats kube-router's service.local", () => {
    const svc = service("web", {
      externalIPs: ["198.51.100.1"],
      annotations: { "kbgp.io/traffic-policy": "spec", "kube-router.io/service.local": "true" },
    });
    expect(prefixes(run({ services: [svc], endpointSlices: eps }))).toEqual(["198.51.100.1/32"]);
  });
});

describe("externalTrafficPolicy Cluster", () => {
  const svc = service("web", { ingress: [{ ip: "192.0.2.10" }] });

  it("announces from every node while an endpoint is ready anywhere", () => {
    expect(
      prefixes(run({ services: [svc], endpointSlices: [slice("web", [{ ready: true, node: OTHER }])] })),
    ).toEqual(["192.0.2.10/32"]);
  });

  it("withdraws a Service without any endpoint (as MetalLB), keeps one with only serving-terminating ones", () => {
    expect(prefixes(run({ services: [svc] }))).toEqual([]);
    expect(prefixes(run({ services: [svc], endpointSlices: [slice("web", [{ ready: false }])] }))).toEqual(
      [],
    );
    const d = run({
      services: [svc],
      endpointSlices: [slice("web", [{ ready: false, serving: true, terminating: true, node: OTHER }])],
    });
    expect(prefixes(d)).toEqual(["192.0.2.10/32"]);
    expect(d.routes[0].reason).toMatch(/no endpoint ready, terminating ones still serving$/);
  });
});

describe("indexEndpoints", () => {
  it("skips FQDN slices, endpoints without addresses, slices without the service-name label", () => {
    const fqdn = slice("a", [{ ready: true, addresses: ["example.com"] }], { addressType: "FQDN" });
    const empty = slice("b", [{ ready: true, addresses: [] }]);
    const unlabelled = { ...slice("c", [{ ready: true }]), metadata: { name: "c", namespace: "default" } };
    const index = indexEndpoints([fqdn, empty, unlabelled], NODE, new Set());
    expect([...index.keys()]).toEqual([]);
  });

  it("infers the family from the address when addressType is missing", () => {
    const s = slice("a", [{ ready: true, addresses: ["fd00::1"] }]);
    const index = indexEndpoints([{ ...s, addressType: undefined }], NODE, new Set());
    expect(index.get("default/a")?.ipv6.readyLocal).toBe(true);
    expect(index.get("default/a")?.ipv4.servingAnywhere).toBe(false);
  });

  it("endpointVerdict without endpoints", () => {
    expect(endpointVerdict(undefined, true, "x").announce).toBe(false);
    expect(endpointVerdict(undefined, false, "x").announce).toBe(false);
  });
});
