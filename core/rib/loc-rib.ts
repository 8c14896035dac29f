/**
 * Loc-RIB: per family, one Destination per prefix with every source's path and the decision process's
 * result (best path, reason, multipath set). Callers learn which destinations changed best path so the
 * Adj-RIBs-Out can be brought up to date.
 */

import { findAttribute } from "../wire/attr-set.js";
import { neighborAs } from "../wire/attributes/as-path.js";
import { AttrType, type FamilyKey } from "../wire/constants.js";
import type { SentSlot } from "./adj-rib-out.js";
import { type BestReason, NO_MULTIPATH, BestReason as R, type Selection, selectBest } from "./best-path.js";
import type { Path, PathSource } from "./path.js";
import { type PrefixKey, PrefixMap } from "./prefix-map.js";
import { PrefixPaths } from "./prefix-paths.js";

export class Destination extends PrefixPaths<Path> {
  /** The decision process's result for several paths; for one (or none) the shared `LONE`. Best path,
   *  reason and multipath set in one field (every field is 8 bytes in each of a million destinations). */
  private decided: Selection = LONE;
  /**
   * Set by the last change: whether every session must look again — the best path moved, or paths limited
   * to some neighbors are involved (each session's best is then its own). Otherwise only sessions sending
   * several paths (ADD-PATH) care.
   */
  bestChanged = false;
  /** What each session sent for this prefix, by its slot (`AdjRibOut.slot`); undefined until one did. */
  out: (SentSlot | undefined)[] | undefined = undefined;

  /** The best path: the lone one, or the decision process's pick. */
  get best(): Path | null {
    return this.count === 1 ? this.at(0) : this.decided.best;
  }

  get reason(): BestReason {
    return this.decided.reason;
  }

  /** Equal paths up to the multipath cut, best first; empty when the best is alone (`multipathCount`). */
  get multipath(): readonly Path[] {
    return this.decided.multipath;
  }

  /** Record the decision process's result (null: a lone path or none). */
  decide(s: Selection | null): void {
    this.decided = s ?? LONE;
  }
}

const LONE: Selection = Object.freeze({ best: null, reason: R.ONLY_PATH, multipath: NO_MULTIPATH });

/**
 * ADD-PATH send: the identifiers given to a destination's paths, shared by every session (RFC 7911). Apart
 * from the destination, which would otherwise carry a field for it that nearly all of them leave empty.
 */
const sendIdsOf = new WeakMap<Destination, Map<string, number>>();

/** Where the path of (source, pathId) is in `d`, or -1. */
function indexOf(d: Destination, source: PathSource, pathId: number): number {
  for (let i = 0; i < d.count; i++) {
    const p = d.at(i);
    if (p.source === source && p.pathId === pathId) return i;
  }
  return -1;
}

const sendKey = (source: PathSource, pathId: number) => `${source.id}#${pathId}`;

/**
 * The identifier a path goes out with under ADD-PATH: stable while the path exists; a removed path's
 * identifier is free for the next new path (the Adj-RIBs-Out compare by identifier, so reuse is an
 * implicit replacement — RFC 7911 §3 leaves identifier choice to the sender).
 */
export function sendPathId(d: Destination, p: Path): number {
  let ids = sendIdsOf.get(d);
  if (!ids) sendIdsOf.set(d, (ids = new Map()));
  const k = sendKey(p.source, p.pathId);
  let id = ids.get(k);
  if (id === undefined) {
    const used = new Set(ids.values());
    for (id = 1; used.has(id); id++);
    ids.set(k, id);
  }
  return id;
}

/**
 * Up to `limit` paths, best first, in the decision process's order; with `eligible`, among those paths only
 * (a session sees the best of the paths meant for it: originated routes limited to some neighbors).
 */
export function rankPaths(d: Destination, limit: number, eligible?: (p: Path) => boolean): Path[] {
  if (!d.best) return [];
  if (d.count === 1) return !eligible || eligible(d.best) ? [d.best] : [];
  const pool = eligible && !d.paths.every(eligible) ? d.paths.filter(eligible) : d.paths;
  if (pool.length === 0) return [];
  const first = pool === d.paths ? d.best : selectBest(pool, pathNeighborAs).best!;
  if (limit <= 1 || pool.length === 1) return [first];
  const left = pool.filter((p) => p !== first);
  const out = [first];
  while (left.length > 0 && out.length < limit) {
    const next = selectBest(left, pathNeighborAs).best!;
    out.push(next);
    left.splice(left.indexOf(next), 1);
  }
  return out;
}

/** The AS a path came from, for MED comparison: the first AS of its AS_PATH, or the source's AS. */
export function pathNeighborAs(p: Path): number {
  const at = findAttribute(p.attrs.bytes, AttrType.AS_PATH);
  return (at && neighborAs(p.attrs.bytes, at[0], at[1])) || p.source.peerAs;
}

