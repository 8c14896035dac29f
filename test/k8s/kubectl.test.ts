/**
 * The real kubectl (1.32, /usr/bin/kubectl) against the test API server: apply (client-side, strategic merge
 * patches computed from kubectl's compiled-in types), get with server-side tables, annotate, label, patch
 * of the status subresource, cordon/uncordon, delete, and both dry runs, on a Service, a Node and a deploy
 * manifest (ServiceAccount, RBAC, ConfigMap, DaemonSet). The request log shows what kubectl sent.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type ApiServer, type JsonObject, startApiServer } from "./api-server/index.js";
import { kubectl, kubectlOk, requireKubectl } from "./kubectl.js";

let api: ApiServer;
beforeAll(async () => {
  requireKubectl();
  api = await startApiServer();
});
afterAll(async () => {
  await api.close();
});

const webService = (ports: string) => `
apiVersion: v1
kind: Service
metadata:
  name: web
  labels: {app: web}
spec:
  type: LoadBalancer
  selector: {app: web}
  ports:
${ports}`;
const http = "  - {name: http, port: 80, targetPort: 8080}\n";
const https = "  - {name: https, port: 443, targetPort: 8443}\n";

const deployManifest = (selectorApp = "kbgp") => `
apiVersion: v1
kind: ServiceAccount
metadata: {name: kbgp, namespace: kube-system}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: kbgp}
rules:
- apiGroups: ["", discovery.k8s.io]
  resources: [services, nodes, pods, namespaces, endpointslices]
  verbs: [get, list, watch]
- apiGroups: ["", events.k8s.io]
  resources: [events]
  verbs: [create, patch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: kbgp}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: kbgp}
subjects: [{kind: ServiceAccount, name: kbgp, namespace: kube-system}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: kbgp, namespace: kube-system}
data: {kbgpd.yaml: "global: {asn: 65001}\\n"}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: kbgp, namespace: kube-system}
spec:
  selector: {matchLabels: {app: ${selectorApp}}}
  template:
    metadata: {labels: {app: kbgp}}
    spec:
      serviceAccountName: kbgp
      hostNetwork: true
      containers:
      - name: kbgpd
        image: example.org/kbgp:1
        env: [{name: NODE_NAME, valueFrom: {fieldRef: {fieldPath: spec.nodeName}}}]
`;

const writes = () => api.requests.filter((r) => r.method !== "GET");
const svcRef = { apiVersion: "v1", kind: "Service", name: "web" } as const;
const status = (o: JsonObject | undefined) => o?.status as JsonObject;
const spec = (o: JsonObject | undefined) => o?.spec as JsonObject;

describe("kubectl", () => {
  test("apply creates, then sends a strategic merge patch that drops a removed port", async () => {
    expect(await kubectlOk(api, ["apply", "-f", "-"], { input: webService(http + https) })).toBe(
      "service/web created\n",
    );
    const created = writes().at(-1)!;
    expect(created).toMatchObject({ method: "POST", path: "/api/v1/namespaces/default/services" });
    expect(created.query).toMatchObject({
      fieldValidation: "Strict",
      fieldManager: "kubectl-client-side-apply",
    });
    const json = JSON.parse(await kubectlOk(api, ["get", "svc", "web", "-o", "json"])) as JsonObject;
    expect(spec(json).clusterIP).toMatch(/^10\.96\./);
    expect((json.metadata as JsonObject).annotations).toHaveProperty([
      "kubectl.kubernetes.io/last-applied-configuration",
    ]);

    expect(await kubectlOk(api, ["apply", "-f", "-"], { input: webService(http) })).toBe(
      "service/web configured\n",
    );
    expect(writes().at(-1)).toMatchObject({
      method: "PATCH",
      contentType: "application/strategic-merge-patch+json",
    });
    expect((spec(api.get(svcRef)).ports as JsonObject[]).map((p) => p.port)).toEqual([80]);
    expect(await kubectlOk(api, ["apply", "-f", "-"], { input: webService(http) })).toBe(
      "service/web unchanged\n",
    );
  });

  test("annotate, label, patch --subresource=status; get prints kube's Service columns", async () => {
    await kubectlOk(api, ["annotate", "svc", "web", "kbgp.io/announce=true"]);
    await kubectlOk(api, ["label", "svc", "web", "tier=front"]);
    expect(
      writes()
        .slice(-2)
        .map((r) => r.contentType),
    ).toEqual(["application/merge-patch+json", "application/merge-patch+json"]);
    let table = await kubectlOk(api, ["get", "svc", "web"]);
    expect(table).toMatch(/^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE\n/);
    expect(table).toMatch(/web\s+LoadBalancer\s+10\.96\.\d+\.\d+\s+<pending>\s+80:3\d{4}\/TCP/);

    const ingress = '{"status":{"loadBalancer":{"ingress":[{"ip":"192.0.2.10"}]}}}';
    await kubectlOk(api, ["patch", "svc", "web", "--subresource=status", "-p", ingress]);
    expect(writes().at(-1)).toMatchObject({
      method: "PATCH",
      path: "/api/v1/namespaces/default/services/web/status",
    });
    const svc = api.get(svcRef)!;
    expect(status(svc)).toEqual({ loadBalancer: { ingress: [{ ip: "192.0.2.10" }] } });
    expect((svc.metadata as JsonObject).annotations).toMatchObject({ "kbgp.io/announce": "true" });
    expect((svc.metadata as JsonObject).labels).toEqual({ app: "web", tier: "front" });
    table = await kubectlOk(api, ["get", "svc", "-l", "tier=front"]);
    expect(table).toMatch(/web\s+LoadBalancer\s+\S+\s+192\.0\.2\.10\s/);

    // Writing status through the main resource changes nothing there.
    await kubectlOk(api, [
      "patch",
      "svc",
      "web",
      "--type=merge",
      "-p",
      '{"status":{"loadBalancer":{"ingress":[]}}}',
    ]);
    expect(status(api.get(svcRef))).toEqual({ loadBalancer: { ingress: [{ ip: "192.0.2.10" }] } });
    await kubectlOk(api, [
      "patch",
      "svc",
      "web",
      "--type=json",
      "-p",
      '[{"op":"add","path":"/spec/externalIPs","value":["198.51.100.7"]}]',
    ]);
    expect(spec(api.get(svcRef)).externalIPs).toEqual(["198.51.100.7"]);
  });

  test("cordon and uncordon patch the Node's spec.unschedulable", async () => {
    api.create({
      apiVersion: "v1",
      kind: "Node",
      metadata: { name: "node-a", labels: { "node-role.kubernetes.io/worker": "" } },
      spec: { podCIDR: "10.244.1.0/24" },
      status: {
        conditions: [{ type: "Ready", status: "True" }],
        addresses: [{ type: "InternalIP", address: "192.0.2.1" }],
      },
    });
    expect(await kubectlOk(api, ["cordon", "node-a"])).toBe("node/node-a cordoned\n");
    expect(writes().at(-1)).toMatchObject({
      method: "PATCH",
      path: "/api/v1/nodes/node-a",
      contentType: "application/strategic-merge-patch+json",
    });
    const nodeRef = { apiVersion: "v1", kind: "Node", name: "node-a" };
    expect(spec(api.get(nodeRef)).unschedulable).toBe(true);
    expect(await kubectlOk(api, ["get", "no"])).toMatch(/node-a\s+Ready,SchedulingDisabled\s+worker\s/);
    expect(await kubectlOk(api, ["uncordon", "node-a"])).toBe("node/node-a uncordoned\n");
    expect(spec(api.get(nodeRef)).unschedulable).toBeUndefined();
    expect(
      await kubectlOk(api, ["get", "node", "node-a", "-o", "jsonpath={.status.addresses[0].address}"]),
    ).toBe("192.0.2.1");
  });

  test("dry runs store nothing: client-side writes nothing, server-side validates with dryRun=All", async () => {
    const rv = api.resourceVersion();
    api.clearRequests();
    const client = await kubectlOk(api, ["apply", "--dry-run=client", "-f", "-"], {
      input: deployManifest(),
    });
    expect(client).toContain("daemonset.apps/kbgp created (dry run)");
    expect(writes()).toEqual([]);

    const server = await kubectlOk(api, ["apply", "--dry-run=server", "-f", "-"], {
      input: deployManifest(),
    });
    expect(server.trim().split("\n")).toEqual([
      "serviceaccount/kbgp created (server dry run)",
      "clusterrole.rbac.authorization.k8s.io/kbgp created (server dry run)",
      "clusterrolebinding.rbac.authorization.k8s.io/kbgp created (server dry run)",
      "configmap/kbgp created (server dry run)",
      "daemonset.apps/kbgp created (server dry run)",
    ]);
    expect(writes().map((r) => r.query.dryRun)).toEqual(["All", "All", "All", "All", "All"]);
    expect(api.resourceVersion()).toBe(rv);

    const bad = await kubectl(api, ["apply", "--dry-run=server", "-f", "-"], {
      input: deployManifest("other"),
    });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain(
      'The DaemonSet "kbgp" is invalid: spec.template.metadata.labels: Invalid value',
    );
    expect(api.resourceVersion()).toBe(rv);

    await kubectlOk(api, ["apply", "-f", "-"], { input: deployManifest() });
    const names = await kubectlOk(api, ["get", "ds,cm,sa", "-n", "kube-system", "-o", "name"]);
    expect(names.trim().split("\n")).toEqual([
      "daemonset.apps/kbgp",
      "configmap/kbgp",
      "serviceaccount/kbgp",
    ]);
    const ds = api.get({ apiVersion: "apps/v1", kind: "DaemonSet", namespace: "kube-system", name: "kbgp" });
    expect(ds?.metadata.generation).toBe(1);
  });

  test("delete removes the object; get of a missing one fails with the server's NotFound", async () => {
    expect(await kubectlOk(api, ["delete", "svc", "web"])).toBe('service "web" deleted\n');
    expect(api.get(svcRef)).toBeUndefined();
    const missing = await kubectl(api, ["get", "svc", "web"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe('Error from server (NotFound): services "web" not found');
    expect(await kubectlOk(api, ["delete", "-f", "-"], { input: deployManifest() })).toContain(
      'daemonset.apps "kbgp" deleted',
    );
  });

  test("create configmap, secret, namespace and serviceaccount: typed clients that send protobuf", async () => {
    await kubectlOk(api, ["create", "namespace", "bgp"]);
    await kubectlOk(api, [
      "create",
      "configmap",
      "kbgp",
      "-n",
      "bgp",
      "--from-literal=kbgpd.yaml=global: {asn: 65001}",
    ]);
    await kubectlOk(api, [
      "create",
      "secret",
      "generic",
      "peer",
      "-n",
      "bgp",
      "--from-literal=password=s3cret",
    ]);
    await kubectlOk(api, ["create", "serviceaccount", "kbgp", "-n", "bgp"]);
    expect(writes().at(-1)?.contentType).toBe("application/vnd.kubernetes.protobuf");
    const ref = (kind: string, name: string) => ({ apiVersion: "v1", kind, namespace: "bgp", name });
    expect(api.get(ref("ConfigMap", "kbgp"))?.data).toEqual({ "kbgpd.yaml": "global: {asn: 65001}" });
    expect(api.get(ref("Secret", "peer"))).toMatchObject({ type: "Opaque", data: { password: "czNjcmV0" } });
    expect(api.get(ref("ServiceAccount", "kbgp"))?.metadata).toMatchObject({
      name: "kbgp",
      namespace: "bgp",
    });
    const ns = api.get({ apiVersion: "v1", kind: "Namespace", name: "bgp" });
    expect(ns?.metadata.generateName).toBeUndefined();
    expect(ns?.status).toEqual({ phase: "Active" });
    const deployment = await kubectl(api, ["create", "deployment", "x", "--image=example.org/x"]);
    expect(deployment.stderr).toContain("decodes protobuf only for");
  });

  test("wait watches one object by name until its status says so; get events prints Event columns", async () => {
    await kubectlOk(api, ["apply", "-f", "-"], { input: webService(http) });
    const waiting = kubectl(api, [
      "wait",
      "svc/web",
      "--for=jsonpath={.status.loadBalancer.ingress[0].ip}=192.0.2.20",
      "--timeout=5s",
    ]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    api.patch(svcRef, { status: { loadBalancer: { ingress: [{ ip: "192.0.2.20" }] } } });
    expect((await waiting).stdout).toBe("service/web condition met\n");
    const watch = api.requests.find((r) => r.query.watch === "true" && r.path.endsWith("/services"));
    expect(watch?.query.fieldSelector).toBe("metadata.name=web");

    api.create({
      apiVersion: "v1",
      kind: "Event",
      metadata: { name: "web.1", namespace: "default" },
      involvedObject: { kind: "Service", namespace: "default", name: "web" },
      reason: "Announced",
      message: "192.0.2.20/32 announced",
      type: "Normal",
      lastTimestamp: new Date().toISOString(),
    });
    const events = await kubectlOk(api, ["get", "events"]);
    expect(events).toMatch(/^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE\n/);
    expect(events).toMatch(/\ds\s+Normal\s+Announced\s+service\/web\s+192\.0\.2\.20\/32 announced\n/);
  });

  test("short names resolve through discovery", async () => {
    const resources = await kubectlOk(api, ["api-resources", "--no-headers"]);
    expect(resources).toMatch(/^services\s+svc\s+v1\s+true\s+Service$/m);
    expect(resources).toMatch(/^endpointslices\s+discovery\.k8s\.io\/v1\s+true\s+EndpointSlice$/m);
    expect(await kubectlOk(api, ["get", "ns", "-o", "name"])).toContain("namespace/kube-system\n");
    expect((await kubectl(api, ["get", "no,svc,po,ep", "-A"])).code).toBe(0);
  });
});
