/**
 * Label and field selectors, as the `labelSelector` and `fieldSelector` query parameters carry them.
 *
 * Labels (apimachinery's labels.Parse): comma-joined requirements `k=v`, `k==v`, `k!=v`, `k in (a,b)`,
 * `k notin (a,b)`, `k` (exists), `!k` (does not exist), `k>n`, `k<n`. `!=` and `notin` also match objects
 * without the label. Fields (fields.ParseSelector): comma-joined `f=v`, `f==v`, `f!=v` with `\,` `\=` `\\`
 * escapes, over metadata.name, metadata.namespace and the fields the resource registers; others are a 400.
 */
import { badRequest } from "./status.js";
import { isObject, type Json, type KubeObject, stringMap } from "./types.js";

type LabelRequirement =
  | { readonly key: string; readonly op: "exists" | "!exists" }
  | { readonly key: string; readonly op: "in" | "notin"; readonly values: readonly string[] }
  | { readonly key: string; readonly op: "gt" | "lt"; readonly value: number };

export interface Selector {
  matches(obj: KubeObject): boolean;
}

export const everything: Selector = { matches: () => true };

const labelKey =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const labelValue = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

function checkKey(key: string, text: string): string {
  if (!labelKey.test(key) || key.split("/").pop()!.length > 63) {
    throw badRequest(`unable to parse requirement: invalid label key "${key}" in "${text}"`);
  }
  return key;
}

function checkValue(value: string, text: string): string {
  if (!labelValue.test(value) || value.length > 63) {
    throw badRequest(`unable to parse requirement: invalid label value "${value}" in "${text}"`);
  }
  return value;
}

/** Splits on commas that are not inside a `( … )` value set. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (c === "," && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim());
}

function parseRequirement(text: string): LabelRequirement {
  if (text === "") throw badRequest("found '', expected: !, identifier, or 'end of string'");
  if (text.startsWith("!")) return { key: checkKey(text.slice(1).trim(), text), op: "!exists" };
  const set = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(text);
  if (set) {
    const values = set[3]!.split(",").map((v) => checkValue(v.trim(), text));
    return { key: checkKey(set[1]!, text), op: set[2] as "in" | "notin", values };
  }
  const cmp = /^([^=!<>\s]+)\s*(==|=|!=|<|>)\s*(.*)$/.exec(text);
  if (cmp) {
    const key = checkKey(cmp[1]!, text);
    const op = cmp[2]!;
    const raw = cmp[3]!.trim();
    if (op === "<" || op === ">") {
      const value = Number(raw);
      if (!/^-?\d+$/.test(raw)) throw badRequest(`unable to parse requirement: "${raw}" is not an integer`);
      return { key, op: op === ">" ? "gt" : "lt", value };
    }
    return { key, op: op === "!=" ? "notin" : "in", values: [checkValue(raw, text)] };
  }
  return { key: checkKey(text, text), op: "exists" };
}

function requirementMatches(req: LabelRequirement, labels: Record<string, string>): boolean {
  const has = Object.hasOwn(labels, req.key);
  const value = labels[req.key];
  switch (req.op) {
    case "exists":
      return has;
    case "!exists":
      return !has;
    case "in":
      return has && req.values.includes(value!);
    case "notin":
      return !has || !req.values.includes(value!);
    case "gt":
    case "lt": {
      if (!has || !/^-?\d+$/.test(value!)) return false;
      return req.op === "gt" ? Number(value) > req.value : Number(value) < req.value;
    }
  }
}

export function parseLabelSelector(text: string | null): Selector {
  if (text === null || text.trim() === "") return everything;
  const reqs = splitTopLevel(text).map(parseRequirement);
  return {
    matches: (obj) => {
      const labels = stringMap(obj.metadata.labels);
      return reqs.every((r) => requirementMatches(r, labels));
    },
  };
}

/** Field values as kube-apiserver's GetAttrs renders them: strings as they are, absent fields as "",
 *  booleans as "true"/"false" (absent ones false, being Go zero values). */
const booleanFields = new Set(["spec.unschedulable", "spec.hostNetwork"]);
/** Selector names that read another JSON path (core/v1 Event's `source` is its source.component). */
const fieldPaths: Record<string, string> = { source: "source.component" };

export function fieldValue(obj: KubeObject, field: string): string {
  let cur: Json | undefined = obj;
  for (const part of (fieldPaths[field] ?? field).split(".")) cur = isObject(cur) ? cur[part] : undefined;
  if (booleanFields.has(field)) return cur === true ? "true" : "false";
  if (typeof cur === "string") return cur;
  if (typeof cur === "number" || typeof cur === "boolean") return String(cur);
  return "";
}

/** Splits on an unescaped separator and removes the escapes (`\,` `\=` `\!` `\\`). */
function splitEscaped(text: string, sep: string): string[] {
  const parts: string[] = [];
  let cur = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "\\" && i + 1 < text.length) {
      cur += c + text[++i];
    } else if (c === sep) {
      parts.push(cur);
      cur = "";
    } else cur += c;
  }
  parts.push(cur);
  return parts;
}

const unescaped = (s: string): string => s.replace(/\\(.)/g, "$1");

export function parseFieldSelector(text: string | null, allowed: readonly string[]): Selector {
  if (text === null || text.trim() === "") return everything;
  const terms = splitEscaped(text, ",").map((term) => {
    const m = /^((?:[^=!\\]|\\.)+?)\s*(==|=|!=)\s*((?:[^\\]|\\.)*)$/.exec(term.trim());
    if (!m) throw badRequest(`invalid selector: '${text}'; can't understand '${term}'`);
    const field = unescaped(m[1]!);
    if (field !== "metadata.name" && field !== "metadata.namespace" && !allowed.includes(field)) {
      throw badRequest(`field label not supported: ${field}`);
    }
    return { field, negate: m[2] === "!=", value: unescaped(m[3]!) };
  });
  return {
    matches: (obj) => terms.every((t) => (fieldValue(obj, t.field) === t.value) !== t.negate),
  };
}

export function both(a: Selector, b: Selector): Selector {
  if (a === everything) return b;
  if (b === everything) return a;
  return { matches: (obj) => a.matches(obj) && b.matches(obj) };
}
