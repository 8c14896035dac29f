/**
 * Discovery documents, from the resource table: legacy discovery (/api, /apis, /api/v1, /apis/<g>/<v>),
 * aggregated discovery (the same /api and /apis asked for APIGroupDiscoveryList, which kubectl 1.32 asks
 * first), /version, and a minimal OpenAPI v3.
 *
 * The OpenAPI v3 documents exist for one reason: kubectl decides from them whether the server validates
 * fields itself (a `fieldValidation` query parameter on the PATCH operation of the kind). When it does,
 * kubectl sends `?fieldValidation=Strict` and skips client-side schema validation, which would otherwise
 * need the full schemas. The PATCH operations deliberately do not list the strategic merge content type, so
 * `kubectl apply` computes its patches from the Go types compiled into it (as it does when OpenAPI is off)
 * instead of looking for schemas here. /openapi/v2 is not served (404); kubectl copes.
 */
import { createHash } from "node:crypto";
import {
  groupVersion,
  groupVersions,
  type ResourceType,
  resourceTypes,
  resourceVerbs,
  subresourceVerbs,
} from "./resources.js";
import type { JsonObject } from "./types.js";

export const aggregatedDiscoveryType = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

export interface ServerVersion {
  readonly major: string;
  readonly minor: string;
}

export function versionInfo(v: ServerVersion): JsonObject {
  return {
    major: v.major,
    minor: v.minor,
    gitVersion: `v${v.major}.${v.minor}.0`,
    gitCommit: "0000000000000000000000000000000000000000",
    gitTreeState: "clean",
    buildDate: "2025-01-01T00:00:00Z",
    goVersion: "go1.23.0",
    compiler: "gc",
    platform: "linux/amd64",
  };
}

const inGroupVersion = (group: string, version: string): ResourceType[] =>
  resourceTypes.filter((r) => r.group === group && r.version === version);

/** /api: the core group's versions. */
export function apiVersions(serverAddress: string): JsonObject {
  return {
    kind: "APIVersions",
    versions: ["v1"],
    serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress }],
  };
}

function apiGroup(group: string): JsonObject {
  const versions = groupVersions()
    .filter((gv) => gv.group === group)
    .map((gv) => ({ groupVersion: groupVersion(gv), version: gv.version }));
  return { name: group, versions, preferredVersion: versions[0]! };
}

/** /apis: the named groups. */
export function apiGroupList(): JsonObject {
  const groups = [...new Set(groupVersions().map((gv) => gv.group))].filter((g) => g !== "");
  return { kind: "APIGroupList", apiVersion: "v1", groups: groups.map(apiGroup) };
}

/** /apis/<group>, or undefined for a group not served. */
export function apiGroupDoc(group: string): JsonObject | undefined {
  if (!resourceTypes.some((r) => r.group === group)) return undefined;
  return { kind: "APIGroup", apiVersion: "v1", ...apiGroup(group) };
}

/** /api/v1 and /apis/<group>/<version>: every resource and subresource with its verbs. */
export function apiResourceList(group: string, version: string): JsonObject | undefined {
  const types = inGroupVersion(group, version);
  if (types.length === 0) return undefined;
  const resources: JsonObject[] = [];
  for (const r of types) {
    const entry: JsonObject = {
      name: r.plural,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: [...resourceVerbs],
    };
    if (r.shortNames.length > 0) entry.shortNames = [...r.shortNames];
    if (r.categories.length > 0) entry.categories = [...r.categories];
    resources.push(entry);
    if (r.statusSubresource) {
      resources.push({
        name: `${r.plural}/status`,
        singularName: "",
        namespaced: r.namespaced,
        kind: r.kind,
        verbs: [...subresourceVerbs],
      });
    }
  }
  return {
    kind: "APIResourceList",
    apiVersion: "v1",
    groupVersion: groupVersion({ group, version }),
    resources,
  };
}

function discoveryResource(r: ResourceType): JsonObject {
  const kind = { group: r.group, version: r.version, kind: r.kind };
  const entry: JsonObject = {
    resource: r.plural,
    responseKind: kind,
    scope: r.namespaced ? "Namespaced" : "Cluster",
    singularResource: r.singular,
    verbs: [...resourceVerbs],
  };
  if (r.shortNames.length > 0) entry.shortNames = [...r.shortNames];
  if (r.categories.length > 0) entry.categories = [...r.categories];
  if (r.statusSubresource) {
    entry.subresources = [{ subresource: "status", responseKind: kind, verbs: [...subresourceVerbs] }];
  }
  return entry;
}

/** Aggregated discovery for /api (`core` true) or /apis: every group, version and resource at once. */
export function aggregatedDiscovery(core: boolean): JsonObject {
  const groups = [...new Set(groupVersions().map((gv) => gv.group))].filter((g) => (g === "") === core);
  return {
    kind: "APIGroupDiscoveryList",
    apiVersion: "apidiscovery.k8s.io/v2",
    metadata: {},
    items: groups.map((group) => ({
      metadata: (group === "" ? {} : { name: group }) as JsonObject,
      versions: groupVersions()
        .filter((gv) => gv.group === group)
        .map((gv) => ({
          version: gv.version,
          resources: inGroupVersion(gv.group, gv.version).map(discoveryResource),
          freshness: "Current",
        })),
    })),
  };
}

/** The URL path part naming a group version in OpenAPI v3: "api/v1", "apis/apps/v1". */
const openApiPath = (gv: { group: string; version: string }): string =>
  gv.group === "" ? `api/${gv.version}` : `apis/${gv.group}/${gv.version}`;

/** /openapi/v3: where each group version's document is. */
export function openApiV3Index(): JsonObject {
  const paths: JsonObject = {};
  for (const gv of groupVersions()) {
    const doc = openApiV3(gv.group, gv.version)!;
    const hash = createHash("sha256").update(JSON.stringify(doc)).digest("hex").slice(0, 32).toUpperCase();
    paths[openApiPath(gv)] = { serverRelativeURL: `/openapi/v3/${openApiPath(gv)}?hash=${hash}` };
  }
  return { paths };
}

const queryParam = (name: string): JsonObject => ({ name, in: "query", schema: { type: "string" } });

/** /openapi/v3/api/v1, /openapi/v3/apis/<g>/<v>: one PATCH operation per resource, carrying the kind and the
 *  query parameters kubectl looks for; no schemas. */
export function openApiV3(group: string, version: string): JsonObject | undefined {
  const types = inGroupVersion(group, version);
  if (types.length === 0) return undefined;
  const paths: JsonObject = {};
  for (const r of types) {
    const base = `/${openApiPath(r)}${r.namespaced ? "/namespaces/{namespace}" : ""}/${r.plural}/{name}`;
    paths[base] = {
      patch: {
        operationId: `patch${r.kind}`,
        parameters: ["dryRun", "fieldManager", "fieldValidation", "force"].map(queryParam),
        requestBody: {
          content: Object.fromEntries(
            [
              "application/json-patch+json",
              "application/merge-patch+json",
              "application/apply-patch+yaml",
            ].map((t) => [t, { schema: { type: "object" } }]),
          ),
        },
        responses: { "200": { description: "OK" } },
        "x-kubernetes-action": "patch",
        "x-kubernetes-group-version-kind": { group: r.group, version: r.version, kind: r.kind },
      },
    };
  }
  return {
    openapi: "3.0.0",
    info: { title: "Kubernetes", version: "v1.32.0" },
    paths,
    components: { schemas: {} },
  };
}
