/**
 * Loc-RIB: per family, one Destination per prefix with every source's path and the decision process's
 * result (best path, reason, multipath set). Callers learn which destinations changed best path so the
 * Adj-RIBs-Out can be brought up to date.
 */

import { findAttribute } from "../wire/attr-set.js";
import { neighborAs } from "../wire/attributes/as-path.js";
import { type Afi, AttrType, type FamilyKey } from "../wire/constants.js";
import { type BestReason, BestReason as R, selectBest } from "./best-path.js";
import type { Path, PathSource } from "./path.js";
import { type Keyed, PrefixMap } from "./prefix-map.js";

export interface Destination extends Keyed {
  readonly family: FamilyKey;
  paths: Path[];
  best: Path | null;
  reason: BestReason;
  multipath: readonly Path[];
}

/** The AS a path came from, for MED comparison: the first AS of its AS_PATH, or the source's AS. */
function pathNeighborAs(p: Path): number {
  const at = findAttribute(p.attrs.bytes, AttrType.AS_PATH);
  return (at && neighborAs(p.attrs.bytes, at[0], at[1])) || p.source.peerAs;
}

export class LocRib {
  private readonly tables = new Map<FamilyKey, PrefixMap<Destination>>();

  table(family: FamilyKey): PrefixMap<Destination> {
    let t = this.tables.get(family);
    if (!t) this.tables.set(family, (t = new PrefixMap<Destination>()));
    return t;
  }

  get(family: FamilyKey, afi: Afi, v4: number, addr: Uint8Array, length: number): Destination | undefined {
    return this.tables.get(family)?.get(afi, v4, addr, length);
  }

  /** Add or replace the path of (source, pathId); returns the destination when its best path changed. */
  upsert(family: FamilyKey, key: Keyed, path: Path): Destination | null {
    const t = this.table(family);
    let d = t.get(key.afi, key.v4, key.addr, key.length);
    if (!d) {
      d = {
        family,
        afi: key.afi,
        length: key.length,
        v4: key.v4,
        addr: key.addr.slice(),
        paths: [],
        best: null,
        reason: R.ONLY_PATH,
        multipath: [],
      };
      t.set(d);
    }
    const i = d.paths.findIndex((p) => p.source === path.source && p.pathId === path.pathId);
    if (i >= 0) d.paths[i] = path;
    else d.paths.push(path);
    return this.decide(d);
  }

  /** Remove the path of (source, pathId); returns the destination when its best path changed. */
  remove(family: FamilyKey, key: Keyed, source: PathSource, pathId: number): Destination | null {
    const t = this.tables.get(family);
    const d = t?.get(key.afi, key.v4, key.addr, key.length);
    if (!t || !d) return null;
    const i = d.paths.findIndex((p) => p.source === source && p.pathId === pathId);
    if (i < 0) return null;
    d.paths.splice(i, 1);
    const changed = this.decide(d);
    if (d.paths.length === 0) t.delete(d);
    return changed;
  }

  /** Rerun the decision process; returns `d` when the best path changed (object or attributes). */
  decide(d: Destination): Destination | null {
    const before = d.best;
    const s = selectBest(d.paths, pathNeighborAs);
    d.best = s.best;
    d.reason = s.reason;
    d.multipath = s.multipath;
    return s.best !== before ? d : null;
  }

  count(family: FamilyKey): number {
    return this.tables.get(family)?.size ?? 0;
  }

  families(): FamilyKey[] {
    return [...this.tables.keys()];
  }
}
