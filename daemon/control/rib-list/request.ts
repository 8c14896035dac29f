/**
 * What a `rib.list` request asks for (docs/api.md): the table, family and prefix query, the filters, the
 * page and the form the rows travel in. Every parameter is checked here, with -32602 naming it, so the
 * listing only ever sees valid requests.
 */
import type { Peer } from "../../../core/speaker/peer.js";
import { Afi, parseIp, parsePrefix } from "../../../core/wire/index.js";
import { RpcCode, RpcError } from "../server.js";
import { FAMILIES, type Query } from "../views.js";
import type { Paging } from "./page.js";
import { parseCommunityText, RouteFilter } from "./route-filter.js";

const TABLES = ["local", "in", "filtered", "out"] as const;
const MATCHES = ["exact", "longer", "shorter", "best"] as const;
/** How the rows travel: view objects, JSON lines, or the CLI table's cells. */
const FORMS = ["rows", "lines", "cells"] as const;

export interface RibListRequest {
  readonly table: (typeof TABLES)[number];
  /** `local`: only this neighbor's paths; the other tables: whose. */
  readonly neighbor: Peer | null;
  readonly family: number;
  readonly query: Query;
  /** Null when neither `community` nor `asn` is asked. */
  readonly filter: RouteFilter | null;
  readonly paging: Paging;
  readonly form: (typeof FORMS)[number];
}

/** Every parameter `rib.list` takes (any other is refused). */
export const RIB_LIST_PARAMS = [
  "table",
  "neighbor",
  "family",
  "prefix",
  "match",
  "community",
  "asn",
  "offset",
  "limit",
  "total",
  "form",
] as const;

const bad = (message: string) => new RpcError(RpcCode.INVALID_PARAMS, message);

const oneOf = <T extends string>(name: string, value: unknown, choices: readonly T[], fallback: T): T => {
  if (value === undefined) return fallback;
  if (!choices.includes(value as T)) throw bad(`${name} must be one of ${choices.join(", ")}`);
  return value as T;
};

const isCount = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;

/** `prefix` (a prefix, or an address: its longest match unless `match` says otherwise) and `match`. */
function queryOf(params: Record<string, unknown>): Query {
  const text = params.prefix;
  if (text === undefined) return { match: "exact" };
  if (typeof text !== "string") throw bad("prefix must be a string");
  const address = !text.includes("/");
  const prefix = address ? (parseIp(text) ? parsePrefix(text) : null) : parsePrefix(text);
  if (!prefix) throw bad(`'${text}' is not a prefix or an address (host bits of a prefix must be clear)`);
  return { prefix, match: oneOf("match", params.match, MATCHES, address ? "best" : "exact") };
}

/** `family`, else the family of `prefix`, else IPv4 unicast. */
function familyOf(params: Record<string, unknown>, q: Query): number {
  const name = params.family;
  if (name === undefined) return FAMILIES[q.prefix?.afi === Afi.IPV6 ? "ipv6-unicast" : "ipv4-unicast"];
  const f = typeof name === "string" && Object.hasOwn(FAMILIES, name) ? FAMILIES[name] : undefined;
  if (f === undefined) throw bad(`family must be one of ${Object.keys(FAMILIES).join(", ")}`);
  if (q.prefix && f >>> 8 !== q.prefix.afi) throw bad(`prefix ${String(params.prefix)} is not in ${name}`);
  return f;
}

function pagingOf(params: Record<string, unknown>): Paging {
  const { offset = 0, limit, total = false } = params;
  if (!isCount(offset)) throw bad("offset must be a non-negative integer");
  if (limit !== undefined && (!isCount(limit) || limit < 1)) throw bad("limit must be a positive integer");
  if (typeof total !== "boolean") throw bad("total must be true or false");
  return { offset, limit: limit ?? Number.POSITIVE_INFINITY, total };
}

function filterOf(params: Record<string, unknown>): RouteFilter | null {
  const { community, asn } = params;
  const wanted = typeof community === "string" ? parseCommunityText(community) : null;
  if (community !== undefined && wanted === null)
    throw bad(
      "community must be a community as rib.list shows them: 65000:1, a name (no-export), large 65000:1:2 or extended target:65000:1",
    );
  if (asn !== undefined && !(isCount(asn) && asn <= 0xffffffff))
    throw bad("asn must be an AS number, 0 to 4294967295");
  if (wanted === null && asn === undefined) return null;
  return new RouteFilter(wanted, asn ?? null);
}

export function ribListRequest(
  params: Record<string, unknown>,
  peers: ReadonlyMap<string, Peer>,
): RibListRequest {
  const paging = pagingOf(params);
  const query = queryOf(params);
  const family = familyOf(params, query);
  const form = oneOf("form", params.form, FORMS, "rows");
  const table = oneOf("table", params.table, TABLES, "local");
  const filter = filterOf(params);
  const a = params.neighbor;
  let neighbor: Peer | null = null;
  if (a !== undefined) {
    neighbor = (typeof a === "string" && peers.get(a)) || null;
    if (!neighbor) throw bad(`no neighbor ${String(a)}`);
  } else if (table !== "local") throw bad(`table ${table} needs a neighbor`);
  return { table, neighbor, family, query, filter, paging, form };
}
