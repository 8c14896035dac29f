/**
 * Adj-RIB-In of one peer: every path the peer announced, as received (pre-policy). Import policy accepts or
 * rejects a path, it never changes one, so an accepted path is kept once, in Loc-RIB, where the decision
 * process needs it; only the rejected ones (`Path.filtered`, the reason, so the CLI can show what was
 * filtered and why) are kept here, in a table of their own. A received prefix thus costs one table lookup
 * and one entry, not two: a full table is a million prefixes. Walking one peer's paths walks Loc-RIB (as BIRD
 * does): O(table), for the rare operations (session down, graceful restart, policy change, listing). Counts
 * are kept, never recomputed.
 */
import type { Afi, FamilyKey } from "../wire/constants.js";
import type { Destination, LocRib } from "./loc-rib.js";
import type { Path, PathSource } from "./path.js";
import { type Keyed, type PrefixKey, PrefixMap } from "./prefix-map.js";
import { PrefixPaths } from "./prefix-paths.js";

/** A prefix's rejected paths from one peer: one, or several with ADD-PATH (RFC 7911). */
export class InEntry extends PrefixPaths<Path> {}

/** Paths held in every Adj-RIB-In together, kept by each as it changes: the speaker's route guard. */
export interface RibInTally {
  paths: number;
}

/** Where the path of (source, pathId) is among `e`'s paths, or -1. */
export function pathIndex(e: PrefixPaths<Path>, source: PathSource | null, pathId: number): number {
  for (let i = 0; i < e.count; i++) {
    const p = e.at(i);
    if ((source === null || p.source === source) && p.pathId === pathId) return i;
  }
  return -1;
}

/** One received path and its prefix. */
export interface ReceivedRoute {
  readonly prefix: Keyed;
  readonly path: Path;
}

export class AdjRibIn {
  private readonly rejected = new Map<FamilyKey, PrefixMap<InEntry>>();
  /** Paths received / accepted per family. */
  readonly received = new Map<FamilyKey, number>();
  readonly accepted = new Map<FamilyKey, number>();

  constructor(
    private readonly source: PathSource,
    private readonly locRib: LocRib,
    private readonly tally: RibInTally = { paths: 0 },
  ) {}

  /** The rejected paths of a family. */
  rejectedTable(family: FamilyKey): PrefixMap<InEntry> {
    let t = this.rejected.get(family);
    if (!t) this.rejected.set(family, (t = new PrefixMap<InEntry>()));
    return t;
  }

  /** Count a path received (`by` 1) or gone (-1). */
  count(family: FamilyKey, p: Path, by: 1 | -1): void {
    this.countBy(family, by, p.filtered === null ? by : 0);
  }

  /** Count paths received and accepted, more or fewer: a whole UPDATE's at once. */
  countBy(family: FamilyKey, received: number, accepted: number): void {
    if (received !== 0) this.received.set(family, (this.received.get(family) ?? 0) + received);
    this.tally.paths += received;
    if (accepted !== 0) this.accepted.set(family, (this.accepted.get(family) ?? 0) + accepted);
  }

  /** This peer's accepted path (prefix, pathId) at Loc-RIB's destination `d` (looked up by the caller). */
  acceptedAt(d: Destination | undefined, pathId: number): Path | null {
    if (!d) return null;
    const i = pathIndex(d, this.source, pathId);
    return i < 0 ? null : d.at(i);
  }

  /** Store a rejected path (replacing any rejected one of its prefix and path ID). */
  putRejected(family: FamilyKey, key: PrefixKey, path: Path): void {
    const t = this.rejectedTable(family);
    const e = t.find(key);
    if (!e) return t.set(new InEntry(family, key, path), key.v6);
    const i = pathIndex(e, null, path.pathId);
    if (i >= 0) e.replaceAt(i, path);
    else e.add(path);
  }

  /** Remove and return the rejected path (prefix, pathId), if there is one. */
  takeRejected(family: FamilyKey, key: PrefixKey, pathId: number): Path | null {
    const t = this.rejected.get(family);
    if (!t || t.size === 0) return null;
    const e = t.find(key);
    const i = e ? pathIndex(e, null, pathId) : -1;
    if (!e || i < 0) return null;
    const old = e.removeAt(i);
    if (e.count === 0) t.delete(e);
    return old;
  }

  /**
   * Every path of the family, accepted (walking Loc-RIB, skipped when there are none) then rejected.
   * Removing the route just yielded is safe (Maps iterate on past deleted entries; a destination's paths
   * are walked last first).
   */
  *routes(family: FamilyKey): IterableIterator<ReceivedRoute> {
    const afi = (family >>> 8) as Afi;
    if ((this.accepted.get(family) ?? 0) > 0)
      for (const d of this.locRib.table(family).values(afi))
        for (let i = d.count - 1; i >= 0; i--) {
          const p = d.at(i);
          if (p !== undefined && p.source === this.source) yield { prefix: d, path: p };
        }
    const t = this.rejected.get(family);
    if (t)
      for (const e of t.values(afi))
        for (let i = e.count - 1; i >= 0; i--) yield { prefix: e, path: e.at(i) };
  }

  /** Families with paths received. */
  families(): FamilyKey[] {
    return [...this.received].filter(([, n]) => n > 0).map(([f]) => f);
  }

  acceptedCount(): number {
    let n = 0;
    for (const v of this.accepted.values()) n += v;
    return n;
  }
}
