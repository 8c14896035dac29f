/** Route attributes from the configuration, the Node's annotations and the Service's; bad values reported. */
import { describe, expect, it } from "vitest";
import { SegmentType } from "../../core/wire/index.js";
import { ASN, config, NODE, node, pod, prefixes, readyHere, routeFor, run, service } from "./fixtures.js";

const lb = (annotations: Record<string, string>, name = "web") =>
  service(name, { ingress: [{ ip: "192.0.2.10" }], annotations });
const svcSource = { kind: "Service", namespace: "default", name: "web" };
const nodeSource = { kind: "Node", namespace: null, name: NODE };

function withService(annotations: Record<string, string>, more: Parameters<typeof run>[0] = {}) {
  return run({ services: [lb(annotations)], endpointSlices: [readyHere("web")], ...more });
}

describe("configuration", () => {
  it("communities and large communities on every route, sorted, once", () => {
    const cfg = config({ communities: [0xffffff01, 65000 * 65536 + 1], largeCommunities: [[65000, 2, 3]] });
    const d = run(
      {
        services: [lb({ "kbgp.io/communities": "65000:1" })],
        endpointSlices: [readyHere("web")],
        nodes: [node(NODE, { podCIDR: "10.244.0.0/24" })],
      },
      cfg,
    );
    for (const r of d.routes) {
      expect(r.route.communities).toEqual([65000 * 65536 + 1, 0xffffff01]);
      expect(r.route.largeCommunities).toEqual([[65000, 2, 3]]);
    }
  });
});

describe("Service annotations", () => {
  it("communities (numbers, pairs, names; commas or blanks), large communities, local-pref, prepend", () => {
    const d = withService({
      "kbgp.io/communities": "65000:100, no-export 4294967041,planned-shut",
      "kbgp.io/large-communities": "65000:1:2 65000:0:9",
      "kbgp.io/local-pref": "150",
      "kbgp.io/as-path-prepend": "2",
    });
    expect(d.problems).toEqual([]);
    expect(d.routes[0].route).toMatchObject({
      communities: [65000 * 65536 + 100, 0xffff0000, 0xffffff01],
      largeCommunities: [
        [65000, 0, 9],
        [65000, 1, 2],
      ],
      localPref: 150,
      asPath: [{ type: SegmentType.AS_SEQUENCE, asns: [ASN, ASN] }],
    });
  });

  it("do not leak to other Services' or pods' routes", () => {
    const d = run({
      services: [lb({ "kbgp.io/local-pref": "150" }), service("other", { externalIPs: ["198.51.100.1"] })],
      endpointSlices: [readyHere("web"), readyHere("other")],
      pods: [pod("p", { ips: ["10.244.0.1"], annotations: { "kbgp.io/announce": "cluster" } })],
    });
    expect(routeFor(d, "192.0.2.10/32")?.route.localPref).toBe(150);
    expect(routeFor(d, "198.51.100.1/32")?.route.localPref).toBeNull();
    expect(routeFor(d, "10.244.0.1/32")?.route.localPref).toBeNull();
  });

  it("a bad value: a problem naming key and value, the route derived without it", () => {
    const d = withService({
      "kbgp.io/local-pref": "high",
      "kbgp.io/as-path-prepend": "300",
      "kbgp.io/large-communities": "1:2",
    });
    expect(prefixes(d)).toEqual(["192.0.2.10/32"]);
    expect(d.routes[0].route).toMatchObject({ localPref: null, asPath: [], largeCommunities: [] });
    expect(d.problems).toEqual([
      {
        source: svcSource,
        message: "annotation kbgp.io/as-path-prepend: '300' is not a number from 0 to 255",
      },
      {
        source: svcSource,
        message: "annotation kbgp.io/large-communities: '1:2' holds '1:2', not valid large communities",
      },
      {
        source: svcSource,
        message: "annotation kbgp.io/local-pref: 'high' is not a number from 0 to 4294967295",
      },
    ]);
  });

  it("a list with some bad items keeps the good ones (as kube-router) and names the bad ones", () => {
    const d = withService({ "kbgp.io/communities": "65000:1,bogus,70000:1" });
    expect(d.routes[0].route.communities).toEqual([65000 * 65536 + 1]);
    expect(d.problems).toEqual([
      {
        source: svcSource,
        message:
          "annotation kbgp.io/communities: '65000:1,bogus,70000:1' holds 'bogus', '70000:1', not valid communities (left out)",
      },
    ]);
  });

  it("an empty list is a problem", () => {
    const d = withService({ "kbgp.io/communities": " , " });
    expect(d.problems.map((p) => p.message)).toEqual([
      "annotation kbgp.io/communities: ' , ' holds no communities",
    ]);
  });
});

