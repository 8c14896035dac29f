/**
 * The resources the test API server serves. Storage is generic (any resource is a JSON object under
 * group/resource/namespace/name); this table is what differs between them: where they live in the URL space,
 * their kind, scope and short names (served by discovery, which kubectl resolves `svc` or `no` with), the
 * subresources, and the few registry behaviours of kube-apiserver that clients can observe.
 */

export interface ResourceType {
  /** "" for the core group. */
  readonly group: string;
  readonly version: string;
  /** The plural name used in URLs ("services"). */
  readonly plural: string;
  readonly singular: string;
  readonly kind: string;
  readonly namespaced: boolean;
  readonly shortNames: readonly string[];
  readonly categories: readonly string[];
  /** The `status` subresource: writes to the main resource keep the stored status, writes to `/status`
   *  change nothing else (kube-apiserver's status strategies). */
  readonly statusSubresource: boolean;
  /** What a create does to a status sent with the object: Services, Pods and DaemonSets start with a
   *  cleared status (their PrepareForCreate), Nodes keep theirs (a kubelet registers with addresses). */
  readonly statusOnCreate: "keep" | "clear";
  /** PUT of a missing object creates it (kube's AllowCreateOnUpdate: Endpoints, Events, Leases, RBAC). */
  readonly createOnUpdate: boolean;
  /** DELETE answers with the deleted object rather than a Status (Services and Pods; kube's
   *  ReturnDeletedObject and graceful deletion). */
  readonly deleteReturnsObject: boolean;
  /** Field selector keys beyond metadata.name and metadata.namespace, as kube-apiserver registers them per
   *  resource (its GetAttrs); anything else is refused with 400. */
  readonly selectableFields: readonly string[];
  /** metadata.generation is kept (1 on create, +1 when anything outside metadata and status changes):
   *  kube's strategies do it for workloads and EndpointSlices, not for Services, Pods (before 1.33), Nodes
   *  or ConfigMaps. */
  readonly generation: boolean;
  /** Which name rule metadata.name must follow (apimachinery's validation). */
  readonly nameRule: "dns1123-subdomain" | "dns1123-label" | "dns1035-label" | "path-segment";
  /** Resources that are one store seen in two API groups share a storage key and convert on the way in and
   *  out (events.k8s.io/v1 Event is core/v1 Event). */
  readonly storage: string;
}

const allVerbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"] as const;
export const resourceVerbs: readonly string[] = allVerbs;
export const subresourceVerbs: readonly string[] = ["get", "patch", "update"];

type Spec = Pick<ResourceType, "group" | "version" | "plural" | "kind" | "namespaced"> &
  Partial<Omit<ResourceType, "group" | "version" | "plural" | "kind" | "namespaced">>;

function resource(spec: Spec): ResourceType {
  return {
    singular: spec.kind.toLowerCase(),
    shortNames: [],
    categories: [],
    statusSubresource: false,
    statusOnCreate: "keep",
    createOnUpdate: false,
    deleteReturnsObject: false,
    generation: false,
    selectableFields: [],
    nameRule: "dns1123-subdomain",
    storage: `${spec.group}/${spec.plural}`,
    ...spec,
  };
}

const eventFields = [
  "involvedObject.kind",
  "involvedObject.namespace",
  "involvedObject.name",
  "involvedObject.uid",
  "involvedObject.apiVersion",
  "involvedObject.resourceVersion",
  "involvedObject.fieldPath",
  "reason",
  "reportingComponent",
  "source",
  "type",
];

