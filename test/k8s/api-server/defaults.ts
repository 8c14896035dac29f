/**
 * What kube-apiserver adds to or checks in an object before storing it, where a client can see it: names,
 * label syntax, a Namespace's phase and name label, a Pod's Pending phase, a Secret's type, and a Service's
 * defaults with its allocated cluster IP and node ports (allocation is the API server's own work in
 * Kubernetes, not a controller's, so it happens here). Beyond these, objects are stored as sent: there are no schemas, so
 * unknown fields are kept and `fieldValidation=Strict` finds nothing to refuse.
 */
import type { ResourceType } from "./resources.js";
import type { StatusCause } from "./status.js";
import { isObject, type Json, type JsonObject, type KubeObject, metaString } from "./types.js";

const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const dns1035Label = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const labelValue = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;
const qualifiedName =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

function nameCause(r: ResourceType, name: string): StatusCause | undefined {
  const bad = (message: string): StatusCause => ({
    reason: "FieldValueInvalid",
    field: "metadata.name",
    message: `Invalid value: "${name}": ${message}`,
  });
  switch (r.nameRule) {
    case "dns1035-label":
      return dns1035Label.test(name) && name.length <= 63
        ? undefined
        : bad(
            "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an " +
              "alphabetic character, and end with an alphanumeric character",
          );
    case "dns1123-label":
      return dns1123Label.test(name) && name.length <= 63
        ? undefined
        : bad(
            "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must " +
              "start and end with an alphanumeric character",
          );
    case "dns1123-subdomain":
      return dns1123Subdomain.test(name) && name.length <= 253
        ? undefined
        : bad(
            "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', " +
              "and must start and end with an alphanumeric character",
          );
    case "path-segment":
      return name === "." || name === ".." || /[/%]/.test(name)
        ? bad("may not be '.' or '..' and may not contain '/' or '%'")
        : undefined;
  }
}

function labelCauses(obj: KubeObject): StatusCause[] {
  const labels = obj.metadata.labels;
  if (labels === undefined || labels === null) return [];
  if (!isObject(labels)) {
    return [
      { reason: "FieldValueInvalid", field: "metadata.labels", message: "Invalid value: must be a map" },
    ];
  }
  const causes: StatusCause[] = [];
  for (const [k, v] of Object.entries(labels)) {
    if (!qualifiedName.test(k) || k.split("/").pop()!.length > 63) {
      causes.push({
        reason: "FieldValueInvalid",
        field: "metadata.labels",
        message: `Invalid value: "${k}"`,
      });
    } else if (typeof v !== "string" || !labelValue.test(v) || v.length > 63) {
      causes.push({
        reason: "FieldValueInvalid",
        field: "metadata.labels",
        message:
          `Invalid value: ${JSON.stringify(v)}: a valid label must be an empty string or consist of ` +
          "alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
      });
    }
  }
  return causes;
}

const required = (field: string): StatusCause => ({
  reason: "FieldValueRequired",
  field,
  message: "Required value",
});

/** Kind-specific checks kube-apiserver makes that a test may want to see refused (dry-run included). */
function kindCauses(kind: string, obj: KubeObject): StatusCause[] {
  const spec = isObject(obj.spec) ? obj.spec : undefined;
  switch (kind) {
    case "Service": {
      const type = spec?.type ?? "ClusterIP";
      if (!["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"].includes(String(type))) {
        return [
          { reason: "FieldValueNotSupported", field: "spec.type", message: `Unsupported value: "${type}"` },
        ];
      }
      const headless = spec?.clusterIP === "None";
      if (type !== "ExternalName" && !headless && !(Array.isArray(spec?.ports) && spec.ports.length > 0)) {
        return [required("spec.ports")];
      }
      return [];
    }
    case "Pod":
      return Array.isArray(spec?.containers) && spec.containers.length > 0
        ? []
        : [required("spec.containers")];
    case "EndpointSlice":
      return ["IPv4", "IPv6", "FQDN"].includes(String(obj.addressType)) ? [] : [required("addressType")];
    case "DaemonSet":
    case "Deployment": {
      const selector = isObject(spec?.selector) ? spec.selector.matchLabels : undefined;
      const template = isObject(spec?.template) ? spec.template : undefined;
      const labels = isObject(template?.metadata) ? template.metadata.labels : undefined;
      if (!isObject(spec?.selector)) return [required("spec.selector")];
      if (isObject(selector)) {
        const ok = Object.entries(selector).every(([k, v]) => isObject(labels) && labels[k] === v);
        if (!ok) {
          return [
            {
              reason: "FieldValueInvalid",
              field: "spec.template.metadata.labels",
              message: "Invalid value: `selector` does not match template `labels`",
            },
          ];
        }
      }
      return [];
    }
    default:
      return [];
  }
}

