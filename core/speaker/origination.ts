/**
 * Routes the speaker originates, grouped by who asked for them: the configuration file ("config"), the
 * control API ("api"), the Kubernetes sync ("k8s"). Each source is its own PathSource, so two sources may
 * originate the same prefix without overwriting each other, and replacing one source's routes (a config
 * reload, a Kubernetes resync) touches only what changed.
 */
import type { RouteConfig } from "../config/types.js";
import { LOCAL_SOURCE, type Path, type PathSource } from "../rib/path.js";
import type { Keyed } from "../rib/prefix-map.js";
import { Afi } from "../wire/constants.js";
import { formatPrefix, type Prefix } from "../wire/prefix.js";
import type { SpeakerContext } from "./context.js";
import { localPath, routeFamily } from "./local-routes.js";

const sources = new Map<string, PathSource>([["config", LOCAL_SOURCE]]);

/** The path source for originated routes of `name` ("config" is the plain `local`). */
export function localSource(name: string): PathSource {
  let s = sources.get(name);
  if (!s) sources.set(name, (s = { ...LOCAL_SOURCE, id: `local:${name}` }));
  return s;
}

function keyOf(p: Prefix): Keyed {
  const v4 =
    p.afi === Afi.IPV4 ? ((p.addr[0] << 24) | (p.addr[1] << 16) | (p.addr[2] << 8) | p.addr[3]) >>> 0 : 0;
  return { afi: p.afi, length: p.length, v4, addr: p.addr };
}

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
    for (const r of routes) {
      const k = formatPrefix(r.prefix);
      const old = t.get(k);
      if (old && sameRoute(old.route, r)) continue;
      const path = { ...localPath(this.ctx.interner, r, this.ctx.now), source: localSource(source) };
      this.ctx.interner.retain(path.attrs);
      if (old) this.ctx.interner.release(old.path.attrs);
      t.set(k, { route: r, path });
      const d = this.ctx.locRib.upsert(routeFamily(r), keyOf(r.prefix), path);
      if (d) this.ctx.changed(d);
    }
  }

  /** Withdraw routes of `source` by prefix; returns how many were there. */
  remove(source: string, prefixes: readonly Prefix[]): number {
    const t = this.table(source);
    let n = 0;
    for (const p of prefixes) {
      const k = formatPrefix(p);
      const old = t.get(k);
      if (!old) continue;
      t.delete(k);
      n++;
      this.ctx.interner.release(old.path.attrs);
      const d = this.ctx.locRib.remove(routeFamily(old.route), keyOf(p), old.path.source, 0);
      if (d) this.ctx.changed(d);
    }
    return n;
  }

  /** Make `routes` the whole set of `source`: what is missing is withdrawn, what changed is replaced. */
  replace(source: string, routes: readonly RouteConfig[]): void {
    const wanted = new Set(routes.map((r) => formatPrefix(r.prefix)));
    const gone = [...this.table(source).values()].filter((e) => !wanted.has(formatPrefix(e.route.prefix)));
    this.remove(
      source,
      gone.map((e) => e.route.prefix),
    );
    this.add(source, routes);
  }

  routes(source: string): RouteConfig[] {
    return [...this.table(source).values()].map((e) => e.route);
  }
}
