/**
 * Peering from the cluster (core/k8s/peering.ts, peer-annotations.ts, peering-config.ts): the node mesh,
 * per-ASN meshes, route reflection, external peers from a Node's annotations in all three formats, and how
 * the result lands in the speaker's configuration.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { derivePeering } from "../../core/k8s/peering.js";
import { applyPeering } from "../../core/k8s/peering-config.js";
import type { Node, PeeringConfig } from "../../core/k8s/types.js";
import { IPV4_UNICAST, IPV6_UNICAST } from "../../core/wire/index.js";
import { neighbor, speakerConfig } from "../helpers/speaker-config.js";
import { node, PEERING } from "./fixtures.js";

const ASN = 64512;
const MESH: PeeringConfig = { ...PEERING, mesh: true };
const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");

interface Other {
  name: string;
  annotations?: Record<string, string>;
  addresses?: string[];
  labels?: Record<string, string>;
}

/** node-a at 10.0.0.1 (annotated with `selfAnnotations`), and more nodes at 10.0.0.2… */
function cluster(...others: Other[]): Node[] {
  return [
    node("node-a", { addresses: ["10.0.0.1"], annotations: selfAnnotations }),
    ...others.map((o, i) =>
      node(o.name, {
        addresses: o.addresses ?? [`10.0.0.${i + 2}`],
        annotations: o.annotations,
        labels: o.labels,
      }),
    ),
  ];
}
let selfAnnotations: Record<string, string> | undefined;
const derive = (nodes: Node[], config: PeeringConfig = MESH) => derivePeering(nodes, "node-a", config, ASN);
const summary = (nodes: Node[], config: PeeringConfig = MESH) =>
  derive(nodes, config).peers.map(
    (p) => `${p.address} AS${p.asn} ${p.kind}${p.routeReflectorClient ? " rr-client" : ""}`,
  );

