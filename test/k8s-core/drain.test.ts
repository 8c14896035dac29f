/** Node drain: Service routes withdrawn or de-preferred, node and pod routes kept. */
import { describe, expect, it } from "vitest";
import type { DrainCondition } from "../../core/k8s/types.js";
import { SegmentType } from "../../core/wire/index.js";
import {
  ASN,
  config,
  NODE,
  type NodeOptions,
  namespace,
  node,
  pod,
  prefixes,
  readyHere,
  routeFor,
  run,
  service,
} from "./fixtures.js";

const services = [service("web", { ingress: [{ ip: "192.0.2.10" }], clusterIP: "10.96.0.10" })];
const endpointSlices = [readyHere("web")];
const pods = [pod("p", { ips: ["10.244.0.5"], annotations: { "kbgp.io/announce": "local" } })];
const all: DrainCondition[] = ["unschedulable", "taint", "exclude-label", "network-unavailable"];

function drained(o: NodeOptions, when: DrainCondition[] = all, action: "withdraw" | "deprefer" = "withdraw") {
  const cfg = config({
    announce: { clusterIps: true },
    drain: { when, taints: ["example.com/maintenance"], action, prepend: 2, localPref: 50 },
  });
  return run(
    { services, endpointSlices, pods, nodes: [node(NODE, { podCIDR: "10.244.0.0/24", ...o })] },
    cfg,
  );
}

const nodeRoutes = ["10.244.0.0/24", "10.244.0.5/32"];
/** Everything, in prefix order. */
const everything = ["10.96.0.10/32", ...nodeRoutes, "192.0.2.10/32"];

describe("drain conditions", () => {
  it("a node that is not drained announces everything", () => {
    const d = drained({});
    expect(prefixes(d)).toEqual(everything);
    expect(d.drained).toEqual([]);
  });

  const cases: [DrainCondition, NodeOptions, string][] = [
    ["unschedulable", { unschedulable: true }, "node unschedulable"],
    [
      "taint",
      { taints: [{ key: "example.com/maintenance", effect: "NoSchedule" }] },
      "taint example.com/maintenance",
    ],
    [
      "exclude-label",
      { labels: { "node.kubernetes.io/exclude-from-external-load-balancers": "" } },
      "label node.kubernetes.io/exclude-from-external-load-balancers",
    ],
    [
      "network-unavailable",
      { conditions: [{ type: "NetworkUnavailable", status: "True" }] },
      "condition NetworkUnavailable",
    ],
  ];
  for (const [when, o, reason] of cases) {
    it(`${when}: withdraws Service routes, keeps pod CIDR and pod IPs`, () => {
      const d = drained(o);
      expect(prefixes(d)).toEqual(nodeRoutes);
      expect(d.drained).toEqual([reason]);
    });
    it(`${when}: not listed in drain.when, ignored`, () => {
      const d = drained(
        o,
        all.filter((w) => w !== when),
      );
      expect(prefixes(d)).toEqual(everything);
      expect(d.drained).toEqual([]);
    });
  }

  it("other taint keys and a NetworkUnavailable condition that is False do not drain", () => {
    const d = drained({
      taints: [{ key: "node.kubernetes.io/unschedulable" }],
      conditions: [{ type: "NetworkUnavailable", status: "False" }],
    });
    expect(d.drained).toEqual([]);
  });

  it("the exclude label with a false value does not drain (as Kubernetes' service controller)", () => {
    for (const value of ["false", "False", "0"])
      expect(
        drained({ labels: { "node.kubernetes.io/exclude-from-external-load-balancers": value } }).drained,
      ).toEqual([]);
    expect(
      drained({ labels: { "node.kubernetes.io/exclude-from-external-load-balancers": "true" } }).drained,
    ).toHaveLength(1);
  });

  it("reasons in the order of drain.when", () => {
    const d = drained({ unschedulable: true, conditions: [{ type: "NetworkUnavailable", status: "True" }] }, [
      "network-unavailable",
      "unschedulable",
    ]);
    expect(d.drained).toEqual(["condition NetworkUnavailable", "node unschedulable"]);
  });

  it("another node's drain does not matter", () => {
    const cfg = config({ drain: { when: all } });
    const d = run(
      { services, endpointSlices, nodes: [node(NODE), node("node-b", { unschedulable: true })] },
      cfg,
    );
    expect(prefixes(d)).toEqual(["192.0.2.10/32"]);
  });
});

describe("deprefer", () => {
  it("keeps Service routes with our AS prepended and a lower LOCAL_PREF, and says why", () => {
    const d = drained({ unschedulable: true }, all, "deprefer");
    expect(prefixes(d)).toEqual(everything);
    const r = routeFor(d, "192.0.2.10/32")!;
    expect(r.route.asPath).toEqual([{ type: SegmentType.AS_SEQUENCE, asns: [ASN, ASN] }]);
    expect(r.route.localPref).toBe(50);
    expect(r.reason).toMatch(/; de-preferred: node unschedulable$/);
    const cidr = routeFor(d, "10.244.0.0/24")!;
    expect(cidr.route.asPath).toEqual([]);
    expect(cidr.route.localPref).toBeNull();
  });

  it("never raises a Service's own lower LOCAL_PREF; drain's prepend goes in front of the Service's", () => {
    const svc = service("web", {
      ingress: [{ ip: "192.0.2.10" }],
      annotations: { "kbgp.io/local-pref": "20", "kbgp.io/as-path-prepend": "1" },
    });
    const cfg = config({ drain: { when: ["unschedulable"], action: "deprefer", prepend: 1, localPref: 50 } });
    const d = run({ services: [svc], endpointSlices, nodes: [node(NODE, { unschedulable: true })] }, cfg);
    expect(d.routes[0].route.localPref).toBe(20);
    expect(d.routes[0].route.asPath[0].asns).toEqual([ASN, ASN]);
  });

  it("localPref null leaves it; prepend 0 adds nothing", () => {
    const cfg = config({
      drain: { when: ["unschedulable"], action: "deprefer", prepend: 0, localPref: null },
    });
    const d = run({ services, endpointSlices, nodes: [node(NODE, { unschedulable: true })] }, cfg);
    expect(d.routes[0].route.asPath).toEqual([]);
    expect(d.routes[0].route.localPref).toBeNull();
    expect(d.routes[0].reason).toMatch(/de-preferred: node unschedulable$/);
  });
});

describe("pods of a cluster-policy namespace on a drained node", () => {
  it("are still announced", () => {
    const cfg = config({ drain: { when: ["unschedulable"] } });
    const d = run(
      {
        pods: [pod("p", { namespace: "ns", ips: ["10.244.0.9"] })],
        namespaces: [namespace("ns", { "kbgp.io/announce": "cluster" })],
        nodes: [node(NODE, { unschedulable: true })],
      },
      cfg,
    );
    expect(prefixes(d)).toEqual(["10.244.0.9/32"]);
  });
});
