/**
 * The verbs on a resource, as kube-apiserver's generic registry performs them on top of storage: create
 * (namespace from the URL, generateName, uid, creationTimestamp, status cleared, defaults, validation),
 * update and patch (resourceVersion preconditions, the status subresource split, no write when nothing
 * changed), delete, and list (selectors, paging with continue tokens, reads at a past resourceVersion).
 * Every verb takes dryRun: it does all of this and stores nothing.
 */
import { randomUUID } from "node:crypto";
import YAML from "yaml";
import { applyDefaults, initialStatus, validate } from "./defaults.js";
import { fromStorage, toStorage } from "./events.js";
import { jsonPatch, mergePatch, TestFailed } from "./patch.js";
import { groupVersion, type ResourceType, resourceTypes } from "./resources.js";
import { both, parseFieldSelector, parseLabelSelector, type Selector } from "./selectors.js";
import {
  ApiError,
  alreadyExists,
  badRequest,
  conflict,
  invalid,
  namespaceNotFound,
  notFound,
  success,
} from "./status.js";
import type { Store } from "./store.js";
import { strategicMergePatch } from "./strategic-merge.js";
import {
  clone,
  deepEqual,
  isObject,
  type Json,
  type JsonObject,
  type KubeObject,
  metaString,
  unset,
} from "./types.js";

export type Subresource = "status" | null;

export interface ListQuery {
  readonly labelSelector: string | null;
  readonly fieldSelector: string | null;
  readonly limit: number | null;
  readonly continueToken: string | null;
  readonly resourceVersion: string | null;
  readonly resourceVersionMatch: string | null;
}

export interface ListResult {
  readonly items: KubeObject[];
  readonly resourceVersion: number;
  readonly continueToken?: string;
  readonly remainingItemCount?: number;
}

export const patchTypes = [
  "application/json-patch+json",
  "application/merge-patch+json",
  "application/strategic-merge-patch+json",
  "application/apply-patch+yaml",
] as const;
export type PatchType = (typeof patchTypes)[number];

/** kube's names.SimpleNameGenerator: five characters from an alphabet without vowels or look-alikes. */
function generatedSuffix(): string {
  const alphabet = "bcdfghjklmnpqrstvwxz2456789";
  let s = "";
  for (let i = 0; i < 5; i++) s += alphabet[Math.floor(Math.random() * alphabet.length)];
  return s;
}

/** RFC 3339 with whole seconds, as metav1.Time marshals. */
export function timestamp(d: Date): string {
  return `${d.toISOString().slice(0, 19)}Z`;
}

function asObject(body: Json): KubeObject {
  if (!isObject(body)) throw badRequest("the body of the request must be a JSON object");
  const metadata = body.metadata ?? {};
  if (!isObject(metadata)) throw badRequest("metadata must be an object");
  return { ...clone(body), metadata: clone(metadata) };
}

interface ContinueToken {
  readonly rv: number;
  /** The key of the last item returned; the next page starts after it. */
  readonly start: string;
}

function encodeContinue(t: ContinueToken): string {
  return Buffer.from(JSON.stringify({ v: "meta.k8s.io/v1", rv: t.rv, start: t.start })).toString("base64url");
}

function decodeContinue(text: string): ContinueToken {
  try {
    const t = JSON.parse(Buffer.from(text, "base64url").toString("utf8")) as {
      rv?: unknown;
      start?: unknown;
    };
    if (typeof t.rv === "number" && typeof t.start === "string") return { rv: t.rv, start: t.start };
  } catch {}
  throw badRequest(
    "continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)",
  );
}

function parseRv(text: string): number {
  if (!/^\d+$/.test(text)) throw badRequest(`invalid resource version: ${JSON.stringify(text)}`);
  return Number(text);
}

export class Registry {
  constructor(
    private readonly store: Store,
    private readonly now: () => Date,
  ) {}

  /** The stored object as `r` serves it: converted, with its kind and apiVersion. */
  view(r: ResourceType, obj: KubeObject): KubeObject {
    return { ...fromStorage(r, obj), apiVersion: groupVersion(r), kind: r.kind };
  }

