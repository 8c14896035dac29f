/**
 * Communities: RFC 1997 (with the well-known values registered since), RFC 4360 extended communities
 * (8 bytes) and RFC 8092 large communities (three 32-bit numbers). Text forms follow gobgp.
 */

/** Well-known communities and their conventional names (IANA "BGP Well-known Communities"). */
export const WELL_KNOWN_COMMUNITIES: ReadonlyMap<number, string> = new Map([
  [0xffff0000, "graceful-shutdown"], // RFC 8326
  [0xffff0001, "accept-own"], // RFC 7611
  [0xffff0006, "llgr-stale"], // RFC 9494
  [0xffff0007, "no-llgr"], // RFC 9494
  [0xffff029a, "blackhole"], // RFC 7999
  [0xffffff01, "no-export"], // RFC 1997
  [0xffffff02, "no-advertise"], // RFC 1997
  [0xffffff03, "no-export-subconfed"], // RFC 1997
  [0xffffff04, "no-peer"], // RFC 3765
]);
const BY_NAME = new Map([...WELL_KNOWN_COMMUNITIES].map(([v, n]) => [n, v]));

export const COMMUNITY_NO_EXPORT = 0xffffff01;
export const COMMUNITY_NO_ADVERTISE = 0xffffff02;
export const COMMUNITY_NO_EXPORT_SUBCONFED = 0xffffff03;

/** "65000:100", or the well-known name. */
export function formatCommunity(c: number): string {
  return WELL_KNOWN_COMMUNITIES.get(c) ?? `${c >>> 16}:${c & 0xffff}`;
}

/** Parse "65000:100", a well-known name, or a plain 32-bit number; null when malformed. */
export function parseCommunity(text: string): number | null {
  const named = BY_NAME.get(text.toLowerCase());
  if (named !== undefined) return named;
  const m = /^(\d{1,5}):(\d{1,5})$/.exec(text);
  if (m) {
    const hi = Number(m[1]);
    const lo = Number(m[2]);
    return hi > 0xffff || lo > 0xffff ? null : ((hi << 16) | lo) >>> 0;
  }
  if (/^\d{1,10}$/.test(text) && Number(text) <= 0xffffffff) return Number(text);
  return null;
}

export type LargeCommunity = readonly [number, number, number];

export const formatLargeCommunity = (c: LargeCommunity): string => `${c[0]}:${c[1]}:${c[2]}`;

export function parseLargeCommunity(text: string): LargeCommunity | null {
  const m = /^(\d{1,10}):(\d{1,10}):(\d{1,10})$/.exec(text);
  if (!m) return null;
  const parts = [Number(m[1]), Number(m[2]), Number(m[3])] as const;
  return parts.every((n) => n <= 0xffffffff) ? parts : null;
}
