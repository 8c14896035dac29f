/**
 * Request bodies in Kubernetes' protobuf encoding, for the few kinds kubectl sends that way.
 *
 * kubectl's typed clients (`kubectl create configmap|secret|namespace|serviceaccount`) send
 * `application/vnd.kubernetes.protobuf` and cannot fall back to JSON (client-go falls back on 415 only for
 * CBOR), while apply, patch, replace and delete send JSON. Answers stay JSON, which those clients also
 * accept. The envelope is the 4-byte magic "k8s\0" and a runtime.Unknown message (typeMeta, raw); `raw` is
 * the object, decoded with the field numbers of k8s.io/api's generated.proto for ConfigMap, Secret,
 * Namespace and ServiceAccount (ObjectMeta included). Other kinds are refused with 415.
 */
import { ApiError } from "./status.js";
import type { Json, JsonObject } from "./types.js";

export const protobufType = "application/vnd.kubernetes.protobuf";

type FieldType = "string" | "bytes" | "bool" | "int" | "time" | "stringMap" | "bytesMap" | Schema;
interface Field {
  readonly name: string;
  readonly type: FieldType;
  readonly repeated?: boolean;
}
type Schema = Readonly<Record<number, Field>>;

const zeroTime = "0001-01-01T00:00:00Z";

const f = (name: string, type: FieldType, repeated = false): Field => ({ name, type, repeated });

const ownerReference: Schema = {
  1: f("kind", "string"),
  3: f("name", "string"),
  4: f("uid", "string"),
  5: f("apiVersion", "string"),
  6: f("controller", "bool"),
  7: f("blockOwnerDeletion", "bool"),
};

const objectMeta: Schema = {
  1: f("name", "string"),
  2: f("generateName", "string"),
  3: f("namespace", "string"),
  5: f("uid", "string"),
  6: f("resourceVersion", "string"),
  7: f("generation", "int"),
  8: f("creationTimestamp", "time"),
  11: f("labels", "stringMap"),
  12: f("annotations", "stringMap"),
  13: f("ownerReferences", ownerReference, true),
  14: f("finalizers", "string", true),
};

const objectReference: Schema = {
  1: f("kind", "string"),
  2: f("namespace", "string"),
  3: f("name", "string"),
  4: f("uid", "string"),
  5: f("apiVersion", "string"),
  6: f("resourceVersion", "string"),
  7: f("fieldPath", "string"),
};

const kinds: Readonly<Record<string, Schema>> = {
  ConfigMap: {
    1: f("metadata", objectMeta),
    2: f("data", "stringMap"),
    3: f("binaryData", "bytesMap"),
    4: f("immutable", "bool"),
  },
  Secret: {
    1: f("metadata", objectMeta),
    2: f("data", "bytesMap"),
    3: f("type", "string"),
    4: f("stringData", "stringMap"),
    5: f("immutable", "bool"),
  },
  Namespace: { 1: f("metadata", objectMeta), 2: f("spec", { 1: f("finalizers", "string", true) }) },
  ServiceAccount: {
    1: f("metadata", objectMeta),
    2: f("secrets", objectReference, true),
    3: f("imagePullSecrets", { 1: f("name", "string") }, true),
    4: f("automountServiceAccountToken", "bool"),
  },
};

interface Wire {
  readonly field: number;
  /** Varint value (wire type 0), or the bytes of a length-delimited field (wire type 2). */
  readonly value: bigint | Buffer;
}

function malformed(): ApiError {
  return new ApiError(400, "BadRequest", "the protobuf body could not be decoded");
}