/**
 * Hears of Loc-RIB changes, after the table has changed (so a reader sees the new state). Every change of
 * any path goes through `upsert` and `remove`, so these two calls see them all: a peer's accepted
 * (post-policy) Adj-RIB-In paths are exactly its Loc-RIB paths, and originated routes are paths too.
 */
export interface RibObserver {
  /** The path of one (source, path id) at `d` went from `before` to `after` (null: none). */
  pathChanged(d: Destination, before: Path | null, after: Path | null): void;
  /** `d`'s best path went from `before` to `d.best` (null: the destination is gone from the table). */
  bestChanged(d: Destination, before: Path | null): void;
}

/** Whether any of the paths is limited to some neighbors (a loop, not `some` with a new closure per call). */
function anyScoped(d: Destination): boolean {
  for (let i = 0; i < d.count; i++) if (d.at(i).source.onlyTo !== undefined) return true;
  return false;
}

export class LocRib {
  private readonly tables = new Map<FamilyKey, PrefixMap<Destination>>();
  /** Paths per family, kept as they come and go so a summary costs nothing. */
  private readonly pathCounts = new Map<FamilyKey, number>();
  /** Null unless someone monitors: then a change costs one null check and allocates nothing. */
  observer: RibObserver | null = null;

  table(family: FamilyKey): PrefixMap<Destination> {
    let t = this.tables.get(family);
    if (!t) this.tables.set(family, (t = new PrefixMap<Destination>()));
    return t;
  }

  get(family: FamilyKey, key: PrefixKey): Destination | undefined {
    return this.tables.get(family)?.find(key);
  }

  /**
   * Add or replace the path of (source, pathId); returns the destination (its set of paths changed, and
   * `bestChanged` says whether its best path did).
   */
  upsert(family: FamilyKey, key: PrefixKey, path: Path): Destination | null {
    return this.upsertAt(family, key, path, this.table(family).find(key));
  }

  /** `upsert` where the caller has just looked the prefix up (`get`): `found` is its destination, if any. */
  upsertAt(
    family: FamilyKey,
    key: PrefixKey,
    path: Path,
    found: Destination | undefined,
  ): Destination | null {
    const t = this.table(family);
    let d = found;
    let old: Path | null = null;
    // Before the change: `best` is read from the paths.
    const before = d ? d.best : null;
    if (!d) {
      d = new Destination(family, key, path);
      t.set(d);
      this.pathCounts.set(family, (this.pathCounts.get(family) ?? 0) + 1);
    } else {
      const i = indexOf(d, path.source, path.pathId);
      old = i >= 0 ? d.at(i) : null;
      if (i >= 0) d.replaceAt(i, path);
      else {
        d.add(path);
        this.pathCounts.set(family, (this.pathCounts.get(family) ?? 0) + 1);
      }
    }
    this.decide(d, before, path.source.onlyTo !== undefined);
    if (this.observer) this.report(this.observer, d, old, path, before);
    return d;
  }

  /** Remove the path of (source, pathId); returns the destination when it had that path (see `upsert`). */
  remove(family: FamilyKey, key: PrefixKey, source: PathSource, pathId: number): Destination | null {
    const t = this.tables.get(family);
    const d = t?.find(key);
    if (!t || !d) return null;
    const i = indexOf(d, source, pathId);
    if (i < 0) return null;
    const before = d.best;
    const old = d.removeAt(i);
    this.pathCounts.set(family, this.pathCounts.get(family)! - 1);
    sendIdsOf.get(d)?.delete(sendKey(source, pathId));
    this.decide(d, before, source.onlyTo !== undefined);
    if (d.count === 0) t.delete(d);
    if (this.observer) this.report(this.observer, d, old, null, before);
    return d;
  }

  private report(
    o: RibObserver,
    d: Destination,
    old: Path | null,
    now: Path | null,
    best: Path | null,
  ): void {
    o.pathChanged(d, old, now);
    if (d.best !== best) o.bestChanged(d, best);
  }

  /**
   * Rerun the decision process after `d`'s paths changed (`before`: its best before the change); records
   * and returns whether every session must look again (see `bestChanged`): the best path changed (object
   * or attributes), or `scoped` paths are involved.
   */
  private decide(d: Destination, before: Path | null, scoped: boolean): boolean {
    // Nearly every destination has one path: decided without selectBest's result object.
    d.decide(d.count <= 1 ? null : selectBest(d.paths, pathNeighborAs));
    d.bestChanged = d.best !== before || scoped || anyScoped(d);
    return d.bestChanged;
  }

  /** Destinations of a family. */
  count(family: FamilyKey): number {
    return this.tables.get(family)?.size ?? 0;
  }

  /** Paths of a family, over all its destinations. */
  pathCount(family: FamilyKey): number {
    return this.pathCounts.get(family) ?? 0;
  }

  families(): FamilyKey[] {
    return [...this.tables.keys()];
  }
}