  /** A list item: kube's typed lists leave kind and apiVersion out of their items. */
  private item(r: ResourceType, obj: KubeObject): KubeObject {
    const { kind: _k, apiVersion: _a, ...rest } = fromStorage(r, obj);
    return rest as KubeObject;
  }

  private stored(r: ResourceType, obj: KubeObject): KubeObject {
    const storageForm = toStorage(r, obj);
    // The stored form names the storage's own kind and version (core/v1 Event for both Event APIs).
    const owner = resourceTypes.find((t) => t.storage === r.storage)!;
    return { ...storageForm, apiVersion: groupVersion(owner), kind: owner.kind };
  }

  private namespaceOf(r: ResourceType, namespace: string | null): string {
    return r.namespaced ? (namespace ?? "") : "";
  }

  get(r: ResourceType, namespace: string | null, name: string): KubeObject {
    const obj = this.store.get(r.storage, this.namespaceOf(r, namespace), name);
    if (!obj) throw notFound(r, name);
    return this.view(r, obj);
  }

  selector(r: ResourceType, labelSelector: string | null, fieldSelector: string | null): Selector {
    return both(parseLabelSelector(labelSelector), parseFieldSelector(fieldSelector, r.selectableFields));
  }

  list(r: ResourceType, namespace: string | null, q: ListQuery): ListResult {
    const sel = this.selector(r, q.labelSelector, q.fieldSelector);
    const current = this.store.currentRv();
    let atRv: number | undefined;
    let start: string | undefined;
    if (q.continueToken) {
      if (q.resourceVersion)
        throw badRequest("specifying resource version is not allowed when using continue");
      const t = decodeContinue(q.continueToken);
      atRv = t.rv;
      start = t.start;
      if (atRv < this.store.oldestRv()) {
        throw new ApiError(
          410,
          "Expired",
          "The provided continue parameter is too old to display a consistent list result. You can start a " +
            "new list without the continue parameter.",
        );
      }
    } else if (q.resourceVersionMatch) {
      if (!q.resourceVersion) {
        throw badRequest("resourceVersionMatch is forbidden unless resourceVersion is provided");
      }
      if (q.resourceVersionMatch !== "Exact" && q.resourceVersionMatch !== "NotOlderThan") {
        throw badRequest(`resourceVersionMatch: Unsupported value: "${q.resourceVersionMatch}"`);
      }
      const rv = parseRv(q.resourceVersion);
      this.notTooLarge(rv, current);
      if (q.resourceVersionMatch === "Exact") atRv = rv;
    } else if (q.resourceVersion && q.resourceVersion !== "0") {
      // Without a match rule a version means "not older than": the latest state always qualifies.
      this.notTooLarge(parseRv(q.resourceVersion), current);
    }
    const ns = r.namespaced ? namespace : null;
    const all = this.store.list(r.storage, ns, atRv).filter((o) => sel.matches(o));
    const keyOf = (o: KubeObject): string => `${metaString(o, "namespace") ?? ""}/${metaString(o, "name")}`;
    const rest = start === undefined ? all : all.filter((o) => keyOf(o) > start);
    const limit = q.limit !== null && q.limit > 0 ? q.limit : rest.length;
    const page = rest.slice(0, limit);
    const listRv = atRv ?? current;
    const result: ListResult = { items: page.map((o) => this.item(r, o)), resourceVersion: listRv };
    if (page.length < rest.length) {
      const filtered = q.labelSelector || q.fieldSelector;
      return {
        ...result,
        continueToken: encodeContinue({ rv: listRv, start: keyOf(page[page.length - 1]!) }),
        // kube counts the rest only when it can without filtering it (no selectors).
        ...(filtered ? {} : { remainingItemCount: rest.length - page.length }),
      };
    }
    return result;
  }

  private notTooLarge(rv: number, current: number): void {
    if (rv > current) {
      throw new ApiError(504, "Timeout", `Too large resource version: ${rv}, current: ${current}`, {
        causes: [{ reason: "ResourceVersionTooLarge", message: "Too large resource version" }],
        retryAfterSeconds: 1,
      });
    }
  }

