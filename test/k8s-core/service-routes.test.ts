/** Services: which IPs become routes under which switch, annotation and alias, and which are left alone. */
import { describe, expect, it } from "vitest";
import { config, prefixes, readyHere, routeFor, run, service } from "./fixtures.js";

const lb = (name = "web", more: Parameters<typeof service>[1] = {}) =>
  service(name, { ingress: [{ ip: "192.0.2.10" }], ...more });

describe("loadbalancer-ip", () => {
  it("announces each ingress IP as a host route", () => {
    const d = run({ services: [lb()], endpointSlices: [readyHere("web")] });
    expect(prefixes(d)).toEqual(["192.0.2.10/32"]);
    const r = d.routes[0];
    expect(r.rule).toBe("loadbalancer-ip");
    expect(r.sources).toEqual([{ kind: "Service", namespace: "default", name: "web" }]);
    expect(r.reason).toBe(
      "LoadBalancer ingress IP, announce.load-balancer-ips; ready endpoints in the cluster",
    );
    expect(r.route).toMatchObject({
      nextHop: null,
      origin: 0,
      identifier: 0,
      neighbors: null,
      asPath: [],
      localPref: null,
      med: null,
    });
  });

  it("is dual stack: IPv4 and IPv6 ingress IPs, /32 and /128", () => {
    const svc = service("web", {
      ingress: [{ ip: "192.0.2.10" }, { ip: "2001:db8::10" }],
      clusterIPs: ["10.96.0.10", "fd00:96::10"],
    });
    const d = run({
      services: [svc],
      endpointSlices: [readyHere("web"), readyHere("web", { addressType: "IPv6" })],
    });
    expect(prefixes(d)).toEqual(["192.0.2.10/32", "2001:db8::10/128"]);
  });

  it("skips hostname-only entries and ipMode Proxy", () => {
    const svc = lb("web", {
      ingress: [
        { hostname: "lb.example.com" },
        { ip: "192.0.2.11", ipMode: "Proxy" },
        { ip: "192.0.2.12", ipMode: "VIP" },
      ],
    });
    expect(prefixes(run({ services: [svc], endpointSlices: [readyHere("web")] }))).toEqual(["192.0.2.12/32"]);
  });

  it("only for type LoadBalancer", () => {
    const svc = service("web", { type: "NodePort", ingress: [{ ip: "192.0.2.10" }] });
    expect(prefixes(run({ services: [svc], endpointSlices: [readyHere("web")] }))).toEqual([]);
  });

  it("leaves Services of another loadBalancerClass alone; takes its own class only", () => {
    const services = [lb("none"), lb("ours", { lbClass: "kbgp.io/bgp", ingress: [{ ip: "192.0.2.20" }] })];
    const endpointSlices = [readyHere("none"), readyHere("ours")];
    expect(prefixes(run({ services, endpointSlices }))).toEqual(["192.0.2.10/32"]);
    const d = run({ services, endpointSlices }, config({ loadBalancerClass: "kbgp.io/bgp" }));
    expect(prefixes(d)).toEqual(["192.0.2.20/32"]);
  });

  it("still announces the externalIPs of a Service of another class", () => {
    const svc = lb("web", { lbClass: "other.example/lb", externalIPs: ["198.51.100.1"] });
    const d = run({ services: [svc], endpointSlices: [readyHere("web")] });
    expect(prefixes(d)).toEqual(["198.51.100.1/32"]);
  });

  it("follows the switch, which annotations override both ways", () => {
    const off = config({ announce: { loadBalancerIps: false } });
    const eps = [readyHere("web")];
    expect(prefixes(run({ services: [lb()], endpointSlices: eps }, off))).toEqual([]);
    const on = lb("web", { annotations: { "kbgp.io/advertise-loadbalancer-ip": "true" } });
    const d = run({ services: [on], endpointSlices: eps }, off);
    expect(prefixes(d)).toEqual(["192.0.2.10/32"]);
    expect(d.routes[0].reason).toMatch(
      /^LoadBalancer ingress IP, annotation kbgp.io\/advertise-loadbalancer-ip=true;/,
    );
    const no = lb("web", { annotations: { "kbgp.io/advertise-loadbalancer-ip": "FALSE" } });
    expect(prefixes(run({ services: [no], endpointSlices: eps }))).toEqual([]);
  });

  it("reads kube-router's advertise.loadbalancerip and skiplbips", () => {
    const off = config({ announce: { loadBalancerIps: false } });
    const eps = [readyHere("web")];
    const kr = lb("web", { annotations: { "kube-router.io/service.advertise.loadbalancerip": "True" } });
    expect(prefixes(run({ services: [kr], endpointSlices: eps }, off))).toEqual(["192.0.2.10/32"]);
    // kube-router skips LB IPs when skiplbips is present, whatever its value and the other key say.
    const skip = lb("web", {
      annotations: {
        "kube-router.io/service.skiplbips": "false",
        "kube-router.io/service.advertise.loadbalancerip": "true",
      },
    });
    expect(prefixes(run({ services: [skip], endpointSlices: eps }))).toEqual([]);
    // Ours wins over both.
    const ours = lb("web", {
      annotations: {
        "kube-router.io/service.skiplbips": "true",
        "kbgp.io/advertise-loadbalancer-ip": "true",
      },
    });
    expect(prefixes(run({ services: [ours], endpointSlices: eps }))).toEqual(["192.0.2.10/32"]);
  });
});

