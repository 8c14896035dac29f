/**
 * The Kubernetes sync across nodes, end to end: three kbgpd instances on their own loopback addresses, each
 * configured as a different node of one cluster (the test API server), all peering with one BIRD that
 * tells apart what each of them announces. Changes come as kubectl or as direct API writes; every timing
 * is measured from the moment the API server stored the change to the moment BIRD holds the result.
 *
 * - externalTrafficPolicy Local: only the nodes with a ready endpoint announce, as the endpoints move.
 * - Cluster policy: every node announces while an endpoint is ready anywhere.
 * - Drain: `kubectl cordon` withdraws a node's Service routes (not its pod CIDR), or de-prefers them on
 *   the node configured to; the exclude-from-external-load-balancers label does the same.
 * - Live changes: a Service annotation and a SIGHUP'd configuration change the routes' attributes without
 *   resetting a session or restarting the informers; a bad annotation value is reported, not acted on.
 *
 * One cluster and one lab for the whole file: the tests run in order and each starts from where the one
 * before left the cluster (run the file, not a single test).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kbgp } from "../helpers/cli.js";
import {
  type BirdPeer,
  closeAllLabs,
  createPeer,
  type KbgpdPeer,
  Lab,
  type Route,
  requireBinary,
  waitUntil,
} from "../interop/harness/index.js";
import { type ApiServer, type JsonObject, startApiServer } from "./api-server/index.js";
import { timedWrite } from "./helpers.js";
import { kubectlOk } from "./kubectl.js";

const NODES = ["node-a", "node-b", "node-c"] as const;
type NodeName = (typeof NODES)[number];

/** Each node's drain settings: node-c de-prefers instead of withdrawing. */
const DRAIN: Record<NodeName, string> = {
  "node-a": "{ when: [unschedulable, exclude-label], action: withdraw }",
  "node-b": "{ when: [unschedulable, exclude-label], action: withdraw }",
  "node-c": "{ when: [unschedulable, exclude-label], action: deprefer, prepend: 3 }",
};
const POD_CIDR: Record<NodeName, string> = {
  "node-a": "10.244.1.0/24",
  "node-b": "10.244.2.0/24",
  "node-c": "10.244.3.0/24",
};
const ASN = 65001;
const LOCAL_IP = "203.0.113.50";
const CLUSTER_IP = "203.0.113.60";
const LOCAL = `${LOCAL_IP}/32`;
const CLUSTER = `${CLUSTER_IP}/32`;
const EXCLUDE = "node.kubernetes.io/exclude-from-external-load-balancers";
/** What a change may take, node to BIRD (issue 6: withdrawn within a second). */
const SECOND = 1000;

let api: ApiServer;
let lab: Lab;
let bird: BirdPeer;
const speakers = {} as Record<NodeName, KbgpdPeer>;
/** Every measured delay, for KBGP_TEST_TIMINGS=1. */
const timings: string[] = [];

const kubernetesSection = (node: NodeName, communities: readonly string[]) =>
  [
    "kubernetes:",
    `  node-name: ${node}`,
    `  kubeconfig: ${api.kubeconfig}`,
    `  drain: ${DRAIN[node]}`,
    `  communities: [${communities.map((c) => `"${c}"`).join(", ")}]`,
  ].join("\n");

beforeAll(async () => {
  requireBinary("/usr/sbin/bird", "bird2");
  api = await startApiServer();
  lab = Lab.create("k8s-three-nodes");
  const eb = await lab.endpoint();
  const ends = await Promise.all(NODES.map(() => lab.endpoint()));
  NODES.forEach((node, i) => {
    const k = createPeer("kbgpd", lab, {
      routerId: `10.255.41.${i + 1}`,
      asn: ASN,
      ...ends[i]!,
      neighbors: [{ ...eb, asn: 65002 }],
    }) as KbgpdPeer;
    k.extra.sections = kubernetesSection(node, ["65001:500"]);
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
    routerId: "10.255.41.100",
    asn: 65002,
    ...eb,
    neighbors: ends.map((e) => ({ ...e, asn: ASN })),
  }) as BirdPeer;
  await Promise.all([bird.start(), ...NODES.map((n) => speakers[n].start())]);
  await Promise.all(NODES.map((n) => bird.waitEstablished(speakers[n].spec.address, 30_000)));
  await waitUntil(
    "every node's pod CIDR at BIRD",
    async () => {
      const v = await view();
      return NODES.every((n) => has(v, n, POD_CIDR[n]));
    },
    { timeoutMs: 15_000, intervalMs: 100, detail: () => lab.report(15) },
  );
}, 60_000);

