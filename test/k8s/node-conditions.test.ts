/**
 * Node drain conditions and IPv6 Service IPs, end to end: the test API server, real kubectl, one kbgpd as
 * node "node-x" and a BIRD peer (IPv4 session carrying ipv4- and ipv6-unicast) that must hold exactly the
 * routes and AS paths the cluster asks for, within a second of each change (issue 6).
 *
 * - A drain taint (`drain.taints`) withdraws the Service route and keeps the pod CIDRs; a taint not listed
 *   changes nothing.
 * - Condition NetworkUnavailable=True drains the node; False undrains it; with two conditions holding,
 *   clearing one keeps the node drained.
 * - A dual-stack LoadBalancer Service: its IPv6 ingress IP and IPv6 externalIP reach BIRD as /128s (once
 *   the Service has IPv6 endpoints) and go within a second of the delete.
 * - A cordon, not in `drain.when`, changes nothing; SIGHUP'd configurations then add `unschedulable`
 *   (withdraw), switch to `deprefer` with prepend 3 (back, AS path 3 longer) and back to `withdraw`, each
 *   within a second, without a session reset and without the informers listing or watching again.
 *
 * One cluster and one lab for the whole file: the tests run in order, each from where the one before left
 * the cluster (run the file, not a single test). KBGP_TEST_TIMINGS=1 prints every measured delay.
 */
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
import { type ApiServer, type JsonObject, startApiServer } from "./api-server/index.js";
import { timedWrite } from "./helpers.js";
import { kubectlOk } from "./kubectl.js";

const NODE = "node-x";
const ASN = 65001;
const POD4 = "10.244.42.0/24";
const POD6 = "fd00:10:244:42::/64";
const WEB = "203.0.113.42/32";
const MAINTENANCE = "example.com/maintenance";
/** What a change may take, write to BIRD (issue 6: withdrawn within a second). */
const SECOND = 1000;
/** The drain settings the file starts with; the reload test changes them. */
const START_DRAIN = `{ when: [taint, network-unavailable], taints: [${MAINTENANCE}], action: withdraw }`;

let api: ApiServer;
let lab: Lab;
let k: KbgpdPeer;
let bird: BirdPeer;
const timings: string[] = [];

const kubernetesSection = (drain: string) =>
  ["kubernetes:", `  node-name: ${NODE}`, `  kubeconfig: ${api.kubeconfig}`, `  drain: ${drain}`].join("\n");

const nodeRef = { apiVersion: "v1", kind: "Node", name: NODE };
const serviceRef = (name: string) => ({ apiVersion: "v1", kind: "Service", namespace: "default", name });

/** An EndpointSlice of `service` with one ready endpoint on this node (what the controller would write). */
function slice(service: string, family: "IPv4" | "IPv6"): JsonObject {
  return {
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    metadata: {
      name: `${service}-${family.toLowerCase()}`,
      namespace: "default",
      labels: { "kubernetes.io/service-name": service },
    },
    addressType: family,
    endpoints: [
      {
        addresses: [family === "IPv4" ? "10.244.42.7" : "fd00:10:244:42::7"],
        conditions: { ready: true },
        nodeName: NODE,
      },
    ],
  };
}

