/**
 * JSON Merge Patch (RFC 7386, `application/merge-patch+json`) and JSON Patch (RFC 6902,
 * `application/json-patch+json`). Strategic merge patch is in strategic-merge.ts.
 */
import { badRequest } from "./status.js";
import { clone, deepEqual, isObject, type Json, type JsonObject, unset } from "./types.js";

/** RFC 7386 §2: objects merge key by key, null removes a key, anything else (arrays included) replaces. */
export function mergePatch(target: Json | undefined, patch: Json): Json {
  if (!isObject(patch)) return clone(patch);
  const out: JsonObject = isObject(target) ? clone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) unset(out, key);
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

/** RFC 6901 pointer tokens, `~1` → `/` and `~0` → `~` in that order. */
function pointer(path: string): string[] {
  if (path === "") return [];
  if (!path.startsWith("/")) throw badRequest(`json patch: invalid path "${path}"`);
  return path
    .slice(1)
    .split("/")
    .map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"));
}

function arrayIndex(arr: Json[], token: string, forInsert: boolean, path: string): number {
  if (forInsert && token === "-") return arr.length;
  if (!/^(0|[1-9]\d*)$/.test(token))
    throw badRequest(`json patch: invalid array index "${token}" in "${path}"`);
  const i = Number(token);
  if (i > arr.length || (!forInsert && i === arr.length)) {
    throw badRequest(`json patch: index ${i} out of range in "${path}"`);
  }
  return i;
}

/** The container holding the last token of `path`, and that token. */
function parent(doc: Json, path: string): { container: Json; token: string } {
  const tokens = pointer(path);
  if (tokens.length === 0) throw badRequest(`json patch: cannot operate on the whole document`);
  let cur = doc;
  for (const t of tokens.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[arrayIndex(cur, t, false, path)]!;
    else if (isObject(cur) && Object.hasOwn(cur, t)) cur = cur[t]!;
    else throw badRequest(`json patch: path "${path}" does not exist`);
  }
  return { container: cur, token: tokens[tokens.length - 1]! };
}

function get(doc: Json, path: string): Json {
  let cur = doc;
  for (const t of pointer(path)) {
    if (Array.isArray(cur)) cur = cur[arrayIndex(cur, t, false, path)]!;
    else if (isObject(cur) && Object.hasOwn(cur, t)) cur = cur[t]!;
    else throw badRequest(`json patch: path "${path}" does not exist`);
  }
  return cur;
}

function add(doc: Json, path: string, value: Json): void {
  const { container, token } = parent(doc, path);
  if (Array.isArray(container)) container.splice(arrayIndex(container, token, true, path), 0, value);
  else if (isObject(container)) container[token] = value;
  else throw badRequest(`json patch: cannot add under a scalar at "${path}"`);
}

function remove(doc: Json, path: string): Json {
  const { container, token } = parent(doc, path);
  if (Array.isArray(container)) return container.splice(arrayIndex(container, token, false, path), 1)[0]!;
  if (isObject(container) && Object.hasOwn(container, token)) {
    const old = container[token]!;
    unset(container, token);
    return old;
  }
  throw badRequest(`json patch: path "${path}" does not exist`);
}

function operand(op: JsonObject, field: string): string {
  const v = op[field];
  if (typeof v !== "string") throw badRequest(`json patch: operation is missing "${field}"`);
  return v;
}

/** RFC 6902 §4: add, remove, replace, move, copy, test, applied in order to a copy; any failure fails all. */
export function jsonPatch(target: JsonObject, ops: Json): JsonObject {
  if (!Array.isArray(ops)) throw badRequest("json patch: the body must be an array of operations");
  const doc = clone(target);
  for (const op of ops) {
    if (!isObject(op)) throw badRequest("json patch: an operation must be an object");
    const path = operand(op, "path");
    switch (op.op) {
      case "add":
        add(doc, path, clone(op.value ?? null));
        break;
      case "remove":
        remove(doc, path);
        break;
      case "replace":
        remove(doc, path);
        add(doc, path, clone(op.value ?? null));
        break;
      case "move": {
        const value = remove(doc, operand(op, "from"));
        add(doc, path, value);
        break;
      }
      case "copy":
        add(doc, path, clone(get(doc, operand(op, "from"))));
        break;
      case "test":
        if (!deepEqual(get(doc, path), op.value ?? null)) {
          throw new TestFailed(path);
        }
        break;
      default:
        throw badRequest(`json patch: unknown operation ${JSON.stringify(op.op)}`);
    }
  }
  return doc;
}

/** A failed `test` operation: kube-apiserver answers 422 (it reports "testing value … failed"). */
export class TestFailed extends Error {
  constructor(readonly path: string) {
    super(`testing value ${path} failed`);
  }
}
