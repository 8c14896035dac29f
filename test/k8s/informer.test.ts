/**
 * @kubernetes/client-node 1.4's informers (makeInformer, ListWatch, Watch) and typed API clients against the
 * test API server, unchanged: what the daemon's Kubernetes sync will run on.
 *
 * What these pin down about client-node (read from its dist/cache.js and dist/watch.js):
 * - an informer lists once (its listFn), then watches `<path>?watch=true&resourceVersion=<list's>`;
 * - a watch that ends cleanly is re-opened from the last version seen, without a list;
 * - a connection cut mid-stream is an error ("Premature close"): the informer stops and calls its `error`
 *   handlers; whoever owns it must start() it again, and it then resumes from the last version seen;
 * - a 410 (ERROR event, or HTTP status) clears its version, so the next start lists again and diffs the list
 *   against its cache, calling `delete` for what disappeared meanwhile.
 */
import {
  CoreV1Api,
  DiscoveryV1Api,
  EventsV1Api,
  type Informer,
  KubeConfig,
  type KubernetesObject,
  ListWatch,
  makeInformer,
  type ObjectCache,
  PatchStrategy,
  setHeaderOptions,
  type V1EndpointSlice,
  type V1Pod,
  type V1Service,
  Watch,
} from "@kubernetes/client-node";
import { afterAll, beforeAll, expect, test } from "vitest";
import { type ApiServer, startApiServer } from "./api-server/index.js";
import { service, waitFor } from "./helpers.js";

let api: ApiServer;
let kc: KubeConfig;
let core: CoreV1Api;
beforeAll(async () => {
  api = await startApiServer();
  kc = new KubeConfig();
  kc.loadFromFile(api.kubeconfig);
  core = kc.makeApiClient(CoreV1Api);
});
afterAll(async () => {
  await api.close();
});

type Cache<T extends KubernetesObject> = Informer<T> & ObjectCache<T>;

interface Recorded<T extends KubernetesObject> {
  readonly informer: Cache<T>;
  readonly log: string[];
  errors: number;
  keys(): string[];
  stop(): Promise<void>;
}

/** Starts an informer that records its callbacks and, like a long-running daemon must, starts itself
 *  again after an error. */
async function record<T extends KubernetesObject>(informer: Cache<T>): Promise<Recorded<T>> {
  const log: string[] = [];
  const key = (o: T) => `${o.metadata?.namespace ?? ""}/${o.metadata?.name}`;
  let stopped = false;
  const rec: Recorded<T> = {
    informer,
    log,
    errors: 0,
    keys: () => informer.list().map(key).sort(),
    stop: async () => {
      stopped = true;
      await informer.stop();
    },
  };
  informer.on("add", (o) => log.push(`add ${key(o)}`));
  informer.on("update", (o) => log.push(`update ${key(o)}`));
  informer.on("delete", (o) => log.push(`delete ${key(o)}`));
  informer.on("error", () => {
    rec.errors++;
    if (!stopped) setTimeout(() => void (stopped || informer.start()), 20);
  });
  await informer.start();
  return rec;
}

const serviceRequests = () => api.requests.filter((r) => r.path === "/api/v1/services");
const watchOpen = () => waitFor("a watch to be open", () => api.openWatches() > 0);

test("a Service informer sees ADDED, MODIFIED and DELETED, written by client-node and by the test", async () => {
  api.create(service("before"));
  const rec = await record(
    makeInformer<V1Service>(kc, "/api/v1/services", () => core.listServiceForAllNamespaces()),
  );
  expect(rec.log).toEqual(["add default/before"]);
  await watchOpen();

  await core.createNamespacedService({ namespace: "default", body: service("web") as V1Service });
  await waitFor("add web", () => rec.log.includes("add default/web"));
  await core.patchNamespacedServiceStatus(
    {
      namespace: "default",
      name: "web",
      body: { status: { loadBalancer: { ingress: [{ ip: "192.0.2.10" }] } } },
    },
    setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
  );
  await waitFor("update web", () => rec.log.includes("update default/web"));
  const cached = rec.informer.get("web", "default");
  expect(cached?.status?.loadBalancer?.ingress?.[0]?.ip).toBe("192.0.2.10");

  await core.deleteNamespacedService({ namespace: "default", name: "web" });
  api.delete({ apiVersion: "v1", kind: "Service", name: "before" });
  await waitFor("two deletes", () => rec.log.filter((l) => l.startsWith("delete")).length === 2);
  expect(rec.keys()).toEqual([]);
  expect(rec.errors).toBe(0);
  // One list, then a watch from the list's version.
  const [list, watch] = serviceRequests();
  expect(list?.query).toEqual({});
  expect(watch?.query).toMatchObject({ watch: "true", resourceVersion: expect.stringMatching(/^\d+$/) });
  await rec.stop();
});

test("after cutWatches() the informer, started again on its error, resumes from its version without a list", async () => {
  api.clearRequests();
  const rec = await record(
    makeInformer<V1Service>(kc, "/api/v1/services", () => core.listServiceForAllNamespaces()),
  );
  await watchOpen();
  api.create(service("c1"));
  await waitFor("add c1", () => rec.log.includes("add default/c1"));
  // The informer's version is that of the last event it saw.
  const seen = rec.informer.get("c1", "default")?.metadata?.resourceVersion;

  expect(api.cutWatches()).toBe(1);
  api.create(service("c2")); // while no watch is open
  await waitFor("add c2", () => rec.log.includes("add default/c2"));
  expect(rec.errors).toBe(1);
  const requests = serviceRequests();
  expect(requests.filter((r) => r.query.watch === undefined)).toHaveLength(1);
  expect(requests.at(-1)?.query).toMatchObject({ watch: "true", resourceVersion: seen });

  // A clean end (what timeoutSeconds does) is no error: client-node re-watches by itself.
  api.endWatches();
  api.create(service("c3"));
  await waitFor("add c3", () => rec.log.includes("add default/c3"));
  expect(rec.errors).toBe(1);
  await rec.stop();
  for (const n of ["c1", "c2", "c3"]) api.delete({ apiVersion: "v1", kind: "Service", name: n });
});

