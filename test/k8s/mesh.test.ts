/**
 * Peering from Kubernetes, end to end: three kbgpd instances on their own loopback addresses, one shared BGP
 * port, each configured as a different node of one cluster (the test API server) with the node mesh on and
 * no neighbors of its own. Everything they peer with comes from the Node objects:
 *
 * - the iBGP full mesh, discovered from the Nodes' InternalIPs, carrying each node's pod CIDR to the others;
 * - a Node added and deleted: peers configured and removed, no other session touched;
 * - `kbgp.io/asn` and kube-router's `node.asn`: one mesh per AS, applied live — only the sessions that
 *   must change do;
 * - `rr-server`/`rr-client` annotations: route reflection (RFC 4456), the clients no longer meshed with
 *   each other, a client's routes reflected to the other with ORIGINATOR_ID and CLUSTER_LIST;
 * - kube-router's `peer.ips`/`peer.asns` on a Node: an external peer (a real BIRD) for that node only;
 * - `kbgp k8s disable`: the module's peers go with its routes; `enable` brings them back.
 *
 * One cluster and one lab for the whole file: the tests run in order, each from where the last one left it.
 */
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kbgp } from "../helpers/cli.js";
import {
  type BirdPeer,
  closeAllLabs,
  createPeer,
  type KbgpdPeer,
  Lab,
  requireBinary,
  sleep,
  waitUntil,
} from "../interop/harness/index.js";
import { type ApiServer, startApiServer } from "./api-server/index.js";

const NODES = ["node-a", "node-b", "node-c"] as const;
type NodeName = (typeof NODES)[number];
const ASN = 64512;
const POD_CIDR: Record<NodeName, string> = {
  "node-a": "10.244.1.0/24",
  "node-b": "10.244.2.0/24",
  "node-c": "10.244.3.0/24",
};

let api: ApiServer;
let lab: Lab;
let bird: BirdPeer;
const speakers = {} as Record<NodeName, KbgpdPeer>;
const address = {} as Record<NodeName, string>;

interface NeighborRow {
  address: string;
  description: string;
  asn: number;
  state: string;
  upSince: number | null;
  establishedTransitions: number;
}

const nodeRef = (name: string) => ({ apiVersion: "v1", kind: "Node", name });
const annotate = (name: NodeName, annotations: Record<string, string | null>) =>
  api.patch(nodeRef(name), { metadata: { annotations } });

beforeAll(async () => {
  requireBinary("/usr/sbin/bird", "bird2");
  api = await startApiServer();
  lab = Lab.create("k8s-mesh");
  const eb = await lab.endpoint();
  const ends = await Promise.all(NODES.map(() => lab.endpoint()));
  // Every node listens on the same port, as on a real cluster: the mesh connects to it.
  const port = await lab.port();
  NODES.forEach((node, i) => {
    address[node] = ends[i]!.address;
    const k = createPeer("kbgpd", lab, {
      routerId: `10.255.43.${i + 1}`,
      asn: ASN,
      address: ends[i]!.address,
      port,
      neighbors: [],
    }) as KbgpdPeer;
    k.extra.sections = [
      // Quick retries and hold timer for the cluster's peers (the template is this group).
      "groups:",
      "  cluster: { connect-retry: 1, hold-time: 9 }",
      "kubernetes:",
      `  node-name: ${node}`,
      `  kubeconfig: ${api.kubeconfig}`,
      "  peering: { mesh: true, group: cluster }",
    ].join("\n");
    speakers[node] = k;
    api.create({
      apiVersion: "v1",
      kind: "Node",
      metadata: { name: node },
      spec: { podCIDRs: [POD_CIDR[node]] },
      status: { addresses: [{ type: "InternalIP", address: ends[i]!.address }] },
    });
  });
  bird = createPeer("bird", lab, {
    routerId: "10.255.43.100",
    asn: 65002,
    ...eb,
    neighbors: [{ address: address["node-a"], port, asn: ASN }],
  }) as BirdPeer;
  await Promise.all([bird.start(), ...NODES.map((n) => speakers[n].start())]);
}, 60_000);

afterAll(async () => {
  await closeAllLabs();
  await api?.close();
});

async function neighbors(node: NodeName): Promise<NeighborRow[]> {
  return (await speakers[node].call<{ neighbors: NeighborRow[] }>("neighbor.list")).neighbors;
}

