/** The JSON shapes the test API server stores and serves: objects are plain parsed JSON, read through the
 *  few metadata fields the server itself manages. */

export type Json = null | boolean | number | string | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

/** An object as stored: any JSON object whose `metadata` the server owns (name, namespace, uid,
 *  resourceVersion, generation, creationTimestamp). */
export interface KubeObject extends JsonObject {
  metadata: JsonObject;
}

export function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A deep copy: stored objects are never shared with a caller, who could mutate them behind the history. */
export function clone<T extends Json>(value: T): T {
  return structuredClone(value);
}

export function metaString(obj: KubeObject, field: string): string | undefined {
  const v = obj.metadata[field];
  return typeof v === "string" ? v : undefined;
}

export function stringMap(value: Json | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isObject(value)) return out;
  for (const [k, v] of Object.entries(value)) if (typeof v === "string") out[k] = v;
  return out;
}

/** Structural equality of JSON values; key order does not matter. */
export function deepEqual(a: Json | undefined, b: Json | undefined): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => deepEqual(v, b[i]))
    );
  }
  if (!isObject(a) || !isObject(b)) return false;
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
}

/** Removes keys from a JSON object. An absent field and an undefined one differ here (the store compares
 *  objects structurally and hands them to JSON.stringify), so keys go rather than being set to undefined. */
export function unset(obj: JsonObject, ...keys: string[]): void {
  for (const k of keys) Reflect.deleteProperty(obj, k);
}
