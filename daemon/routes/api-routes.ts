/**
 * Routes injected through the control API (`rib.add`, `rib.delete`, `kbgp global rib add`, `kbgp api`):
 * checked with the configuration file's route rules, handed to the speaker as source "api", and kept in the
 * state directory (store.ts) so they survive a restart or a crash. A request is acknowledged only once its
 * routes are durable; at start-up they are back in the Loc-RIB before the first session comes up.
 */
import { setImmediate as nextTurn } from "node:timers/promises";
import type { RouteText } from "../../core/api/route-text.js";
import { routeKey } from "../../core/config/route-key.js";
import type { RouteConfig } from "../../core/config/types.js";
import type { Input } from "../../core/speaker/io.js";
import type { Originator } from "../../core/speaker/origination.js";
import { Afi, parsePrefix } from "../../core/wire/index.js";
import { formatPath } from "../config/errors.js";
import { type RawIssue, resolveRoute } from "../config/index.js";
import type { Logger } from "../log.js";
import { routeToText } from "./route-to-text.js";
import { RouteStore } from "./store.js";

/** Routes applied per turn of the event loop: a request of thousands goes to the speaker (and its fan-out
 *  to every session) in slices, so sessions and other clients are served between them. */
const SLICE = 500;

export const SOURCE = "api";
/** Compact the journal once it holds this much; it is replayed at every start until then. */
const COMPACT_BYTES = 64 * 1024 * 1024;
/** A request that is not a list of routes at all. */
export class RouteError extends Error {}

/** A route a request refused: its index in the request and every problem, `FIELD: problem; …`. */
export interface RefusedRoute {
  readonly index: number;
  readonly message: string;
}

const keyOf = (r: RouteConfig) => routeKey(r.prefix, r.identifier, r.neighbors);

const issueText = (out: readonly RawIssue[]) =>
  out.map((i) => (i.path.length ? `${formatPath(i.path)}: ${i.message}` : i.message)).join("; ");

/**
 * Injected routes mostly share their attributes (a script announcing 10,000 prefixes with one next hop and
 * community): everything but the prefix is checked once per distinct text and family, and the routes share
 * the resulting arrays (never mutated). Bounded: the cache starts over when it fills.
 */
const templates = new Map<string, { route?: RouteConfig; problem?: string }>();
const TEMPLATES_MAX = 4096;
const SAMPLE = { v4: "0.0.0.0/0", v6: "::/0" };

function resolveOne(r: unknown): RouteConfig | string {
  if (
    r !== null &&
    typeof r === "object" &&
    !Array.isArray(r) &&
    typeof (r as RouteText).prefix === "string"
  ) {
    const { prefix: text, ...rest } = r as RouteText;
    const prefix = parsePrefix(text);
    if (prefix) {
      const key = `${prefix.afi}${JSON.stringify(rest)}`;
      let t = templates.get(key);
      if (!t) {
        if (templates.size >= TEMPLATES_MAX) templates.clear();
        const out: RawIssue[] = [];
        const sample = { ...rest, prefix: prefix.afi === Afi.IPV6 ? SAMPLE.v6 : SAMPLE.v4 };
        const route = resolveRoute(sample, [], out);
        t = route ? { route } : { problem: issueText(out) };
        templates.set(key, t);
      }
      return t.route ? { ...t.route, prefix } : t.problem!;
    }
  }
  // Anything else (a bad prefix, not an object) the slow way, for the exact message.
  const out: RawIssue[] = [];
  return resolveRoute(r, [], out) ?? issueText(out);
}

/** `routes` as route configurations, and the ones refused. */
export function resolveRoutes(routes: unknown): { routes: RouteConfig[]; refused: RefusedRoute[] } {
  const list = routeList(routes);
  return resolveSlice(list, 0, list.length);
}

function routeList(routes: unknown): unknown[] {
  if (!Array.isArray(routes) || routes.length === 0)
    throw new RouteError("routes must be a non-empty list of routes (docs/api.md)");
  return routes;
}

/** Routes `from` to `to` of a request, resolved; refused ones by their index in the whole request. */
function resolveSlice(
  routes: readonly unknown[],
  from: number,
  to: number,
): { routes: RouteConfig[]; refused: RefusedRoute[] } {
  const resolved: RouteConfig[] = [];
  const refused: RefusedRoute[] = [];
  for (let index = from; index < to; index++) {
    const x = resolveOne(routes[index]);
    if (typeof x === "string") refused.push({ index, message: x });
    else resolved.push(x);
  }
  return { routes: resolved, refused };
}

