/**
 * A map keyed by prefix, for the RIBs. IPv4 prefixes key one table per prefix length by the masked address
 * as a signed 32-bit integer (a V8 small integer, so the Map never boxes it); IPv6 prefixes key one table
 * per length by a short string of the significant address bytes. Values carry their own prefix, so
 * iteration needs no key decoding.
 */
import { Afi, type FamilyKey } from "../wire/constants.js";
import { IntMap } from "./int-map.js";

export interface Keyed {
  readonly afi: Afi;
  readonly length: number;
  /** Masked IPv4 address as a 32-bit number, unsigned or (stored prefixes) signed: compare `v4 | 0`. */
  readonly v4: number;
  /** Masked address bytes: 4 for IPv4, 16 for IPv6. A `StoredPrefix` decodes them on every read. */
  readonly addr: Uint8Array;
  /** The IPv6 prefix's `v6Key`, when the value has it: lookups then need not build it from `addr`. */
  readonly v6?: string;
}

/**
 * A prefix to look up. `v6`, when present, is its `v6Key`: a caller looking one IPv6 prefix up in several
 * tables (an UPDATE's prefix in Adj-RIB-In, then Loc-RIB) builds that string once instead of per lookup.
 */
export type PrefixKey = Keyed;

/**
 * A prefix as the tables keep it, without its address bytes: a 4- or 16-byte `Uint8Array` costs 184 bytes
 * of heap, more than the rest of a table entry. IPv4 keeps the address as a number, IPv6 as its `v6Key` (the
 * very string the table's Map is keyed by, so it is shared) — in one field, `k`, with the AFI read from
 * its type and the prefix length and SAFI in another: every field is 8 bytes in every entry of a
 * million-entry table. `addr` builds a new array on each read, for display and queries; the hot paths use
 * `v4` and `v6`.
 */
export class StoredPrefix implements Keyed {
  /** The prefix length, and the SAFI shifted by 8. */
  private readonly ls: number;
  /** IPv4: the address as a signed 32-bit number (a small integer in the object; an unsigned one above
   *  2^31 would be a heap number). IPv6: its `v6Key`. */
  private readonly k: number | string;

  constructor(family: FamilyKey, key: Keyed) {
    this.ls = key.length | ((family & 0xff) << 8);
    this.k = key.afi === Afi.IPV4 ? key.v4 | 0 : (key.v6 ?? v6Key(key.addr, key.length));
  }

  get length(): number {
    return this.ls & 0xff;
  }

  get afi(): Afi {
    return typeof this.k === "number" ? Afi.IPV4 : Afi.IPV6;
  }

  /** The table's family (AFI and SAFI). */
  get family(): FamilyKey {
    return (this.afi << 8) | (this.ls >>> 8);
  }

  get v4(): number {
    return typeof this.k === "number" ? this.k : 0;
  }

  get v6(): string | undefined {
    return typeof this.k === "string" ? this.k : undefined;
  }

  get addr(): Uint8Array {
    const k = this.k;
    if (typeof k === "number") return Uint8Array.of(k >>> 24, (k >>> 16) & 0xff, (k >>> 8) & 0xff, k & 0xff);
    const out = new Uint8Array(16);
    for (let i = 0; i < k.length; i++) {
      const c = k.charCodeAt(i);
      out[2 * i] = c >>> 8;
      if (2 * i + 1 < 16) out[2 * i + 1] = c & 0xff;
    }
    return out;
  }
}

/** The IPv6 key: the address bytes a prefix of `length` covers, two per character. */
export function v6Key(addr: Uint8Array, length: number): string {
  const n = (length + 7) >>> 3;
  let s = "";
  for (let i = 0; i < n; i += 2) s += String.fromCharCode((addr[i] << 8) | (i + 1 < n ? addr[i + 1] : 0));
  return s;
}

/** Stand for every prefix length's table until a value of that length arrives: a map holding a few
 *  prefixes (a peer's rejected routes, a speaker in a test) then costs two small arrays instead of 162
 *  tables. Only `set` writes, and it replaces these before writing. */
const UNUSED = new Map<never, never>();
const UNUSED_V4 = new IntMap<never>();

export class PrefixMap<V extends Keyed> {
  private readonly v4: IntMap<V>[] = new Array(33).fill(UNUSED_V4);
  private readonly v6: Map<string, V>[] = new Array(129).fill(UNUSED);
  size = 0;

  getV4(v4: number, length: number): V | undefined {
    return this.v4[length].get(v4 | 0);
  }

  getV6(addr: Uint8Array, length: number, v6?: string): V | undefined {
    return this.v6[length].get(v6 ?? v6Key(addr, length));
  }

  /** `v6`: the prefix's `v6Key` if the caller has it (IPv6 only). */
  get(afi: Afi, v4: number, addr: Uint8Array, length: number, v6?: string): V | undefined {
    return afi === Afi.IPV4 ? this.getV4(v4, length) : this.getV6(addr, length, v6);
  }

  /** The value for `key`'s prefix, using its precomputed `v6` key when it has one. */
  find(key: PrefixKey): V | undefined {
    return key.afi === Afi.IPV4
      ? this.getV4(key.v4, key.length)
      : this.v6[key.length].get(key.v6 ?? v6Key(key.addr, key.length));
  }

