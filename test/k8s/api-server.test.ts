/**
 * The test API server over real HTTP: discovery, object semantics (metadata, errors as Status, conflicts,
 * the status subresource, patches, dry runs), lists (selectors, paging, past versions, 410) and watches
 * (replay, selector transitions, 410 as an ERROR event, bookmarks, timeouts). The informer and kubectl tests
 * are beside this file.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type ApiServer, type JsonObject, startApiServer } from "./api-server/index.js";
import { call, openWatch, service } from "./helpers.js";

let api: ApiServer;
beforeAll(async () => {
  api = await startApiServer({ bookmarkIntervalMs: 50 });
});
afterAll(async () => {
  await api.close();
});

const svcPath = (ns = "default", name = "") => `/api/v1/namespaces/${ns}/services${name ? `/${name}` : ""}`;
const meta = (o: JsonObject) => o.metadata as JsonObject;

describe("discovery", () => {
  test("legacy discovery names resources with verbs, scope, kinds and short names", async () => {
    const core = await call(api, "GET", "/api");
    expect(core.body).toMatchObject({ kind: "APIVersions", versions: ["v1"] });
    const v1 = await call(api, "GET", "/api/v1");
    const resources = v1.body.resources as JsonObject[];
    expect(resources.find((r) => r.name === "services")).toMatchObject({
      kind: "Service",
      namespaced: true,
      shortNames: ["svc"],
      verbs: expect.arrayContaining(["list", "watch", "patch"]),
    });
    expect(resources.find((r) => r.name === "nodes")).toMatchObject({
      namespaced: false,
      shortNames: ["no"],
    });
    expect(resources.find((r) => r.name === "services/status")).toMatchObject({
      verbs: ["get", "patch", "update"],
    });
    const groups = await call(api, "GET", "/apis");
    const names = (groups.body.groups as JsonObject[]).map((g) => g.name);
    expect(names).toEqual(
      expect.arrayContaining(["apps", "discovery.k8s.io", "events.k8s.io", "rbac.authorization.k8s.io"]),
    );
    const slices = await call(api, "GET", "/apis/discovery.k8s.io/v1");
    expect((slices.body.resources as JsonObject[])[0]).toMatchObject({
      name: "endpointslices",
      kind: "EndpointSlice",
    });
    expect((await call(api, "GET", "/version")).body).toMatchObject({ major: "1", minor: "32" });
  });

  test("aggregated discovery answers with its own content type when asked", async () => {
    const accept = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json";
    const r = await call(api, "GET", "/apis", undefined, "application/json", accept);
    expect(r.contentType).toBe("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList");
    const apps = (r.body.items as JsonObject[]).find((i) => meta(i).name === "apps")!;
    expect(JSON.stringify(apps)).toContain('"resource":"daemonsets"');
  });

  test("an unknown path is a NotFound Status", async () => {
    const r = await call(api, "GET", "/apis/example.com/v1/widgets");
    expect(r.status).toBe(404);
    expect(r.body).toMatchObject({ kind: "Status", status: "Failure", reason: "NotFound", code: 404 });
  });
});

describe("objects", () => {
  test("create fills metadata; a second create is 409 AlreadyExists; a missing object is 404", async () => {
    const created = await call(api, "POST", svcPath(), {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "m1" },
      spec: { ports: [{ port: 80 }] },
    });
    expect(created.status).toBe(201);
    const m = meta(created.body);
    expect(m).toMatchObject({ name: "m1", namespace: "default" });
    expect(m.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(m.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(Number(m.resourceVersion)).toBeGreaterThan(0);
    expect((created.body.spec as JsonObject).clusterIP).toMatch(/^10\.96\./);

    const again = await call(api, "POST", svcPath(), service("m1"));
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ reason: "AlreadyExists", message: 'services "m1" already exists' });

    const missing = await call(api, "GET", svcPath("default", "nope"));
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({
      kind: "Status",
      reason: "NotFound",
      message: 'services "nope" not found',
      details: { name: "nope", kind: "services" },
    });
  });

  test("namespaces: the URL's is used, a different one is refused, a missing one is 404", async () => {
    expect((await call(api, "POST", svcPath(), service("m2", "other"))).status).toBe(400);
    const r = await call(api, "POST", svcPath("ghost"), service("m2", "ghost"));
    expect(r.status).toBe(404);
    expect(r.body.message).toBe('namespaces "ghost" not found');
  });

  test("validation failures are 422 Invalid with causes", async () => {
    const r = await call(api, "POST", svcPath(), service("Bad_Name"));
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({ reason: "Invalid", details: { causes: [{ field: "metadata.name" }] } });
  });

  test("update: a stale resourceVersion is 409 Conflict; status only changes through /status", async () => {
    const created = (await call(api, "POST", svcPath(), service("u1"))).body;
    const rv = meta(created).resourceVersion as string;
    const put = await call(api, "PUT", svcPath("default", "u1"), {
      ...created,
      spec: { ...(created.spec as JsonObject), externalIPs: ["192.0.2.7"] },
      status: { loadBalancer: { ingress: [{ ip: "192.0.2.1" }] } },
    });
    expect(put.status).toBe(200);
    expect(Number(meta(put.body).resourceVersion)).toBeGreaterThan(Number(rv));
    expect(put.body.status).toEqual({ loadBalancer: {} });

    const stale = await call(api, "PUT", svcPath("default", "u1"), created);
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ reason: "Conflict" });
    expect(stale.body.message).toContain("the object has been modified");

    const status = await call(api, "PUT", `${svcPath("default", "u1")}/status`, {
      ...put.body,
      spec: { type: "ClusterIP", ports: [{ port: 1 }] },
      status: { loadBalancer: { ingress: [{ ip: "192.0.2.1" }] } },
    });
    expect(status.status).toBe(200);
    expect(status.body.status).toEqual({ loadBalancer: { ingress: [{ ip: "192.0.2.1" }] } });
    expect((status.body.spec as JsonObject).externalIPs).toEqual(["192.0.2.7"]);
  });

  test("a patch that changes nothing writes nothing", async () => {
    const created = (await call(api, "POST", svcPath(), service("n1"))).body;
    const before = api.resourceVersion();
    const r = await call(
      api,
      "PATCH",
      svcPath("default", "n1"),
      { spec: { type: "ClusterIP" } },
      "application/merge-patch+json",
    );
    expect(meta(r.body).resourceVersion).toBe(meta(created).resourceVersion);
    expect(api.resourceVersion()).toBe(before);
  });

  test("merge, JSON and strategic merge patches; an unknown patch type is 415", async () => {
    await call(api, "POST", svcPath(), service("p1"));
    const merge = await call(
      api,
      "PATCH",
      svcPath("default", "p1"),
      { metadata: { labels: { a: "1" } } },
      "application/merge-patch+json",
    );
    expect(meta(merge.body).labels).toEqual({ a: "1" });
    const json = await call(
      api,
      "PATCH",
      svcPath("default", "p1"),
      [
        { op: "add", path: "/metadata/annotations", value: { "x/y": "z" } },
        { op: "remove", path: "/metadata/labels/a" },
      ],
      "application/json-patch+json",
    );
    expect(meta(json.body).annotations).toEqual({ "x/y": "z" });
    expect(meta(json.body).labels).toEqual({});
    const failed = await call(
      api,
      "PATCH",
      svcPath("default", "p1"),
      [{ op: "test", path: "/spec/type", value: "NodePort" }],
      "application/json-patch+json",
    );
    expect(failed.status).toBe(422);
    // Service ports merge by port number: one added, the existing one kept.
    const smp = await call(
      api,
      "PATCH",
      svcPath("default", "p1"),
      { spec: { ports: [{ name: "https", port: 443 }] } },
      "application/strategic-merge-patch+json",
    );
    expect((smp.body.spec as JsonObject).ports).toMatchObject([
      { port: 80 },
      { port: 443, protocol: "TCP", targetPort: 443 },
    ]);
    const bad = await call(api, "PATCH", svcPath("default", "p1"), {}, "text/plain");
    expect(bad.status).toBe(415);
  });

  test("dryRun=All validates and stores nothing", async () => {
    const before = api.resourceVersion();
    const ok = await call(api, "POST", `${svcPath()}?dryRun=All`, service("d1"));
    expect(ok.status).toBe(201);
    expect(api.get({ apiVersion: "v1", kind: "Service", name: "d1" })).toBeUndefined();
    const invalid = await call(api, "POST", `${svcPath()}?dryRun=All`, service("D1"));
    expect(invalid.status).toBe(422);
    expect((await call(api, "POST", `${svcPath()}?dryRun=Some`, service("d1"))).status).toBe(400);
    expect(api.resourceVersion()).toBe(before);
  });

  test("delete answers with the Service, or a Success Status for a ConfigMap; a Namespace takes its contents", async () => {
    await call(api, "POST", "/api/v1/namespaces", {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: "gone" },
    });
    await call(api, "POST", svcPath("gone"), service("x1", "gone"));
    await call(api, "POST", "/api/v1/namespaces/gone/configmaps", {
      metadata: { name: "c" },
      data: { k: "v" },
    });
    const cm = await call(api, "DELETE", "/api/v1/namespaces/gone/configmaps/c");
    expect(cm.body).toMatchObject({
      kind: "Status",
      status: "Success",
      details: { name: "c", kind: "configmaps" },
    });
    const ns = await call(api, "GET", "/api/v1/namespaces/gone");
    expect(ns.body).toMatchObject({
      status: { phase: "Active" },
      metadata: { labels: { "kubernetes.io/metadata.name": "gone" } },
    });
    await call(api, "DELETE", "/api/v1/namespaces/gone");
    expect(api.get({ apiVersion: "v1", kind: "Service", namespace: "gone", name: "x1" })).toBeUndefined();
    await call(api, "POST", svcPath(), service("x2"));
    const svc = await call(api, "DELETE", svcPath("default", "x2"));
    expect(svc.body).toMatchObject({ kind: "Service", metadata: { name: "x2" } });
  });

  test("DaemonSet generation moves with the spec only; create clears a status sent with it", async () => {
    const ds = {
      apiVersion: "apps/v1",
      kind: "DaemonSet",
      metadata: { name: "g1", namespace: "default" },
      spec: {
        selector: { matchLabels: { app: "g" } },
        template: { metadata: { labels: { app: "g" } }, spec: { containers: [{ name: "c", image: "i" }] } },
      },
      status: { numberReady: 5 },
    };
    const created = (await call(api, "POST", "/apis/apps/v1/namespaces/default/daemonsets", ds)).body;
    expect(meta(created).generation).toBe(1);
    expect((created.status as JsonObject).numberReady).toBe(0);
    const path = "/apis/apps/v1/namespaces/default/daemonsets/g1";
    const labelled = await call(
      api,
      "PATCH",
      path,
      { metadata: { labels: { x: "y" } } },
      "application/merge-patch+json",
    );
    expect(meta(labelled.body).generation).toBe(1);
    const image = await call(
      api,
      "PATCH",
      path,
      { spec: { template: { spec: { containers: [{ name: "c", image: "j" }] } } } },
      "application/strategic-merge-patch+json",
    );
    expect(meta(image.body).generation).toBe(2);
    const mismatch = await call(api, "POST", "/apis/apps/v1/namespaces/default/daemonsets", {
      ...ds,
      metadata: { name: "g2" },
      spec: { ...ds.spec, selector: { matchLabels: { app: "other" } } },
    });
    expect(mismatch.status).toBe(422);
  });

  test("Events posted to core/v1 are served by events.k8s.io/v1 with its field names", async () => {
    const ev = {
      apiVersion: "v1",
      kind: "Event",
      metadata: { generateName: "web." },
      involvedObject: { kind: "Service", namespace: "default", name: "web" },
      reason: "Announced",
      message: "192.0.2.10/32 announced",
      type: "Normal",
      reportingComponent: "kbgp",
    };
    const posted = await call(api, "POST", "/api/v1/namespaces/default/events", ev);
    expect(posted.status).toBe(201);
    expect(meta(posted.body).name).toMatch(/^web\.[a-z0-9]{5}$/);
    const list = await call(api, "GET", "/apis/events.k8s.io/v1/namespaces/default/events");
    expect(list.body.kind).toBe("EventList");
    expect((list.body.items as JsonObject[])[0]).toMatchObject({
      regarding: { kind: "Service", name: "web" },
      note: "192.0.2.10/32 announced",
      reportingController: "kbgp",
    });
    const core = await call(
      api,
      "GET",
      "/api/v1/events?fieldSelector=involvedObject.name%3Dweb,reason%3DAnnounced",
    );
    expect((core.body.items as JsonObject[]).length).toBe(1);
  });
});

describe("lists", () => {
  const ns = "lists";
  beforeAll(async () => {
    await call(api, "POST", "/api/v1/namespaces", { metadata: { name: ns } });
    const labels = [{ app: "a", tier: "web" }, { app: "b", tier: "web" }, { app: "c" }, {}];
    for (const [i, l] of labels.entries()) {
      await call(api, "POST", svcPath(ns), {
        ...service(`s${i}`, ns),
        metadata: { name: `s${i}`, labels: l },
      });
    }
    for (const [i, node] of ["n1", "n2", "n1"].entries()) {
      await call(api, "POST", `/api/v1/namespaces/${ns}/pods`, {
        metadata: { name: `p${i}` },
        spec: { nodeName: node, containers: [{ name: "c", image: "i" }] },
      });
    }
  });
  const names = async (path: string) => {
    const r = await call(api, "GET", path);
    if (r.status !== 200) throw new Error(`${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return (r.body.items as JsonObject[]).map((o) => meta(o).name);
  };

  test("label selectors", async () => {
    const q = (sel: string) => names(`${svcPath(ns)}?labelSelector=${encodeURIComponent(sel)}`);
    expect(await q("tier=web")).toEqual(["s0", "s1"]);
    expect(await q("tier==web,app!=a")).toEqual(["s1"]);
    expect(await q("app in (a, c)")).toEqual(["s0", "s2"]);
    expect(await q("app notin (a,c)")).toEqual(["s1", "s3"]);
    expect(await q("app")).toEqual(["s0", "s1", "s2"]);
    expect(await q("!tier")).toEqual(["s2", "s3"]);
    expect(
      (await call(api, "GET", `${svcPath(ns)}?labelSelector=${encodeURIComponent("a b c")}`)).status,
    ).toBe(400);
  });

  test("field selectors, including a Pod's spec.nodeName; unknown fields are 400", async () => {
    expect(await names(`/api/v1/pods?fieldSelector=spec.nodeName%3Dn1`)).toEqual(["p0", "p2"]);
    expect(await names(`/api/v1/namespaces/${ns}/pods?fieldSelector=spec.nodeName!%3Dn1`)).toEqual(["p1"]);
    expect(
      await names(`/api/v1/services?fieldSelector=metadata.namespace%3D${ns},metadata.name%3D%3Ds2`),
    ).toEqual(["s2"]);
    const bad = await call(api, "GET", `/api/v1/services?fieldSelector=spec.nodeName%3Dx`);
    expect(bad.status).toBe(400);
  });

  test("items carry no kind or apiVersion; the list carries the current resourceVersion", async () => {
    const r = await call(api, "GET", svcPath(ns));
    expect(r.body).toMatchObject({
      kind: "ServiceList",
      apiVersion: "v1",
      metadata: { resourceVersion: api.resourceVersion() },
    });
    expect((r.body.items as JsonObject[])[0]!.kind).toBeUndefined();
  });

  test("limit and continue page through one consistent snapshot", async () => {
    const first = await call(api, "GET", `${svcPath(ns)}?limit=3`);
    expect((first.body.items as JsonObject[]).map((o) => meta(o).name)).toEqual(["s0", "s1", "s2"]);
    const lm = meta(first.body);
    expect(lm.remainingItemCount).toBe(1);
    // A Service created between pages is not in the second page: it is read at the first page's version.
    await call(api, "POST", svcPath(ns), service("s9", ns));
    const second = await call(api, "GET", `${svcPath(ns)}?limit=3&continue=${lm.continue as string}`);
    expect((second.body.items as JsonObject[]).map((o) => meta(o).name)).toEqual(["s3"]);
    expect(meta(second.body).continue).toBeUndefined();
    expect(meta(second.body).resourceVersion).toBe(lm.resourceVersion);
    await call(api, "DELETE", svcPath(ns, "s9"));
  });

  test("resourceVersionMatch=Exact reads the past; compacted versions are 410 Expired", async () => {
    const rv = api.resourceVersion();
    await call(api, "POST", svcPath(ns), service("later", ns));
    expect(await names(`${svcPath(ns)}?resourceVersion=${rv}&resourceVersionMatch=Exact`)).not.toContain(
      "later",
    );
    expect(await names(`${svcPath(ns)}?resourceVersion=${rv}&resourceVersionMatch=NotOlderThan`)).toContain(
      "later",
    );
    const page = await call(api, "GET", `${svcPath(ns)}?limit=1`);
    api.compact();
    const exact = await call(api, "GET", `${svcPath(ns)}?resourceVersion=${rv}&resourceVersionMatch=Exact`);
    expect(exact.status).toBe(410);
    expect(exact.body).toMatchObject({ reason: "Expired", code: 410 });
    const cont = await call(
      api,
      "GET",
      `${svcPath(ns)}?limit=1&continue=${meta(page.body).continue as string}`,
    );
    expect(cont.status).toBe(410);
    // Without a match rule an old version is "not older than" and always served.
    expect((await call(api, "GET", `${svcPath(ns)}?resourceVersion=${rv}`)).status).toBe(200);
  });
});

describe("watches", () => {
  test("without a version: the current objects as ADDED, then ADDED, MODIFIED, DELETED as they happen", async () => {
    await call(api, "POST", "/api/v1/namespaces", { metadata: { name: "w1" } });
    await call(api, "POST", svcPath("w1"), service("old", "w1"));
    const w = await openWatch(api, `${svcPath("w1")}?watch=true`);
    await call(api, "POST", svcPath("w1"), service("new", "w1"));
    await call(
      api,
      "PATCH",
      svcPath("w1", "new"),
      { metadata: { labels: { x: "1" } } },
      "application/merge-patch+json",
    );
    const deleted = await call(api, "DELETE", svcPath("w1", "new"));
    const events = await w.next(4);
    expect(events.map((e) => `${e.type} ${meta(e.object).name}`)).toEqual([
      "ADDED old",
      "ADDED new",
      "MODIFIED new",
      "DELETED new",
    ]);
    expect(events[0]!.object).toMatchObject({ kind: "Service", apiVersion: "v1" });
    // The DELETED object carries the version of the deletion.
    expect(Number(meta(events[3]!.object).resourceVersion)).toBeGreaterThan(
      Number(meta(events[2]!.object).resourceVersion),
    );
    expect(meta(events[3]!.object).resourceVersion).toBe(meta(deleted.body).resourceVersion);
    w.close();
  });

  test("from a version: the writes after it, and only this namespace's", async () => {
    await call(api, "POST", "/api/v1/namespaces", { metadata: { name: "w2" } });
    const from = api.resourceVersion();
    await call(api, "POST", svcPath("w2"), service("a", "w2"));
    await call(api, "POST", svcPath(), service("elsewhere"));
    await call(api, "POST", svcPath("w2"), service("b", "w2"));
    const w = await openWatch(api, `${svcPath("w2")}?watch=1&resourceVersion=${from}`);
    expect((await w.next(2)).map((e) => `${e.type} ${meta(e.object).name}`)).toEqual(["ADDED a", "ADDED b"]);
    w.close();
    const legacy = await openWatch(api, `/api/v1/watch/namespaces/w2/services?resourceVersion=${from}`);
    expect((await legacy.next(2)).length).toBe(2);
    legacy.close();
  });

  test("the legacy /watch/ path also watches one named object", async () => {
    await call(api, "POST", svcPath(), service("solo"));
    await call(api, "POST", svcPath(), service("other"));
    const w = await openWatch(api, "/api/v1/watch/namespaces/default/services/solo");
    for (const name of ["other", "solo"]) {
      await call(
        api,
        "PATCH",
        svcPath("default", name),
        { metadata: { labels: { a: "b" } } },
        "application/merge-patch+json",
      );
    }
    expect((await w.next(2)).map((e) => `${e.type} ${meta(e.object).name}`)).toEqual([
      "ADDED solo",
      "MODIFIED solo",
    ]);
    w.close();
  });

  test("a label selector turns a change into ADDED or DELETED as the object enters or leaves it", async () => {
    await call(api, "POST", "/api/v1/namespaces", { metadata: { name: "w3" } });
    await call(api, "POST", svcPath("w3"), service("t", "w3"));
    const w = await openWatch(api, `${svcPath("w3")}?watch=true&labelSelector=kbgp%3Don`);
    const label = (v: string | null) =>
      call(
        api,
        "PATCH",
        svcPath("w3", "t"),
        { metadata: { labels: { kbgp: v } } },
        "application/merge-patch+json",
      );
    await label("on");
    await label(null);
    const events = await w.next(2);
    expect(events.map((e) => e.type)).toEqual(["ADDED", "DELETED"]);
    // The DELETED event shows the object as it last matched.
    expect(meta(events[1]!.object).labels).toEqual({ kbgp: "on" });
    w.close();
  });

  test("a compacted version gets one ERROR event with a 410 Expired Status, then the stream ends", async () => {
    const rv = api.resourceVersion();
    api.compact();
    const w = await openWatch(api, `${svcPath()}?watch=true&resourceVersion=${rv}`);
    await w.ended;
    expect(w.events).toHaveLength(1);
    expect(w.events[0]).toMatchObject({
      type: "ERROR",
      object: { kind: "Status", status: "Failure", reason: "Expired", code: 410 },
    });
    expect(w.events[0]!.object.message).toMatch(/^too old resource version: \d+ \(\d+\)$/);
  });

  test("bookmarks with allowWatchBookmarks; timeoutSeconds ends the stream cleanly", async () => {
    const w = await openWatch(
      api,
      `${svcPath("kube-public")}?watch=true&resourceVersion=${api.resourceVersion()}&allowWatchBookmarks=true&timeoutSeconds=1`,
    );
    const [first] = await w.next(1);
    expect(first).toMatchObject({
      type: "BOOKMARK",
      object: { kind: "Service", apiVersion: "v1", metadata: { resourceVersion: api.resourceVersion() } },
    });
    const started = Date.now();
    await w.ended;
    expect(Date.now() - started).toBeLessThan(1500);
    expect(w.events.every((e) => e.type === "BOOKMARK")).toBe(true);
  });

  test("sendInitialEvents ends the initial objects with the initial-events-end bookmark", async () => {
    const w = await openWatch(
      api,
      `/api/v1/namespaces?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&resourceVersion=&allowWatchBookmarks=true`,
    );
    await w.next(2);
    const end = w.events.findIndex((e) => e.type === "BOOKMARK");
    await w.next(end + 1);
    expect(w.events.slice(0, end).every((e) => e.type === "ADDED")).toBe(true);
    expect(meta(w.events[end]!.object).annotations).toEqual({ "k8s.io/initial-events-end": "true" });
    w.close();
  });

  test("cutWatches destroys open watches; the request log shows what clients asked", async () => {
    const w = await openWatch(api, `${svcPath()}?watch=true&resourceVersion=${api.resourceVersion()}`);
    expect(api.openWatches()).toBeGreaterThanOrEqual(1);
    expect(api.cutWatches()).toBeGreaterThanOrEqual(1);
    await w.ended;
    expect(api.openWatches()).toBe(0);
    const logged = api.requests.filter((r) => r.path === svcPath() && r.query.watch === "true");
    expect(logged.at(-1)?.method).toBe("GET");
  });
});
