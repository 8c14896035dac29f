/**
 * The full table of the ingest bench as BIRD 2 static routes: N4 IPv4 /24s (11.0.0.0/24, 11.0.1.0/24, …, the
 * same prefixes as inputs.ts) and N6 IPv6 /48s (2400:0:0::/48, 2400:0:1::/48, …, 2400:0:ffff::/48,
 * 2400:1:0::/48, …: plain unicast space, N6 ≤ 2^20). Only announcements between daemons on loopback; BIRD has
 * no kernel protocol here, so nothing is installed. Written as two include files, one per static protocol.
 */
import { closeSync, openSync, writeSync } from "node:fs";
import { prefixText } from "./inputs.js";

export const MAX_V4 = 1 << 20;
export const MAX_V6 = 1 << 20;

export function prefix6Text(i: number): string {
  return `2400:${(i >>> 16).toString(16)}:${(i & 0xffff).toString(16)}::/48`;
}

/** Writes `n` `route PREFIX blackhole;` lines in large chunks. */
export function writeRoutes(path: string, n: number, prefix: (i: number) => string): void {
  const fd = openSync(path, "w");
  try {
    for (let start = 0; start < n; start += 50_000) {
      const end = Math.min(n, start + 50_000);
      let chunk = "";
      for (let i = start; i < end; i++) chunk += `route ${prefix(i)} blackhole;\n`;
      writeSync(fd, chunk);
    }
  } finally {
    closeSync(fd);
  }
}

export function writeStaticRoutes(v4File: string, n4: number, v6File: string, n6: number): void {
  if (n4 > MAX_V4 || n6 > MAX_V6) throw new Error(`at most ${MAX_V4} IPv4 and ${MAX_V6} IPv6 routes`);
  writeRoutes(v4File, n4, prefixText);
  writeRoutes(v6File, n6, prefix6Text);
}