describe("external-ip", () => {
  it("announces spec.externalIPs of any Service type", () => {
    const services = [
      service("a", { externalIPs: ["198.51.100.1"] }),
      service("b", { type: "NodePort", externalIPs: ["198.51.100.2"] }),
      lb("c", { externalIPs: ["2001:db8::3"], clusterIPs: ["fd00:96::3"] }),
    ];
    const endpointSlices = [readyHere("a"), readyHere("b"), readyHere("c", { addressType: "IPv6" })];
    const d = run({ services, endpointSlices });
    expect(prefixes(d)).toEqual(["198.51.100.1/32", "198.51.100.2/32", "2001:db8::3/128"]);
    expect(d.routes.map((r) => r.rule)).toEqual(["external-ip", "external-ip", "external-ip"]);
  });

  it("not for headless or ExternalName Services", () => {
    const services = [
      service("h", { clusterIP: "None", externalIPs: ["198.51.100.1"] }),
      service("x", { type: "ExternalName", clusterIP: "", externalIPs: ["198.51.100.2"] }),
    ];
    expect(prefixes(run({ services, endpointSlices: [readyHere("h"), readyHere("x")] }))).toEqual([]);
  });

  it("switch off, overridden by ours or kube-router's annotation", () => {
    const off = config({ announce: { externalIps: false } });
    const eps = [readyHere("a"), readyHere("b")];
    const services = [
      service("a", {
        externalIPs: ["198.51.100.1"],
        annotations: { "kbgp.io/advertise-external-ip": "true" },
      }),
      service("b", {
        externalIPs: ["198.51.100.2"],
        annotations: { "kube-router.io/service.advertise.externalip": "1" },
      }),
      service("c", { externalIPs: ["198.51.100.3"] }),
    ];
    expect(prefixes(run({ services, endpointSlices: eps }, off))).toEqual([
      "198.51.100.1/32",
      "198.51.100.2/32",
    ]);
  });

  it("a bad address is a problem, the others still announced", () => {
    const svc = service("a", { externalIPs: ["198.51.100.1", "not-an-ip"] });
    const d = run({ services: [svc], endpointSlices: [readyHere("a")] });
    expect(prefixes(d)).toEqual(["198.51.100.1/32"]);
    expect(d.problems).toEqual([
      {
        source: { kind: "Service", namespace: "default", name: "a" },
        message: "spec.externalIPs: 'not-an-ip' is not an IP address",
      },
    ]);
  });
});