beforeAll(async () => {
  requireBinary("/usr/sbin/bird", "bird2");
  api = await startApiServer();
  lab = Lab.create("k8s-node-conditions");
  const [ek, eb] = [await lab.endpoint(), await lab.endpoint()];
  const families: ("ipv4" | "ipv6")[] = ["ipv4", "ipv6"];
  k = createPeer("kbgpd", lab, {
    routerId: "10.255.42.1",
    asn: ASN,
    ...ek,
    neighbors: [{ ...eb, asn: 65002, families }],
  }) as KbgpdPeer;
  k.extra.sections = kubernetesSection(START_DRAIN);
  bird = createPeer("bird", lab, {
    routerId: "10.255.42.2",
    asn: 65002,
    ...eb,
    neighbors: [{ ...ek, asn: ASN, families }],
  }) as BirdPeer;
  api.create({
    apiVersion: "v1",
    kind: "Node",
    metadata: { name: NODE },
    spec: { podCIDRs: [POD4, POD6] },
    status: {
      addresses: [{ type: "InternalIP", address: ek.address }],
      conditions: [
        { type: "Ready", status: "True" },
        { type: "NetworkUnavailable", status: "False", reason: "RouteCreated" },
      ],
    },
  });
  // The Service the drain tests watch: Cluster policy, a ready endpoint here.
  api.create(slice("web", "IPv4"));
  api.create({
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "web", namespace: "default" },
    spec: { type: "LoadBalancer", ports: [{ port: 80 }], selector: { app: "web" } },
    status: { loadBalancer: { ingress: [{ ip: WEB.slice(0, -3) }] } },
  });
  await Promise.all([k.start(), bird.start()]);
  await bird.waitEstablished(k.spec.address, 30_000);
  await waitUntil("the pod CIDRs and the Service route at BIRD", async () => (await held()).length === 3, {
    timeoutMs: 15_000,
    intervalMs: 100,
    detail: () => lab.report(15),
  });
}, 60_000);

afterAll(async () => {
  if (process.env.KBGP_TEST_TIMINGS === "1") console.log(timings.join("\n"));
  await closeAllLabs();
  await api?.close();
});

// --- what BIRD holds ---------------------------------------------------------------------------------------

/** Every route BIRD holds from kbgpd, both families, as "prefix [AS path]", sorted. */
async function held(): Promise<string[]> {
  const from = k.spec.address;
  const routes = [...(await bird.received(from, "ipv4")), ...(await bird.received(from, "ipv6"))];
  return routes.map((r) => `${r.prefix} [${r.asPath.join(" ")}]`).sort();
}

/** "prefix [AS path]" as BIRD shows a route of ours prepended `extra` times beyond eBGP's own one. */
function path(prefix: string, extra = 0): string {
  const asns = Array.from({ length: 1 + extra }, () => ASN);
  return `${prefix} [${asns.join(" ")}]`;
}
const exactly = (...routes: string[]) => routes.sort();

/**
 * Makes a change and polls BIRD every 25 ms until it holds exactly `want`. `written` says whether the API
 * server (or kbgpd, for a signal) has the change: polled every 2 ms while `act` runs, so kubectl's own
 * start-up is not counted. Only a poll begun after that counts. Returns the milliseconds from the write to
 * that poll's answer, and fails unless within `limitMs`.
 */
async function change(
  what: string,
  act: () => Promise<unknown> | undefined,
  written: () => boolean,
  want: readonly string[],
  limitMs = SECOND,
): Promise<number> {
  const write = timedWrite(act, written);
  let last: string[] = [];
  let ms = Number.NaN;
  try {
    await waitUntil(
      what,
      async () => {
        const began = performance.now();
        last = await held();
        const t0 = write.at();
        if (t0 === undefined || began < t0) return false;
        if (last.join() !== want.join()) return false;
        ms = performance.now() - t0;
        return true;
      },
      {
        timeoutMs: limitMs + 4000,
        intervalMs: 25,
        abort: write.failed,
        detail: () => `BIRD holds:\n${last.join("\n")}\nwanted:\n${want.join("\n")}\n${lab.report(12)}`,
      },
    );
  } finally {
    await write.done;
  }
  timings.push(`${what}: ${Math.round(ms)} ms`);
  expect(Math.round(ms), `${what}: later than ${limitMs} ms after the write`).toBeLessThanOrEqual(limitMs);
  return ms;
}

/**
 * A change that must not change the routes: waits (bounded) until kbgpd has derived from the cluster as
 * changed (its `lastSync` moves past the write), gives BIRD time to hear of anything that would follow, and
 * checks BIRD still holds `want` and the node is drained for exactly `drained`.
 */