  private checkTypeAndNamespace(r: ResourceType, obj: KubeObject, namespace: string | null): void {
    const version = groupVersion(r);
    if (obj.apiVersion !== undefined && obj.apiVersion !== version) {
      throw badRequest(
        `the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${version})`,
      );
    }
    if (obj.kind !== undefined && obj.kind !== r.kind) {
      throw badRequest(
        `the kind in the data (${String(obj.kind)}) does not match the expected kind (${r.kind})`,
      );
    }
    if (r.namespaced) {
      const given = metaString(obj, "namespace");
      if (given !== undefined && given !== "" && given !== namespace) {
        throw badRequest(
          "the namespace of the provided object does not match the namespace sent on the request",
        );
      }
      obj.metadata.namespace = namespace ?? "";
    } else unset(obj.metadata, "namespace");
  }

  private requireNamespace(r: ResourceType, namespace: string): void {
    if (r.namespaced && !this.store.get("/namespaces", "", namespace)) throw namespaceNotFound(namespace);
  }

  private allocations(): { clusterIPs: Set<string>; nodePorts: Set<number> } {
    const clusterIPs = new Set<string>();
    const nodePorts = new Set<number>();
    for (const svc of this.store.list("/services", null)) {
      const spec = isObject(svc.spec) ? svc.spec : {};
      if (typeof spec.clusterIP === "string") clusterIPs.add(spec.clusterIP);
      for (const p of Array.isArray(spec.ports) ? spec.ports : []) {
        if (isObject(p) && typeof p.nodePort === "number") nodePorts.add(p.nodePort);
      }
    }
    return { clusterIPs, nodePorts };
  }

  private checkValid(r: ResourceType, obj: KubeObject): void {
    const causes = validate(r, obj);
    if (causes.length > 0) throw invalid(r, metaString(obj, "name") ?? "", causes);
  }

  /**
   * POST. `keepStatus` is for the test controls, which write an object as a cluster would have it (status
   * included) without a second request.
   */
  create(
    r: ResourceType,
    namespace: string | null,
    body: Json,
    opts: { dryRun: boolean; keepStatus?: boolean },
  ): KubeObject {
    const obj = asObject(body);
    this.checkTypeAndNamespace(r, obj, namespace);
    const ns = this.namespaceOf(r, namespace);
    const generateName = metaString(obj, "generateName");
    if (!metaString(obj, "name") && generateName) obj.metadata.name = generateName + generatedSuffix();
    const name = metaString(obj, "name");
    if (!name) {
      throw invalid(r, "", [
        {
          reason: "FieldValueRequired",
          field: "metadata.name",
          message: "Required value: name or generateName is required",
        },
      ]);
    }
    if (metaString(obj, "resourceVersion")) {
      throw new ApiError(500, "InternalError", "resourceVersion should not be set on objects to be created");
    }
    this.requireNamespace(r, ns);
    if (this.store.get(r.storage, ns, name)) throw alreadyExists(r, name);
    unset(
      obj.metadata,
      "uid",
      "deletionTimestamp",
      "deletionGracePeriodSeconds",
      "managedFields",
      "selfLink",
    );
    obj.metadata.uid = randomUUID();
    obj.metadata.creationTimestamp = timestamp(this.now());
    if (r.generation) obj.metadata.generation = 1;
    else unset(obj.metadata, "generation");
    if (r.statusOnCreate === "clear" && !opts.keepStatus) obj.status = initialStatus(r.kind);
    applyDefaults(r, obj, undefined, this.allocations());
    this.checkValid(r, obj);
    const stored = this.stored(r, obj);
    if (opts.dryRun) return this.view(r, stored);
    return this.view(r, this.store.put(r.storage, ns, stored));
  }