/** Splits a message into its fields (wire types 0, 1, 2 and 5; 64- and 32-bit fields are skipped). */
function fields(buf: Buffer): Wire[] {
  const out: Wire[] = [];
  let at = 0;
  const varint = (): bigint => {
    let v = 0n;
    for (let shift = 0n; ; shift += 7n) {
      if (at >= buf.length || shift > 63n) throw malformed();
      const b = buf[at++]!;
      v |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return v;
    }
  };
  while (at < buf.length) {
    const key = varint();
    const field = Number(key >> 3n);
    switch (Number(key & 7n)) {
      case 0:
        out.push({ field, value: varint() });
        break;
      case 1:
        at += 8;
        break;
      case 2: {
        const len = Number(varint());
        if (at + len > buf.length) throw malformed();
        out.push({ field, value: buf.subarray(at, at + len) });
        at += len;
        break;
      }
      case 5:
        at += 4;
        break;
      default:
        throw malformed();
    }
  }
  return out;
}

const bytesOf = (w: Wire): Buffer => {
  if (!Buffer.isBuffer(w.value)) throw malformed();
  return w.value;
};
const intOf = (w: Wire): bigint => {
  if (typeof w.value !== "bigint") throw malformed();
  return w.value;
};

function mapEntry(w: Wire, valueType: "string" | "bytes"): [string, string] {
  let key = "";
  let value = "";
  for (const e of fields(bytesOf(w))) {
    if (e.field === 1) key = bytesOf(e).toString("utf8");
    // JSON carries []byte as base64.
    if (e.field === 2)
      value = valueType === "string" ? bytesOf(e).toString("utf8") : bytesOf(e).toString("base64");
  }
  return [key, value];
}

function value(w: Wire, type: FieldType): Json {
  switch (type) {
    case "string":
      return bytesOf(w).toString("utf8");
    case "bytes":
      return bytesOf(w).toString("base64");
    case "bool":
      return intOf(w) !== 0n;
    case "int":
      return Number(BigInt.asIntN(64, intOf(w)));
    case "time": {
      const t = decode(bytesOf(w), { 1: f("seconds", "int") });
      return t.seconds === undefined
        ? zeroTime
        : `${new Date(Number(t.seconds) * 1000).toISOString().slice(0, 19)}Z`;
    }
    case "stringMap":
    case "bytesMap":
      throw malformed();
    default:
      return decode(bytesOf(w), type);
  }
}

function decode(buf: Buffer, schema: Schema): JsonObject {
  const out: JsonObject = {};
  for (const w of fields(buf)) {
    const field = schema[w.field];
    if (!field) continue;
    if (field.type === "stringMap" || field.type === "bytesMap") {
      const map = (out[field.name] ??= {}) as JsonObject;
      const [k, v] = mapEntry(w, field.type === "stringMap" ? "string" : "bytes");
      map[k] = v;
    } else if (field.repeated) {
      ((out[field.name] ??= []) as Json[]).push(value(w, field.type));
    } else {
      // Go's protobuf marshalling writes every non-pointer field, where JSON's omitempty leaves the zero
      // values out ("", 0, a zero Time): drop them so the object reads as if it had come as JSON.
      const v = value(w, field.type);
      if (v !== "" && v !== 0 && v !== zeroTime) out[field.name] = v;
    }
  }
  return out;
}

/** The JSON object a protobuf request body carries. */
export function decodeProtobuf(body: Buffer): JsonObject {
  if (body.length < 4 || body.subarray(0, 4).toString("latin1") !== "k8s\0") throw malformed();
  // runtime.Unknown: typeMeta = 1 (apiVersion = 1, kind = 2), raw = 2.
  let typeMeta: JsonObject = {};
  let raw: Buffer = Buffer.alloc(0);
  for (const w of fields(body.subarray(4))) {
    if (w.field === 1)
      typeMeta = decode(bytesOf(w), { 1: f("apiVersion", "string"), 2: f("kind", "string") });
    if (w.field === 2) raw = bytesOf(w);
  }
  const kind = String(typeMeta.kind ?? "");
  const schema = typeMeta.apiVersion === "v1" ? kinds[kind] : undefined;
  if (!schema) {
    throw new ApiError(
      415,
      "UnsupportedMediaType",
      `this test API server decodes protobuf only for v1 ${Object.keys(kinds).join(", ")}, not ${String(typeMeta.apiVersion)} ${kind}; send JSON`,
    );
  }
  return { apiVersion: "v1", kind, ...decode(raw, schema) };
}