/** Who each node has as neighbors, and in which state: "node-b: 10.x.x.x Established …". */
async function meshView(): Promise<Record<NodeName, NeighborRow[]>> {
  const rows = await Promise.all(NODES.map(neighbors));
  return Object.fromEntries(NODES.map((n, i) => [n, rows[i]])) as Record<NodeName, NeighborRow[]>;
}

const nameOf = (a: string): string => NODES.find((n) => address[n] === a) ?? a;
const show = (v: Record<NodeName, NeighborRow[]> | undefined): string =>
  v
    ? NODES.map(
        (n) => `${n}: ${v[n].map((r) => `${nameOf(r.address)} AS${r.asn} ${r.state}`).join(", ")}`,
      ).join("\n")
    : "(no answer)";

/** Waits until each node's established sessions are exactly with `want` (node names, or addresses). A
 *  neighbor configured but not up does not count: a node that leaves the mesh stays configured at the
 *  others, which go on trying to connect, as kube-router's do. */
async function meshIs(what: string, want: Record<NodeName, string[]>, timeoutMs = 20_000) {
  let last: Record<NodeName, NeighborRow[]> | undefined;
  await waitUntil(
    what,
    async () => {
      last = await meshView();
      return NODES.every((n) => {
        const up = last![n].filter((r) => r.state === "established").map((r) => nameOf(r.address));
        return JSON.stringify(up.sort()) === JSON.stringify([...want[n]].sort());
      });
    },
    { timeoutMs, intervalMs: 100, detail: () => `${show(last)}\n${lab.report(15)}` },
  );
  return last!;
}

/** The prefixes `node` has learned from `from` (its Adj-RIB-In, accepted). */
async function learned(
  node: NodeName,
  from: string,
): Promise<{ prefix: string; originatorId?: string; clusterList?: string[] }[]> {
  const { rows = [] } = await speakers[node].call<{
    rows?: { prefix: string; accepted?: boolean; originatorId?: string; clusterList?: string[] }[];
  }>("rib.list", { table: "in", neighbor: from, family: "ipv4-unicast" });
  return rows.filter((r) => r.accepted !== false);
}

/** Whether a TCP connection to `host`:`port` is accepted (then closed at once). */
const canConnect = (host: string, port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const s = net.connect({ host, port }, () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });

/** One session's identity: the time it came up and how many times it has. */
const session = (v: Record<NodeName, NeighborRow[]>, node: NodeName, peer: NodeName) => {
  const r = v[node].find((x) => x.address === address[peer])!;
  return `${r.upSince}/${r.establishedTransitions}`;
};