describe("node mesh", () => {
  it("peers with every other node in our AS, from our primary address, both families when dual stack", () => {
    selfAnnotations = undefined;
    const p = derive([
      node("node-a", { addresses: ["10.0.0.1", "fd00::1"] }),
      node("node-b", { addresses: ["10.0.0.2", "fd00::2"] }),
      node("node-c", { addresses: ["10.0.0.3"] }),
    ]);
    expect(p.peers.map((x) => x.address)).toEqual(["10.0.0.2", "10.0.0.3"]);
    expect(p.peers[0]).toMatchObject({
      asn: ASN,
      port: null,
      localAddress: "10.0.0.1",
      families: [IPV4_UNICAST, IPV6_UNICAST],
      nextHopIpv4: null,
      nextHopIpv6: "fd00::1",
      kind: "mesh",
      source: { kind: "Node", namespace: null, name: "node-b" },
      reason: `node mesh, AS ${ASN}`,
    });
    expect(p.asn).toBeNull();
    expect(p.problems).toEqual([]);
  });

  it("is off unless configured, and follows the node selector", () => {
    selfAnnotations = undefined;
    const nodes = cluster({ name: "node-b", labels: { bgp: "yes" } }, { name: "node-c" });
    expect(summary(nodes, PEERING)).toEqual([]);
    expect(summary(nodes, { ...MESH, nodeSelector: { bgp: "yes" } })).toEqual([`10.0.0.2 AS${ASN} mesh`]);
  });

  it("meshes per AS when nodes carry an AS annotation, ours or kube-router's", () => {
    selfAnnotations = { "kube-router.io/node.asn": "65010" };
    const nodes = cluster(
      { name: "node-b", annotations: { "kbgp.io/asn": "65010" } },
      { name: "node-c", annotations: { "kube-router.io/node.asn": "65010" } },
      { name: "node-d" },
      { name: "node-e", annotations: { "kube-router.io/node.asn": "65020" } },
    );
    const p = derive(nodes);
    expect(p.asn).toBe(65010);
    expect(summary(nodes)).toEqual(["10.0.0.2 AS65010 mesh", "10.0.0.3 AS65010 mesh"]);
    // Without annotations read, everyone is in global.asn.
    expect(summary(nodes, { ...MESH, nodeAnnotations: false })).toHaveLength(4);
  });

  it("route reflection: a server reflects to clients, a client meshes only with servers", () => {
    const others: Other[] = [
      { name: "node-b", annotations: { "kube-router.io/rr.server": "42" } },
      { name: "node-c", annotations: { "kbgp.io/rr-client": "42" } },
      { name: "node-d" },
    ];
    selfAnnotations = { "kbgp.io/rr-server": "10.9.9.9" };
    const server = derive(cluster(...others));
    expect(server.routeReflector).toEqual({ role: "server", clusterId: 0x0a090909 });
    expect(summary(cluster(...others))).toEqual([
      `10.0.0.2 AS${ASN} mesh`,
      `10.0.0.3 AS${ASN} mesh rr-client`,
      `10.0.0.4 AS${ASN} mesh`,
    ]);
    expect(server.peers[1].reason).toBe(
      `node mesh, AS ${ASN}; route-reflector client (kbgp.io/rr-client on it)`,
    );
    selfAnnotations = { "kube-router.io/rr.client": "42" };
    expect(summary(cluster(...others))).toEqual([`10.0.0.2 AS${ASN} mesh`]);
    selfAnnotations = undefined;
    // Neither: every node but the clients, which would never configure us.
    expect(summary(cluster(...others))).toEqual([`10.0.0.2 AS${ASN} mesh`, `10.0.0.4 AS${ASN} mesh`]);
  });

  it("reports nodes it cannot peer with, and a bad AS annotation, on the Node", () => {
    selfAnnotations = undefined;
    const p = derive(
      cluster(
        { name: "node-b", addresses: ["fd00::2"] },
        { name: "node-c", annotations: { "kbgp.io/asn": "23456" } },
        { name: "node-d", addresses: ["10.0.0.1"] },
      ),
    );
    expect(p.peers.map((x) => x.address)).toEqual(["10.0.0.3"]);
    expect(p.problems.map((x) => `${x.source.name}: ${x.message}`)).toEqual([
      "node-b: no IPv4 address: not in the node mesh",
      "node-c: annotation kbgp.io/asn: '23456' is not an AS number (1 to 4294967294, not 23456)",
      "node-d: has this node's address 10.0.0.1: not in the node mesh",
    ]);
  });

  it("does not depend on the order Nodes are listed in", () => {
    selfAnnotations = { "kbgp.io/rr-server": "1" };
    const nodes = cluster(
      { name: "node-b" },
      { name: "node-c", annotations: { "kbgp.io/rr-client": "1" } },
      { name: "node-d", annotations: { "kbgp.io/asn": "bad" } },
      { name: "node-e", addresses: ["10.0.0.2"] },
    );
    const expected = derive(nodes);
    fc.assert(
      fc.property(fc.shuffledSubarray(nodes, { minLength: nodes.length }), (shuffled) => {
        expect(derive(shuffled)).toEqual(expected);
      }),
    );
  });
});

