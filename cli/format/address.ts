/**
 * Addresses and prefixes in address order, as gobgp lists neighbors: IPv4 before IPv6, then by the address's
 * bytes (never by its text: `10.0.0.9` comes before `10.0.0.10`, and `2001:db8::` before `2001:db8:0:1::`
 * whatever the zero compression), a prefix's length last.
 */
import { addressOrder } from "../../core/wire/ip.js";

export { addressOrder };

/** Prefixes (`ADDRESS/LENGTH`) by address as `addressOrder`, then by length. */
export function prefixOrder(a: string, b: string): number {
  const [x, xl = ""] = a.split("/");
  const [y, yl = ""] = b.split("/");
  return addressOrder(x, y) || Number(xl) - Number(yl) || (xl < yl ? -1 : xl > yl ? 1 : 0);
}
