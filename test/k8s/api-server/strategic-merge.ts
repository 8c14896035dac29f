/**
 * Strategic merge patch (`application/strategic-merge-patch+json`), the patch kubectl sends for built-in
 * types (apply, cordon, `patch` without --type, `patch --subresource=status`).
 *
 * It is a merge patch where some lists merge instead of being replaced. Which ones is declared in the Go
 * types (`patchStrategy:"merge" patchMergeKey:"name"`); kube-apiserver reads that from its compiled-in
 * structs. This file carries the subset of those tags for the kinds served here (patchMeta below): Pod
 * specs (also inside DaemonSet and Deployment templates) with containers, env, ports, volumes and volume
 * mounts; Service ports; conditions and node addresses in status; ObjectMeta's finalizers and
 * ownerReferences. Every other list is atomic, as it is in Kubernetes (taints, tolerations,
 * loadBalancer.ingress, EndpointSlice endpoints, RBAC rules).
 *
 * Directives honoured: `$patch: replace|delete|merge` in maps and list items, `$retainKeys`,
 * `$deleteFromPrimitiveList/<field>` and `$setElementOrder/<field>`. One simplification: with
 * `$setElementOrder`, items the patch does not name go after the named ones (upstream interleaves them
 * where they were).
 */
import { badRequest } from "./status.js";
import { clone, deepEqual, isObject, type Json, type JsonObject, unset } from "./types.js";

interface FieldMeta {
  /** A list of maps merged by this key. */
  readonly mergeKey?: string;
  /** A list of scalars merged as a set. */
  readonly primitiveSet?: boolean;
  /** The meta of the map, or of the list's items. */
  readonly fields?: Meta;
}
type Meta = Readonly<Record<string, FieldMeta>>;

const objectMeta: Meta = {
  finalizers: { primitiveSet: true },
  ownerReferences: { mergeKey: "uid" },
};

const container: Meta = {
  ports: { mergeKey: "containerPort" },
  env: { mergeKey: "name" },
  volumeMounts: { mergeKey: "mountPath" },
  volumeDevices: { mergeKey: "devicePath" },
};

const podSpec: Meta = {
  containers: { mergeKey: "name", fields: container },
  initContainers: { mergeKey: "name", fields: container },
  ephemeralContainers: { mergeKey: "name", fields: container },
  volumes: { mergeKey: "name" },
  imagePullSecrets: { mergeKey: "name" },
  hostAliases: { mergeKey: "ip" },
  topologySpreadConstraints: { mergeKey: "topologyKey" },
  resourceClaims: { mergeKey: "name" },
  schedulingGates: { mergeKey: "name" },
};

const conditions: FieldMeta = { mergeKey: "type" };

const podTemplateOwner: Meta = {
  metadata: { fields: objectMeta },
  spec: { fields: { template: { fields: { metadata: { fields: objectMeta }, spec: { fields: podSpec } } } } },
  status: { fields: { conditions } },
};

const patchMeta: Readonly<Record<string, Meta>> = {
  Pod: {
    metadata: { fields: objectMeta },
    spec: { fields: podSpec },
    status: { fields: { conditions, podIPs: { mergeKey: "ip" }, hostIPs: { mergeKey: "ip" } } },
  },
  Service: {
    metadata: { fields: objectMeta },
    spec: { fields: { ports: { mergeKey: "port" } } },
    status: { fields: { conditions } },
  },
  Node: {
    metadata: { fields: objectMeta },
    spec: { fields: { podCIDRs: { primitiveSet: true } } },
    status: { fields: { conditions, addresses: { mergeKey: "type" } } },
  },
  ServiceAccount: { metadata: { fields: objectMeta }, secrets: { mergeKey: "name" } },
  DaemonSet: podTemplateOwner,
  Deployment: podTemplateOwner,
};

const objectMetaOnly: Meta = { metadata: { fields: objectMeta } };

const DELETE = Symbol("delete");

function directive(patch: JsonObject): string | undefined {
  const d = patch.$patch;
  if (d === undefined) return undefined;
  if (d !== "replace" && d !== "delete" && d !== "merge")
    throw badRequest(`unknown patch type: ${String(d)}`);
  return d;
}

