/**
 * A stored prefix with its paths — the entry of every table: Adj-RIB-In (received paths), Loc-RIB
 * (destinations) and Adj-RIB-Out (paths as sent). Nearly every prefix has one path (several only with
 * ADD-PATH or several peers), so one path is held alone and several in an array: an array of one would cost
 * 56 bytes per prefix per table, a tenth of a full table's memory.
 */
import type { FamilyKey } from "../wire/constants.js";
import { type Keyed, StoredPrefix } from "./prefix-map.js";

export class PrefixPaths<P extends object> extends StoredPrefix {
  private held: P | P[];

  constructor(family: FamilyKey, key: Keyed, first: P) {
    super(family, key);
    this.held = first;
  }

  /** How many paths (at least one while the entry is in its table). */
  get count(): number {
    return Array.isArray(this.held) ? this.held.length : 1;
  }

  /** The path at `i` (0 ≤ i < count). */
  at(i: number): P {
    return Array.isArray(this.held) ? this.held[i] : this.held;
  }

  /** Every path, as an array: a new one for a lone path, so not for hot paths (use `count` and `at`). */
  get paths(): readonly P[] {
    return Array.isArray(this.held) ? this.held : [this.held];
  }

  /** Whether `p` is one of the paths. */
  has(p: P): boolean {
    return Array.isArray(this.held) ? this.held.includes(p) : this.held === p;
  }

  replaceAt(i: number, p: P): void {
    if (Array.isArray(this.held)) this.held[i] = p;
    else this.held = p;
  }

  add(p: P): void {
    if (Array.isArray(this.held)) this.held.push(p);
    else this.held = [this.held, p];
  }

  /** Remove and return the path at `i`; the last one leaves an empty entry (`count` 0) to drop. */
  removeAt(i: number): P {
    const h = this.held;
    if (!Array.isArray(h)) {
      this.held = [];
      return h;
    }
    const [old] = h.splice(i, 1);
    if (h.length === 1) this.held = h[0];
    return old;
  }

  /** Replace every path (`ps` not empty; kept as given, or its one path alone). */
  replaceAll(ps: P[]): void {
    this.held = ps.length === 1 ? ps[0] : ps;
  }
}
