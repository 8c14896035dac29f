/**
 * The HTTP side: parses kube-apiserver's URL space and query parameters, routes to discovery, the registry
 * and watches, and writes JSON responses and Status errors. Every request is logged for tests to assert on.
 *
 * Resource URLs: /api/v1/… and /apis/<group>/<version>/…, then `<plural>[/<name>[/status]]` (cluster-scoped,
 * or a namespaced resource across all namespaces) or `namespaces/<ns>/<plural>[/<name>[/status]]`; the
 * legacy `watch/` segment after the version is accepted too.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import YAML from "yaml";
import {
  aggregatedDiscovery,
  aggregatedDiscoveryType,
  apiGroupDoc,
  apiGroupList,
  apiResourceList,
  apiVersions,
  openApiV3,
  openApiV3Index,
  type ServerVersion,
  versionInfo,
} from "./discovery.js";
import { decodeProtobuf, protobufType } from "./protobuf.js";
import { type PatchType, patchTypes, type Registry, type Subresource } from "./registry.js";
import { findResource, groupVersion, type ResourceType } from "./resources.js";
import { ApiError, badRequest } from "./status.js";
import { toTable, wantsTable } from "./table.js";
import type { Json, JsonObject } from "./types.js";
import type { Watches } from "./watch.js";

export interface LoggedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly contentType: string | undefined;
  readonly accept: string | undefined;
  readonly userAgent: string | undefined;
}

export interface HandlerContext {
  readonly registry: Registry;
  readonly watches: Watches;
  readonly version: ServerVersion;
  readonly log: LoggedRequest[];
  /** host:port, for /api's serverAddressByClientCIDRs. */
  address(): string;
}

interface ResourcePath {
  readonly resource: ResourceType;
  readonly namespace: string | null;
  readonly name: string | null;
  readonly subresource: Subresource;
  readonly legacyWatch: boolean;
}

const maxBody = 16 * 1024 * 1024;