async function unchanged(
  what: string,
  act: () => Promise<unknown>,
  want: readonly string[],
  drained: readonly string[] = [],
): Promise<void> {
  const before = await k.call<{ lastSync: number }>("k8s.status");
  await act();
  await waitUntil(
    `kbgpd to derive after ${what}`,
    async () => (await k.call<{ lastSync: number }>("k8s.status")).lastSync > before.lastSync,
    { timeoutMs: 3000, intervalMs: 25 },
  );
  await sleep(300);
  expect(await held(), what).toEqual(want);
  expect((await k.call<{ drained: string[] }>("k8s.status")).drained, what).toEqual(drained);
}

type NodeObject = {
  spec?: { unschedulable?: boolean; taints?: { key: string; value?: string; effect?: string }[] };
  status?: { conditions?: { type: string; status: string }[] };
};
const node = () => api.get(nodeRef) as NodeObject | undefined;
const tainted = (key: string) => node()?.spec?.taints?.some((t) => t.key === key) === true;
const condition = (type: string) => node()?.status?.conditions?.find((c) => c.type === type)?.status;

/** kbgpd's session with BIRD as each side reports it: a reset changes one or the other. */
async function session(): Promise<unknown> {
  const { state, upSince, establishedTransitions } = await k.call<{
    state: string;
    upSince: number;
    establishedTransitions: number;
  }>("neighbor.get", { neighbor: bird.spec.address });
  const theirs = (await bird.birdc("show", "protocols"))
    .split("\n")
    .filter((l) => l.startsWith("kbgp_n"))
    .map((l) => l.trim().split(/\s+/).slice(0, 5).join(" "));
  return { kbgpd: { state, upSince, establishedTransitions }, bird: theirs };
}

/** The drain settings as kbgpd reports them, and why the node is drained. */
const drainStatus = () => k.call<{ drained: string[]; drainAction: string }>("k8s.status");

// --- the tests ---------------------------------------------------------------------------------------------

