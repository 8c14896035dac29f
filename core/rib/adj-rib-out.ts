/**
 * Adj-RIB-Out of one session: exactly what was sent on the wire (not recomputed on demand), and what is
 * waiting to be reconciled: the destinations whose best path changed since, and per family a walk over
 * Loc-RIB (a new session's initial table, a route refresh). Reconciling compares what export would send
 * now with what was sent, and only differences become UPDATEs.
 *
 * What was sent is held on the Loc-RIB destination itself, in the session's slot of its `out` array,
 * rather than in a prefix table per session: a table entry per prefix per peer cost about 100 bytes (eight
 * peers given a million routes held 800 MB), a slot costs 8. A destination that leaves Loc-RIB while
 * something is still sent for it stays reachable through the sessions' dirty sets until the withdrawal
 * is out.
 */
import type { FamilyKey } from "../wire/constants.js";
import type { Destination } from "./loc-rib.js";

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
  /** The session it was sent on. A slot is used again after its session ends, without clearing a
   *  million destinations: what an ended session left there is told apart by this. */
  readonly owner: AdjRibOut;
}

/** What a destination holds for one session: one path, or several with ADD-PATH. */
export type SentSlot = SentPath | readonly SentPath[];

/**
 * The slots of the sessions up: each takes the lowest free one, so the destinations' arrays stay as
 * short as the number of sessions at once.
 */
export class OutSlots {
  private readonly used: boolean[] = [];

  /** The length a new slot array gets: enough for every slot in use. */
  get width(): number {
    return this.used.length;
  }

  take(): number {
    let i = this.used.indexOf(false);
    if (i < 0) i = this.used.push(true) - 1;
    else this.used[i] = true;
    return i;
  }

  release(i: number): void {
    this.used[i] = false;
    while (this.used.length > 0 && !this.used[this.used.length - 1]) this.used.pop();
  }
}

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
  /** This session's index in every destination's `out`. */
  readonly slot: number;
  /** Destinations holding something sent, per family. */
  private readonly counts = new Map<FamilyKey, number>();
  /** Destinations to reconcile, per family, in the order they changed. */
  readonly dirty = new Map<FamilyKey, Set<Destination>>();
  private readonly walks = new Map<FamilyKey, Walk>();
  private ended = false;

  constructor(private readonly slots: OutSlots) {
    this.slot = slots.take();
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

  /** What was sent for `d` on this session, if anything. */
  sent(d: Destination): SentSlot | undefined {
    const out = d.out;
    if (out === undefined || this.slot >= out.length) return undefined;
    const s = out[this.slot];
    if (s === undefined) return undefined;
    return (Array.isArray(s) ? (s as readonly SentPath[])[0] : (s as SentPath)).owner === this
      ? s
      : undefined;
  }

  /** Whether anything was sent for `d`. */
  holds(d: Destination): boolean {
    return this.sent(d) !== undefined;
  }

  /** Record `paths` (not empty) as what is sent for `d` now. */
  put(d: Destination, paths: readonly SentPath[]): void {
    const had = this.sent(d) !== undefined;
    let out = d.out;
    // Sized for every session up, so a destination's array grows only when more sessions come up.
    if (out === undefined) d.out = out = new Array(this.slots.width);
    else if (out.length <= this.slot) out.length = this.slots.width;
    out[this.slot] = paths.length === 1 ? paths[0] : paths;
    if (!had) this.counts.set(d.family, (this.counts.get(d.family) ?? 0) + 1);
  }

  /** Nothing is sent for `d` any longer. */
  remove(d: Destination): void {
    if (this.sent(d) === undefined) return;
    d.out![this.slot] = undefined;
    this.counts.set(d.family, this.counts.get(d.family)! - 1);
  }

  count(family: FamilyKey): number {
    return this.counts.get(family) ?? 0;
  }

  totalCount(): number {
    let n = 0;
    for (const c of this.counts.values()) n += c;
    return n;
  }

  /** The session ended: its slot is free for the next (what it left in destinations is ignored there). */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.slots.release(this.slot);
    this.dirty.clear();
    this.walks.clear();
  }
}

/** Every path of a slot, without allocating for the lone one: `count` then `at`. */
export const slotCount = (s: SentSlot | undefined): number =>
  s === undefined ? 0 : Array.isArray(s) ? s.length : 1;

export const slotAt = (s: SentSlot, i: number): SentPath =>
  Array.isArray(s) ? (s as readonly SentPath[])[i] : (s as SentPath);