/** A patch value with every directive removed, for places where it is taken whole. */
function withoutDirectives(value: Json): Json {
  if (Array.isArray(value)) {
    return value.filter((v) => !(isObject(v) && v.$patch !== undefined)).map(withoutDirectives);
  }
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) if (!k.startsWith("$")) out[k] = withoutDirectives(v);
  return out;
}

function mergeMap(
  original: Json | undefined,
  patch: JsonObject,
  meta: Meta | undefined,
): Json | typeof DELETE {
  const how = directive(patch);
  if (how === "delete") return DELETE;
  if (how === "replace") return withoutDirectives(patch);
  const out: JsonObject = isObject(original) ? clone(original) : {};
  const retain = patch.$retainKeys;
  if (Array.isArray(retain)) {
    for (const k of Object.keys(out)) if (!retain.includes(k)) unset(out, k);
  }
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith("$")) continue;
    const fm = meta?.[key];
    if (value === null) unset(out, key);
    else if (Array.isArray(value)) out[key] = mergeList(out[key], value, fm);
    else if (isObject(value)) {
      const merged = mergeMap(out[key], value, fm?.fields);
      if (merged === DELETE) unset(out, key);
      else out[key] = merged;
    } else out[key] = value;
  }
  for (const [key, value] of Object.entries(patch)) {
    const del = /^\$deleteFromPrimitiveList\/(.+)$/.exec(key);
    if (del && Array.isArray(value) && Array.isArray(out[del[1]!])) {
      out[del[1]!] = (out[del[1]!] as Json[]).filter((v) => !value.some((d) => deepEqual(d, v)));
    }
  }
  for (const [key, value] of Object.entries(patch)) {
    const order = /^\$setElementOrder\/(.+)$/.exec(key);
    if (order && Array.isArray(value) && Array.isArray(out[order[1]!])) {
      out[order[1]!] = reorder(out[order[1]!] as Json[], value, meta?.[order[1]!]?.mergeKey);
    }
  }
  return out;
}

function mergeList(original: Json | undefined, patch: Json[], fm: FieldMeta | undefined): Json[] {
  const base = Array.isArray(original) ? clone(original) : [];
  if (fm?.primitiveSet) {
    for (const v of patch) if (!base.some((b) => deepEqual(b, v))) base.push(clone(v));
    return base;
  }
  const key = fm?.mergeKey;
  if (key === undefined || patch.some((v) => isObject(v) && v.$patch === "replace")) {
    return withoutDirectives(patch) as Json[];
  }
  for (const item of patch) {
    if (!isObject(item))
      throw badRequest(`strategic merge patch: list items merged by "${key}" must be maps`);
    const k = item[key];
    const at = base.findIndex((b) => isObject(b) && deepEqual(b[key], k));
    if (item.$patch === "delete") {
      if (at >= 0) base.splice(at, 1);
      continue;
    }
    const merged = mergeMap(at >= 0 ? base[at] : undefined, item, fm?.fields);
    if (merged === DELETE) {
      if (at >= 0) base.splice(at, 1);
    } else if (at >= 0) base[at] = merged;
    else base.push(merged);
  }
  return base;
}

/** `$setElementOrder`: items in the order the patch lists them, then the rest as they were. */
function reorder(items: Json[], order: Json[], key: string | undefined): Json[] {
  const id = (v: Json): Json => (key !== undefined && isObject(v) ? (v[key] ?? null) : v);
  const rest = [...items];
  const out: Json[] = [];
  for (const o of order) {
    const at = rest.findIndex((v) => deepEqual(id(v), id(o)));
    if (at >= 0) out.push(...rest.splice(at, 1));
  }
  return [...out, ...rest];
}

/** Applies a strategic merge patch to an object of the given kind. */
export function strategicMergePatch(kind: string, target: JsonObject, patch: Json): JsonObject {
  if (!isObject(patch)) throw badRequest("strategic merge patch: the body must be a JSON object");
  const merged = mergeMap(target, patch, patchMeta[kind] ?? objectMetaOnly);
  if (merged === DELETE || !isObject(merged))
    throw badRequest("strategic merge patch: cannot delete the object");
  return merged;
}