  /** Insert a value keyed by its own prefix; replaces any value for that prefix. `v6`: its `v6Key` if the
   *  caller has it (IPv6 only). */
  set(value: V, v6?: string): void {
    const l = value.length;
    if (value.afi === Afi.IPV4 && this.v4[l] === UNUSED_V4) this.v4[l] = new IntMap();
    else if (value.afi !== Afi.IPV4 && this.v6[l] === UNUSED) this.v6[l] = new Map();
    const before = value.afi === Afi.IPV4 ? this.v4[l].size : this.v6[l].size;
    if (value.afi === Afi.IPV4) this.v4[l].set(value.v4 | 0, value);
    else this.v6[l].set(v6 ?? value.v6 ?? v6Key(value.addr, l), value);
    const after = value.afi === Afi.IPV4 ? this.v4[l].size : this.v6[l].size;
    this.size += after - before;
  }

  delete(value: Keyed, v6?: string): boolean {
    const gone =
      value.afi === Afi.IPV4
        ? this.v4[value.length].delete(value.v4 | 0)
        : this.v6[value.length].delete(v6 ?? value.v6 ?? v6Key(value.addr, value.length));
    if (gone) this.size--;
    return gone;
  }

  /** Values of one family, shortest prefixes first. */
  *values(afi: Afi): IterableIterator<V> {
    if (afi === Afi.IPV4) {
      for (const t of this.v4) if (t !== UNUSED_V4) yield* t.values();
    } else for (const t of this.v6) if (t !== UNUSED) yield* t.values();
  }

  /**
   * Values whose prefix covers `length` bits of `addr` (the same prefix and every shorter one), longest
   * first: at most one lookup per prefix length.
   */
  *covering(afi: Afi, addr: Uint8Array, length: number): IterableIterator<V> {
    for (let l = length; l >= 0; l--) {
      const v =
        afi === Afi.IPV4 ? this.v4[l].get(v4Of(addr, l) | 0) : this.v6[l].get(v6Key(masked(addr, l), l));
      if (v) yield v;
    }
  }

  /**
   * Values whose prefix lies inside `addr`/`length` (the prefix itself and every longer one), shortest
   * first. Per length, either each possible prefix is looked up or the length's table is scanned, whichever
   * is fewer steps, so a narrow query on a large table stays cheap.
   */
  *covered(afi: Afi, addr: Uint8Array, length: number): IterableIterator<V> {
    const max = afi === Afi.IPV4 ? 32 : 128;
    const outer = masked(addr, length);
    for (let l = length; l <= max; l++) {
      const table = afi === Afi.IPV4 ? this.v4[l] : this.v6[l];
      if (table.size === 0) continue;
      const candidates = 2 ** (l - length);
      if (candidates <= table.size) {
        for (let i = 0; i < candidates; i++) {
          const a = withBits(outer, length, l, i);
          const v = afi === Afi.IPV4 ? this.v4[l].get(v4Of(a, l) | 0) : this.v6[l].get(v6Key(a, l));
          if (v) yield v;
        }
      } else if (afi === Afi.IPV4) {
        // By number: a stored prefix's `addr` would be a new array per value.
        const mask = length === 0 ? 0 : (0xffffffff << (32 - length)) >>> 0;
        const want = v4Of(outer, length);
        for (const v of table.values() as IterableIterator<V>) if ((v.v4 & mask) >>> 0 === want) yield v;
      } else {
        for (const v of table.values() as IterableIterator<V>) if (startsWith(v.addr, outer, length)) yield v;
      }
    }
  }

  /** The number of values of one family. */
  count(afi: Afi): number {
    let n = 0;
    for (const t of afi === Afi.IPV4 ? this.v4 : this.v6) n += t.size;
    return n;
  }

  clear(): void {
    for (const t of this.v4) if (t !== UNUSED_V4) t.clear();
    for (const t of this.v6) t.clear();
    this.size = 0;
  }
}

/** The address with every bit past `length` cleared (a copy). */
function masked(addr: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(addr.length);
  const whole = length >>> 3;
  out.set(addr.subarray(0, whole));
  if (length & 7 && whole < addr.length) out[whole] = addr[whole] & (0xff << (8 - (length & 7)));
  return out;
}

/** The masked IPv4 address as an unsigned number. */
function v4Of(addr: Uint8Array, length: number): number {
  const n = ((addr[0] << 24) | (addr[1] << 16) | (addr[2] << 8) | addr[3]) >>> 0;
  return length === 0 ? 0 : (n & (0xffffffff << (32 - length))) >>> 0;
}

/** `base` with bits [from, to) set to the number `i` (most significant first). */
function withBits(base: Uint8Array, from: number, to: number, i: number): Uint8Array {
  const out = base.slice();
  for (let b = to - 1, v = i; b >= from; b--, v = Math.floor(v / 2)) {
    if (v % 2) out[b >>> 3] |= 0x80 >>> (b & 7);
  }
  return out;
}

/** Whether the first `length` bits of `a` and `b` are equal. */
function startsWith(a: Uint8Array, b: Uint8Array, length: number): boolean {
  const whole = length >>> 3;
  for (let i = 0; i < whole; i++) if (a[i] !== b[i]) return false;
  const rest = length & 7;
  return rest === 0 || ((a[whole] ^ b[whole]) & (0xff << (8 - rest)) & 0xff) === 0;
}
