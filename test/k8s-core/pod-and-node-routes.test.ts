/** Pod CIDRs of this node, and pod IPs by annotation on Pods and Namespaces. */
import { describe, expect, it } from "vitest";
import { config, NODE, namespace, node, OTHER, pod, prefixes, run } from "./fixtures.js";

describe("pod-cidr", () => {
  it("this node's spec.podCIDRs, dual stack", () => {
    const d = run({
      nodes: [
        node(NODE, { podCIDRs: ["10.244.1.0/24", "fd00:244:1::/64"] }),
        node(OTHER, { podCIDR: "10.244.2.0/24" }),
      ],
    });
    expect(prefixes(d)).toEqual(["10.244.1.0/24", "fd00:244:1::/64"]);
    expect(d.routes[0]).toMatchObject({
      rule: "pod-cidr",
      sources: [{ kind: "Node", namespace: null, name: NODE }],
      reason: "this node's pod CIDR (spec.podCIDRs)",
    });
  });

  it("falls back to spec.podCIDR", () => {
    expect(prefixes(run({ nodes: [node(NODE, { podCIDR: "10.244.1.0/24" })] }))).toEqual(["10.244.1.0/24"]);
  });

  it("off with announce.pod-cidrs false; nothing without this node's Node object", () => {
    const nodes = [node(NODE, { podCIDR: "10.244.1.0/24" })];
    expect(prefixes(run({ nodes }, config({ announce: { podCidrs: false } })))).toEqual([]);
    expect(prefixes(run({ nodes: [node(OTHER, { podCIDR: "10.244.1.0/24" })] }))).toEqual([]);
  });

  it("a malformed CIDR is a problem", () => {
    const d = run({ nodes: [node(NODE, { podCIDRs: ["10.244.1.7/24", "10.244.2.0/24"] })] });
    expect(prefixes(d)).toEqual(["10.244.2.0/24"]);
    expect(d.problems).toEqual([
      {
        source: { kind: "Node", namespace: null, name: NODE },
        message: "spec.podCIDRs: '10.244.1.7/24' is not a prefix (address/length, host bits clear)",
      },
    ]);
  });
});

