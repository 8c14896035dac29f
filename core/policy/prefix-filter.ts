/** Prefix-list matching: a prefix matches an entry when it lies inside the entry's prefix and its length is
 *  within [ge, le]. */
import type { PrefixFilter } from "../config/types.js";
import type { Keyed } from "../rib/prefix-map.js";

export function matchesFilter(f: PrefixFilter, key: Keyed): boolean {
  if (f.prefix.afi !== key.afi || key.length < f.ge || key.length > f.le) return false;
  const bits = f.prefix.length;
  const full = bits >>> 3;
  for (let i = 0; i < full; i++) if (f.prefix.addr[i] !== key.addr[i]) return false;
  const rest = bits & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (f.prefix.addr[full] & mask) === (key.addr[full] & mask);
}

export function firstMatch(filters: readonly PrefixFilter[], key: Keyed): PrefixFilter | null {
  for (const f of filters) if (matchesFilter(f, key)) return f;
  return null;
}
