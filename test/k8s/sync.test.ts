/**
 * The Kubernetes sync end to end: the test API server (test/k8s/api-server), real kubectl, a real kbgpd whose
 * informers watch it, and a real BIRD peer that must hold exactly the routes the cluster asks for — within a
 * second of each change, after a cut watch and a 410, and across `kbgp k8s disable`/`enable`.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kbgp } from "../helpers/cli.js";
import { rpc } from "../helpers/control-client.js";
import {
  type BasePeer,
  closeAllLabs,
  createPeer,
  type KbgpdPeer,
  Lab,
  requireBinary,
  sleep,
  waitUntil,
} from "../interop/harness/index.js";
import { type ApiServer, startApiServer } from "./api-server/index.js";
import { kubectl } from "./kubectl.js";

let api: ApiServer;
let lab: Lab;
let k: KbgpdPeer;
let bird: BasePeer;

const NODE = "node-a";

beforeAll(async () => {
  requireBinary("/usr/sbin/bird", "bird2");
  api = await startApiServer();
  lab = Lab.create("k8s-sync");
  const [ek, eb] = [await lab.endpoint(), await lab.endpoint()];
  const families: ("ipv4" | "ipv6")[] = ["ipv4", "ipv6"];
  k = createPeer("kbgpd", lab, {
    routerId: "10.255.40.1",
    asn: 65001,
    ...ek,
    neighbors: [{ ...eb, asn: 65002, families }],
  }) as KbgpdPeer;
  k.extra.sections = [
    "kubernetes:",
    `  node-name: ${NODE}`,
    `  kubeconfig: ${api.kubeconfig}`,
    "  announce: { pods: true }",
    '  communities: ["65001:500"]',
  ].join("\n");
  bird = createPeer("bird", lab, {
    routerId: "10.255.40.2",
    asn: 65002,
    ...eb,
    neighbors: [{ ...ek, asn: 65001, families }],
  });
  api.create({
    apiVersion: "v1",
    kind: "Node",
    metadata: { name: NODE },
    spec: { podCIDRs: ["10.244.1.0/24", "fd00:10:244:1::/64"] },
    status: { addresses: [{ type: "InternalIP", address: ek.address }] },
  });
  await Promise.all([k.start(), bird.start()]);
  await k.waitEstablished(eb.address, 30_000);
}, 60_000);

afterAll(async () => {
  await closeAllLabs();
  await api?.close();
});

/** The prefixes BIRD holds from kbgpd, IPv4 and IPv6, sorted. */
async function held(): Promise<string[]> {
  const from = k.spec.address;
  const routes = [...(await bird.received(from, "ipv4")), ...(await bird.received(from, "ipv6"))];
  return routes.map((r) => r.prefix).sort();
}

/** Milliseconds until `check` holds of BIRD's routes, polling every 25 ms; fails after `ms`. */
async function within(what: string, ms: number, check: (prefixes: string[]) => boolean): Promise<number> {
  const t0 = performance.now();
  let last: string[] = [];
  await waitUntil(
    what,
    async () => {
      last = await held();
      return check(last);
    },
    { timeoutMs: ms, intervalMs: 25, detail: () => `BIRD holds ${last.join(" ")}\n${k.logTail(20)}` },
  );
  return performance.now() - t0;
}

const applyYaml = async (yaml: string) => {
  const r = await kubectl(api, ["apply", "-f", "-"], { input: yaml });
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
};

/** An EndpointSlice for Service `service` with one endpoint on `node`. */
const slice = (service: string, node: string, ready: boolean) => ({
  apiVersion: "discovery.k8s.io/v1",
  kind: "EndpointSlice",
  metadata: {
    name: `${service}-abc`,
    namespace: "default",
    labels: { "kubernetes.io/service-name": service },
  },
  addressType: "IPv4",
  endpoints: [{ addresses: ["10.244.1.7"], conditions: { ready }, nodeName: node }],
});