describe("node drain conditions and IPv6 Service IPs, kbgpd ⇄ BIRD", () => {
  const all = exactly(path(POD4), path(POD6), path(WEB));
  const pods = exactly(path(POD4), path(POD6));

  it("starts with the pod CIDRs of both families and the Service route, none prepended", async () => {
    expect(await held()).toEqual(all);
    expect(await drainStatus()).toMatchObject({ drained: [], drainAction: "withdrawn" });
  });

  it("a taint not in drain.taints changes nothing", async () => {
    await unchanged(
      "taint example.com/other",
      () => kubectlOk(api, ["taint", "nodes", NODE, "example.com/other=x:NoSchedule"]),
      all,
    );
    expect(tainted("example.com/other")).toBe(true);
  });

  it("kubectl taint with the drain taint withdraws the Service route within a second, keeps the pod CIDRs; removing it re-announces", async () => {
    await change(
      `taint ${MAINTENANCE}`,
      () => kubectlOk(api, ["taint", "nodes", NODE, `${MAINTENANCE}=true:NoSchedule`]),
      () => tainted(MAINTENANCE),
      pods,
    );
    expect(await drainStatus()).toMatchObject({
      drained: [`taint ${MAINTENANCE}`],
      drainAction: "withdrawn",
    });
    // Any effect counts: the taint's effect swapped to NoExecute (one kubectl run, one write) keeps it drained.
    api.clearRequests();
    await unchanged(
      "the drain taint's effect swapped to NoExecute",
      () =>
        kubectlOk(api, [
          "taint",
          "nodes",
          NODE,
          `${MAINTENANCE}=true:NoExecute`,
          `${MAINTENANCE}:NoSchedule-`,
        ]),
      pods,
      [`taint ${MAINTENANCE}`],
    );
    expect(api.requests.filter((r) => r.method === "PATCH")).toHaveLength(1);
    expect(node()?.spec?.taints?.filter((t) => t.key === MAINTENANCE)).toEqual([
      { key: MAINTENANCE, value: "true", effect: "NoExecute" },
    ]);
    await change(
      `untaint ${MAINTENANCE}`,
      () => kubectlOk(api, ["taint", "nodes", NODE, `${MAINTENANCE}-`]),
      () => !tainted(MAINTENANCE),
      all,
    );
    // The unlisted taint is still there: it alone never drained the node.
    expect(tainted("example.com/other")).toBe(true);
    expect((await drainStatus()).drained).toEqual([]);
  });

  it("condition NetworkUnavailable=True withdraws the Service route within a second, False brings it back; with a drain taint too, clearing one keeps it drained", async () => {
    const setNetwork = (status: "True" | "False" | "Unknown") =>
      kubectlOk(api, [
        "patch",
        "node",
        NODE,
        "--subresource=status",
        "--type=strategic",
        "-p",
        JSON.stringify({
          status: {
            conditions: [
              {
                type: "NetworkUnavailable",
                status,
                reason: { True: "NoRouteCreated", False: "RouteCreated", Unknown: "NodeStatusUnknown" }[
                  status
                ],
              },
            ],
          },
        }),
      ]);
    await change(
      "NetworkUnavailable=True",
      () => setNetwork("True"),
      () => condition("NetworkUnavailable") === "True",
      pods,
    );
    // A strategic merge by type: Ready is still there, and it is NetworkUnavailable that drains.
    expect(condition("Ready")).toBe("True");
    expect((await drainStatus()).drained).toEqual(["condition NetworkUnavailable"]);

    // Both conditions hold; clearing the network condition leaves the taint draining the node.
    await unchanged(
      `taint ${MAINTENANCE} as well`,
      () => kubectlOk(api, ["taint", "nodes", NODE, `${MAINTENANCE}=true:NoSchedule`]),
      pods,
      [`taint ${MAINTENANCE}`, "condition NetworkUnavailable"],
    );
    await unchanged("NetworkUnavailable=False, still tainted", () => setNetwork("False"), pods, [
      `taint ${MAINTENANCE}`,
    ]);
    await change(
      `untaint ${MAINTENANCE} (network available)`,
      () => kubectlOk(api, ["taint", "nodes", NODE, `${MAINTENANCE}-`]),
      () => !tainted(MAINTENANCE),
      all,
    );

    await change(
      "NetworkUnavailable=True again",
      () => setNetwork("True"),
      () => condition("NetworkUnavailable") === "True",
      pods,
    );
    await change(
      "NetworkUnavailable=False",
      () => setNetwork("False"),
      () => condition("NetworkUnavailable") === "False",
      all,
    );
    // Only True drains: Unknown (a node controller that lost touch) is not a network known to be down.
    await unchanged("NetworkUnavailable=Unknown", () => setNetwork("Unknown"), all);
    expect(condition("NetworkUnavailable")).toBe("Unknown");
    await unchanged("NetworkUnavailable=False", () => setNetwork("False"), all);
  });

  it("a dual-stack LoadBalancer Service: IPv6 ingress and external IPs reach BIRD as /128s once it has IPv6 endpoints, and go within a second of the delete", async () => {
    const v4 = ["203.0.113.43/32", "198.51.100.43/32"];
    const v6 = ["2001:db8:42::43/128", "2001:db8:42:1::43/128"];
    await change(
      "a dual-stack Service with IPv4 endpoints only",
      () => {
        api.create(slice("dual", "IPv4"));
        api.create({
          apiVersion: "v1",
          kind: "Service",
          metadata: { name: "dual", namespace: "default" },
          spec: {
            type: "LoadBalancer",
            ipFamilyPolicy: "RequireDualStack",
            ipFamilies: ["IPv4", "IPv6"],
            clusterIPs: ["10.96.42.43", "fd00:10:96::43"],
            clusterIP: "10.96.42.43",
            externalIPs: ["198.51.100.43", "2001:db8:42:1::43"],
            ports: [{ port: 443 }],
            selector: { app: "dual" },
          },
          status: { loadBalancer: { ingress: [{ ip: "203.0.113.43" }, { ip: "2001:db8:42::43" }] } },
        });
        return undefined;
      },
      () => true,
      // kube-proxy has nowhere to send the IPv6 IPs' traffic yet: only the IPv4 ones.
      exactly(...all, ...v4.map((p) => path(p))),
    );
    // And they do not follow a moment later (each family goes in its own UPDATE).
    await sleep(300);
    expect(await held()).toEqual(exactly(...all, ...v4.map((p) => path(p))));
    await change(
      "its IPv6 EndpointSlice",
      () => void api.create(slice("dual", "IPv6")),
      () => true,
      exactly(...all, ...v4.map((p) => path(p)), ...v6.map((p) => path(p))),
    );
    // Next hop: the session's configured IPv6 next hop (an IPv4 session carrying ipv6-unicast).
    const routes6 = await bird.received(k.spec.address, "ipv6");
    for (const p of v6) expect(routes6.find((r) => r.prefix === p)?.nextHop, p).toBe(k.spec.nextHopV6);
    const listed = kbgp(["-s", k.socket, "k8s", "routes"]);
    expect(listed.status).toBe(0);
    const line = (prefix: string) => listed.stdout.split("\n").find((l) => l.startsWith(prefix)) ?? "";
    expect(line("2001:db8:42::43/128")).toMatch(/loadbalancer-ip\s+Service default\/dual/);
    expect(line("2001:db8:42:1::43/128")).toMatch(/external-ip\s+Service default\/dual/);

    await change(
      "kubectl delete service dual",
      () => kubectlOk(api, ["delete", "service", "dual"]),
      () => api.get(serviceRef("dual")) === undefined,
      all,
    );
  });

  it("cordoned with drain.when reloaded: adding unschedulable withdraws, deprefer prepends 3, withdraw again — by SIGHUP, without a session reset or a relist", async () => {
    await unchanged(
      "kubectl cordon (unschedulable not in drain.when)",
      () => kubectlOk(api, ["cordon", NODE]),
      all,
    );
    expect(node()?.spec?.unschedulable).toBe(true);

    const up = await session();
    const before = await k.call<{ state: string; since: number }>("k8s.status");
    expect(before.state).toBe("synced");
    const reloads = () => k.logTail(Number.MAX_SAFE_INTEGER).match(/reloaded .*kbgpd\.yaml/g)?.length ?? 0;
    const reloadsBefore = reloads();
    api.clearRequests();
    const reload = (drain: string) => () => {
      k.extra.sections = kubernetesSection(drain);
      k.sighup();
      return undefined;
    };
    const when = `[taint, network-unavailable, unschedulable], taints: [${MAINTENANCE}]`;

    await change(
      "SIGHUP: unschedulable added, action withdraw",
      reload(`{ when: ${when}, action: withdraw }`),
      () => true,
      pods,
    );
    expect(await drainStatus()).toMatchObject({ drained: ["node unschedulable"], drainAction: "withdrawn" });

    await change(
      "SIGHUP: action deprefer, prepend 3",
      reload(`{ when: ${when}, action: deprefer, prepend: 3 }`),
      () => true,
      // eBGP puts our AS in front once, drain 3 more; the pod CIDRs are not drained.
      exactly(...pods, path(WEB, 3)),
    );
    expect(await drainStatus()).toMatchObject({
      drained: ["node unschedulable"],
      drainAction: "de-preferred",
    });
    expect(kbgp(["-s", k.socket, "k8s", "routes", WEB]).stdout).toMatch(/de-preferred: node unschedulable/);

    await change(
      "SIGHUP: action withdraw again",
      reload(`{ when: ${when}, action: withdraw }`),
      () => true,
      pods,
    );

    // The same informers throughout: no list and no new watch since the first reload; the sync never left
    // `synced`, and the session never went down.
    expect(api.requests.filter((r) => r.method === "GET")).toEqual([]);
    expect(await k.call<{ state: string; since: number }>("k8s.status")).toMatchObject({
      state: "synced",
      since: before.since,
    });
    expect(reloads() - reloadsBefore).toBe(3);
    expect(await session()).toEqual(up);

    await change(
      "kubectl uncordon",
      () => kubectlOk(api, ["uncordon", NODE]),
      () => node()?.spec?.unschedulable === undefined,
      all,
    );
  });
});
