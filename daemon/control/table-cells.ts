/**
 * `rib.list` with `form: "cells"` (docs/api.md): each row is the lines gobgp's table prints for it, as arrays
 * of display cells, so a client pads and prints them without building a view object per route. Rows are
 * JSON text; the cells of one attribute set (next hop, AS_PATH, Attrs) are written once per listing.
 */
import type { Destination } from "../../core/rib/loc-rib.js";
import { type Path, sinceMs } from "../../core/rib/path.js";
import { type AttrSet, formatIp, formatPrefix } from "../../core/wire/index.js";
import { attrsText, nextHopText } from "./attrs-text.js";
import { RawJson } from "./server.js";
import { attributesView, type OutRow } from "./views.js";

/** One attribute set's cells as JSON text: next hop (when the set carries it), AS_PATH, Attrs. */
interface SetCells {
  readonly nextHop: string;
  readonly asPath: string;
  readonly attrs: string;
}

const CACHE_MAX = 4096;
const text = (s: string) => JSON.stringify(s);

/** Cells of the attribute sets met in one listing, bounded so a table with a set per route keeps little. */
export class SetCellCache {
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

/** A Loc-RIB destination's lines `[marker, prefix, next hop, AS_PATH, since, Attrs]`, best path first; with
 *  `only`, the lines of that neighbor's paths. */
export function destinationCells(d: Destination, cache: SetCellCache, only?: string): RawJson {
  // Prefix text has no characters JSON escapes.
  const prefix = `"${formatPrefix({ afi: d.afi, length: d.length, addr: d.addr })}"`;
  let row = "";
  const line = (p: Path) => {
    if (only !== undefined && p.source.id !== only) return;
    const mark = p.stale ? (p === d.best ? '"S*>"' : '"S* "') : p === d.best ? '"*>"' : '"* "';
    const c = cache.cells(p.attrs, p.nextHop);
    row += `${row ? "," : ""}[${mark},${prefix},${c.head},${sinceMs(p.since)},${c.attrs}]`;
  };
  if (d.best) line(d.best);
  for (const p of d.paths) if (p !== d.best) line(p);
  return new RawJson(`[${row}]`);
}

/**
 * An Adj-RIB-In path's line: `[marker, pathId, prefix, next hop, AS_PATH, since, Attrs]`, or for the
 * `filtered` table the rule that rejected it in the last cell instead of Attrs.
 */
export function inCells(prefix: string, r: Path, filtered: boolean, cache: SetCellCache): RawJson {
  const mark = r.filtered === null ? (r.stale ? '"S*>"' : '"*>"') : '"  "';
  const c = cache.cells(r.attrs, r.nextHop);
  const last = filtered ? text(r.filtered ?? "") : c.attrs;
  return new RawJson(`[[${mark},"${r.pathId}","${prefix}",${c.head},${sinceMs(r.since)},${last}]]`);
}

/** An Adj-RIB-Out path's line: `["*>", pathId, prefix, next hop, AS_PATH, Attrs]`. */
export function outCells(r: OutRow, ipv6: boolean): unknown {
  return [["*>", String(r.pathId), r.prefix, nextHopText(r, ipv6), r.asPath, attrsText(r)]];
}