describe("external peers from this Node's annotations", () => {
  const nodes = () => cluster();

  it("kbgp.io/peers: a YAML list, from our address of the peer's family", () => {
    selfAnnotations = {
      "kbgp.io/peers": `- { address: 192.0.2.1, asn: 65000 }\n- { address: "2001:db8::1", asn: 65001, port: 1179, local-address: "2001:db8::a", password: ${b64("s3cret")} }`,
    };
    const p = derive(nodes(), PEERING);
    expect(p.peers).toMatchObject([
      {
        address: "192.0.2.1",
        asn: 65000,
        port: null,
        localAddress: "10.0.0.1",
        password: null,
        kind: "node-annotation",
        reason: "annotation kbgp.io/peers",
      },
      { address: "2001:db8::1", asn: 65001, port: 1179, localAddress: "2001:db8::a", password: "s3cret" },
    ]);
    expect(p.problems).toEqual([]);
  });

  it("kube-router.io/peers, and our key winning over it", () => {
    selfAnnotations = {
      "kube-router.io/peers": "- remoteip: 192.0.2.7\n  remoteasn: 65007\n  localip: 10.0.0.1\n",
    };
    expect(summary(nodes(), PEERING)).toEqual(["192.0.2.7 AS65007 node-annotation"]);
    selfAnnotations = { ...selfAnnotations, "kbgp.io/peers": "[{address: 192.0.2.8, asn: 65008}]" };
    expect(summary(nodes(), PEERING)).toEqual(["192.0.2.8 AS65008 node-annotation"]);
  });

  it("kube-router's parallel lists, with blank items taking the default", () => {
    selfAnnotations = {
      "kube-router.io/peer.ips": "192.0.2.1,192.0.2.2",
      "kube-router.io/peer.asns": "65001,65002",
      "kube-router.io/peer.passwords": `${b64("pw")},`,
      "kube-router.io/peer.ports": ",1790",
    };
    const p = derive(nodes(), PEERING);
    expect(p.peers.map((x) => [x.address, x.asn, x.port, x.password])).toEqual([
      ["192.0.2.1", 65001, null, "pw"],
      ["192.0.2.2", 65002, 1790, null],
    ]);
    expect(p.peers[0].reason).toBe("annotation kube-router.io/peer.ips");
  });

  it("lists that do not line up give no peer, and say why", () => {
    selfAnnotations = {
      "kube-router.io/peer.ips": "192.0.2.1,192.0.2.2",
      "kube-router.io/peer.asns": "65001",
    };
    const p = derive(nodes(), PEERING);
    expect(p.peers).toEqual([]);
    expect(p.problems.map((x) => x.message)).toEqual([
      "annotation kube-router.io/peer.ips: '192.0.2.1,192.0.2.2' lists 2 addresses but kube-router.io/peer.asns 1 AS numbers",
    ]);
  });

  it("keeps the entries that read and reports the others", () => {
    selfAnnotations = {
      "kbgp.io/peers":
        "- { address: 192.0.2.1, asn: 65001 }\n- { address: nope, asn: 65002 }\n- { address: 192.0.2.3, asn: 0 }\n- { address: 192.0.2.4, asn: 1, colour: red }\n- { address: 192.0.2.5, asn: 1, password: '%%' }",
    };
    const p = derive(nodes(), PEERING);
    expect(p.peers.map((x) => x.address)).toEqual(["192.0.2.1"]);
    expect(p.problems).toHaveLength(1);
    expect(p.problems[0].message).toContain("entry 2 address is not an IP address");
    expect(p.problems[0].message).toContain("entry 3 asn is not an AS number");
    expect(p.problems[0].message).toContain("entry 4 has unknown key colour");
    expect(p.problems[0].message).toContain("entry 5 password is not base64");
    selfAnnotations = { "kbgp.io/peers": "{ not: a list }" };
    expect(derive(nodes(), PEERING).problems[0].message).toBe(
      "annotation kbgp.io/peers: '{ not: a list }' is not a list of peers",
    );
  });

  it("an external peer beats a mesh node at the same address, and the clash is reported", () => {
    selfAnnotations = { "kbgp.io/peers": "[{address: 10.0.0.2, asn: 65099}]" };
    const p = derive(cluster({ name: "node-b" }));
    expect(summary(cluster({ name: "node-b" }))).toEqual(["10.0.0.2 AS65099 node-annotation"]);
    expect(p.problems.map((x) => x.message)).toEqual([
      `peer 10.0.0.2 (node mesh, AS ${ASN}) is also listed by annotation kbgp.io/peers; that one is used`,
    ]);
  });

  it("reads this node's import reject list and listen addresses", () => {
    selfAnnotations = {
      "kube-router.io/node.bgp.customimportreject": "10.96.0.0/12, 2001:db8::/32",
      "kube-router.io/bgp-local-addresses": "10.0.0.1,fd00::1",
    };
    const p = derive(nodes(), PEERING);
    expect(p.importReject.map((f) => [f.prefix.length, f.ge, f.le])).toEqual([
      [12, 12, 32],
      [32, 32, 128],
    ]);
    expect(p.listenAddresses).toEqual(["10.0.0.1", "fd00::1"]);
  });

  it("reads nothing from annotations when node-annotations is off", () => {
    selfAnnotations = { "kbgp.io/peers": "[{address: 192.0.2.1, asn: 65001}]", "kbgp.io/asn": "65001" };
    const p = derive(nodes(), { ...PEERING, nodeAnnotations: false });
    expect(p).toMatchObject({ asn: null, peers: [], listenAddresses: null, importReject: [] });
  });
});

