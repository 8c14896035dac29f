/**
 * Adj-RIB-In of one peer: every path the peer announced, as received (pre-policy). A path import policy
 * accepted is also in Loc-RIB, the same object; a rejected one keeps the reason (`Path.filtered`), so the
 * CLI can show what was filtered and why. Counts are kept, never recomputed.
 */
import type { Afi, FamilyKey } from "../wire/constants.js";
import type { Path } from "./path.js";
import { type PrefixKey, PrefixMap } from "./prefix-map.js";
import { PrefixPaths } from "./prefix-paths.js";

/** A prefix's paths from one peer: one, or several with ADD-PATH (RFC 7911), accepted or filtered. */
export class InEntry extends PrefixPaths<Path> {}

/** Where the path with `pathId` is in `e`, or -1. */
function indexOf(e: InEntry, pathId: number): number {
  for (let i = 0; i < e.count; i++) if (e.at(i).pathId === pathId) return i;
  return -1;
}

/** Paths held in every Adj-RIB-In together, kept by each as it changes: the speaker's route guard. */
export interface RibInTally {
  paths: number;
}

export class AdjRibIn {
  private readonly tables = new Map<FamilyKey, PrefixMap<InEntry>>();
  /** Paths received / accepted per family. */
  readonly received = new Map<FamilyKey, number>();
  readonly accepted = new Map<FamilyKey, number>();

  constructor(private readonly tally: RibInTally = { paths: 0 }) {}

  table(family: FamilyKey): PrefixMap<InEntry> {
    let t = this.tables.get(family);
    if (!t) this.tables.set(family, (t = new PrefixMap<InEntry>()));
    return t;
  }

  private bump(family: FamilyKey, p: Path, by: 1 | -1): void {
    this.received.set(family, (this.received.get(family) ?? 0) + by);
    this.tally.paths += by;
    if (p.filtered === null) this.accepted.set(family, (this.accepted.get(family) ?? 0) + by);
  }

  /** Store `path` for the prefix, returning the one it replaces. */
  put(family: FamilyKey, key: PrefixKey, path: Path): Path | null {
    const t = this.table(family);
    const e = t.find(key);
    if (!e) {
      t.set(new InEntry(family, key, path), key.v6);
      this.bump(family, path, 1);
      return null;
    }
    const i = indexOf(e, path.pathId);
    const old = i >= 0 ? e.at(i) : null;
    if (old) {
      this.bump(family, old, -1);
      e.replaceAt(i, path);
    } else e.add(path);
    this.bump(family, path, 1);
    return old;
  }

  /** Remove and return the path (prefix, pathId), if present. */
  take(family: FamilyKey, key: PrefixKey, pathId: number): Path | null {
    const t = this.tables.get(family);
    const e = t?.find(key);
    if (!t || !e) return null;
    const i = indexOf(e, pathId);
    if (i < 0) return null;
    const old = e.removeAt(i);
    if (e.count === 0) t.delete(e);
    this.bump(family, old, -1);
    return old;
  }

  entries(family: FamilyKey): IterableIterator<InEntry> {
    return this.table(family).values((family >>> 8) as Afi);
  }

  families(): FamilyKey[] {
    return [...this.tables.keys()];
  }

  acceptedCount(): number {
    let n = 0;
    for (const v of this.accepted.values()) n += v;
    return n;
  }

  clear(): void {
    for (const n of this.received.values()) this.tally.paths -= n;
    this.tables.clear();
    this.received.clear();
    this.accepted.clear();
  }
}
