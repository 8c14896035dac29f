/**
 * Adj-RIB-Out of one session: exactly what was sent on the wire (not recomputed on demand), and what is
 * waiting to be reconciled: the destinations whose best path changed since, and per family a walk over
 * Loc-RIB (a new session's initial table, a route refresh). Reconciling compares what export would send
 * now with what was sent, and only differences become UPDATEs.
 */
import type { Afi, FamilyKey } from "../wire/constants.js";
import type { Destination } from "./loc-rib.js";
import { type Keyed, PrefixMap } from "./prefix-map.js";
import { PrefixPaths } from "./prefix-paths.js";

/** The attributes as sent to this peer: wire bytes, shared by every prefix announced with them. */
export interface Exported {
  readonly bytes: Uint8Array;
}

/** One path as sent: its identifier (RFC 7911; 0 without ADD-PATH), attributes and next hop. */
export interface SentPath {
  readonly pathId: number;
  readonly exported: Exported;
  /** MP_REACH_NLRI next hop, or null for classic IPv4 (the NEXT_HOP is in `exported`). */
  readonly nextHop: Uint8Array | null;
  /** When it was sent, in whole seconds since the epoch (as `Path.since`). */
  readonly since: number;
}

/** A prefix as sent: one path, or several with ADD-PATH. */
export class SentRoute extends PrefixPaths<SentPath> {}

/**
 * A walk over a family's Loc-RIB, reconciling each destination in turn. It iterates the live table, not a
 * copy: a session's initial table then costs no entry per destination (a million-route table to eight
 * new peers made eight million-entry Sets). A destination that changes while the walk is under way is
 * marked dirty as usual, so the walk only has to reach those present when it started; reconciling one
 * twice sends nothing the second time.
 */
export interface Walk {
  readonly destinations: Iterator<Destination>;
  /** Announce again what was sent unchanged (route refresh, soft reset out); withdrawals still go out for
   *  what is no longer to be sent. */
  readonly resend: boolean;
}

export class AdjRibOut {
  private readonly tables = new Map<FamilyKey, PrefixMap<SentRoute>>();
  /** Destinations to reconcile, per family, in the order they changed. */
  readonly dirty = new Map<FamilyKey, Set<Destination>>();
  private readonly walks = new Map<FamilyKey, Walk>();

  table(family: FamilyKey): PrefixMap<SentRoute> {
    let t = this.tables.get(family);
    if (!t) this.tables.set(family, (t = new PrefixMap<SentRoute>()));
    return t;
  }

  markDirty(d: Destination): void {
    let s = this.dirty.get(d.family);
    if (!s) this.dirty.set(d.family, (s = new Set()));
    s.add(d);
  }

  /** Start walking the family's Loc-RIB (`destinations`: a live iteration of it), replacing any walk. */
  walk(family: FamilyKey, destinations: Iterator<Destination>, resend: boolean): void {
    this.walks.set(family, { destinations, resend });
  }

  walking(family: FamilyKey): Walk | undefined {
    return this.walks.get(family);
  }

  endWalk(family: FamilyKey): void {
    this.walks.delete(family);
  }

  /** Whether anything of the family is left to reconcile. */
  pending(family: FamilyKey): boolean {
    return (this.dirty.get(family)?.size ?? 0) > 0 || this.walks.has(family);
  }

  sent(family: FamilyKey, key: Keyed): SentRoute | undefined {
    return this.tables.get(family)?.find(key);
  }

  /** Whether anything was sent for `d`'s prefix; an empty table answers without a lookup. */
  holds(d: Destination): boolean {
    const t = this.tables.get(d.family);
    return t !== undefined && t.size > 0 && t.find(d) !== undefined;
  }

  count(family: FamilyKey): number {
    return this.tables.get(family)?.size ?? 0;
  }

  totalCount(): number {
    let n = 0;
    for (const t of this.tables.values()) n += t.size;
    return n;
  }

  routes(family: FamilyKey): IterableIterator<SentRoute> {
    return this.table(family).values((family >>> 8) as Afi);
  }

  clear(): void {
    this.tables.clear();
    this.dirty.clear();
    this.walks.clear();
  }
}
