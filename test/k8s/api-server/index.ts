/**
 * An in-memory Kubernetes API server for tests: real HTTP on 127.0.0.1, faithful to kube-apiserver where
 * @kubernetes/client-node's informers and kubectl depend on it (discovery, list and watch with resource
 * versions, 410 Gone, bookmarks, selectors, paging, patches, the status subresource, dry runs). No
 * controllers run: nothing creates EndpointSlices, schedules Pods or finalizes Namespaces.
 *
 *   const api = await startApiServer();
 *   const kc = new KubeConfig(); kc.loadFromFile(api.kubeconfig);      // or KUBECONFIG=api.kubeconfig kubectl …
 *   api.create({ apiVersion: "v1", kind: "Service", metadata: { name: "web", namespace: "default" }, spec: … });
 *   api.cutWatches(); api.compact(); api.requests; await api.close();
 *
 * The controls here write straight to the registry (no HTTP), keeping the status they are given, so a test
 * can set up a LoadBalancer Service with its ingress IP, or a Node with its addresses, in one step.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ServerVersion } from "./discovery.js";
import { writeKubeconfig } from "./kubeconfig.js";
import { mergePatch } from "./patch.js";
import { Registry } from "./registry.js";
import { groupVersion, type ResourceType, resourceTypes } from "./resources.js";
import { handle, type LoggedRequest } from "./server.js";
import { Store } from "./store.js";
import { isObject, type Json, type JsonObject, type KubeObject } from "./types.js";
import { Watches } from "./watch.js";

export type { LoggedRequest } from "./server.js";
export type { Json, JsonObject, KubeObject } from "./types.js";

export interface ApiServerOptions {
  /** Writes kept for watches to resume from (default 1000); older versions get 410 Gone. */
  readonly historySize?: number;
  /** Interval of BOOKMARK events on watches that allow them (default 1000 ms; kube-apiserver: about 1 min). */
  readonly bookmarkIntervalMs?: number;
  /** Watch duration when the client gives no timeoutSeconds (default 1800 s, kube's minimum). */
  readonly watchTimeoutSeconds?: number;
  /** What /version reports (default 1.32). gcloud's kubectl dispatcher picks its kubectl by it. */
  readonly version?: ServerVersion;
  /** Namespaces that exist from the start (default: default, kube-system, kube-public, kube-node-lease). */
  readonly namespaces?: readonly string[];
}

/** Names an object: its apiVersion and kind (as in a manifest), namespace (namespaced kinds; default
 *  "default") and name. */
export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
}

export interface ApiServer {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /** A kubeconfig file naming the server (current context "test", namespace "default"). */
  readonly kubeconfig: string;
  /** Environment for a kubectl run against this server: KUBECONFIG, and a private KUBECACHEDIR so no
   *  discovery cache from another run (or another server on a reused port) is read. */
  readonly kubectlEnv: Readonly<Record<string, string>>;
  /** Every request received, oldest first (method, path, query, content type, accept, user agent). */
  readonly requests: readonly LoggedRequest[];
  clearRequests(): void;
  /** The resourceVersion of the latest write. */
  resourceVersion(): string;
  /** Creates an object as the cluster would hold it (status kept). Throws the ApiError a POST would get.
   *  Any plain object will do, client-node's typed ones included (Dates become RFC 3339 strings). */
  create(obj: object): KubeObject;
  /** Replaces an object, status included (409 if it carries a stale resourceVersion). */
  update(obj: object): KubeObject;
  /** A JSON merge patch (RFC 7386) of an object, status included. */
  patch(ref: ObjectRef, patch: object): KubeObject;
  delete(ref: ObjectRef): void;
  get(ref: ObjectRef): KubeObject | undefined;
  /** Objects of a kind, in one namespace or all. */
  list(apiVersion: string, kind: string, namespace?: string): KubeObject[];
  /** Destroys every open watch connection mid-stream; returns how many there were. */
  cutWatches(): number;
  /** Ends every open watch cleanly, as an expired timeoutSeconds does; returns how many there were. */
  endWatches(): number;
  openWatches(): number;
  /** Drops the event history (etcd compaction) and moves the version on: resuming a watch from any version
   *  handed out so far gets 410 Gone. */
  compact(): void;
  close(): Promise<void>;
}