afterAll(async () => {
  if (process.env.KBGP_TEST_TIMINGS === "1") console.log(timings.join("\n"));
  await closeAllLabs();
  await api?.close();
});

// --- what BIRD holds -------------------------------------------------------------------------------------

type View = Record<NodeName, Route[]>;

/** The IPv4 routes BIRD holds from each node. */
async function view(): Promise<View> {
  const got = await Promise.all(NODES.map((n) => bird.received(speakers[n].spec.address, "ipv4")));
  return Object.fromEntries(NODES.map((n, i) => [n, got[i]])) as View;
}

const route = (v: View, node: NodeName, prefix: string): Route | undefined =>
  v[node].find((r) => r.prefix === prefix);
const has = (v: View, node: NodeName, prefix: string): boolean => route(v, node, prefix) !== undefined;
/** The communities BIRD holds on `node`'s route for `prefix`, sorted as strings, space-separated. */
const communities = (v: View, node: NodeName, prefix: string): string | undefined =>
  route(v, node, prefix)?.communities.slice().sort().join(" ");

type Checks = Record<string, (v: View) => boolean>;

/** One check per node: `prefix` held from exactly the nodes in `from`. */
function announcedBy(prefix: string, from: readonly NodeName[]): Checks {
  const checks: Checks = {};
  for (const n of NODES)
    if (from.includes(n)) checks[`${n} announces ${prefix}`] = (v) => has(v, n, prefix);
    else checks[`${n} does not announce ${prefix}`] = (v) => !has(v, n, prefix);
  return checks;
}

const show = (v: View | undefined): string =>
  v
    ? NODES.map(
        (n) =>
          `${n}: ${v[n].map((r) => `${r.prefix} [${r.asPath.join(" ")}] (${r.communities.join(" ")})`).join(", ")}`,
      ).join("\n")
    : "(no answer from BIRD yet)";

/**
 * Makes a change and polls BIRD every 25 ms until every check holds at once. `act` is an API write or a
 * kubectl run; `written` says whether the API server has stored the change (polled every 2 ms while `act`
 * runs, so kubectl's own start-up is not counted). Returns, per check, the milliseconds from the write to
 * the poll that first saw it hold (for good), and fails unless each is within `limitMs`.
 */
async function change(
  what: string,
  act: () => Promise<unknown> | undefined,
  written: () => boolean,
  checks: Checks,
  limitMs = SECOND,
): Promise<Record<string, number>> {
  const write = timedWrite(act, written);
  const first: Record<string, number> = {};
  let last: View | undefined;
  try {
    await waitUntil(
      what,
      async () => {
        // Only a poll begun after the write counts: one begun before may show the old state.
        const began = performance.now();
        last = await view();
        const at = performance.now();
        const t0 = write.at();
        if (t0 === undefined || began < t0) return false;
        let all = true;
        for (const [name, check] of Object.entries(checks))
          if (!check(last)) {
            all = false;
            delete first[name];
          } else first[name] ??= at - t0;
        return all;
      },
      {
        timeoutMs: limitMs + 4000,
        intervalMs: 25,
        abort: write.failed,
        detail: () => `BIRD holds:\n${show(last)}\n${lab.report(12)}`,
      },
    );
  } finally {
    await write.done;
  }
  const ms = Object.fromEntries(Object.entries(first).map(([k, v]) => [k, Math.round(v)]));
  timings.push(`${what}: ${JSON.stringify(ms)}`);
  const late = Object.entries(ms).filter(([, v]) => v > limitMs);
  expect(late, `later than ${limitMs} ms after the write`).toEqual([]);
  return ms;
}