describe("applyPeering", () => {
  const template = neighbor("0.0.0.0", "internal", { holdTime: 9, keepalive: 3, description: "x" });
  const base = speakerConfig(ASN, "10.0.0.1", [neighbor("192.0.2.1", 65000)], [], { port: 1179 });

  it("adds the cluster's peers to the file's, with the template's settings and the global port", () => {
    selfAnnotations = {
      "kbgp.io/rr-server": "7",
      "kbgp.io/asn": "65010",
      "kbgp.io/import-reject": "10.96.0.0/12",
    };
    const p = derive(cluster({ name: "node-b", annotations: { "kbgp.io/asn": "65010" } }));
    const a = applyPeering(base, p, template);
    expect(a.config.global).toMatchObject({ asn: 65010, clusterId: 7 });
    expect(
      a.config.neighbors.map((n) => [n.address, n.peerAs, n.port, n.holdTime, n.localAddress, n.description]),
    ).toEqual([
      ["192.0.2.1", 65000, 179, 90, null, ""],
      ["10.0.0.2", 65010, 1179, 9, "10.0.0.1", "node node-b (k8s mesh)"],
    ]);
    // The node's import reject list applies to every neighbor, the file's too.
    expect(a.config.neighbors.every((n) => n.importReject.length === 1)).toBe(true);
    expect(a.problems).toEqual([]);
  });

  it("leaves out a peer the file configures", () => {
    selfAnnotations = {
      "kbgp.io/peers": `[{address: 192.0.2.1, asn: 65001}, {address: 192.0.2.2, asn: 65002, password: ${b64("x")}}]`,
    };
    const p = derive(cluster(), PEERING);
    const a = applyPeering(base, p, template);
    expect(a.config.neighbors.map((n) => n.address)).toEqual(["192.0.2.1", "192.0.2.2"]);
    expect(a.config.neighbors[0].peerAs).toBe(65000);
    expect(a.problems.map((x) => x.message)).toEqual([
      "peer 192.0.2.1 (annotation kbgp.io/peers) is also in the configuration's neighbors; that one is used",
    ]);
    expect(a.peers.map((x) => x.address)).toEqual(["192.0.2.2"]);
  });

  it("gives an eBGP peer the eBGP prefix limit unless the group sets one; an iBGP mesh peer none", () => {
    selfAnnotations = { "kbgp.io/peers": "[{address: 192.0.2.2, asn: 65002}]" };
    const p = derive(cluster({ name: "node-b" }), PEERING);
    const limits = (t: typeof template) =>
      applyPeering(base, p, t)
        .config.neighbors.slice(1)
        .map((n) => [n.address, n.maxPrefix?.limit ?? null]);
    expect(limits(template)).toEqual([["192.0.2.2", 2_000_000]]);
    const own = { limit: 50, warningPercent: 90, restartAfter: null };
    expect(limits({ ...template, maxPrefix: own })).toEqual([["192.0.2.2", 50]]);
    // The configuration's ebgpMaxPrefix decides, `off` (null) included.
    const off = applyPeering(base, p, template, null).config.neighbors.slice(1);
    expect(off.map((n) => n.maxPrefix)).toEqual([null]);
    // A mesh peer in our own AS is iBGP: no default limit.
    const mesh = applyPeering(base, derive(cluster({ name: "node-b" })), template).config.neighbors;
    expect(mesh.find((n) => n.address === "10.0.0.2")?.maxPrefix).toBeNull();
  });

  it("gives a peer its password, else the template's, and leaves out one longer than 80 bytes", () => {
    selfAnnotations = {
      "kbgp.io/peers": `[{address: 192.0.2.2, asn: 65002, password: ${b64("x")}}, {address: 192.0.2.3, asn: 65003}, {address: 192.0.2.4, asn: 65004, password: ${b64("y".repeat(81))}}]`,
    };
    const p = derive(cluster(), PEERING);
    const plain = applyPeering(base, p, template);
    expect(plain.config.neighbors.slice(1).map((n) => [n.address, n.password])).toEqual([
      ["192.0.2.2", "x"],
      ["192.0.2.3", null],
    ]);
    expect(plain.problems.map((x) => x.message)).toEqual([
      "peer 192.0.2.4: its TCP MD5 password is longer than 80 bytes; not peering",
    ]);
    const withTemplate = applyPeering(base, p, { ...template, password: "t" });
    expect(withTemplate.config.neighbors.slice(1).map((n) => n.password)).toEqual(["x", "t"]);
  });

  it("gives a mesh peer the template's password, and says so in the peers it returns", () => {
    selfAnnotations = undefined;
    const p = derive(cluster({ name: "node-b" }));
    const a = applyPeering(base, p, { ...template, password: "mesh-secret" });
    expect(a.config.neighbors.find((n) => n.address === "10.0.0.2")?.password).toBe("mesh-secret");
    expect(a.peers.map((x) => x.password)).toEqual(["mesh-secret"]);
  });

  it("is the file's configuration itself without peering", () => {
    expect(applyPeering(base, null, template).config).toBe(base);
  });
});
