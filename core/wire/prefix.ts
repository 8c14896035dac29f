/**
 * A route's destination as a value: address family, prefix length and the address bytes with host bits
 * cleared. This is the readable form for APIs, tests and output; hot paths walk wire-encoded NLRI with
 * `NlriCursor` instead of materialising these.
 */
import { Afi } from "./constants.js";
import { formatIp, parseIp } from "./ip.js";

export interface Prefix {
  readonly afi: Afi;
  readonly length: number;
  /** 4 bytes for IPv4, 16 for IPv6, bits past `length` zero. */
  readonly addr: Uint8Array;
  /** RFC 7911 path identifier, when ADD-PATH applies. */
  readonly pathId?: number;
  /** IPv4: the masked address as a 32-bit number, when the value has it; encoding then reads it rather
   *  than `addr` (which a RIB entry builds anew on every read). */
  readonly v4?: number;
}

export const maxLength = (afi: Afi): number => (afi === Afi.IPV4 ? 32 : 128);

/** Clear the bits of `addr` past `length`, in place. RFC 4271 §4.3: trailing bits are irrelevant. */
export function maskInPlace(addr: Uint8Array, length: number): Uint8Array {
  const full = length >>> 3;
  const rest = length & 7;
  if (full < addr.length) {
    if (rest) addr[full] &= 0xff << (8 - rest);
    addr.fill(0, rest ? full + 1 : full);
  }
  return addr;
}

export function formatPrefix(p: Prefix): string {
  return `${formatIp(p.addr)}/${p.length}`;
}

/** Parse "10.0.0.0/8" or "2001:db8::/32"; a bare address is a host route. Null when malformed. Host bits
 *  are rejected rather than silently cleared, because "10.0.0.1/8" is usually a typo for something else. */
export function parsePrefix(text: string): Prefix | null {
  const slash = text.indexOf("/");
  const addr = parseIp(slash < 0 ? text : text.slice(0, slash));
  if (!addr) return null;
  const afi = addr.length === 4 ? Afi.IPV4 : Afi.IPV6;
  let length = maxLength(afi);
  if (slash >= 0) {
    const lenText = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(lenText)) return null;
    length = Number(lenText);
    if (length > maxLength(afi)) return null;
  }
  const masked = maskInPlace(addr.slice(), length);
  for (let i = 0; i < addr.length; i++) if (masked[i] !== addr[i]) return null;
  return { afi, length, addr: masked };
}

export function prefixEquals(a: Prefix, b: Prefix): boolean {
  if (a.afi !== b.afi || a.length !== b.length || (a.pathId ?? 0) !== (b.pathId ?? 0)) return false;
  for (let i = 0; i < a.addr.length; i++) if (a.addr[i] !== b.addr[i]) return false;
  return true;
}