// --- the cluster's objects -------------------------------------------------------------------------------

const sliceRef = (service: string) => ({
  apiVersion: "discovery.k8s.io/v1",
  kind: "EndpointSlice",
  namespace: "default",
  name: `${service}-1`,
});
const nodeRef = (name: NodeName) => ({ apiVersion: "v1", kind: "Node", name });
const serviceRef = (name: string) => ({ apiVersion: "v1", kind: "Service", namespace: "default", name });

interface Ep {
  node: NodeName;
  ready: boolean;
  serving?: boolean;
  terminating?: boolean;
}

const endpoints = (eps: readonly Ep[]) =>
  eps.map((e, i) => ({
    addresses: [`10.244.${NODES.indexOf(e.node) + 1}.${10 + i}`],
    nodeName: e.node,
    conditions: {
      ready: e.ready,
      ...(e.serving === undefined ? {} : { serving: e.serving }),
      ...(e.terminating === undefined ? {} : { terminating: e.terminating }),
    },
  }));

/** Creates or replaces the Service's one EndpointSlice (what the EndpointSlice controller would write). */
function setEndpoints(service: string, eps: readonly Ep[]): void {
  const ref = sliceRef(service);
  const body = endpoints(eps);
  if (api.get(ref)) api.patch(ref, { endpoints: body });
  else
    api.create({
      apiVersion: "discovery.k8s.io/v1",
      kind: "EndpointSlice",
      metadata: { name: ref.name, namespace: "default", labels: { "kubernetes.io/service-name": service } },
      addressType: "IPv4",
      endpoints: body,
    });
}

function createLoadBalancer(name: string, ip: string, policy: "Local" | "Cluster"): void {
  api.create({
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace: "default" },
    spec: {
      type: "LoadBalancer",
      externalTrafficPolicy: policy,
      ports: [{ port: 80 }],
      selector: { app: name },
    },
    status: { loadBalancer: { ingress: [{ ip }] } },
  });
}

const spec = (o: JsonObject | undefined) => (o?.spec ?? {}) as { unschedulable?: boolean };
const metadata = (o: JsonObject | undefined) =>
  (o?.metadata ?? {}) as { labels?: Record<string, string>; annotations?: Record<string, string> };

/** Each kbgpd's session with BIRD, as it reports it, and BIRD's protocols' state lines (their "since"). */
async function sessions(): Promise<unknown> {
  const ours = await Promise.all(
    NODES.map((n) =>
      speakers[n].call<{ state: string; upSince: number; establishedTransitions: number }>("neighbor.get", {
        neighbor: bird.spec.address,
      }),
    ),
  );
  const theirs = (await bird.birdc("show", "protocols"))
    .split("\n")
    .filter((l) => l.startsWith("kbgp_n"))
    .map((l) => l.trim().split(/\s+/).slice(0, 5).join(" "));
  return {
    kbgpd: ours.map(({ state, upSince, establishedTransitions }) => ({
      state,
      upSince,
      establishedTransitions,
    })),
    bird: theirs,
  };
}

// --- the tests -------------------------------------------------------------------------------------------

