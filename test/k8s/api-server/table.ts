/**
 * Server-side printing: the meta.k8s.io/v1 Table kube-apiserver answers when a client asks for
 * `application/json;as=Table;…` (what `kubectl get` does without -o json/yaml/jsonpath). Without it kubectl
 * prints only NAME and AGE. Columns follow kube's printers (pkg/printers/internalversion) for the kinds a
 * BGP test looks at — Services (TYPE, CLUSTER-IP, EXTERNAL-IP, PORT(S)), Nodes (STATUS with
 * SchedulingDisabled, ROLES), Pods, Namespaces, EndpointSlices, Events (LAST SEEN, TYPE, REASON, OBJECT,
 * MESSAGE); every other kind gets NAME and AGE.
 */
import type { ResourceType } from "./resources.js";
import { isObject, type Json, type JsonObject, type KubeObject, stringMap } from "./types.js";

interface Column {
  readonly name: string;
  readonly type: "string" | "integer" | "date";
  /** 0 is always shown; 1 only with -o wide. */
  readonly priority: 0 | 1;
  readonly cell: (obj: KubeObject, now: Date) => Json;
}

const obj = (v: Json | undefined): JsonObject => (isObject(v) ? v : {});
const arr = (v: Json | undefined): Json[] => (Array.isArray(v) ? v : []);
const str = (v: Json | undefined): string => (typeof v === "string" ? v : "");

/** apimachinery's duration.HumanDuration, which AGE columns use. */
export function humanDuration(seconds: number): string {
  if (seconds < -1) return "<invalid>";
  if (seconds < 0) return "0s";
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8)
    return hours % 24 === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  const years = Math.floor(hours / 24 / 365);
  if (years < 8) return `${years}y${Math.floor(hours / 24) % 365}d`;
  return `${years}y`;
}

const name: Column = { name: "Name", type: "string", priority: 0, cell: (o) => str(o.metadata.name) };
const age: Column = {
  name: "Age",
  type: "string",
  priority: 0,
  cell: (o, now) => {
    const created = Date.parse(str(o.metadata.creationTimestamp));
    return Number.isNaN(created) ? "<unknown>" : humanDuration(Math.floor((now.getTime() - created) / 1000));
  },
};

const orNone = (list: string[]): string => (list.length > 0 ? list.join(",") : "<none>");

function serviceExternalIP(o: KubeObject): string {
  const spec = obj(o.spec);
  const external = arr(spec.externalIPs).map(str);
  switch (spec.type) {
    case "ExternalName":
      return str(spec.externalName);
    case "LoadBalancer": {
      const ingress = arr(obj(obj(o.status).loadBalancer).ingress).map(
        (i) => str(obj(i).ip) || str(obj(i).hostname),
      );
      const all = [...ingress, ...external];
      return all.length > 0 ? all.join(",") : "<pending>";
    }
    default:
      return orNone(external);
  }
}

function servicePorts(o: KubeObject): string {
  const ports = arr(obj(o.spec).ports).map((p) => {
    const port = obj(p);
    const node = typeof port.nodePort === "number" ? `:${port.nodePort}` : "";
    return `${String(port.port)}${node}/${str(port.protocol) || "TCP"}`;
  });
  return orNone(ports);
}

function nodeStatus(o: KubeObject): string {
  const ready = arr(obj(o.status).conditions)
    .map(obj)
    .find((c) => c.type === "Ready");
  const state =
    ready === undefined
      ? "Unknown"
      : ready.status === "True"
        ? "Ready"
        : ready.status === "False"
          ? "NotReady"
          : "Unknown";
  return obj(o.spec).unschedulable === true ? `${state},SchedulingDisabled` : state;
}

function nodeRoles(o: KubeObject): string {
  const roles: string[] = [];
  for (const [k, v] of Object.entries(stringMap(o.metadata.labels))) {
    if (k.startsWith("node-role.kubernetes.io/")) roles.push(k.slice("node-role.kubernetes.io/".length));
    else if (k === "kubernetes.io/role") roles.push(v);
  }
  return orNone(roles.filter((r) => r !== "").sort());
}

const nodeAddress = (o: KubeObject, type: string): string =>
  str(
    obj(
      arr(obj(o.status).addresses)
        .map(obj)
        .find((a) => a.type === type),
    ).address,
  ) || "<none>";

function podReady(o: KubeObject): string {
  const statuses = arr(obj(o.status).containerStatuses).map(obj);
  const ready = statuses.filter((s) => s.ready === true).length;
  return `${ready}/${arr(obj(o.spec).containers).length}`;
}