export const resourceTypes: readonly ResourceType[] = [
  resource({
    group: "",
    version: "v1",
    plural: "namespaces",
    kind: "Namespace",
    namespaced: false,
    shortNames: ["ns"],
    statusSubresource: true,
    selectableFields: ["status.phase"],
    nameRule: "dns1123-label",
  }),
  resource({
    group: "",
    version: "v1",
    plural: "services",
    kind: "Service",
    namespaced: true,
    shortNames: ["svc"],
    categories: ["all"],
    statusSubresource: true,
    statusOnCreate: "clear",
    deleteReturnsObject: true,
    selectableFields: ["spec.clusterIP", "spec.type"],
    nameRule: "dns1035-label",
  }),
  resource({
    group: "",
    version: "v1",
    plural: "endpoints",
    singular: "endpoints",
    kind: "Endpoints",
    namespaced: true,
    shortNames: ["ep"],
    createOnUpdate: true,
  }),
  resource({
    group: "",
    version: "v1",
    plural: "nodes",
    kind: "Node",
    namespaced: false,
    shortNames: ["no"],
    statusSubresource: true,
    selectableFields: ["spec.unschedulable"],
  }),
  resource({
    group: "",
    version: "v1",
    plural: "pods",
    kind: "Pod",
    namespaced: true,
    shortNames: ["po"],
    categories: ["all"],
    statusSubresource: true,
    statusOnCreate: "clear",
    deleteReturnsObject: true,
    selectableFields: [
      "spec.nodeName",
      "spec.restartPolicy",
      "spec.schedulerName",
      "spec.serviceAccountName",
      "spec.hostNetwork",
      "status.phase",
      "status.podIP",
      "status.nominatedNodeName",
    ],
  }),
  resource({
    group: "",
    version: "v1",
    plural: "events",
    kind: "Event",
    namespaced: true,
    shortNames: ["ev"],
    createOnUpdate: true,
    selectableFields: eventFields,
    storage: "/events",
  }),
  resource({
    group: "",
    version: "v1",
    plural: "configmaps",
    kind: "ConfigMap",
    namespaced: true,
    shortNames: ["cm"],
  }),
  resource({
    group: "",
    version: "v1",
    plural: "secrets",
    kind: "Secret",
    namespaced: true,
    selectableFields: ["type"],
  }),
  resource({
    group: "",
    version: "v1",
    plural: "serviceaccounts",
    kind: "ServiceAccount",
    namespaced: true,
    shortNames: ["sa"],
  }),
  resource({
    group: "discovery.k8s.io",
    version: "v1",
    plural: "endpointslices",
    kind: "EndpointSlice",
    namespaced: true,
    generation: true,
  }),
  resource({
    group: "events.k8s.io",
    version: "v1",
    plural: "events",
    kind: "Event",
    namespaced: true,
    shortNames: ["ev"],
    createOnUpdate: true,
    // The same store as core/v1 events (kube serves one Event in both groups); events.ts converts.
    storage: "/events",
    selectableFields: eventFields,
  }),
  resource({
    group: "apps",
    version: "v1",
    plural: "daemonsets",
    kind: "DaemonSet",
    namespaced: true,
    shortNames: ["ds"],
    categories: ["all"],
    statusSubresource: true,
    statusOnCreate: "clear",
    generation: true,
  }),
  resource({
    group: "apps",
    version: "v1",
    plural: "deployments",
    kind: "Deployment",
    namespaced: true,
    shortNames: ["deploy"],
    categories: ["all"],
    statusSubresource: true,
    statusOnCreate: "clear",
    generation: true,
  }),
  resource({
    group: "coordination.k8s.io",
    version: "v1",
    plural: "leases",
    kind: "Lease",
    namespaced: true,
    createOnUpdate: true,
  }),
  ...(["ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"] as const).map((kind) =>
    resource({
      group: "rbac.authorization.k8s.io",
      version: "v1",
      plural: `${kind.toLowerCase()}s`,
      kind,
      namespaced: !kind.startsWith("Cluster"),
      createOnUpdate: true,
      nameRule: "path-segment",
    }),
  ),
];

/** "v1" or "apps/v1". */
export function groupVersion(r: Pick<ResourceType, "group" | "version">): string {
  return r.group === "" ? r.version : `${r.group}/${r.version}`;
}

/** The name kube puts in messages and Status details: "services", "daemonsets.apps". */
export function qualifiedPlural(r: ResourceType): string {
  return r.group === "" ? r.plural : `${r.plural}.${r.group}`;
}

export function findResource(group: string, version: string, plural: string): ResourceType | undefined {
  return resourceTypes.find((r) => r.group === group && r.version === version && r.plural === plural);
}

/** Group versions in discovery order: core first, then groups as the table lists them. */
export function groupVersions(): { group: string; version: string }[] {
  const seen = new Map<string, { group: string; version: string }>();
  for (const r of resourceTypes) seen.set(groupVersion(r), { group: r.group, version: r.version });
  return [...seen.values()];
}
