/**
 * `rib.list` (docs/api.md): one table's rows. Each table is walked as items — cheap references to the
 * entries (or paths) the prefix query selects — which the filters keep or not, and only the page's items
 * are rendered, in the form asked for. Every form renders the same items, so `rows`, `lines` and `cells`
 * agree on which rows and in what order by construction, and skipping (`offset`) or counting (`total`)
 * builds nothing.
 */
import { type SentPath, slotAt, slotCount } from "../../../core/rib/adj-rib-out.js";
import type { Destination } from "../../../core/rib/loc-rib.js";
import type { Path } from "../../../core/rib/path.js";
import type { Keyed } from "../../../core/rib/prefix-map.js";
import type { PrefixPaths } from "../../../core/rib/prefix-paths.js";
import type { Peer } from "../../../core/speaker/peer.js";
import type { Speaker } from "../../../core/speaker/speaker.js";
import { Afi, formatPrefix } from "../../../core/wire/index.js";
import { Stream } from "../server.js";
import { destinationCells, inCells, outCells, SetCellCache } from "../table-cells.js";
import {
  type AttrsJsonCache,
  destinationFromView,
  destinationJson,
  inRow,
  outRow,
  select,
} from "../views.js";
import { page, type Tally } from "./page.js";
import type { RibListRequest } from "./request.js";
import type { RouteFilter } from "./route-filter.js";

/** A table's items (those the prefix query selects), which of them are rows, and how each form renders one. */
interface Table<T> {
  readonly items: Iterable<T>;
  /** The filters (null: every item is a row). Decided per attribute set, so cheap per item. */
  readonly keep: ((item: T) => boolean) | null;
  /** `rows` and `lines`: the view (or its JSON text). */
  readonly row: (item: T) => unknown;
  /** `cells`: the table lines. */
  readonly cells: (item: T) => unknown;
}

/**
 * One path of an entry, for tables listed per path. The walk yields the same cursor again and again (a
 * page renders each item before asking for the next), so walking a million paths allocates nothing; the
 * entry's prefix is formatted once for all its paths, and only when a row is rendered.
 */
class PathCursor<E extends Keyed, P> {
  entry!: E;
  path!: P;
  private formatted: E | null = null;
  private text = "";

  prefix(): string {
    if (this.formatted !== this.entry) {
      this.text = formatPrefix({ afi: this.entry.afi, length: this.entry.length, addr: this.entry.addr });
      this.formatted = this.entry;
    }
    return this.text;
  }
}

/** Whether any of the paths (of neighbor `only`, when given) passes the filter. */
function anyMatch(paths: readonly Path[], filter: RouteFilter | null, only?: string): boolean {
  for (const p of paths)
    if ((only === undefined || p.source.id === only) && (!filter || filter.set(p.attrs))) return true;
  return false;
}

/** Loc-RIB destinations, every path shown; a filter keeps those with any path that matches. */
function localTable(sp: Speaker, r: RibListRequest): Table<Destination> {
  const { filter } = r;
  const afi = (r.family >>> 8) as Afi;
  const json: AttrsJsonCache = new Map();
  const cells = new SetCellCache(afi === Afi.IPV6);
  return {
    items: select(sp.locRib.table(r.family), afi, r.query),
    keep: filter && ((d) => anyMatch(d.paths, filter)),
    row: (d) => destinationJson(d, json),
    cells: (d) => destinationCells(d, cells),
  };
}

/** Loc-RIB destinations with a path from `from`, showing only its paths (and matching on those only). */
function localFromTable(sp: Speaker, r: RibListRequest, from: Peer): Table<Destination> {
  const { filter } = r;
  const afi = (r.family >>> 8) as Afi;
  const cells = new SetCellCache(afi === Afi.IPV6);
  return {
    // Loc-RIB walked (O(table)): it holds the neighbor's accepted paths, there is no index of them apart.
    items: select(sp.locRib.table(r.family), afi, r.query),
    keep: (d) => anyMatch(d.paths, filter, from.id),
    row: (d) => destinationFromView(d, from.id),
    cells: (d) => destinationCells(d, cells, from.id),
  };
}

/**
 * A neighbor's Adj-RIB-In before import policy, one row per path: its accepted paths (in Loc-RIB) then its
 * rejected ones; `filtered`: only the rejected ones.
 */
function inTable(sp: Speaker, r: RibListRequest, from: Peer): Table<PathCursor<PrefixPaths<Path>, Path>> {
  const { filter } = r;
  const afi = (r.family >>> 8) as Afi;
  const filteredOnly = r.table === "filtered";
  function* items() {
    const c = new PathCursor<PrefixPaths<Path>, Path>();
    const tables = [from.ribIn.rejectedTable(r.family)];
    if (!filteredOnly) tables.unshift(sp.locRib.table(r.family));
    for (const t of tables)
      for (const e of select<PrefixPaths<Path>>(t, afi, r.query))
        for (let i = 0; i < e.count; i++) {
          const p = e.at(i);
          if (p.source !== from) continue;
          c.entry = e;
          c.path = p;
          yield c;
        }
  }
  const cells = new SetCellCache(afi === Afi.IPV6);
  return {
    items: items(),
    keep: filter && ((c) => filter.set(c.path.attrs)),
    row: (c) => inRow(c.prefix(), c.path),
    cells: (c) => inCells(c.prefix(), c.path, filteredOnly, cells),
  };
}

/**
 * What was sent to a neighbor, one row per path; the filters read the attributes as sent. What was sent is
 * kept on the Loc-RIB destinations, so a prefix gone from Loc-RIB whose withdrawal is still queued is not
 * listed.
 */
function outTable(sp: Speaker, r: RibListRequest, to: Peer): Table<PathCursor<Destination, SentPath>> {
  const { filter } = r;
  const afi = (r.family >>> 8) as Afi;
  const s = to.session;
  const asSize = s?.negotiated?.as4 === false ? 2 : 4;
  function* items() {
    if (!s?.ribOut) return;
    const out = s.ribOut;
    const c = new PathCursor<Destination, SentPath>();
    for (const d of select(sp.locRib.table(r.family), afi, r.query)) {
      const sent = out.sent(d);
      for (let i = 0; i < slotCount(sent); i++) {
        c.entry = d;
        c.path = slotAt(sent!, i);
        yield c;
      }
    }
  }
  return {
    items: items(),
    keep: filter && ((c) => filter.sent(c.path.exported, asSize)),
    row: (c) => outRow(c.prefix(), c.path, asSize),
    cells: (c) => outCells(outRow(c.prefix(), c.path, asSize), afi === Afi.IPV6),
  };
}

/** The page of a table's rows as a stream; its final result is `{ count }`, plus `total` when asked. */
function stream<T>(t: Table<T>, r: RibListRequest): Stream {
  const tally: Tally = { total: 0 };
  const rows = page(t.items, t.keep, r.paging, r.form === "cells" ? t.cells : t.row, tally);
  const done = (count: number) => (r.paging.total ? { count, total: tally.total } : { count });
  return new Stream(rows, done, null, r.form === "lines");
}

export function ribList(sp: Speaker, r: RibListRequest): Stream {
  // The request has a neighbor for every table but `local` (request.ts).
  const n = r.neighbor;
  switch (r.table) {
    case "local":
      return n ? stream(localFromTable(sp, r, n), r) : stream(localTable(sp, r), r);
    case "in":
    case "filtered":
      return stream(inTable(sp, r, n!), r);
    case "out":
      return stream(outTable(sp, r, n!), r);
  }
}