describe("the Kubernetes sync on three nodes, each kbgpd ⇄ one BIRD", () => {
  it("externalTrafficPolicy Local: only the nodes with a ready endpoint announce, as the endpoint moves", async () => {
    await change(
      "a Local Service with its endpoint on node-b",
      () => {
        createLoadBalancer("local-web", LOCAL_IP, "Local");
        setEndpoints("local-web", [{ node: "node-b", ready: true }]);
        return undefined;
      },
      () => true,
      announcedBy(LOCAL, ["node-b"]),
    );
    const moved = await change(
      "the endpoint moved to node-c",
      () => void setEndpoints("local-web", [{ node: "node-c", ready: true }]),
      () => true,
      announcedBy(LOCAL, ["node-c"]),
    );
    // Both halves of the move, each on its own clock.
    expect(Object.keys(moved)).toContain("node-b does not announce 203.0.113.50/32");
    expect(Object.keys(moved)).toContain("node-c announces 203.0.113.50/32");
    await change(
      "the endpoint on node-c not ready",
      () => void setEndpoints("local-web", [{ node: "node-c", ready: false, serving: false }]),
      () => true,
      announcedBy(LOCAL, []),
    );
    await change(
      "ready endpoints on node-a and node-c",
      () =>
        void setEndpoints("local-web", [
          { node: "node-a", ready: true },
          { node: "node-c", ready: true },
        ]),
      () => true,
      announcedBy(LOCAL, ["node-a", "node-c"]),
    );
    // The route names the rule and the endpoint behind it.
    const routes = kbgp(["-s", speakers["node-a"].socket, "k8s", "routes", LOCAL]);
    expect(routes.stdout).toMatch(
      /loadbalancer-ip\s+Service default\/local-web\s.*ready endpoint on this node/,
    );
  });

  it("externalTrafficPolicy Local: a terminating endpoint still serving keeps its node only while none is ready anywhere", async () => {
    await change(
      "node-a's endpoint gone, node-c's terminating but serving",
      () =>
        void setEndpoints("local-web", [{ node: "node-c", ready: false, serving: true, terminating: true }]),
      () => true,
      announcedBy(LOCAL, ["node-c"]),
    );
    await change(
      "a ready endpoint on node-a again",
      () =>
        void setEndpoints("local-web", [
          { node: "node-a", ready: true },
          { node: "node-c", ready: false, serving: true, terminating: true },
        ]),
      () => true,
      announcedBy(LOCAL, ["node-a"]),
    );
  });

  it("Cluster policy: every node announces while an endpoint is ready anywhere, none when none is", async () => {
    await change(
      "a Cluster Service with one ready endpoint on node-b",
      () => {
        createLoadBalancer("cluster-web", CLUSTER_IP, "Cluster");
        setEndpoints("cluster-web", [{ node: "node-b", ready: true }]);
        return undefined;
      },
      () => true,
      announcedBy(CLUSTER, [...NODES]),
    );
    await change(
      "its endpoint not ready",
      () => void setEndpoints("cluster-web", [{ node: "node-b", ready: false, serving: false }]),
      () => true,
      announcedBy(CLUSTER, []),
    );
    await change(
      "its endpoint ready again, now on node-c",
      () => void setEndpoints("cluster-web", [{ node: "node-c", ready: true }]),
      () => true,
      announcedBy(CLUSTER, [...NODES]),
    );
  });

  it("kubectl cordon node-b withdraws its Service routes within a second but keeps its pod CIDR; uncordon brings them back", async () => {
    const before = await view();
    expect(has(before, "node-b", CLUSTER)).toBe(true);
    await change(
      "node-b cordoned",
      () => kubectlOk(api, ["cordon", "node-b"]),
      () => spec(api.get(nodeRef("node-b"))).unschedulable === true,
      {
        ...announcedBy(CLUSTER, ["node-a", "node-c"]),
        "node-b keeps its pod CIDR": (v) => has(v, "node-b", POD_CIDR["node-b"]),
      },
    );
    const status = await speakers["node-b"].call<{ drained: string[]; drainAction: string }>("k8s.status");
    expect(status).toMatchObject({ drained: ["node unschedulable"], drainAction: "withdrawn" });
    // The Service says which node stopped announcing it.
    await waitUntil(
      "a Withdrawn Event from node-b on Service cluster-web",
      () =>
        api
          .list("v1", "Event", "default")
          .some(
            (e) =>
              (e.involvedObject as { name?: string }).name === "cluster-web" &&
              e.reason === "Withdrawn" &&
              String(e.message).startsWith(`${CLUSTER} withdrawn by kbgp on node-b`),
          ),
      { timeoutMs: 3000, intervalMs: 50 },
    );
    await change(
      "node-b uncordoned",
      () => kubectlOk(api, ["uncordon", "node-b"]),
      () => spec(api.get(nodeRef("node-b"))).unschedulable === undefined,
      announcedBy(CLUSTER, [...NODES]),
    );
  });

  it("node-c with drain.action deprefer keeps its Service routes when cordoned, with our AS prepended", async () => {
    const path = (v: View, prefix: string) => route(v, "node-c", prefix)?.asPath.join(" ");
    const before = await view();
    expect(path(before, CLUSTER)).toBe(`${ASN}`);
    await change(
      "node-c cordoned",
      () => kubectlOk(api, ["cordon", "node-c"]),
      () => spec(api.get(nodeRef("node-c"))).unschedulable === true,
      {
        // eBGP puts our AS in front once; drain.prepend 3 more.
        "node-c's Service route de-preferred": (v) => path(v, CLUSTER) === `${ASN} ${ASN} ${ASN} ${ASN}`,
        "node-c's pod CIDR as it was": (v) => path(v, POD_CIDR["node-c"]) === `${ASN}`,
        "node-a's Service route as it was": (v) => route(v, "node-a", CLUSTER)?.asPath.join(" ") === `${ASN}`,
      },
    );
    const routes = kbgp(["-s", speakers["node-c"].socket, "k8s", "routes", CLUSTER]);
    expect(routes.stdout).toMatch(/de-preferred: node unschedulable/);
    await change(
      "node-c uncordoned",
      () => kubectlOk(api, ["uncordon", "node-c"]),
      () => spec(api.get(nodeRef("node-c"))).unschedulable === undefined,
      { "node-c's Service route preferred again": (v) => path(v, CLUSTER) === `${ASN}` },
    );
  });

  it("the exclude-from-external-load-balancers label, set with kubectl label, drains node-a; a false value does not", async () => {
    const label = () => metadata(api.get(nodeRef("node-a"))).labels?.[EXCLUDE];
    await change(
      "node-a labelled for exclusion",
      () => kubectlOk(api, ["label", "node", "node-a", `${EXCLUDE}=true`]),
      () => label() === "true",
      {
        ...announcedBy(CLUSTER, ["node-b", "node-c"]),
        "node-a keeps its pod CIDR": (v) => has(v, "node-a", POD_CIDR["node-a"]),
      },
    );
    await change(
      "the label set to false",
      () => kubectlOk(api, ["label", "--overwrite", "node", "node-a", `${EXCLUDE}=false`]),
      () => label() === "false",
      announcedBy(CLUSTER, [...NODES]),
    );
    await kubectlOk(api, ["label", "node", "node-a", `${EXCLUDE}-`]);
    expect(label()).toBeUndefined();
  });

  it("kubectl annotate adds a community live, without resetting a session; a bad value is reported and changes nothing", async () => {
    const up = await sessions();
    const annotation = (key: string) => () => metadata(api.get(serviceRef("cluster-web"))).annotations?.[key];
    const everywhere = (wanted: string): Checks =>
      Object.fromEntries(
        NODES.map((n) => [
          `${n}'s route carries ${wanted}`,
          (v: View) => communities(v, n, CLUSTER) === wanted,
        ]),
      );
    await change(
      "kbgp.io/communities=65001:7 on cluster-web",
      () => kubectlOk(api, ["annotate", "service", "cluster-web", "kbgp.io/communities=65001:7"]),
      () => annotation("kbgp.io/communities")() === "65001:7",
      {
        ...everywhere("65001:500 65001:7"),
        // Only the annotated Service's routes.
        "node-a's pod CIDR unchanged": (v) => communities(v, "node-a", POD_CIDR["node-a"]) === "65001:500",
      },
    );

    await kubectlOk(api, ["annotate", "service", "cluster-web", "kbgp.io/local-pref=high"]);
    const node = speakers["node-b"];
    await waitUntil(
      "node-b to report the bad local-pref",
      async () => (await node.call<{ problems: unknown[] }>("k8s.routes")).problems.length > 0,
      { timeoutMs: 3000, intervalMs: 25 },
    );
    const routes = kbgp(["-s", node.socket, "k8s", "routes"]);
    expect(routes.status).toBe(0);
    const problems = routes.stdout.slice(routes.stdout.indexOf("\nProblems:\n"));
    expect(problems).toMatch(/Service default\/cluster-web: annotation kbgp\.io\/local-pref: 'high'/);
    expect(routes.stdout).toMatch(/^203\.0\.113\.60\/32\s+loadbalancer-ip\s+Service default\/cluster-web/m);
    // Still announced by every node, with the community: the bad value is skipped, nothing else.
    const v = await view();
    for (const n of NODES) expect(communities(v, n, CLUSTER), n).toBe("65001:500 65001:7");
    expect(await sessions()).toEqual(up);
  });

  it("kubectl annotate on a Node prepends to every route that node announces, pod CIDR included, and is undone live", async () => {
    const up = await sessions();
    const path = (v: View, n: NodeName, prefix: string) => route(v, n, prefix)?.asPath.join(" ");
    const annotation = () => metadata(api.get(nodeRef("node-c"))).annotations?.["kbgp.io/as-path-prepend"];
    await change(
      "kbgp.io/as-path-prepend=2 on node-c",
      () => kubectlOk(api, ["annotate", "node", "node-c", "kbgp.io/as-path-prepend=2"]),
      () => annotation() === "2",
      {
        "node-c's Service route prepended": (v) => path(v, "node-c", CLUSTER) === `${ASN} ${ASN} ${ASN}`,
        "node-c's pod CIDR prepended": (v) =>
          path(v, "node-c", POD_CIDR["node-c"]) === `${ASN} ${ASN} ${ASN}`,
        "node-b's Service route as it was": (v) => path(v, "node-b", CLUSTER) === `${ASN}`,
      },
    );
    await change(
      "the annotation removed",
      () => kubectlOk(api, ["annotate", "node", "node-c", "kbgp.io/as-path-prepend-"]),
      () => annotation() === undefined,
      {
        "node-c's Service route as before": (v) => path(v, "node-c", CLUSTER) === `${ASN}`,
        "node-c's pod CIDR as before": (v) => path(v, "node-c", POD_CIDR["node-c"]) === `${ASN}`,
      },
    );
    expect(await sessions()).toEqual(up);
  });

  it("a SIGHUP'd configuration with other communities re-announces node-a's routes, without new informers or a session reset", async () => {
    const up = await sessions();
    const k = speakers["node-a"];
    const statusBefore = await k.call<{ state: string; since: number }>("k8s.status");
    expect(statusBefore.state).toBe("synced");
    api.clearRequests();
    k.extra.sections = kubernetesSection("node-a", ["65001:501"]);
    await change(
      "node-a reloaded with communities [65001:501]",
      () => void k.sighup(),
      () => true,
      {
        "node-a's pod CIDR with 65001:501": (v) =>
          communities(v, "node-a", POD_CIDR["node-a"]) === "65001:501",
        "node-a's Service route with 65001:501": (v) =>
          communities(v, "node-a", CLUSTER) === "65001:501 65001:7",
        "node-b's Service route as it was": (v) => communities(v, "node-b", CLUSTER) === "65001:500 65001:7",
      },
    );
    // The same informers: no list and no new watch since the reload, and the sync never left `synced`.
    expect(api.requests.filter((r) => r.method === "GET")).toEqual([]);
    const statusAfter = await k.call<{ state: string; since: number }>("k8s.status");
    expect(statusAfter).toMatchObject({ state: "synced", since: statusBefore.since });
    expect(k.logTail(200)).toMatch(/reloaded .*kbgpd\.yaml/);
    expect(await sessions()).toEqual(up);
  });
});