  /** PUT, on the resource or its status. `keepStatus` (test controls only) writes spec and status at once. */
  update(
    r: ResourceType,
    namespace: string | null,
    name: string,
    body: Json,
    subresource: Subresource,
    opts: { dryRun: boolean; keepStatus?: boolean },
  ): KubeObject {
    const obj = asObject(body);
    const bodyName = metaString(obj, "name");
    if (bodyName !== undefined && bodyName !== name) {
      throw badRequest(`the name of the object (${bodyName}) does not match the name on the URL (${name})`);
    }
    obj.metadata.name = name;
    this.checkTypeAndNamespace(r, obj, namespace);
    const ns = this.namespaceOf(r, namespace);
    const existing = this.store.get(r.storage, ns, name);
    if (!existing) {
      if (r.createOnUpdate && subresource === null) {
        unset(obj.metadata, "resourceVersion");
        return this.create(r, namespace, obj, opts);
      }
      throw notFound(r, name);
    }
    return this.write(r, ns, existing, this.stored(r, obj), subresource, opts);
  }

  /** The shared end of update and patch: preconditions, the subresource split, defaults, validation. */
  private write(
    r: ResourceType,
    ns: string,
    existing: KubeObject,
    incoming: KubeObject,
    subresource: Subresource,
    opts: { dryRun: boolean; keepStatus?: boolean },
  ): KubeObject {
    const name = metaString(existing, "name")!;
    const rv = metaString(incoming, "resourceVersion");
    if (rv !== undefined && rv !== "" && rv !== metaString(existing, "resourceVersion"))
      throw conflict(r, name);
    let next: KubeObject;
    if (subresource === "status") {
      next = clone(existing);
      if (incoming.status === undefined) unset(next, "status");
      else next.status = incoming.status;
    } else {
      next = incoming;
      // Writes to the main resource cannot change status where status is a subresource.
      if (r.statusSubresource && !opts.keepStatus) {
        if (existing.status === undefined) unset(next, "status");
        else next.status = existing.status;
      }
      for (const f of ["uid", "creationTimestamp", "generation", "deletionTimestamp"]) {
        const v = existing.metadata[f];
        if (v === undefined) unset(next.metadata, f);
        else next.metadata[f] = v;
      }
      applyDefaults(r, next, existing, this.allocations());
    }
    next.metadata.resourceVersion = existing.metadata.resourceVersion!;
    this.checkValid(r, next);
    if (r.generation && subresource === null && specChanged(existing, next)) {
      next.metadata.generation = Number(existing.metadata.generation ?? 0) + 1;
    }
    // etcd is not written when the bytes would not change: no new version, no watch event.
    if (deepEqual(existing, next) || opts.dryRun) return this.view(r, next);
    return this.view(r, this.store.put(r.storage, ns, next));
  }

