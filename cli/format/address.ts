/**
 * Addresses and prefixes in address order, as gobgp lists neighbors: IPv4 before IPv6, then by the address's
 * bytes (never by its text: `10.0.0.9` comes before `10.0.0.10`, and `2001:db8::` before `2001:db8:0:1::`
 * whatever the zero compression), a prefix's length last.
 */
import { parseIp } from "../../core/wire/ip.js";

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return a.length - b.length; // IPv4 (4 bytes) first
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/** IPv4 before IPv6, then by address value; text that is no address after every address, by text. */
export function addressOrder(a: string, b: string): number {
  const x = parseIp(a);
  const y = parseIp(b);
  if (x && y) return compareBytes(x, y);
  if (x || y) return x ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Prefixes (`ADDRESS/LENGTH`) by address as `addressOrder`, then by length. */
export function prefixOrder(a: string, b: string): number {
  const [x, xl = ""] = a.split("/");
  const [y, yl = ""] = b.split("/");
  return addressOrder(x, y) || Number(xl) - Number(yl) || (xl < yl ? -1 : xl > yl ? 1 : 0);
}
