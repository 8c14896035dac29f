/** The `kubernetes` section: defaults, every key, and mistakes refused with their file position. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfigFile } from "../../daemon/config/index.js";

const dir = mkdtempSync(join(tmpdir(), "kbgp-config-k8s-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const opts = { hostRouterId: () => 0x0a000063, hostNodeName: () => "host-node" };
let n = 0;
function load(section: string) {
  const file = join(dir, `c${n++}.yaml`);
  writeFileSync(file, `global:\n  asn: 65001\n${section}`);
  return loadConfigFile(file, opts);
}
function issues(section: string): string[] {
  try {
    load(section);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).issues.map((i) => `${i.line}:${i.column}: ${i.path}: ${i.message}`);
  }
  throw new Error("expected a ConfigError");
}

describe("the kubernetes section", () => {
  it("is absent without the key: the sync is not available", () => {
    expect(load("").kubernetes).toBeNull();
  });

  it("takes every default from an empty mapping, the node name from the host", () => {
    expect(load("kubernetes: {}\n").kubernetes).toEqual({
      enabled: true,
      nodeName: "host-node",
      kubeconfig: null,
      announce: { loadBalancerIps: true, externalIps: true, clusterIps: false, podCidrs: true, pods: false },
      podWatch: "cluster",
      loadBalancerClass: null,
      drain: {
        when: ["unschedulable", "exclude-label"],
        taints: [],
        action: "withdraw",
        prepend: 3,
        localPref: null,
      },
      communities: [],
      largeCommunities: [],
      peering: {
        mesh: false,
        nodeSelector: {},
        nodeAnnotations: true,
        template: expect.anything(),
        ebgpMaxPrefix: expect.anything(),
      },
    });
  });

  it("reads every key; empty strings mean the default, as the deploy ConfigMap writes them", () => {
    const k = load(
      [
        "kubernetes:",
        "  enabled: false",
        '  node-name: ""',
        "  kubeconfig: /etc/kbgp/kubeconfig",
        "  announce: { load-balancer-ips: false, external-ips: false, cluster-ips: true, pod-cidrs: false, pods: true }",
        "  pod-watch: node",
        "  load-balancer-class: kbgp.io/bgp",
        "  drain: { when: [taint, network-unavailable], taints: [maintenance], action: deprefer, prepend: 5, local-pref: 50 }",
        '  communities: ["65001:100", no-export]',
        '  large-communities: ["65001:1:2"]',
        "",
      ].join("\n"),
    ).kubernetes;
    expect(k).toEqual({
      enabled: false,
      nodeName: "host-node",
      kubeconfig: "/etc/kbgp/kubeconfig",
      announce: { loadBalancerIps: false, externalIps: false, clusterIps: true, podCidrs: false, pods: true },
      podWatch: "node",
      loadBalancerClass: "kbgp.io/bgp",
      drain: {
        when: ["taint", "network-unavailable"],
        taints: ["maintenance"],
        action: "deprefer",
        prepend: 5,
        localPref: 50,
      },
      communities: [65001 * 65536 + 100, 0xffffff01],
      largeCommunities: [[65001, 1, 2]],
      peering: {
        mesh: false,
        nodeSelector: {},
        nodeAnnotations: true,
        template: expect.anything(),
        ebgpMaxPrefix: expect.anything(),
      },
    });
  });

  it("peering: the mesh, its node selector, and a group the cluster's peers take their settings from", () => {
    const k = load(
      [
        "groups:",
        "  nodes: { hold-time: 9, graceful-restart: { restart-time: 30 }, max-prefix: { limit: 100 } }",
        "kubernetes:",
        "  peering:",
        "    mesh: true",
        "    node-selector: { kbgp.io/speaker: 'true' }",
        "    node-annotations: false",
        "    group: nodes",
        "",
      ].join("\n"),
    ).kubernetes!;
    expect(k.peering).toMatchObject({
      mesh: true,
      nodeSelector: { "kbgp.io/speaker": "true" },
      nodeAnnotations: false,
    });
    expect(k.peering.template).toMatchObject({
      holdTime: 9,
      keepalive: 3,
      maxPrefix: { limit: 100 },
      gracefulRestart: { restartTime: 30 },
      group: "nodes",
    });
    // eBGP peers from the cluster take the group's limit too.
    expect(k.peering.ebgpMaxPrefix).toMatchObject({ limit: 100 });
    // Without a group: the defaults every neighbor has, and the eBGP default limit for eBGP peers.
    const plain = load("kubernetes: {}\n").kubernetes!.peering;
    expect(plain.template).toMatchObject({ holdTime: 90, connectRetry: 120, maxPrefix: null });
    expect(plain.ebgpMaxPrefix).toEqual({ limit: 2_000_000, warningPercent: 90, restartAfter: 300 });
    // `off` in the group means no limit for them either.
    const off = load(
      [
        "groups: { nodes: { max-prefix: off, route-reflector-client: true } }",
        "kubernetes:",
        "  peering: { group: nodes }",
        "",
      ].join("\n"),
    ).kubernetes!.peering;
    expect(off.ebgpMaxPrefix).toBeNull();
  });

  it("peering: refuses a group that is not there, and a bad value, with their position", () => {
    expect(
      issues(["groups: { nodes: {} }", "kubernetes:", "  peering: { group: node }", ""].join("\n")),
    ).toEqual(["5:21: kubernetes.peering.group: no group named 'node' (did you mean 'nodes'?)"]);
    expect(issues(["kubernetes:", "  peering: { mesh: yes, colour: red }", ""].join("\n"))).toEqual([
      "4:20: kubernetes.peering.mesh: must be true or false, not 'yes'",
      "4:25: kubernetes.peering.colour: unknown key 'colour'",
    ]);
  });

  it("refuses mistakes with their position, and suggests the key meant", () => {
    expect(
      issues(
        [
          "kubernetes:",
          "  node_name: a",
          "  announce: { pod-cidr: true }",
          "  drain: { when: [cordoned], action: drop, prepend: 17 }",
          '  communities: ["65001:x"]',
          "",
        ].join("\n"),
      ),
    ).toEqual([
      "4:3: kubernetes.node_name: unknown key 'node_name' (did you mean 'node-name'?)",
      "5:15: kubernetes.announce.pod-cidr: unknown key 'pod-cidr' (did you mean 'pod-cidrs'?)",
      "6:19: kubernetes.drain.when[0]: must be one of unschedulable, taint, exclude-label, network-unavailable, not 'cordoned'",
      "6:38: kubernetes.drain.action: must be one of withdraw, deprefer, not 'drop'",
      "6:53: kubernetes.drain.prepend: must be between 0 and 16",
      "7:17: kubernetes.communities[0]: '65001:x' is not a community (65000:1 or a well-known name)",
    ]);
  });

  it("names the section in the message for a misspelt top-level key", () => {
    expect(issues("kubernets: {}\n")).toEqual([
      "3:1: kubernets: unknown key 'kubernets' (did you mean 'kubernetes'?)",
    ]);
  });
});
