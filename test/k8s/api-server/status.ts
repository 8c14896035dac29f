/**
 * metav1.Status, the body of every failed request (and of some deletes), with kube-apiserver's reasons and
 * message wording: clients branch on `code` and `reason` (client-node's ListWatch on 410, kubectl apply on
 * 404 to decide to create, controllers on 409 Conflict to re-read), and people read the message.
 */
import { qualifiedPlural, type ResourceType } from "./resources.js";
import type { JsonObject } from "./types.js";

export type StatusReason =
  | "BadRequest"
  | "NotFound"
  | "AlreadyExists"
  | "Conflict"
  | "Invalid"
  | "Expired"
  | "Gone"
  | "MethodNotAllowed"
  | "UnsupportedMediaType"
  | "NotAcceptable"
  | "InternalError"
  | "Timeout";

export interface StatusCause {
  readonly reason: string;
  readonly message: string;
  readonly field?: string;
}

/** A failure that becomes a Status response; thrown by the store and caught by the HTTP layer. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: StatusReason,
    message: string,
    readonly details?: JsonObject,
  ) {
    super(message);
  }

  toStatus(): JsonObject {
    const status: JsonObject = {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: this.message,
      reason: this.reason,
      code: this.code,
    };
    if (this.details) status.details = this.details;
    return status;
  }
}

function details(r: ResourceType, name: string): JsonObject {
  const d: JsonObject = { name, kind: r.plural };
  if (r.group !== "") d.group = r.group;
  return d;
}

export function notFound(r: ResourceType, name: string): ApiError {
  return new ApiError(404, "NotFound", `${qualifiedPlural(r)} "${name}" not found`, details(r, name));
}

export function namespaceNotFound(namespace: string): ApiError {
  return new ApiError(404, "NotFound", `namespaces "${namespace}" not found`, {
    name: namespace,
    kind: "namespaces",
  });
}

export function alreadyExists(r: ResourceType, name: string): ApiError {
  return new ApiError(
    409,
    "AlreadyExists",
    `${qualifiedPlural(r)} "${name}" already exists`,
    details(r, name),
  );
}

export function conflict(r: ResourceType, name: string): ApiError {
  return new ApiError(
    409,
    "Conflict",
    `Operation cannot be fulfilled on ${qualifiedPlural(r)} "${name}": the object has been modified; ` +
      "please apply your changes to the latest version and try again",
    details(r, name),
  );
}

/** 422 with one cause per offending field, worded like apimachinery's field.ErrorList. */
export function invalid(r: ResourceType, name: string, causes: StatusCause[]): ApiError {
  const list = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message));
  const summary = list.length === 1 ? list[0] : `[${list.join(", ")}]`;
  const groupKind = r.group === "" ? r.kind : `${r.kind}.${r.group}`;
  return new ApiError(422, "Invalid", `${groupKind} "${name}" is invalid: ${summary}`, {
    ...details(r, name),
    kind: r.kind,
    causes: causes.map((c) => ({ ...c })),
  });
}

export function badRequest(message: string): ApiError {
  return new ApiError(400, "BadRequest", message);
}

/** The watch cache's answer to a resourceVersion it no longer holds events for. */
export function tooOldResourceVersion(requested: number, oldest: number): ApiError {
  return new ApiError(410, "Expired", `too old resource version: ${requested} (${oldest})`);
}

export function success(r: ResourceType, name: string, uid: string): JsonObject {
  return {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Success",
    details: { ...details(r, name), uid },
  };
}