describe("pod-ip", () => {
  const ann = (v: string) => ({ "kbgp.io/announce": v });

  it("cluster: announced whichever node runs the Pod; local: only by the Pod's node", () => {
    const pods = [
      pod("c-here", { ips: ["10.244.0.1"], annotations: ann("cluster") }),
      pod("c-there", { node: OTHER, ips: ["10.244.9.1"], annotations: ann("cluster") }),
      pod("l-here", { ips: ["10.244.0.2"], annotations: ann("local") }),
      pod("l-there", { node: OTHER, ips: ["10.244.9.2"], annotations: ann("local") }),
      pod("none", { ips: ["10.244.0.3"] }),
    ];
    const d = run({ pods });
    expect(prefixes(d)).toEqual(["10.244.0.1/32", "10.244.0.2/32", "10.244.9.1/32"]);
    expect(d.routes[0]).toMatchObject({
      rule: "pod-ip",
      sources: [{ kind: "Pod", namespace: "default", name: "c-here" }],
      reason: "annotation kbgp.io/announce=cluster on the Pod",
    });
    expect(d.routes[1].reason).toBe("annotation kbgp.io/announce=local on the Pod; Pod on this node");
  });

  it("dual stack podIPs; podIP when podIPs is missing", () => {
    const pods = [
      pod("a", { ips: ["10.244.0.1", "fd00:244::1"], annotations: ann("cluster") }),
      pod("b", { podIP: "10.244.0.2", annotations: ann("cluster") }),
    ];
    expect(prefixes(run({ pods }))).toEqual(["10.244.0.1/32", "10.244.0.2/32", "fd00:244::1/128"]);
  });

  it("skips hostNetwork Pods, Pods not Running, Pods being deleted, Pods without an IP", () => {
    const a = ann("cluster");
    const pods = [
      pod("host", { ips: ["192.168.1.5"], hostNetwork: true, annotations: a }),
      pod("pending", { ips: ["10.244.0.2"], phase: "Pending", annotations: a }),
      pod("done", { ips: ["10.244.0.3"], phase: "Succeeded", annotations: a }),
      pod("deleting", { ips: ["10.244.0.4"], deleting: true, annotations: a }),
      pod("noip", { annotations: a }),
    ];
    expect(prefixes(run({ pods }))).toEqual([]);
  });

  it("from the Namespace; the Pod's own annotation wins, none opts out", () => {
    const namespaces = [namespace("ns", ann("cluster")), namespace("quiet")];
    const pods = [
      pod("a", { namespace: "ns", node: OTHER, ips: ["10.244.9.1"] }),
      pod("b", { namespace: "ns", node: OTHER, ips: ["10.244.9.2"], annotations: ann("local") }),
      pod("c", { namespace: "ns", ips: ["10.244.0.3"], annotations: ann("none") }),
      pod("d", { namespace: "quiet", ips: ["10.244.0.4"] }),
    ];
    const d = run({ pods, namespaces });
    expect(prefixes(d)).toEqual(["10.244.9.1/32"]);
    expect(d.routes[0].reason).toBe("annotation kbgp.io/announce=cluster on Namespace ns");
  });

  it("kube-ovn's ovn.kubernetes.io/bgp on Pods and Namespaces; ours wins", () => {
    const namespaces = [namespace("ovn", { "ovn.kubernetes.io/bgp": "local" })];
    const pods = [
      pod("a", { ips: ["10.244.0.1"], annotations: { "ovn.kubernetes.io/bgp": "true" } }),
      pod("b", { node: OTHER, ips: ["10.244.9.2"], annotations: { "ovn.kubernetes.io/bgp": "yes" } }),
      pod("c", { node: OTHER, ips: ["10.244.9.3"], annotations: { "ovn.kubernetes.io/bgp": "local" } }),
      pod("d", { namespace: "ovn", ips: ["10.244.0.4"] }),
      pod("e", { namespace: "ovn", node: OTHER, ips: ["10.244.9.5"] }),
      pod("f", { namespace: "ovn", ips: ["10.244.0.6"], annotations: { "ovn.kubernetes.io/bgp": "false" } }),
      pod("g", {
        ips: ["10.244.0.7"],
        annotations: { "ovn.kubernetes.io/bgp": "true", "kbgp.io/announce": "none" },
      }),
    ];
    expect(prefixes(run({ pods, namespaces }))).toEqual(["10.244.0.1/32", "10.244.0.4/32", "10.244.9.2/32"]);
  });

  it("off with announce.pods false", () => {
    const pods = [pod("a", { ips: ["10.244.0.1"], annotations: ann("cluster") })];
    expect(prefixes(run({ pods }, config({ announce: { pods: false } })))).toEqual([]);
  });

  it("bad values on Pods and Namespaces are problems; the Pod falls back to its Namespace", () => {
    const namespaces = [
      namespace("ns", { "kbgp.io/announce": "everywhere" }),
      namespace("ok", ann("cluster")),
    ];
    const pods = [
      pod("a", { namespace: "ok", ips: ["10.244.0.1"], annotations: ann("sometimes") }),
      pod("b", { namespace: "ns", ips: ["10.244.0.2"] }),
    ];
    const d = run({ pods, namespaces });
    expect(prefixes(d)).toEqual(["10.244.0.1/32"]);
    expect(d.problems).toEqual([
      {
        source: { kind: "Namespace", namespace: null, name: "ns" },
        message: "annotation kbgp.io/announce: 'everywhere' is not cluster, local or none",
      },
      {
        source: { kind: "Pod", namespace: "ok", name: "a" },
        message: "annotation kbgp.io/announce: 'sometimes' is not cluster, local or none",
      },
    ]);
  });
});