function podRestarts(o: KubeObject): number {
  return arr(obj(o.status).containerStatuses)
    .map(obj)
    .reduce((n, s) => n + (typeof s.restartCount === "number" ? s.restartCount : 0), 0);
}

/** An Event's fields under either API's names (core/v1 or events.k8s.io/v1). */
function eventField(o: KubeObject, core: string, events: string): Json | undefined {
  return o[core] ?? o[events];
}

function eventLastSeen(o: KubeObject, now: Date): string {
  const series = obj(o.series);
  const when =
    str(series.lastObservedTime) ||
    str(eventField(o, "lastTimestamp", "deprecatedLastTimestamp")) ||
    str(o.eventTime);
  const t = Date.parse(when);
  return Number.isNaN(t) ? "<unknown>" : humanDuration(Math.floor((now.getTime() - t) / 1000));
}

function eventObject(o: KubeObject): string {
  const ref = obj(eventField(o, "involvedObject", "regarding"));
  return `${str(ref.kind).toLowerCase()}/${str(ref.name)}`;
}

const col = (
  columnName: string,
  cell: (o: KubeObject) => Json,
  priority: 0 | 1 = 0,
  type: Column["type"] = "string",
): Column => ({ name: columnName, type, priority, cell });

const columnsByKind: Readonly<Record<string, readonly Column[]>> = {
  Service: [
    name,
    col("Type", (o) => str(obj(o.spec).type)),
    col("Cluster-IP", (o) => str(obj(o.spec).clusterIP) || "<none>"),
    col("External-IP", serviceExternalIP),
    col("Port(s)", servicePorts),
    age,
    col(
      "Selector",
      (o) => orNone(Object.entries(stringMap(obj(o.spec).selector)).map(([k, v]) => `${k}=${v}`)),
      1,
    ),
  ],
  Node: [
    name,
    col("Status", nodeStatus),
    col("Roles", nodeRoles),
    age,
    col("Version", (o) => str(obj(obj(o.status).nodeInfo).kubeletVersion)),
    col("Internal-IP", (o) => nodeAddress(o, "InternalIP"), 1),
    col("External-IP", (o) => nodeAddress(o, "ExternalIP"), 1),
  ],
  Pod: [
    name,
    col("Ready", podReady),
    col("Status", (o) => str(obj(o.status).reason) || str(obj(o.status).phase)),
    col("Restarts", podRestarts, 0, "integer"),
    age,
    col("IP", (o) => str(obj(o.status).podIP) || "<none>", 1),
    col("Node", (o) => str(obj(o.spec).nodeName) || "<none>", 1),
  ],
  Namespace: [name, col("Status", (o) => str(obj(o.status).phase)), age],
  Event: [
    { name: "Last Seen", type: "string", priority: 0, cell: eventLastSeen },
    col("Type", (o) => str(o.type)),
    col("Reason", (o) => str(o.reason)),
    col("Object", eventObject),
    col("Message", (o) => str(eventField(o, "message", "note"))),
    { ...name, priority: 1 },
  ],
  EndpointSlice: [
    name,
    col("AddressType", (o) => str(o.addressType)),
    col("Ports", (o) => orNone(arr(o.ports).map((p) => String(obj(p).port ?? "")))),
    col("Endpoints", (o) => orNone(arr(o.endpoints).flatMap((e) => arr(obj(e).addresses).map(str)))),
    age,
  ],
};

/** Whether an Accept header asks for a Table. */
export function wantsTable(accept: string): boolean {
  return /as=Table/.test(accept) && /g=meta\.k8s\.io/.test(accept);
}

/** A Table of `objects`; `withColumns` false leaves the column definitions out, as watch events after the
 *  first do. Rows carry the objects' metadata (kube's default includeObject=Metadata). */
export function toTable(
  r: ResourceType,
  objects: readonly KubeObject[],
  listMeta: JsonObject,
  now: Date,
  withColumns = true,
): JsonObject {
  const columns = columnsByKind[r.kind] ?? [name, age];
  const table: JsonObject = { kind: "Table", apiVersion: "meta.k8s.io/v1", metadata: listMeta };
  if (withColumns) {
    table.columnDefinitions = columns.map((c) => ({
      name: c.name,
      type: c.type,
      format: c.name === "Name" ? "name" : "",
      description: "",
      priority: c.priority,
    }));
  }
  table.rows = objects.map((o) => ({
    cells: columns.map((c) => c.cell(o, now)),
    object: { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: o.metadata },
  }));
  return table;
}