describe("peering from Kubernetes", () => {
  it("meshes the nodes from their Node objects, and carries each pod CIDR to the others", async () => {
    const v = await meshIs("the full mesh", {
      "node-a": ["node-b", "node-c"],
      "node-b": ["node-a", "node-c"],
      "node-c": ["node-a", "node-b"],
    });
    expect(v["node-a"].find((r) => r.address === address["node-b"])).toMatchObject({
      asn: ASN,
      description: "node node-b (k8s mesh)",
    });
    await waitUntil(
      "node-a holds node-b's and node-c's pod CIDRs",
      async () =>
        (await learned("node-a", address["node-b"])).some((r) => r.prefix === POD_CIDR["node-b"]) &&
        (await learned("node-a", address["node-c"])).some((r) => r.prefix === POD_CIDR["node-c"]),
      { timeoutMs: 10_000, intervalMs: 100 },
    );
    const peers = JSON.parse(kbgp(["k8s", "peers", "-j", "--socket", speakers["node-a"].socket]).stdout);
    // Sorted by address as bytes (127.1.59.x before 127.1.175.x), as k8s.peers sorts them.
    const byBytes = (a: string, b: string) => {
      const x = a.split(".").map(Number);
      const y = b.split(".").map(Number);
      return x.map((v, i) => v - y[i]).find((d) => d !== 0) ?? 0;
    };
    expect(
      peers.peers.map((p: { address: string; kind: string; state: string }) => [p.address, p.kind, p.state]),
    ).toEqual([address["node-b"], address["node-c"]].sort(byBytes).map((a) => [a, "mesh", "established"]));
    const text = kbgp(["k8s", "peers", "--socket", speakers["node-a"].socket]).stdout;
    expect(text).toMatch(/^Peer\s+AS\s+Kind\s+From\s+State\s+Local address\s+Why$/m);
    expect(text).toContain(`Node node-b`);
  }, 40_000);

  it("a Node added joins every mesh; deleted, it leaves; no other session is touched", async () => {
    const before = await meshView();
    const ghost = "127.99.99.99";
    api.create({
      apiVersion: "v1",
      kind: "Node",
      metadata: { name: "node-d" },
      status: { addresses: [{ type: "InternalIP", address: ghost }] },
    });
    await waitUntil(
      "every node configures node-d",
      async () =>
        (await Promise.all(NODES.map(neighbors))).every((rows) => rows.some((r) => r.address === ghost)),
      { timeoutMs: 5000, intervalMs: 50 },
    );
    api.delete(nodeRef("node-d"));
    await waitUntil(
      "every node removes node-d",
      async () =>
        (await Promise.all(NODES.map(neighbors))).every((rows) => !rows.some((r) => r.address === ghost)),
      { timeoutMs: 5000, intervalMs: 50 },
    );
    const after = await meshView();
    for (const [x, y] of [
      ["node-a", "node-b"],
      ["node-b", "node-c"],
      ["node-c", "node-a"],
    ] as const)
      expect(session(after, x, y)).toBe(session(before, x, y));
  }, 30_000);

  it("an AS annotation splits the mesh per AS, live, resetting only the sessions that must change", async () => {
    const before = await meshView();
    annotate("node-c", { "kbgp.io/asn": "65010" });
    // node-c alone in AS 65010: nobody else is in it, and the others no longer configure it.
    const split = await meshIs("node-c alone in AS 65010", {
      "node-a": ["node-b"],
      "node-b": ["node-a"],
      "node-c": [],
    });
    expect(split["node-a"].map((r) => r.address)).toEqual([address["node-b"]]);
    expect(split["node-c"]).toEqual([]);
    expect(session(split, "node-a", "node-b")).toBe(session(before, "node-a", "node-b"));
    const global = await speakers["node-c"].call<{ asn: number }>("global.get");
    expect(global.asn).toBe(65010);
    // kube-router's key puts node-b there too: b and c mesh in 65010, a is alone in 64512.
    annotate("node-b", { "kube-router.io/node.asn": "65010" });
    const v = await meshIs("b and c in AS 65010", {
      "node-a": [],
      "node-b": ["node-c"],
      "node-c": ["node-b"],
    });
    expect(v["node-b"][0].asn).toBe(65010);
    annotate("node-b", { "kube-router.io/node.asn": null });
    annotate("node-c", { "kbgp.io/asn": null });
    await meshIs("one mesh again", {
      "node-a": ["node-b", "node-c"],
      "node-b": ["node-a", "node-c"],
      "node-c": ["node-a", "node-b"],
    });
  }, 60_000);

  it("route reflection by annotation: clients mesh only with the server, which reflects their routes", async () => {
    annotate("node-a", { "kube-router.io/rr.server": "10.0.0.42" });
    annotate("node-b", { "kbgp.io/rr-client": "10.0.0.42" });
    // node-c is neither: it keeps the server and leaves the client out, as the client does it.
    const v = await meshIs("b a client of a; c plain", {
      "node-a": ["node-b", "node-c"],
      "node-b": ["node-a"],
      "node-c": ["node-a"],
    });
    expect(v["node-b"].map((r) => nameOf(r.address))).toEqual(["node-a"]);
    expect(v["node-c"].map((r) => nameOf(r.address))).toEqual(["node-a"]);
    annotate("node-c", { "kube-router.io/rr.client": "10.0.0.42" });
    await meshIs("a hub with two clients", {
      "node-a": ["node-b", "node-c"],
      "node-b": ["node-a"],
      "node-c": ["node-a"],
    });
    // node-c's pod CIDR reaches node-b through node-a, marked as reflected (RFC 4456 §8).
    const reflected = await waitUntil(
      "node-c's pod CIDR at node-b via node-a",
      async () => (await learned("node-b", address["node-a"])).find((r) => r.prefix === POD_CIDR["node-c"]),
      { timeoutMs: 10_000, intervalMs: 100 },
    );
    expect(reflected.originatorId).toBe("10.255.43.3");
    expect(reflected.clusterList).toEqual(["10.0.0.42"]);
    const status = JSON.parse(kbgp(["k8s", "status", "-j", "--socket", speakers["node-a"].socket]).stdout);
    expect(status.peering.routeReflector).toEqual({ role: "server", clusterId: 0x0a00002a });
    for (const n of NODES)
      annotate(n, {
        "kube-router.io/rr.server": null,
        "kbgp.io/rr-client": null,
        "kube-router.io/rr.client": null,
      });
    await meshIs("one mesh again", {
      "node-a": ["node-b", "node-c"],
      "node-b": ["node-a", "node-c"],
      "node-c": ["node-a", "node-b"],
    });
  }, 60_000);

  it("kube-router's peer annotations give one node an external peer", async () => {
    annotate("node-a", {
      "kube-router.io/peer.ips": bird.spec.address,
      "kube-router.io/peer.asns": "65002",
      "kube-router.io/peer.ports": String(bird.spec.port),
    });
    await meshIs("node-a with BIRD", {
      "node-a": ["node-b", "node-c", bird.spec.address],
      "node-b": ["node-a", "node-c"],
      "node-c": ["node-a", "node-b"],
    });
    // BIRD gets node-a's own pod CIDR, not what node-a learned from the other nodes: with itself as next
    // hop it would draw their traffic (the other nodes peer with their routers themselves).
    await waitUntil(
      "node-a's pod CIDR at BIRD",
      async () =>
        (await bird.received(address["node-a"], "ipv4")).some((r) => r.prefix === POD_CIDR["node-a"]),
      { timeoutMs: 10_000, intervalMs: 100 },
    );
    await sleep(300);
    expect((await bird.received(address["node-a"], "ipv4")).map((r) => r.prefix)).toEqual([
      POD_CIDR["node-a"],
    ]);
    // …while node-a holds the others' (the mesh carries them).
    expect((await learned("node-a", address["node-b"])).map((r) => r.prefix)).toContain(POD_CIDR["node-b"]);
    const row = (await neighbors("node-a")).find((r) => r.address === bird.spec.address)!;
    expect(row.description).toBe("k8s peer of node node-a");
  }, 40_000);

  it("a Node's import reject list and listen addresses apply live, without resetting a session", async () => {
    const before = await meshView();
    annotate("node-b", { "kube-router.io/node.bgp.customimportreject": POD_CIDR["node-c"] });
    await waitUntil(
      "node-b rejects node-c's pod CIDR",
      async () => {
        const rows = await speakers["node-b"].call<{ rows?: { prefix: string; accepted?: boolean }[] }>(
          "rib.list",
          {
            table: "in",
            neighbor: address["node-c"],
            family: "ipv4-unicast",
          },
        );
        return rows.rows?.find((r) => r.prefix === POD_CIDR["node-c"])?.accepted === false;
      },
      { timeoutMs: 5000, intervalMs: 50 },
    );
    // Another loopback address of the same lab: kbgpd listens there once the annotation says so.
    const extra = (await lab.endpoint()).address;
    annotate("node-b", { "kbgp.io/listen-addresses": `${address["node-b"]}, ${extra}` });
    const port = speakers["node-b"].spec.port;
    await waitUntil("node-b listening on the extra address", () => canConnect(extra, port), {
      timeoutMs: 5000,
      intervalMs: 50,
    });
    const g = await speakers["node-b"].call<{ listen: { addresses: string[] } }>("global.get");
    expect(g.listen.addresses).toEqual([address["node-b"], extra]);
    annotate("node-b", {
      "kube-router.io/node.bgp.customimportreject": null,
      "kbgp.io/listen-addresses": null,
    });
    await waitUntil("node-b back to its configured listener", async () => !(await canConnect(extra, port)), {
      timeoutMs: 5000,
      intervalMs: 50,
    });
    const after = await meshView();
    for (const peer of ["node-a", "node-c"] as const)
      expect(session(after, "node-b", peer)).toBe(session(before, "node-b", peer));
  }, 30_000);

  it("kbgp k8s disable takes the module's peers away with its routes; enable brings them back", async () => {
    const socket = speakers["node-b"].socket;
    expect(kbgp(["k8s", "disable", "--socket", socket]).status).toBe(0);
    await meshIs("node-b out of the mesh", {
      "node-a": ["node-c", bird.spec.address],
      "node-b": [],
      "node-c": ["node-a"],
    });
    expect(kbgp(["k8s", "enable", "--socket", socket]).status).toBe(0);
    await meshIs("node-b back", {
      "node-a": ["node-b", "node-c", bird.spec.address],
      "node-b": ["node-a", "node-c"],
      "node-c": ["node-a", "node-b"],
    });
  }, 60_000);
});
