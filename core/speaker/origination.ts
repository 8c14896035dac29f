/**
 * Routes the speaker originates, grouped by who asked for them: the configuration file ("config"), the
 * control API ("api"), the Kubernetes sync ("k8s"). Each source is its own PathSource (one per set of
 * neighbors a route is limited to), so two sources may originate the same prefix without overwriting each
 * other, and replacing one source's routes (a config reload, a Kubernetes resync) touches only what changed.
 * A route is named by prefix, identifier and neighbors (core/config/route-key.ts).
 */
import { routeKey } from "../config/route-key.js";
import type { RouteConfig } from "../config/types.js";
import { LOCAL_SOURCE, newPath, type Path, type PathSource } from "../rib/path.js";
import type { Keyed } from "../rib/prefix-map.js";
import { Afi } from "../wire/constants.js";
import type { Prefix } from "../wire/prefix.js";
import type { SpeakerContext } from "./context.js";
import type { RouteId } from "./io.js";
import { localPath, routeFamily, sameAttributes } from "./local-routes.js";

const sources = new Map<string, PathSource>([["config", LOCAL_SOURCE]]);

/** The path source for routes of `name` ("config" is the plain `local`), limited to `neighbors` if given. */
export function localSource(name: string, neighbors: readonly string[] | null = null): PathSource {
  const key = neighbors ? `${name}@${neighbors.join(",")}` : name;
  let s = sources.get(key);
  if (!s) {
    const id = name === "config" ? `local@${neighbors!.join(",")}` : `local:${key}`;
    s = { ...LOCAL_SOURCE, id, ...(neighbors ? { onlyTo: new Set(neighbors) } : {}) };
    sources.set(key, s);
  }
  return s;
}

function keyOf(p: Prefix): Keyed {
  const v4 =
    p.afi === Afi.IPV4 ? ((p.addr[0] << 24) | (p.addr[1] << 16) | (p.addr[2] << 8) | p.addr[3]) >>> 0 : 0;
  return { afi: p.afi, length: p.length, v4, addr: p.addr };
}

const idOf = (r: RouteId) => routeKey(r.prefix, r.identifier, r.neighbors);

/** Two route definitions announce the same thing. */
const sameRoute = (a: RouteConfig, b: RouteConfig) =>
  JSON.stringify(a, (_k, v) => (v instanceof Uint8Array ? [...v] : v)) ===
  JSON.stringify(b, (_k, v) => (v instanceof Uint8Array ? [...v] : v));

export class Originator {
  private readonly bySource = new Map<string, Map<string, { route: RouteConfig; path: Path }>>();

  constructor(private readonly ctx: SpeakerContext) {}

  private table(source: string) {
    let t = this.bySource.get(source);
    if (!t) this.bySource.set(source, (t = new Map()));
    return t;
  }

  /** Announce (or change) routes of `source`. */
  add(source: string, routes: readonly RouteConfig[]): void {
    const t = this.table(source);
    // Routes of one batch mostly share their attributes: encode and intern a set once per run of them.
    let prev: { route: RouteConfig; path: Path } | null = null;
    for (const r of routes) {
      const k = idOf(r);
      const old = t.get(k);
      if (old && sameRoute(old.route, r)) continue;
      const base =
        prev && sameAttributes(prev.route, r) ? prev.path : localPath(this.ctx.interner, r, this.ctx.now);
      const path = newPath(
        localSource(source, r.neighbors),
        r.identifier,
        base.attrs,
        base.nextHop,
        this.ctx.now,
      );
      prev = { route: r, path };
      this.ctx.interner.retain(path.attrs);
      if (old) this.ctx.interner.release(old.path.attrs);
      t.set(k, { route: r, path });
      const d = this.ctx.locRib.upsert(routeFamily(r), keyOf(r.prefix), path);
      if (d) this.ctx.changed(d);
    }
  }

  /** Withdraw routes of `source`; returns how many were there. */
  remove(source: string, routes: readonly RouteId[]): number {
    const t = this.table(source);
    let n = 0;
    for (const r of routes) {
      const k = idOf(r);
      const old = t.get(k);
      if (!old) continue;
      t.delete(k);
      n++;
      this.ctx.interner.release(old.path.attrs);
      const p = old.path;
      const d = this.ctx.locRib.remove(routeFamily(old.route), keyOf(r.prefix), p.source, p.pathId);
      if (d) this.ctx.changed(d);
    }
    return n;
  }

  /** Make `routes` the whole set of `source`: what is missing is withdrawn, what changed is replaced. */
  replace(source: string, routes: readonly RouteConfig[]): void {
    const wanted = new Set(routes.map(idOf));
    const gone = [...this.table(source).values()].filter((e) => !wanted.has(idOf(e.route)));
    this.remove(
      source,
      gone.map((e) => e.route),
    );
    this.add(source, routes);
  }

  /** The routes of `source`, as they are when each is reached (a live view, not a copy). */
  *routes(source: string): IterableIterator<RouteConfig> {
    for (const e of this.table(source).values()) yield e.route;
  }

  /** How many routes `source` has. */
  count(source: string): number {
    return this.bySource.get(source)?.size ?? 0;
  }

  /** Every source that has had routes, with how many it has now: O(sources). */
  *counts(): IterableIterator<[source: string, routes: number]> {
    for (const [source, t] of this.bySource) yield [source, t.size];
  }
}
