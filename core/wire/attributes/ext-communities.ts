/**
 * Extended communities (RFC 4360, RFC 5668, RFC 7153) as text. The common route-target and route-origin
 * forms use the names ExaBGP scripts already write (`target:65000:1`, `origin:192.0.2.1:7`); anything else
 * prints as its eight bytes in hex so nothing is hidden.
 */
import { formatIpv4 } from "../ip.js";

const u16 = (b: Uint8Array, i: number) => (b[i] << 8) | b[i + 1];
const u32 = (b: Uint8Array, i: number) =>
  ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;

const SUBTYPE_NAMES: Record<number, string> = { 2: "target", 3: "origin" };

export function formatExtCommunity(c: Uint8Array): string {
  const type = c[0] & 0x3f; // the I and T bits do not change the layout (RFC 4360 §2)
  const name = SUBTYPE_NAMES[c[1]];
  if (name) {
    if (type === 0x00) return `${name}:${u16(c, 2)}:${u32(c, 4)}`; // two-octet AS specific
    if (type === 0x01) return `${name}:${formatIpv4(c, 2)}:${u16(c, 6)}`; // IPv4 address specific
    if (type === 0x02) return `${name}:${u32(c, 2)}:${u16(c, 6)}`; // four-octet AS specific (RFC 5668)
  }
  return `0x${Buffer.from(c).toString("hex")}`;
}
