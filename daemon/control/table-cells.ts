/**
 * `rib.list` with `form: "cells"` (docs/api.md): each row is the lines gobgp's table prints for it, as arrays
 * of display cells, so a client pads and prints them without building a view object per route. Rows are
 * JSON text; the cells of one attribute set (next hop, AS_PATH, Attrs) are written once per listing.
 */
import type { Destination } from "../../core/rib/loc-rib.js";
import type { Path } from "../../core/rib/path.js";
import type { Peer } from "../../core/speaker/peer.js";
import type { Speaker } from "../../core/speaker/speaker.js";
import { Afi, type AttrSet, formatIp, formatPrefix } from "../../core/wire/index.js";
import { attrsText, nextHopText } from "./attrs-text.js";
import { RawJson } from "./server.js";
import { attributesView, outRows, type Query, select } from "./views.js";

/** One attribute set's cells as JSON text: next hop (when the set carries it), AS_PATH, Attrs. */
interface SetCells {
  readonly nextHop: string;
  readonly asPath: string;
  readonly attrs: string;
}

const CACHE_MAX = 4096;
const text = (s: string) => JSON.stringify(s);

/** Cells of the attribute sets met in one listing, bounded so a table with a set per route keeps little. */
class SetCellCache {
  private readonly sets = new Map<AttrSet, SetCells>();

  constructor(private readonly ipv6: boolean) {}

  /** Next hop, AS_PATH, Attrs of a path as `"…","…"` cell text, and its Attrs cell apart. */
  cells(attrs: AttrSet, mpNextHop: Uint8Array | null): { head: string; attrs: string } {
    let c = this.sets.get(attrs);
    if (c === undefined) {
      if (this.sets.size >= CACHE_MAX) this.sets.clear();
      const v = attributesView(attrs.decoded(), null);
      c = { nextHop: text(nextHopText(v, this.ipv6)), asPath: text(v.asPath), attrs: text(attrsText(v)) };
      this.sets.set(attrs, c);
    }
    const nh = mpNextHop ? text(formatIp(mpNextHop, 0, mpNextHop.length === 4 ? 4 : 16)) : c.nextHop;
    return { head: `${nh},${c.asPath}`, attrs: c.attrs };
  }
}

const prefixCell = (k: { afi: Afi; length: number; addr: Uint8Array }) =>
  // Prefix text has no characters JSON escapes.
  `"${formatPrefix({ afi: k.afi, length: k.length, addr: k.addr })}"`;

/** A Loc-RIB destination's lines `[marker, prefix, next hop, AS_PATH, since, Attrs]`, best path first. */
function destinationCells(d: Destination, cache: SetCellCache, only?: string): string {
  const prefix = prefixCell(d);
  let row = "";
  const line = (p: Path) => {
    if (only !== undefined && p.source.id !== only) return;
    const mark = p.stale ? (p === d.best ? '"S*>"' : '"S* "') : p === d.best ? '"*>"' : '"* "';
    const c = cache.cells(p.attrs, p.nextHop);
    row += `${row ? "," : ""}[${mark},${prefix},${c.head},${p.since},${c.attrs}]`;
  };
  if (d.best) line(d.best);
  for (const p of d.paths) if (p !== d.best) line(p);
  return row;
}

/** Loc-RIB rows; with `from`, only destinations with a path from that neighbor, showing only those paths. */
export function* localCells(sp: Speaker, family: number, q: Query, from?: Peer): IterableIterator<RawJson> {
  const afi = (family >>> 8) as Afi;
  const cache = new SetCellCache(afi === Afi.IPV6);
  if (!from) {
    for (const d of select(sp.locRib.table(family), afi, q))
      yield new RawJson(`[${destinationCells(d, cache)}]`);
    return;
  }
  for (const e of select(from.ribIn.table(family), afi, q)) {
    const d = sp.locRib.get(family, e.afi, e.v4, e.addr, e.length);
    const row = d ? destinationCells(d, cache, from.id) : "";
    if (row) yield new RawJson(`[${row}]`);
  }
}

/**
 * Adj-RIB-In rows, one line per path: `[marker, pathId, prefix, next hop, AS_PATH, since, Attrs]`, or with
 * `filteredOnly` the rejected paths with the rule that rejected them in the last cell.
 */
export function* inCells(
  p: Peer,
  family: number,
  q: Query,
  filteredOnly: boolean,
): IterableIterator<RawJson> {
  const afi = (family >>> 8) as Afi;
  const cache = new SetCellCache(afi === Afi.IPV6);
  for (const e of select(p.ribIn.table(family), afi, q)) {
    const prefix = prefixCell(e);
    for (const r of e.paths) {
      if (filteredOnly && r.accepted) continue;
      const mark = r.accepted ? (r.accepted.stale ? '"S*>"' : '"*>"') : '"  "';
      const c = cache.cells(r.attrs, r.nextHop);
      const last = filteredOnly ? text(r.filtered ?? "") : c.attrs;
      yield new RawJson(`[[${mark},"${r.pathId}",${prefix},${c.head},${r.since},${last}]]`);
    }
  }
}

/** Adj-RIB-Out rows, one line per path: `["*>", pathId, prefix, next hop, AS_PATH, Attrs]`. */
export function* outCells(p: Peer, family: number, q: Query): IterableIterator<unknown> {
  const ipv6 = family >>> 8 === Afi.IPV6;
  for (const r of outRows(p, family, q))
    yield [["*>", String(r.pathId), r.prefix, nextHopText(r, ipv6), r.asPath, attrsText(r)]];
}
