/**
 * The route view's filter line as `rib.list` parameters: a prefix or an address (the routes inside it, or
 * the longest match for an address), `as N` (AS_PATH contains N), `community C` (standard, large or
 * extended, as kbgp prints them), in any order; `-a ipv6` or an IPv6 prefix picks the family. An address
 * still being typed narrows to what its whole octets cover, so the view follows the typing. A word that fits
 * nothing is named, and the view keeps its last good filter meanwhile.
 */
import { coveringPrefix } from "./prefix-lookup.js";
export interface RouteQuery {
  readonly family?: "ipv4-unicast" | "ipv6-unicast";
  readonly prefix?: string;
  readonly match?: "longer" | "best";
  readonly asn?: number;
  readonly community?: string;
}

export type FilterResult = { ok: true; query: RouteQuery } | { ok: false; error: string };

const PREFIX = /^[0-9a-fA-F.:]+\/\d{1,3}$/;
/** IPv4 dotted quad, or IPv6 with `::` or all eight groups (so `65000:1` stays a community). */
const ADDRESS =
  /^(\d{1,3}(\.\d{1,3}){3}|[0-9a-fA-F:.]*::[0-9a-fA-F:.]*|([0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4})$/;
const COMMUNITY =
  /^(\d+:\d+(:\d+)?|[a-z-]+:\d+(\.\d+)*:\d+|no-export|no-advertise|no-export-subconfed|blackhole)$/;

export function parseRouteFilter(text: string): FilterResult {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const q: { -readonly [K in keyof RouteQuery]: RouteQuery[K] } = {};
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    const value = () => {
      const v = words[++i];
      if (v === undefined) throw new Error(`'${w}' needs a value`);
      return v;
    };
    try {
      if (w === "as" || w === "asn") {
        const v = value();
        if (!/^\d+$/.test(v) || Number(v) > 0xffffffff)
          return { ok: false, error: `'${v}' is not an AS number` };
        q.asn = Number(v);
      } else if (/^as\d+$/i.test(w)) q.asn = Number(w.slice(2));
      else if (w === "community" || w === "comm") q.community = value();
      else if (w === "-a") {
        const v = value();
        if (v !== "ipv4" && v !== "ipv6") return { ok: false, error: `-a takes ipv4 or ipv6, not '${v}'` };
        q.family = v === "ipv6" ? "ipv6-unicast" : "ipv4-unicast";
      } else if (PREFIX.test(w)) {
        q.prefix = w;
        q.match = "longer";
      } else if (ADDRESS.test(w)) {
        q.prefix = w;
        q.match = "best";
      } else if (COMMUNITY.test(w)) q.community = w;
      else if (/^[0-9.]+$/.test(w) || /^[0-9a-fA-F:]+$/.test(w)) {
        // An address being typed: narrow to what its whole octets or groups cover, nothing before the first.
        const cover = coveringPrefix(w);
        if (cover) {
          q.prefix = cover;
          q.match = "longer";
        }
      } else return { ok: false, error: `'${w}' is not a prefix, an address, 'as N' or 'community C'` };
    } catch (e) {
      return { ok: false, error: (e as Error).message };
    }
  }
  if (q.prefix?.includes(":") && !q.family) q.family = "ipv6-unicast";
  return { ok: true, query: q };
}
