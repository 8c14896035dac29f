/**
 * Routes injected through the control API (`rib.add`, `rib.delete`, `kbgp global rib add`, `kbgp api`):
 * checked with the configuration file's route rules, handed to the speaker as source "api", and kept in the
 * state directory (store.ts) so they survive a restart or a crash. A request is acknowledged only once its
 * routes are durable; at start-up they are back in the Loc-RIB before the first session comes up.
 */
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
  if (!Array.isArray(routes) || routes.length === 0)
    throw new RouteError("routes must be a non-empty list of routes (docs/api.md)");
  const resolved: RouteConfig[] = [];
  const refused: RefusedRoute[] = [];
  routes.forEach((r, index) => {
    const x = resolveOne(r);
    if (typeof x === "string") refused.push({ index, message: x });
    else resolved.push(x);
  });
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
    const { routes, refused } = resolveRoutes(texts);
    if (routes.length) {
      // The speaker and the journal change in one step (the store's rule): a compaction sees both or neither.
      this.dispatch({ kind: "routes", source: SOURCE, op: "add", routes });
      await this.store.put(routes.map((r) => [keyOf(r), routeToText(r)]));
      this.maybeCompact();
    }
    return { added: routes.length, refused };
  }

  /** Withdraw routes (named by prefix, identifier and neighbors; other attributes are ignored). */
  async delete(texts: unknown): Promise<{ deleted: number; refused: RefusedRoute[] }> {
    const { routes, refused } = resolveRoutes(texts);
    const before = this.originator.count(SOURCE);
    if (routes.length) {
      this.dispatch({ kind: "routes", source: SOURCE, op: "remove", routes });
      await this.store.delete(routes.map(keyOf));
      this.maybeCompact();
    }
    return { deleted: before - this.originator.count(SOURCE), refused };
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