export class ApiRoutes {
  private compacting = false;

  private constructor(
    private readonly store: RouteStore,
    private readonly originator: Originator,
    private readonly dispatch: (input: Input) => void,
    private readonly logger: Logger,
  ) {}

  /** Open the state, give the speaker every stored route, and answer for the API from then on. */
  static open(
    dir: string,
    originator: Originator,
    dispatch: (input: Input) => void,
    logger: Logger,
  ): ApiRoutes {
    const { store, entries, dropped } = RouteStore.open(dir);
    if (dropped)
      logger.log(
        "warn",
        `${dropped.path}:${dropped.line}: dropped an unfinished write (${dropped.bytes} bytes)`,
      );
    const api = new ApiRoutes(store, originator, dispatch, logger);
    const routes: RouteConfig[] = [];
    for (const [key, text] of entries) {
      // The same checks as a request (a million stored routes share few attribute texts).
      const r = resolveOne(text);
      if (typeof r !== "string") routes.push(r);
      else logger.log("warn", `stored route ${key} is no longer valid and is skipped: ${r}`);
    }
    if (routes.length) {
      dispatch({ kind: "routes", source: SOURCE, op: "add", routes });
      logger.log("info", `${routes.length} routes added through the API restored from ${dir}`);
    }
    api.maybeCompact();
    return api;
  }

  /** Announce (or replace) the valid routes, once they are durable; the others are listed, not applied. */
  async add(texts: unknown): Promise<{ added: number; refused: RefusedRoute[] }> {
    let added = 0;
    const refused = await this.inSlices(texts, (routes) => {
      added += routes.length;
      this.dispatch({ kind: "routes", source: SOURCE, op: "add", routes });
      return this.store.put(routes.map((r) => [keyOf(r), routeToText(r)]));
    });
    return { added, refused };
  }

  /** Withdraw routes (named by prefix, identifier and neighbors; other attributes are ignored). */
  async delete(texts: unknown): Promise<{ deleted: number; refused: RefusedRoute[] }> {
    const before = this.originator.count(SOURCE);
    const refused = await this.inSlices(texts, (routes) => {
      this.dispatch({ kind: "routes", source: SOURCE, op: "remove", routes });
      return this.store.delete(routes.map(keyOf));
    });
    return { deleted: before - this.originator.count(SOURCE), refused };
  }

  /**
   * Resolve and apply a request SLICE routes per turn of the event loop; resolves once every slice is
   * durable, with the refused routes. `apply` changes the speaker and the journal in one step (the store's
   * rule: a compaction sees both or neither). Requests on one control connection are handled one at a time,
   * so an add and a later delete of the same route still apply in that order.
   */
  private async inSlices(
    texts: unknown,
    apply: (routes: RouteConfig[]) => Promise<void>,
  ): Promise<RefusedRoute[]> {
    const list = routeList(texts);
    const refused: RefusedRoute[] = [];
    const durable: Promise<void>[] = [];
    for (let from = 0; from < list.length; from += SLICE) {
      if (from > 0) await nextTurn();
      const slice = resolveSlice(list, from, Math.min(list.length, from + SLICE));
      for (const r of slice.refused) refused.push(r);
      if (slice.routes.length === 0) continue;
      const written = apply(slice.routes);
      // Awaited below, with the other slices; until then a failed write must not count as unhandled.
      written.catch(() => {});
      durable.push(written);
    }
    await Promise.all(durable);
    if (durable.length > 0) this.maybeCompact();
    return refused;
  }

  /** Withdraw every route added through the API. */
  async clear(): Promise<number> {
    const n = this.originator.count(SOURCE);
    this.dispatch({ kind: "routes", source: SOURCE, op: "clear" });
    await this.store.clear();
    return n;
  }

  get count(): number {
    return this.originator.count(SOURCE);
  }

  close(): Promise<void> {
    return this.store.close();
  }

  /** Rewrite the state as a snapshot of what the speaker holds, in the background, when the journal is long. */
  private maybeCompact(): void {
    if (this.compacting || this.store.journalBytes < COMPACT_BYTES) return;
    this.compacting = true;
    const originator = this.originator;
    const entries = function* (): IterableIterator<[string, RouteText]> {
      for (const r of originator.routes(SOURCE)) yield [keyOf(r), routeToText(r)];
    };
    this.store
      .compact(entries())
      .catch((e) => this.logger.log("warn", `could not compact the stored routes: ${(e as Error).message}`))
      .finally(() => {
        this.compacting = false;
      });
  }
}