describe("Node annotations", () => {
  const d = (annotations: Record<string, string>) =>
    run({
      services: [lb({ "kbgp.io/as-path-prepend": "1", "kbgp.io/communities": "65000:7" })],
      endpointSlices: [readyHere("web")],
      nodes: [node(NODE, { podCIDR: "10.244.0.0/24", annotations })],
    });

  it("our keys apply to every route the node announces; the Service's prepend comes after the node's", () => {
    const r = d({
      "kbgp.io/communities": "65000:1",
      "kbgp.io/large-communities": "65000:1:1",
      "kbgp.io/as-path-prepend": "2",
    });
    expect(r.problems).toEqual([]);
    const cidr = routeFor(r, "10.244.0.0/24")!.route;
    expect(cidr.communities).toEqual([65000 * 65536 + 1]);
    expect(cidr.largeCommunities).toEqual([[65000, 1, 1]]);
    expect(cidr.asPath).toEqual([{ type: SegmentType.AS_SEQUENCE, asns: [ASN, ASN] }]);
    const svc = routeFor(r, "192.0.2.10/32")!.route;
    expect(svc.communities).toEqual([65000 * 65536 + 1, 65000 * 65536 + 7]);
    expect(svc.asPath).toEqual([{ type: SegmentType.AS_SEQUENCE, asns: [ASN, ASN, ASN] }]);
  });

  it("kube-router's node.bgp.communities and path-prepend pair", () => {
    const r = d({
      "kube-router.io/node.bgp.communities": "no-export,65535:65281,4294967041,internet",
      "kube-router.io/path-prepend.as": "64999",
      "kube-router.io/path-prepend.repeat-n": "3",
    });
    expect(r.problems).toEqual([]);
    const cidr = routeFor(r, "10.244.0.0/24")!.route;
    expect(cidr.communities).toEqual([0, 0xffffff01]);
    expect(cidr.asPath).toEqual([{ type: SegmentType.AS_SEQUENCE, asns: [64999, 64999, 64999] }]);
    expect(routeFor(r, "192.0.2.10/32")!.route.asPath[0].asns).toEqual([64999, 64999, 64999, ASN]);
  });

  it("our keys beat kube-router's", () => {
    const r = d({
      "kbgp.io/communities": "65000:1",
      "kube-router.io/node.bgp.communities": "65000:2",
      "kbgp.io/as-path-prepend": "1",
      "kube-router.io/path-prepend.as": "64999",
      "kube-router.io/path-prepend.repeat-n": "3",
    });
    const cidr = routeFor(r, "10.244.0.0/24")!.route;
    expect(cidr.communities).toEqual([65000 * 65536 + 1]);
    expect(cidr.asPath[0].asns).toEqual([ASN]);
  });

  it("half a kube-router pair, or a bad half, is a problem", () => {
    expect(d({ "kube-router.io/path-prepend.as": "64999" }).problems).toEqual([
      {
        source: nodeSource,
        message:
          "annotation kube-router.io/path-prepend.as: '64999' needs kube-router.io/path-prepend.repeat-n as well",
      },
    ]);
    expect(d({ "kube-router.io/path-prepend.repeat-n": "2" }).problems).toEqual([
      {
        source: nodeSource,
        message:
          "annotation kube-router.io/path-prepend.repeat-n is ignored without kube-router.io/path-prepend.as",
      },
    ]);
    const bad = d({ "kube-router.io/path-prepend.as": "AS1", "kube-router.io/path-prepend.repeat-n": "256" });
    expect(bad.problems.map((p) => p.message)).toEqual([
      "annotation kube-router.io/path-prepend.as: 'AS1' is not an AS number",
    ]);
    const badN = d({ "kube-router.io/path-prepend.as": "1", "kube-router.io/path-prepend.repeat-n": "256" });
    expect(badN.problems.map((p) => p.message)).toEqual([
      "annotation kube-router.io/path-prepend.as: '1' with kube-router.io/path-prepend.repeat-n '256', which is not a number from 0 to 255",
    ]);
    expect(routeFor(badN, "10.244.0.0/24")!.route.asPath).toEqual([]);
  });

  it("another node's annotations do not apply", () => {
    const r = run({
      nodes: [
        node(NODE, { podCIDR: "10.244.0.0/24" }),
        node("node-b", { annotations: { "kbgp.io/communities": "65000:1" } }),
      ],
    });
    expect(r.routes[0].route.communities).toEqual([]);
  });
});

describe("several objects, one prefix", () => {
  it("one route, every source sorted, the first source's attributes and rule", () => {
    const services = [
      service("zeta", { externalIPs: ["192.0.2.10"], annotations: { "kbgp.io/local-pref": "300" } }),
      lb({ "kbgp.io/local-pref": "200" }, "alpha"),
      service("mid", { namespace: "a-ns", externalIPs: ["192.0.2.10"] }),
    ];
    const endpointSlices = [readyHere("zeta"), readyHere("alpha"), readyHere("mid", { namespace: "a-ns" })];
    const d = run({ services, endpointSlices });
    expect(d.routes).toHaveLength(1);
    expect(d.routes[0].sources).toEqual([
      { kind: "Service", namespace: "a-ns", name: "mid" },
      { kind: "Service", namespace: "default", name: "alpha" },
      { kind: "Service", namespace: "default", name: "zeta" },
    ]);
    expect(d.routes[0].rule).toBe("external-ip");
    expect(d.routes[0].route.localPref).toBeNull();
  });

  it("a Service and a Pod: the Pod is first by kind", () => {
    const d = run({
      services: [service("web", { externalIPs: ["10.244.0.1"] })],
      endpointSlices: [readyHere("web")],
      pods: [pod("p", { ips: ["10.244.0.1"], annotations: { "kbgp.io/announce": "cluster" } })],
    });
    expect(d.routes).toHaveLength(1);
    expect(d.routes[0].rule).toBe("pod-ip");
    expect(d.routes[0].sources.map((s) => s.kind)).toEqual(["Pod", "Service"]);
  });

  it("a Service that withdraws does not count as a source", () => {
    const d = run({
      services: [
        service("local", { externalIPs: ["192.0.2.10"], etp: "Local" }),
        service("cluster", { externalIPs: ["192.0.2.10"] }),
      ],
      endpointSlices: [readyHere("cluster")],
    });
    expect(d.routes[0].sources).toEqual([{ kind: "Service", namespace: "default", name: "cluster" }]);
  });
});