function send(res: ServerResponse, code: number, body: Json, contentType = "application/json"): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { "Content-Type": contentType, "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}

function sendError(res: ServerResponse, err: ApiError): void {
  send(res, err.code, err.toStatus());
}

const notServed = (): ApiError =>
  new ApiError(404, "NotFound", "the server could not find the requested resource", {});

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBody) throw new ApiError(413, "BadRequest", "the request body is too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** A create or update body: JSON, YAML, or protobuf for the kinds protobuf.ts knows. */
function parseBody(body: Buffer, contentType: string): Json {
  if (contentType.startsWith(protobufType)) return decodeProtobuf(body);
  try {
    const text = body.toString("utf8");
    return (contentType.startsWith("application/yaml") ? YAML.parse(text) : JSON.parse(text)) as Json;
  } catch (err) {
    throw badRequest(
      `the request body could not be decoded: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

/** Splits `/api/v1/...` or `/apis/<g>/<v>/...` into a resource path; undefined if it names nothing served. */
function parseResourcePath(segments: string[]): ResourcePath | undefined {
  let group: string;
  let version: string;
  let rest: string[];
  if (segments[0] === "api" && segments.length >= 3) {
    group = "";
    version = segments[1]!;
    rest = segments.slice(2);
  } else if (segments[0] === "apis" && segments.length >= 4) {
    group = segments[1]!;
    version = segments[2]!;
    rest = segments.slice(3);
  } else return undefined;
  const legacyWatch = rest[0] === "watch";
  if (legacyWatch) rest = rest.slice(1);
  const named = (plural: string) => findResource(group, version, plural);
  if (rest[0] === "namespaces" && rest.length >= 3) {
    const inner = named(rest[2]!);
    if (inner?.namespaced) {
      if (rest.length > 5) return undefined;
      const sub = rest[4];
      if (sub !== undefined && (sub !== "status" || !inner.statusSubresource)) return undefined;
      return {
        resource: inner,
        namespace: rest[1]!,
        name: rest[3] ?? null,
        subresource: sub === "status" ? "status" : null,
        legacyWatch,
      };
    }
  }
  const r = named(rest[0]!);
  if (!r || rest.length > 3) return undefined;
  const sub = rest[2];
  if (sub !== undefined && (sub !== "status" || !r.statusSubresource)) return undefined;
  // A namespaced resource named without a namespace is only its list across namespaces.
  if (r.namespaced && rest.length > 1) return undefined;
  return {
    resource: r,
    namespace: null,
    name: rest[1] ?? null,
    subresource: sub === "status" ? "status" : null,
    legacyWatch,
  };
}

function dryRunOf(q: URLSearchParams): boolean {
  const values = q.getAll("dryRun");
  for (const v of values)
    if (v !== "All") throw badRequest(`dryRun: Unsupported value: "${v}": supported values: "All"`);
  return values.length > 0;
}

function intParam(q: URLSearchParams, name: string): number | null {
  const v = q.get(name);
  if (v === null || v === "") return null;
  if (!/^-?\d+$/.test(v)) throw badRequest(`${name}: invalid value "${v}"`);
  return Number(v);
}

function boolParam(q: URLSearchParams, name: string): boolean | null {
  const v = q.get(name);
  if (v === null || v === "") return null;
  return v === "true" || v === "1";
}

function discovery(ctx: HandlerContext, segments: string[], accept: string): JsonObject | undefined {
  const aggregated = accept.includes("as=APIGroupDiscoveryList") && accept.includes("v=v2");
  const path = segments.join("/");
  if (path === "api") return aggregated ? aggregatedDiscovery(true) : apiVersions(ctx.address());
  if (path === "apis") return aggregated ? aggregatedDiscovery(false) : apiGroupList();
  if (path === "version") return versionInfo(ctx.version);
  if (segments[0] === "api" && segments.length === 2) return apiResourceList("", segments[1]!);
  if (segments[0] === "apis" && segments.length === 2) return apiGroupDoc(segments[1]!);
  if (segments[0] === "apis" && segments.length === 3) return apiResourceList(segments[1]!, segments[2]!);
  if (path === "openapi/v3") return openApiV3Index();
  if (segments[0] === "openapi" && segments[1] === "v3") {
    const gv = segments.slice(2);
    if (gv[0] === "api" && gv.length === 2) return openApiV3("", gv[1]!);
    if (gv[0] === "apis" && gv.length === 3) return openApiV3(gv[1]!, gv[2]!);
  }
  return undefined;
}

export async function handle(ctx: HandlerContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "http://localhost");
  const method = req.method ?? "GET";
  const accept = req.headers.accept ?? "";
  const contentType = (req.headers["content-type"] ?? "").toLowerCase();
  ctx.log.push({
    method,
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    contentType: req.headers["content-type"],
    accept: req.headers.accept,
    userAgent: req.headers["user-agent"],
  });
  try {
    const segments = url.pathname
      .split("/")
      .filter((s) => s !== "")
      .map(decodeURIComponent);
    if (["healthz", "livez", "readyz"].includes(segments[0] ?? "") && method === "GET") {
      res.writeHead(200, { "Content-Type": "text/plain" });
      res.end("ok");
      return;
    }
    const rp = parseResourcePath(segments);
    if (!rp) {
      const doc = method === "GET" ? discovery(ctx, segments, accept) : undefined;
      if (!doc) throw notServed();
      const type = doc.kind === "APIGroupDiscoveryList" ? aggregatedDiscoveryType : "application/json";
      send(res, 200, doc, type);
      return;
    }
    await handleResource(ctx, req, res, rp, url.searchParams, method, contentType, accept);
  } catch (err) {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (err instanceof ApiError) sendError(res, err);
    else sendError(res, new ApiError(500, "InternalError", err instanceof Error ? err.message : String(err)));
  }
}

async function handleResource(
  ctx: HandlerContext,
  req: IncomingMessage,
  res: ServerResponse,
  rp: ResourcePath,
  q: URLSearchParams,
  method: string,
  contentType: string,
  accept: string,
): Promise<void> {
  const { resource: r, namespace, name, subresource } = rp;
  const notAllowed = (): never => {
    throw new ApiError(
      405,
      "MethodNotAllowed",
      `the server does not allow this method on the requested resource`,
    );
  };
  // `?watch=true` on a collection, or the legacy /watch/ prefix on a collection or one named object.
  const isWatch = rp.legacyWatch || (name === null && boolParam(q, "watch") === true);
  if (method === "GET" && isWatch && subresource === null) {
    const rv = q.get("resourceVersion");
    if (rv !== null && rv !== "" && !/^\d+$/.test(rv)) throw badRequest(`invalid resource version: "${rv}"`);
    const selected = ctx.registry.selector(r, q.get("labelSelector"), q.get("fieldSelector"));
    ctx.watches.serve(req, res, {
      resource: r,
      namespace,
      selector:
        name === null ? selected : { matches: (o) => o.metadata.name === name && selected.matches(o) },
      resourceVersion: rv,
      allowBookmarks: boolParam(q, "allowWatchBookmarks") === true,
      sendInitialEvents: boolParam(q, "sendInitialEvents"),
      timeoutSeconds: intParam(q, "timeoutSeconds"),
      table: wantsTable(accept),
    });
    return;
  }
  if (name === null) {
    if (method === "GET") {
      const list = ctx.registry.list(r, namespace, {
        labelSelector: q.get("labelSelector"),
        fieldSelector: q.get("fieldSelector"),
        limit: intParam(q, "limit"),
        continueToken: q.get("continue") || null,
        resourceVersion: q.get("resourceVersion") || null,
        resourceVersionMatch: q.get("resourceVersionMatch") || null,
      });
      const metadata: JsonObject = { resourceVersion: String(list.resourceVersion) };
      if (list.continueToken) metadata.continue = list.continueToken;
      if (list.remainingItemCount !== undefined) metadata.remainingItemCount = list.remainingItemCount;
      if (wantsTable(accept)) send(res, 200, toTable(r, list.items, metadata, new Date()));
      else
        send(res, 200, { kind: `${r.kind}List`, apiVersion: groupVersion(r), metadata, items: list.items });
      return;
    }
    if (method === "POST") {
      if (r.namespaced && namespace === null) throw notServed();
      const body = parseBody(await readBody(req), contentType);
      send(res, 201, ctx.registry.create(r, namespace, body, { dryRun: dryRunOf(q) }));
      return;
    }
    if (method === "DELETE") {
      const dryRun = dryRunOf(q);
      send(
        res,
        200,
        ctx.registry.deleteCollection(r, namespace, q.get("labelSelector"), q.get("fieldSelector"), {
          dryRun,
        }),
      );
      return;
    }
    return notAllowed();
  }
  switch (method) {
    case "GET": {
      const obj = ctx.registry.get(r, namespace, name);
      if (wantsTable(accept))
        send(
          res,
          200,
          toTable(r, [obj], { resourceVersion: String(obj.metadata.resourceVersion) }, new Date()),
        );
      else send(res, 200, obj);
      return;
    }
    case "PUT": {
      const body = parseBody(await readBody(req), contentType);
      send(res, 200, ctx.registry.update(r, namespace, name, body, subresource, { dryRun: dryRunOf(q) }));
      return;
    }
    case "PATCH": {
      const type = patchTypes.find((t) => contentType.startsWith(t));
      if (!type) {
        throw new ApiError(
          415,
          "UnsupportedMediaType",
          `the body of the request was in an unknown format - accepted media types include: ${patchTypes.join(", ")}`,
        );
      }
      const body = (await readBody(req)).toString("utf8");
      send(
        res,
        200,
        ctx.registry.patch(r, namespace, name, type as PatchType, body, subresource, { dryRun: dryRunOf(q) }),
      );
      return;
    }
    case "DELETE": {
      if (subresource !== null) return notAllowed();
      const body = await readBody(req);
      const options = body.toString("utf8").trim() === "" ? null : parseBody(body, contentType);
      send(res, 200, ctx.registry.delete(r, namespace, name, options, { dryRun: dryRunOf(q) }));
      return;
    }
    default:
      return notAllowed();
  }
}