  patch(
    r: ResourceType,
    namespace: string | null,
    name: string,
    type: PatchType,
    body: string,
    subresource: Subresource,
    opts: { dryRun: boolean },
  ): KubeObject {
    const ns = this.namespaceOf(r, namespace);
    const existing = this.store.get(r.storage, ns, name);
    let parsed: Json;
    try {
      parsed = (type === "application/apply-patch+yaml" ? YAML.parse(body) : JSON.parse(body)) as Json;
    } catch (err) {
      throw badRequest(`error decoding patch: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (type === "application/apply-patch+yaml")
      return this.apply(r, namespace, name, existing, parsed, subresource, opts);
    if (!existing) throw notFound(r, name);
    const current = this.view(r, existing);
    let patched: JsonObject;
    try {
      if (type === "application/json-patch+json") patched = jsonPatch(current, parsed);
      else if (type === "application/merge-patch+json") {
        const merged = mergePatch(current, parsed);
        if (!isObject(merged)) throw badRequest("a merge patch must be a JSON object");
        patched = merged;
      } else patched = strategicMergePatch(r.kind, current, parsed);
    } catch (err) {
      if (err instanceof TestFailed) {
        throw new ApiError(
          422,
          "Invalid",
          `the server rejected our request due to an error in our request: ${err.message}`,
        );
      }
      throw err;
    }
    const obj = asObject(patched);
    if (metaString(obj, "name") !== name) throw badRequest("metadata.name cannot be changed by a patch");
    this.checkTypeAndNamespace(r, obj, namespace);
    return this.write(r, ns, existing, this.stored(r, obj), subresource, opts);
  }

  /**
   * Server-side apply, reduced to what a test needs: the applied configuration is created, or merged into
   * the object as a strategic merge patch would. No field ownership (managedFields) and no conflicts: a
   * field dropped from a later apply stays.
   */
  private apply(
    r: ResourceType,
    namespace: string | null,
    name: string,
    existing: KubeObject | undefined,
    config: Json,
    subresource: Subresource,
    opts: { dryRun: boolean },
  ): KubeObject {
    const obj = asObject(config);
    if (metaString(obj, "name") !== name) {
      throw badRequest(
        `the name of the object (${String(obj.metadata.name)}) does not match the name on the URL (${name})`,
      );
    }
    if (!existing) {
      if (subresource !== null) throw notFound(r, name);
      return this.create(r, namespace, obj, opts);
    }
    const merged = asObject(strategicMergePatch(r.kind, this.view(r, existing), obj));
    unset(merged.metadata, "resourceVersion");
    this.checkTypeAndNamespace(r, merged, namespace);
    return this.write(r, this.namespaceOf(r, namespace), existing, this.stored(r, merged), subresource, opts);
  }

  /** DELETE: the object itself (Services, Pods) or a Success Status. Deleting a Namespace deletes what is
   *  in it at once (kube's namespace controller does it while the Namespace is Terminating). */
  delete(
    r: ResourceType,
    namespace: string | null,
    name: string,
    options: Json,
    opts: { dryRun: boolean },
  ): JsonObject {
    const ns = this.namespaceOf(r, namespace);
    const existing = this.store.get(r.storage, ns, name);
    if (!existing) throw notFound(r, name);
    const pre = isObject(options) && isObject(options.preconditions) ? options.preconditions : {};
    if (typeof pre.uid === "string" && pre.uid !== existing.metadata.uid) {
      throw new ApiError(
        409,
        "Conflict",
        `Operation cannot be fulfilled on ${r.plural} "${name}": Precondition failed: UID in precondition: ` +
          `${pre.uid}, UID in object meta: ${String(existing.metadata.uid)}`,
      );
    }
    if (
      typeof pre.resourceVersion === "string" &&
      pre.resourceVersion !== existing.metadata.resourceVersion
    ) {
      throw new ApiError(
        409,
        "Conflict",
        `Operation cannot be fulfilled on ${r.plural} "${name}": Precondition failed: ResourceVersion in ` +
          `precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${String(existing.metadata.resourceVersion)}`,
      );
    }
    let gone = existing;
    if (!opts.dryRun) {
      if (r.kind === "Namespace" && r.group === "") {
        for (const { storage, name: inner } of this.store.storagesWithin(name))
          this.store.remove(storage, name, inner);
      }
      gone = this.store.remove(r.storage, ns, name)!;
    }
    return r.deleteReturnsObject ? this.view(r, gone) : success(r, name, String(existing.metadata.uid));
  }

  /** DELETE on a collection: every object the selectors match; answers with the list of them. */
  deleteCollection(
    r: ResourceType,
    namespace: string | null,
    labelSelector: string | null,
    fieldSelector: string | null,
    opts: { dryRun: boolean },
  ): JsonObject {
    const sel = this.selector(r, labelSelector, fieldSelector);
    const items: KubeObject[] = [];
    for (const obj of this.store.list(r.storage, r.namespaced ? namespace : null)) {
      if (!sel.matches(obj)) continue;
      const ns = metaString(obj, "namespace") ?? "";
      const name = metaString(obj, "name")!;
      items.push(this.item(r, opts.dryRun ? obj : this.store.remove(r.storage, ns, name)!));
    }
    return {
      kind: `${r.kind}List`,
      apiVersion: groupVersion(r),
      metadata: { resourceVersion: String(this.store.currentRv()) },
      items,
    };
  }
}

/** Whether anything outside metadata and status differs: what bumps metadata.generation. */
function specChanged(a: KubeObject, b: KubeObject): boolean {
  const strip = (o: KubeObject): JsonObject => {
    const { metadata: _m, status: _s, ...rest } = o;
    return rest;
  };
  return !deepEqual(strip(a), strip(b));
}
