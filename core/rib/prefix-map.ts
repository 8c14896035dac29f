/**
 * A map keyed by prefix, for the RIBs. IPv4 prefixes key one table per prefix length by the masked address
 * as a signed 32-bit integer (a V8 small integer, so the Map never boxes it); IPv6 prefixes key one table
 * per length by a short string of the significant address bytes. Values carry their own prefix, so
 * iteration needs no key decoding.
 */
import { Afi } from "../wire/constants.js";

export interface Keyed {
  readonly afi: Afi;
  readonly length: number;
  /** Masked IPv4 address as an unsigned number (IPv4 only). */
  readonly v4: number;
  /** Masked address bytes: 4 for IPv4, 16 for IPv6. */
  readonly addr: Uint8Array;
}

/** The IPv6 key: the address bytes a prefix of `length` covers, two per character. */
export function v6Key(addr: Uint8Array, length: number): string {
  const n = (length + 7) >>> 3;
  let s = "";
  for (let i = 0; i < n; i += 2) s += String.fromCharCode((addr[i] << 8) | (i + 1 < n ? addr[i + 1] : 0));
  return s;
}

export class PrefixMap<V extends Keyed> {
  private readonly v4 = Array.from({ length: 33 }, () => new Map<number, V>());
  private readonly v6 = Array.from({ length: 129 }, () => new Map<string, V>());
  size = 0;

  getV4(v4: number, length: number): V | undefined {
    return this.v4[length].get(v4 | 0);
  }

  getV6(addr: Uint8Array, length: number): V | undefined {
    return this.v6[length].get(v6Key(addr, length));
  }

  get(afi: Afi, v4: number, addr: Uint8Array, length: number): V | undefined {
    return afi === Afi.IPV4 ? this.getV4(v4, length) : this.getV6(addr, length);
  }

  /** Insert a value keyed by its own prefix; replaces any value for that prefix. */
  set(value: V): void {
    const before = value.afi === Afi.IPV4 ? this.v4[value.length].size : this.v6[value.length].size;
    if (value.afi === Afi.IPV4) this.v4[value.length].set(value.v4 | 0, value);
    else this.v6[value.length].set(v6Key(value.addr, value.length), value);
    const after = value.afi === Afi.IPV4 ? this.v4[value.length].size : this.v6[value.length].size;
    this.size += after - before;
  }

  delete(value: Keyed): boolean {
    const gone =
      value.afi === Afi.IPV4
        ? this.v4[value.length].delete(value.v4 | 0)
        : this.v6[value.length].delete(v6Key(value.addr, value.length));
    if (gone) this.size--;
    return gone;
  }

  /** Values of one family, shortest prefixes first. */
  *values(afi: Afi): IterableIterator<V> {
    const tables = afi === Afi.IPV4 ? this.v4 : this.v6;
    for (const t of tables) yield* t.values();
  }

  /** The number of values of one family. */
  count(afi: Afi): number {
    let n = 0;
    for (const t of afi === Afi.IPV4 ? this.v4 : this.v6) n += t.size;
    return n;
  }

  clear(): void {
    for (const t of this.v4) t.clear();
    for (const t of this.v6) t.clear();
    this.size = 0;
  }
}