export function validate(r: ResourceType, obj: KubeObject): StatusCause[] {
  const name = metaString(obj, "name") ?? "";
  const causes: StatusCause[] = [];
  const bad = nameCause(r, name);
  if (bad) causes.push(bad);
  return [...causes, ...labelCauses(obj), ...kindCauses(r.kind, obj)];
}

/** The status a create starts from, for resources whose create clears what was sent. */
export function initialStatus(kind: string): JsonObject {
  switch (kind) {
    case "Service":
      return { loadBalancer: {} };
    case "Pod":
      return { phase: "Pending" };
    case "DaemonSet":
      return { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 };
    default:
      return {};
  }
}

/** Addresses and ports already given to Services, so a new one gets a free one. */
export interface Allocations {
  readonly clusterIPs: ReadonlySet<string>;
  readonly nodePorts: ReadonlySet<number>;
}

function allocateClusterIP(taken: ReadonlySet<string>): string {
  // 10.96.0.0/12, kubeadm's default service CIDR; .1 is the `kubernetes` Service's in a real cluster.
  for (let i = 10; i < 1 << 20; i++) {
    const ip = `10.${96 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`;
    if (!taken.has(ip)) return ip;
  }
  throw new Error("service CIDR exhausted");
}

function allocateNodePort(taken: Set<number>): number {
  for (let p = 30000; p <= 32767; p++) {
    if (!taken.has(p)) {
      taken.add(p);
      return p;
    }
  }
  throw new Error("node port range exhausted");
}

/** A Service's defaults (type, session affinity, port protocol and target port, IP families, traffic
 *  policies), the immutable allocations carried over from `previous` when an update leaves them out, and new
 *  ones otherwise. */
function defaultService(obj: KubeObject, previous: KubeObject | undefined, alloc: Allocations): void {
  const spec: JsonObject = isObject(obj.spec) ? obj.spec : (obj.spec = {});
  const prevSpec = previous && isObject(previous.spec) ? previous.spec : undefined;
  spec.type ??= "ClusterIP";
  spec.sessionAffinity ??= "None";
  const type = spec.type;
  if (type === "ExternalName") return;
  for (const field of ["clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy"]) {
    if ((spec[field] === undefined || spec[field] === "") && prevSpec?.[field] !== undefined) {
      spec[field] = prevSpec[field]!;
    }
  }
  if (spec.clusterIP === undefined || spec.clusterIP === "")
    spec.clusterIP = allocateClusterIP(alloc.clusterIPs);
  const clusterIP = String(spec.clusterIP);
  spec.clusterIPs ??= [clusterIP];
  spec.ipFamilies ??= [clusterIP.includes(":") ? "IPv6" : "IPv4"];
  spec.ipFamilyPolicy ??= "SingleStack";
  spec.internalTrafficPolicy ??= "Cluster";
  const exposed = type === "NodePort" || type === "LoadBalancer";
  if (exposed) {
    spec.externalTrafficPolicy ??= "Cluster";
    if (type === "LoadBalancer") spec.allocateLoadBalancerNodePorts ??= true;
  }
  const taken = new Set(alloc.nodePorts);
  const prevPorts = Array.isArray(prevSpec?.ports) ? prevSpec.ports : [];
  for (const port of Array.isArray(spec.ports) ? spec.ports : []) {
    if (!isObject(port)) continue;
    port.protocol ??= "TCP";
    port.targetPort ??= port.port ?? null;
    if (exposed && port.nodePort === undefined) {
      const same = prevPorts.find(
        (p: Json) => isObject(p) && p.port === port.port && isObject(p) && p.nodePort,
      );
      port.nodePort = isObject(same) ? same.nodePort! : allocateNodePort(taken);
    }
  }
}

/** Fills in what the API server would, on create (`previous` undefined) or update. */
export function applyDefaults(
  r: ResourceType,
  obj: KubeObject,
  previous: KubeObject | undefined,
  alloc: Allocations,
): void {
  switch (r.kind) {
    case "Service":
      defaultService(obj, previous, alloc);
      break;
    case "Secret":
      obj.type ??= "Opaque";
      break;
    case "Namespace": {
      // kube-apiserver labels every Namespace with its own name (since 1.21), for namespace selectors.
      const labels = isObject(obj.metadata.labels) ? obj.metadata.labels : (obj.metadata.labels = {});
      labels["kubernetes.io/metadata.name"] = metaString(obj, "name") ?? "";
      if (!previous) {
        obj.spec = { finalizers: ["kubernetes"], ...(isObject(obj.spec) ? obj.spec : {}) };
        obj.status = { phase: "Active" };
      }
      break;
    }
  }
}
