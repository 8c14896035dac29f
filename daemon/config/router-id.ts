/** The router ID to use when the file gives none: the host's first IPv4 address, or one made from its name. */
import os from "node:os";
import { parseIpv4Number } from "../../core/wire/index.js";

/**
 * The first IPv4 address of the host that is neither loopback nor link-local (169.254/16, which every host
 * may share), in the order the system lists interfaces; without one, `hashRouterId(os.hostname())`.
 */
export function hostRouterId(): number {
  for (const addresses of Object.values(os.networkInterfaces())) {
    for (const a of addresses ?? []) {
      if (a.family !== "IPv4" || a.internal) continue;
      const n = parseIpv4Number(a.address);
      if (n !== null && n !== 0 && n >>> 16 !== 0xa9fe) return n;
    }
  }
  return hashRouterId(os.hostname());
}

/** A stable, non-zero address in 10.0.0.0/8 from a name (FNV-1a of its UTF-8 bytes). */
export function hashRouterId(name: string): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(name, "utf8")) {
    h ^= byte;
    h = Math.imul(h, 0x01000193);
  }
  return ((10 << 24) | (h & 0xffffff || 1)) >>> 0;
}