test("after compact() and a cut, the resumed watch gets 410, the informer lists again and ends consistent", async () => {
  api.create(service("keep"));
  api.create(service("drop"));
  api.clearRequests();
  const rec = await record(
    makeInformer<V1Service>(kc, "/api/v1/services", () => core.listServiceForAllNamespaces()),
  );
  await watchOpen();
  rec.log.length = 0;

  api.compact();
  api.cutWatches();
  // Changes the informer cannot see as events: it must find them by listing.
  api.delete({ apiVersion: "v1", kind: "Service", name: "drop" });
  api.create(service("fresh"));
  api.patch(
    { apiVersion: "v1", kind: "Service", name: "keep" },
    { metadata: { labels: { changed: "yes" } } },
  );

  await waitFor("the relist", () => rec.keys().join() === "default/fresh,default/keep");
  await waitFor("keep's update", () => rec.log.includes("update default/keep"));
  expect(rec.log).toEqual(
    expect.arrayContaining(["delete default/drop", "add default/fresh", "update default/keep"]),
  );
  expect(rec.informer.get("keep", "default")?.metadata?.labels).toEqual({ changed: "yes" });
  const lists = serviceRequests().filter((r) => r.query.watch === undefined);
  expect(lists).toHaveLength(2);
  await watchOpen();
  expect(serviceRequests().at(-1)?.query).toMatchObject({
    watch: "true",
    resourceVersion: api.resourceVersion(),
  });
  await rec.stop();
  for (const n of ["keep", "fresh"]) api.delete({ apiVersion: "v1", kind: "Service", name: n });
});

test("EndpointSlices by label and Pods by spec.nodeName: selectors reach both the list and the watch", async () => {
  const discovery = kc.makeApiClient(DiscoveryV1Api);
  const slice = (name: string, service: string): V1EndpointSlice => ({
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    metadata: { name, namespace: "default", labels: { "kubernetes.io/service-name": service } },
    addressType: "IPv4",
    endpoints: [{ addresses: ["10.244.1.5"], conditions: { ready: true }, nodeName: "node-a" }],
  });
  api.create(slice("web-1", "web"));
  api.create(slice("db-1", "db"));
  const slices = await record(
    makeInformer<V1EndpointSlice>(
      kc,
      "/apis/discovery.k8s.io/v1/endpointslices",
      () => discovery.listEndpointSliceForAllNamespaces({ labelSelector: "kubernetes.io/service-name=web" }),
      "kubernetes.io/service-name=web",
    ),
  );
  expect(slices.keys()).toEqual(["default/web-1"]);

  const pod = (name: string, nodeName: string) => ({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "default" },
    spec: { nodeName, containers: [{ name: "c", image: "i" }] },
    status: { phase: "Running", podIP: "10.244.1.9" },
  });
  api.create(pod("here", "node-a"));
  api.create(pod("there", "node-b"));
  const selector = "spec.nodeName=node-a";
  const pods = await record(
    new ListWatch<V1Pod>(
      "/api/v1/pods",
      new Watch(kc),
      () => core.listPodForAllNamespaces({ fieldSelector: selector }),
      false,
      undefined,
      selector,
    ),
  );
  expect(pods.keys()).toEqual(["default/here"]);
  expect(pods.informer.get("here", "default")?.status?.podIP).toBe("10.244.1.9");

  // Both watches started from their list's version, so what is written now reaches them either way.
  api.create(slice("web-2", "web"));
  api.create(slice("db-2", "db"));
  api.create(pod("here-too", "node-a"));
  api.create(pod("there-too", "node-b"));
  await waitFor("web-2", () => slices.keys().includes("default/web-2"));
  await waitFor("here-too", () => pods.keys().includes("default/here-too"));
  expect(slices.keys()).toEqual(["default/web-1", "default/web-2"]);
  expect(pods.keys()).toEqual(["default/here", "default/here-too"]);
  const watches = api.requests.filter((r) => r.query.watch === "true");
  expect(watches.map((r) => r.query.labelSelector ?? r.query.fieldSelector)).toEqual(
    expect.arrayContaining(["kubernetes.io/service-name=web", selector]),
  );
  await slices.stop();
  await pods.stop();
});

test("Events created through events.k8s.io/v1 are listed by core/v1", async () => {
  const events = kc.makeApiClient(EventsV1Api);
  await events.createNamespacedEvent({
    namespace: "default",
    body: {
      metadata: { name: "web.announced", namespace: "default" },
      eventTime: new Date("2025-01-01T00:00:00Z"),
      reportingController: "kbgp.io/kbgpd",
      reportingInstance: "kbgpd-node-a",
      action: "Announce",
      reason: "Announced",
      regarding: { kind: "Service", namespace: "default", name: "web" },
      note: "192.0.2.10/32 announced to 2 peers",
      type: "Normal",
    },
  });
  const list = await core.listNamespacedEvent({ namespace: "default", fieldSelector: "reason=Announced" });
  expect(list.items.map((e) => [e.involvedObject.name, e.message, e.reportingComponent])).toEqual([
    ["web", "192.0.2.10/32 announced to 2 peers", "kbgp.io/kbgpd"],
  ]);
});