/** A plain object as the JSON it would be sent as. */
function toJson(obj: object): JsonObject {
  const json = JSON.parse(JSON.stringify(obj)) as Json;
  if (!isObject(json)) throw new Error("test API server: an object is expected");
  return json;
}

function resourceOf(apiVersion: Json | undefined, kind: Json | undefined): ResourceType {
  // Both Event APIs store into one; the core one is the owner.
  const r = resourceTypes.find((t) => groupVersion(t) === apiVersion && t.kind === kind);
  if (!r) throw new Error(`test API server: no resource for ${String(apiVersion)} ${String(kind)}`);
  return r;
}

function namespaceFor(r: ResourceType, namespace: Json | undefined): string | null {
  if (!r.namespaced) return null;
  return typeof namespace === "string" && namespace !== "" ? namespace : "default";
}

export async function startApiServer(opts: ApiServerOptions = {}): Promise<ApiServer> {
  const store = new Store(opts.historySize ?? 1000);
  const registry = new Registry(store, () => new Date());
  const watches = new Watches(store, registry, {
    bookmarkIntervalMs: opts.bookmarkIntervalMs ?? 1000,
    defaultTimeoutSeconds: opts.watchTimeoutSeconds ?? 1800,
  });
  const namespaceType = resourceOf("v1", "Namespace");
  for (const ns of opts.namespaces ?? ["default", "kube-system", "kube-public", "kube-node-lease"]) {
    registry.create(namespaceType, null, { metadata: { name: ns } }, { dryRun: false });
  }
  const log: LoggedRequest[] = [];
  let address = "";
  const server = createServer((req, res) => {
    void handle(
      {
        registry,
        watches,
        version: opts.version ?? { major: "1", minor: "32" },
        log,
        address: () => address,
      },
      req,
      res,
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  address = `127.0.0.1:${port}`;
  const url = `http://${address}`;
  const dir = mkdtempSync(join(tmpdir(), "kbgp-k8s-"));
  const kubeconfig = writeKubeconfig(dir, url);

  const refOf = (ref: ObjectRef): { r: ResourceType; ns: string | null } => {
    const r = resourceOf(ref.apiVersion, ref.kind);
    return { r, ns: namespaceFor(r, ref.namespace) };
  };
  const metaOf = (obj: JsonObject): JsonObject => (isObject(obj.metadata) ? obj.metadata : {});

  return {
    url,
    kubeconfig,
    kubectlEnv: { KUBECONFIG: kubeconfig, KUBECACHEDIR: join(dir, "cache") },
    requests: log,
    clearRequests: () => {
      log.length = 0;
    },
    resourceVersion: () => String(store.currentRv()),
    create: (given) => {
      const obj = toJson(given);
      const r = resourceOf(obj.apiVersion, obj.kind);
      return registry.create(r, namespaceFor(r, metaOf(obj).namespace), obj, {
        dryRun: false,
        keepStatus: true,
      });
    },
    update: (given) => {
      const obj = toJson(given);
      const r = resourceOf(obj.apiVersion, obj.kind);
      const name = String(metaOf(obj).name);
      return registry.update(r, namespaceFor(r, metaOf(obj).namespace), name, obj, null, {
        dryRun: false,
        keepStatus: true,
      });
    },
    patch: (ref, patch) => {
      const { r, ns } = refOf(ref);
      const current = registry.get(r, ns, ref.name);
      const next = mergePatch(current, toJson(patch)) as JsonObject;
      return registry.update(r, ns, ref.name, next, null, { dryRun: false, keepStatus: true });
    },
    delete: (ref) => {
      const { r, ns } = refOf(ref);
      registry.delete(r, ns, ref.name, null, { dryRun: false });
    },
    get: (ref) => {
      const { r, ns } = refOf(ref);
      return store.get(r.storage, ns ?? "", ref.name) && registry.get(r, ns, ref.name);
    },
    list: (apiVersion, kind, namespace) => {
      const r = resourceOf(apiVersion, kind);
      return store.list(r.storage, r.namespaced ? (namespace ?? null) : null).map((o) => registry.view(r, o));
    },
    cutWatches: () => watches.cut(),
    endWatches: () => watches.end(),
    openWatches: () => watches.count(),
    compact: () => store.compact(),
    close: async () => {
      watches.cut();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
