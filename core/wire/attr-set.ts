/**
 * Interned path attribute sets. Every route points at one shared `AttrSet`: the canonical encoded
 * attributes (4-octet AS form, MP_REACH/MP_UNREACH removed, discarded attributes dropped), their hash, and
 * the few fields the decision process reads on every comparison. Everything else is decoded on first use
 * (`decoded()`), since most sets are never displayed or matched by policy. Canonical bytes are always a
 * copy (in a shared slab, see ByteSlab), so an interned set never keeps a receive buffer alive.
 */
import { decodeAttributes, type PathAttributes } from "./attributes/decode.js";
import { ByteSlab } from "./bytes.js";
import { hashBytes } from "./hash.js";

/** Fields the UPDATE scanner extracts while validating; -1 means absent. */
export class AttrSummary {
  origin = -1;
  asPathLength = 0;
  med = -1;
  localPref = -1;
  /** IPv4 NEXT_HOP attribute as an unsigned number. */
  nextHop = -1;
  originatorId = -1;
  clusterListLength = 0;

  clear(): void {
    this.origin = -1;
    this.asPathLength = 0;
    this.med = -1;
    this.localPref = -1;
    this.nextHop = -1;
    this.originatorId = -1;
    this.clusterListLength = 0;
  }
}

export class AttrSet {
  readonly origin: number;
  readonly asPathLength: number;
  readonly med: number;
  readonly localPref: number;
  readonly nextHop: number;
  readonly originatorId: number;
  readonly clusterListLength: number;
  /** Holders of this set; the interner forgets it when the count returns to zero. */
  refs = 0;
  /** Next set in the same hash bucket. */
  chain: AttrSet | null = null;
  private cache: PathAttributes | undefined;

  constructor(
    readonly bytes: Uint8Array,
    readonly hash: number,
    s: AttrSummary,
  ) {
    this.origin = s.origin;
    this.asPathLength = s.asPathLength;
    this.med = s.med;
    this.localPref = s.localPref;
    this.nextHop = s.nextHop;
    this.originatorId = s.originatorId;
    this.clusterListLength = s.clusterListLength;
  }

  /** All attributes as values, decoded once. */
  decoded(): PathAttributes {
    this.cache ??= decodeAttributes(this.bytes);
    return this.cache;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array, start: number, end: number): boolean {
  if (a.length !== end - start) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[start + i]) return false;
  return true;
}

/** A table of interned sets keyed by content. */
export class AttrInterner {
  private readonly buckets = new Map<number, AttrSet>();
  private readonly slab = new ByteSlab();
  size = 0;

  /** The set whose canonical bytes are b[start, end), created (and copied) on first sight. */
  intern(b: Uint8Array, start: number, end: number, summary: AttrSummary): AttrSet {
    const hash = hashBytes(b, start, end);
    const head = this.buckets.get(hash);
    for (let s: AttrSet | null | undefined = head; s; s = s.chain)
      if (sameBytes(s.bytes, b, start, end)) return s;
    const set = new AttrSet(this.slab.copy(b, start, end), hash, summary);
    set.chain = head ?? null;
    this.buckets.set(hash, set);
    this.size++;
    return set;
  }

  /** Take a reference; pair with `release`. */
  retain(set: AttrSet): void {
    set.refs++;
  }

  /** Forget a set nobody took a reference to (a decoded UPDATE whose routes were all ignored). */
  dropIfUnused(set: AttrSet): void {
    if (set.refs === 0) {
      set.refs = 1;
      this.release(set);
    }
  }

  /** Drop a reference; the last one removes the set from the table. */
  release(set: AttrSet): void {
    if (--set.refs > 0) return;
    const head = this.buckets.get(set.hash);
    if (head === set) {
      if (set.chain) this.buckets.set(set.hash, set.chain);
      else this.buckets.delete(set.hash);
    } else {
      let s: AttrSet | null | undefined = head;
      while (s && s.chain !== set) s = s.chain;
      if (!s) return;
      s.chain = set.chain;
    }
    set.chain = null;
    this.size--;
  }

  clear(): void {
    this.buckets.clear();
    this.size = 0;
  }
}

const looseSlab = new ByteSlab();

/** A set that is not interned, for one-off decoding (MRT dumps, tests). */
export function uninternedSet(b: Uint8Array, start: number, end: number, summary: AttrSummary): AttrSet {
  return new AttrSet(looseSlab.copy(b, start, end), hashBytes(b, start, end), summary);
}

/** Where attribute `type`'s value lies in canonical bytes: [start, end), or null when absent. */
export function findAttribute(b: Uint8Array, type: number): [number, number] | null {
  for (let i = 0; i + 2 < b.length; ) {
    const ext = (b[i] & 0x10) !== 0;
    const len = ext ? (b[i + 2] << 8) | b[i + 3] : b[i + 2];
    const vs = i + (ext ? 4 : 3);
    if (b[i + 1] === type) return [vs, vs + len];
    i = vs + len;
  }
  return null;
}