describe("the Kubernetes sync, kbgpd ⇄ BIRD", () => {
  it("announces this node's pod CIDRs, both families, with the configured community", async () => {
    await within("pod CIDRs at BIRD", 10_000, (p) =>
      ["10.244.1.0/24", "fd00:10:244:1::/64"].every((x) => p.includes(x)),
    );
    const r = (await bird.received(k.spec.address, "ipv4")).find((x) => x.prefix === "10.244.1.0/24");
    expect(r?.communities).toEqual(["65001:500"]);
  });

  it("a LoadBalancer IP reaches BIRD within a second of kubectl setting it, and goes within a second of the delete", async () => {
    api.create(slice("web", NODE, true));
    await applyYaml(
      [
        "apiVersion: v1",
        "kind: Service",
        "metadata: { name: web, namespace: default }",
        "spec:",
        "  type: LoadBalancer",
        "  clusterIP: 10.96.0.10",
        "  ports: [{ port: 80 }]",
        "  selector: { app: web }",
      ].join("\n"),
    );
    const patched = await kubectl(api, [
      "patch",
      "service",
      "web",
      "--subresource=status",
      "--type=merge",
      "-p",
      '{"status":{"loadBalancer":{"ingress":[{"ip":"203.0.113.10"}]}}}',
    ]);
    expect(patched.code).toBe(0);
    const up = await within("203.0.113.10/32 at BIRD", 1000, (p) => p.includes("203.0.113.10/32"));
    // No ClusterIP: not enabled and not asked for by annotation.
    expect(await held()).not.toContain("10.96.0.10/32");
    const deleted = await kubectl(api, ["delete", "service", "web"]);
    expect(deleted.code).toBe(0);
    const down = await within("203.0.113.10/32 withdrawn", 1000, (p) => !p.includes("203.0.113.10/32"));
    expect({ up: up < 1000, down: down < 1000 }).toEqual({ up: true, down: true });
  });

  it("announces externalIPs, a ClusterIP asked for by annotation, and an annotated pod's IP", async () => {
    api.create(slice("api", NODE, true));
    await applyYaml(
      [
        "apiVersion: v1",
        "kind: Service",
        "metadata:",
        "  name: api",
        "  namespace: default",
        '  annotations: { kbgp.io/advertise-cluster-ip: "true" }',
        "spec:",
        "  clusterIP: 10.96.0.20",
        "  externalIPs: [198.51.100.20]",
        "  ports: [{ port: 443 }]",
        "---",
        "apiVersion: v1",
        "kind: Pod",
        "metadata:",
        "  name: db-0",
        "  namespace: default",
        "  annotations: { kbgp.io/announce: local }",
        "spec:",
        `  nodeName: ${NODE}`,
        "  containers: [{ name: db, image: db }]",
      ].join("\n"),
    );
    api.patch(
      { apiVersion: "v1", kind: "Pod", namespace: "default", name: "db-0" },
      { status: { phase: "Running", podIP: "10.244.1.33", podIPs: [{ ip: "10.244.1.33" }] } },
    );
    await within("externalIP, ClusterIP and pod IP at BIRD", 3000, (p) =>
      ["198.51.100.20/32", "10.96.0.20/32", "10.244.1.33/32"].every((x) => p.includes(x)),
    );
    // The CLI traces each route to the object and the rule behind it.
    const routes = kbgp(["-s", k.socket, "k8s", "routes"]);
    expect(routes.status).toBe(0);
    const line = (prefix: string) => routes.stdout.split("\n").find((l) => l.startsWith(prefix)) ?? "";
    expect(line("198.51.100.20/32")).toMatch(/external-ip\s+Service default\/api/);
    expect(line("10.96.0.20/32")).toMatch(/cluster-ip\s+Service default\/api/);
    expect(line("10.244.1.33/32")).toMatch(/pod-ip\s+Pod default\/db-0/);
    expect(line("10.244.1.0/24")).toMatch(/pod-cidr\s+Node node-a/);
    // …and the Service shows the announcement among its Events.
    await waitUntil(
      "an Announced Event on Service api",
      () =>
        api
          .list("v1", "Event", "default")
          .some(
            (e) =>
              (e.involvedObject as { name?: string }).name === "api" &&
              e.reason === "Announced" &&
              String(e.message).includes("198.51.100.20/32"),
          ),
      { timeoutMs: 3000, intervalMs: 50 },
    );
  });

  it("k8s disable withdraws exactly the module's routes and enable brings them back; the choice survives a restart", async () => {
    expect(kbgp(["-s", k.socket, "global", "rib", "add", "192.0.2.99/32"]).status).toBe(0);
    await within("the hand-injected route at BIRD", 5000, (p) => p.includes("192.0.2.99/32"));
    const withK8s = await held();
    const disabled = kbgp(["-s", k.socket, "k8s", "disable"]);
    expect(disabled.stdout).toMatch(/^Kubernetes sync: disabled, off/);
    await within("only the hand-injected route left", 3000, (p) => p.join() === "192.0.2.99/32");
    await k.stop();
    await k.start();
    const status = await rpc<{ enabled: boolean; state: string }>(k.socket, "k8s.status", {});
    expect(status).toMatchObject({ enabled: false, state: "off" });
    await k.waitEstablished(bird.spec.address, 30_000);
    await within(
      "still only the hand-injected route after the restart",
      10_000,
      (p) => p.join() === "192.0.2.99/32",
    );
    expect(kbgp(["-s", k.socket, "k8s", "enable"]).status).toBe(0);
    await within("the module's routes back", 5000, (p) => p.join() === withK8s.join());
    expect(kbgp(["-s", k.socket, "global", "rib", "del", "192.0.2.99/32"]).status).toBe(0);
  });

  it("after a cut watch and a 410 on resume, BIRD holds exactly the desired routes (nothing lost, nothing stale)", async () => {
    const before = await held();
    expect(before).toContain("198.51.100.20/32");
    await waitUntil("the watches open", () => api.openWatches() >= 4, { timeoutMs: 5000, intervalMs: 50 });
    // While the watches are down: one Service goes, another comes; then history is gone (410 on resume).
    api.clearRequests();
    api.cutWatches();
    api.delete({ apiVersion: "v1", kind: "Service", namespace: "default", name: "api" });
    api.create(slice("cache", NODE, true));
    api.create({
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "cache", namespace: "default" },
      spec: {
        type: "ClusterIP",
        clusterIP: "10.96.0.30",
        externalIPs: ["198.51.100.30"],
        ports: [{ port: 6379 }],
      },
    });
    api.compact();
    const want = [
      ...before.filter((p) => p !== "198.51.100.20/32" && p !== "10.96.0.20/32"),
      "198.51.100.30/32",
    ]
      .sort()
      .join();
    await within("BIRD to hold the desired set", 15_000, (p) => p.join() === want);
    // And it stays so: no late stale route from a replayed watch.
    await sleep(500);
    expect((await held()).join()).toBe(want);
    const status = await rpc<{ state: string }>(k.socket, "k8s.status", {});
    expect(status.state).toBe("synced");
    // The resumed watch got 410 Gone, and the informer listed Services again rather than trusting its cache.
    const services = api.requests.filter((r) => r.path === "/api/v1/services");
    expect(services.some((r) => r.query.watch === undefined)).toBe(true);
  });

  it("pod-watch: node watches only this node's Pods: a cluster-policy Pod elsewhere is no longer announced", async () => {
    const pod = (name: string, node: string, ip: string) => {
      api.create({
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name, namespace: "default", annotations: { "kbgp.io/announce": "cluster" } },
        spec: { nodeName: node, containers: [{ name: "c", image: "c" }] },
        status: { phase: "Running", podIP: ip, podIPs: [{ ip }] },
      });
    };
    pod("here-0", NODE, "10.244.1.44");
    pod("there-0", "node-b", "10.244.2.44");
    await within("both cluster-policy Pods at BIRD", 3000, (p) =>
      ["10.244.1.44/32", "10.244.2.44/32"].every((x) => p.includes(x)),
    );
    api.clearRequests();
    k.extra.sections = `${k.extra.sections}\n  pod-watch: node`;
    k.sighup();
    await within(
      "only this node's Pod at BIRD",
      5000,
      (p) => p.includes("10.244.1.44/32") && !p.includes("10.244.2.44/32"),
    );
    // New informers, the Pods' with a field selector on both the list and the watch.
    const pods = api.requests.filter((r) => r.path === "/api/v1/pods");
    expect(pods.length).toBeGreaterThanOrEqual(2);
    expect(pods.every((r) => r.query.fieldSelector === `spec.nodeName=${NODE}`)).toBe(true);
    expect(pods.some((r) => r.query.watch === "true")).toBe(true);
  });
});