describe("cluster-ip", () => {
  const eps = [readyHere("a"), readyHere("a", { addressType: "IPv6" })];

  it("every Service's ClusterIPs, dual stack, with announce.cluster-ips", () => {
    const svc = service("a", { clusterIPs: ["10.96.0.10", "fd00:96::10"] });
    const d = run({ services: [svc], endpointSlices: eps }, config({ announce: { clusterIps: true } }));
    expect(prefixes(d)).toEqual(["10.96.0.10/32", "fd00:96::10/128"]);
    expect(d.routes.every((r) => r.rule === "cluster-ip")).toBe(true);
    expect(d.routes[0].reason).toBe("ClusterIP, announce.cluster-ips; ready endpoints in the cluster");
  });

  it("falls back to spec.clusterIP", () => {
    const withList = service("a", { clusterIP: "10.96.0.11" });
    const svc = { ...withList, spec: { ...withList.spec, clusterIPs: undefined } };
    const d = run({ services: [svc], endpointSlices: eps }, config({ announce: { clusterIps: true } }));
    expect(prefixes(d)).toEqual(["10.96.0.11/32"]);
  });

  it("none for headless Services", () => {
    const svc = service("a", { clusterIP: "None", clusterIPs: ["None"] });
    expect(
      prefixes(run({ services: [svc], endpointSlices: eps }, config({ announce: { clusterIps: true } }))),
    ).toEqual([]);
  });

  it("per Service by our annotation or an alias; off by annotation under the switch", () => {
    const services = [
      service("a", { clusterIP: "10.96.0.1", annotations: { "kbgp.io/advertise-cluster-ip": "true" } }),
      service("b", {
        clusterIP: "10.96.0.2",
        annotations: { "kube-router.io/service.advertise.clusterip": "t" },
      }),
      service("c", { clusterIP: "10.96.0.3", annotations: { "ovn.kubernetes.io/bgp": "true" } }),
      service("d", { clusterIP: "10.96.0.4", annotations: { "ovn.kubernetes.io/bgp": "yes" } }),
      service("e", { clusterIP: "10.96.0.5" }),
    ];
    const endpointSlices = ["a", "b", "c", "d", "e"].map((n) => readyHere(n));
    const d = run({ services, endpointSlices });
    expect(prefixes(d)).toEqual(["10.96.0.1/32", "10.96.0.2/32", "10.96.0.3/32", "10.96.0.4/32"]);
    expect(routeFor(d, "10.96.0.3/32")?.reason).toMatch(
      /^ClusterIP, annotation ovn.kubernetes.io\/bgp=true;/,
    );

    const off = [
      service("a", { clusterIP: "10.96.0.1", annotations: { "kbgp.io/advertise-cluster-ip": "false" } }),
      service("b", {
        clusterIP: "10.96.0.2",
        annotations: { "kube-router.io/service.advertise.clusterip": "false" },
      }),
      service("c", { clusterIP: "10.96.0.3", annotations: { "ovn.kubernetes.io/bgp": "no" } }),
    ];
    expect(
      prefixes(run({ services: off, endpointSlices }, config({ announce: { clusterIps: true } }))),
    ).toEqual([]);
  });

  it("our key beats kube-router's, which beats kube-ovn's", () => {
    const services = [
      service("a", {
        clusterIP: "10.96.0.1",
        annotations: {
          "kbgp.io/advertise-cluster-ip": "false",
          "kube-router.io/service.advertise.clusterip": "true",
        },
      }),
      service("b", {
        clusterIP: "10.96.0.2",
        annotations: {
          "kube-router.io/service.advertise.clusterip": "false",
          "ovn.kubernetes.io/bgp": "true",
        },
      }),
      service("c", {
        clusterIP: "10.96.0.3",
        annotations: {
          "kube-router.io/service.advertise.clusterip": "true",
          "ovn.kubernetes.io/bgp": "false",
        },
      }),
    ];
    const endpointSlices = ["a", "b", "c"].map((n) => readyHere(n));
    expect(prefixes(run({ services, endpointSlices }))).toEqual(["10.96.0.3/32"]);
  });

  it("a bad value is reported and the next key (or the switch) decides", () => {
    const svc = service("a", {
      clusterIP: "10.96.0.1",
      annotations: { "kbgp.io/advertise-cluster-ip": "yes please", "ovn.kubernetes.io/bgp": "true" },
    });
    const d = run({ services: [svc], endpointSlices: [readyHere("a")] });
    expect(prefixes(d)).toEqual(["10.96.0.1/32"]);
    expect(d.problems.map((p) => p.message)).toEqual([
      "annotation kbgp.io/advertise-cluster-ip: 'yes please' is not true or false",
    ]);
    const kr = service("a", {
      clusterIP: "10.96.0.1",
      annotations: { "kube-router.io/service.advertise.clusterip": "yes" },
    });
    const k = run({ services: [kr], endpointSlices: [readyHere("a")] });
    expect(prefixes(k)).toEqual([]);
    expect(k.problems.map((p) => p.message)).toEqual([
      "annotation kube-router.io/service.advertise.clusterip: 'yes' is not a boolean (true, false, 1, 0, t, f)",
    ]);
  });

  it("one Service asking for one IP under two rules gives one route, the first rule's", () => {
    const svc = lb("web", { ingress: [{ ip: "192.0.2.10" }], externalIPs: ["192.0.2.10"] });
    const d = run({ services: [svc], endpointSlices: [readyHere("web")] });
    expect(d.routes).toHaveLength(1);
    expect(d.routes[0].rule).toBe("loadbalancer-ip");
    expect(d.routes[0].sources).toHaveLength(1);
  });
});
