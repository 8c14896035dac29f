/**
 * One Event store, two APIs: kube-apiserver keeps core/v1 Events and serves them as events.k8s.io/v1 too,
 * renaming fields on the way (k8s.io/kubernetes/pkg/apis/events/v1 conversion). An Event posted by a
 * recorder in either group is listed by `kubectl get events` and by `kubectl get events.events.k8s.io`.
 */
import type { ResourceType } from "./resources.js";
import { type KubeObject, unset } from "./types.js";

/** events.k8s.io/v1 field ↔ core/v1 field. */
const renames: readonly (readonly [string, string])[] = [
  ["regarding", "involvedObject"],
  ["note", "message"],
  ["deprecatedSource", "source"],
  ["deprecatedFirstTimestamp", "firstTimestamp"],
  ["deprecatedLastTimestamp", "lastTimestamp"],
  ["deprecatedCount", "count"],
  ["reportingController", "reportingComponent"],
];

function rename(obj: KubeObject, pairs: readonly (readonly [string, string])[]): KubeObject {
  const out: KubeObject = { ...obj, metadata: obj.metadata };
  for (const [from, to] of pairs) {
    if (Object.hasOwn(out, from)) {
      const v = out[from]!;
      unset(out, from);
      out[to] = v;
    }
  }
  return out;
}

const isEventsGroup = (r: ResourceType): boolean => r.group === "events.k8s.io";

/** The stored (core/v1) form of an object sent to `r`. */
export function toStorage(r: ResourceType, obj: KubeObject): KubeObject {
  if (!isEventsGroup(r)) return obj;
  return rename(obj, renames);
}

/** The stored object as `r` serves it (kind and apiVersion are the registry's to set). */
export function fromStorage(r: ResourceType, obj: KubeObject): KubeObject {
  if (!isEventsGroup(r)) return obj;
  return rename(
    obj,
    renames.map(([a, b]) => [b, a] as const),
  );
}
