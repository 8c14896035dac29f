/**
 * Completing a prefix from the live RIB. The typed start of an address names the widest prefix its whole
 * octets (IPv4) or groups (IPv6) cover; kbgpd lists what lies inside it and around it, and the candidates
 * are the prefixes the typed text is the start of — by address, not by text, for IPv6: kbgpd writes
 * `2001:db8:0:1::/64`, which `2001:db8::` starts (the groups before `::` are fixed, the rest is still to
 * come) and so does `2001:db8:0:0:` (zero groups written out). Once `/` is typed the address is whole: the
 * candidates are the prefixes of exactly that address whose length starts with what follows the `/`. A
 * start too short to narrow anything (no whole octet or group yet) asks nothing.
 */

import { parseIp } from "../../core/wire/ip.js";
import type { Client } from "../client.js";

/** The groups before `::` (or all of them), whether `::` was typed, what follows it, and the group being
 *  typed (after the last `:`, when there is no `::`). */
interface Ipv6Start {
  readonly whole: number[];
  readonly compressed: boolean;
  readonly tail: string;
  readonly typing: string;
}

function ipv6Start(text: string): Ipv6Start | null {
  if (!/^[0-9a-fA-F:]*$/.test(text)) return null;
  const at = text.indexOf("::");
  const head = at < 0 ? text : text.slice(0, at);
  const parts = head === "" ? [] : head.split(":");
  const typing = at < 0 ? (parts.pop() ?? "") : "";
  if (parts.length > 7 || parts.some((g) => g === "" || g.length > 4) || typing.length > 4) return null;
  const tail = at < 0 ? "" : text.slice(at + 2);
  if (tail.includes("::")) return null;
  return { whole: parts.map((g) => Number.parseInt(g, 16)), compressed: at >= 0, tail, typing };
}

/** The prefix covering every address that starts with `partial`'s whole octets or groups, or null. */
export function coveringPrefix(partial: string): string | null {
  const text = partial.split("/")[0];
  if (/^[0-9.]+$/.test(text)) {
    const whole = text.split(".").slice(0, -1);
    if (whole.length === 0 || whole.length > 3 || whole.some((o) => o === "" || Number(o) > 255)) return null;
    return `${[...whole, "0", "0", "0"].slice(0, 4).join(".")}/${8 * whole.length}`;
  }
  const v6 = text.includes(":") ? ipv6Start(text) : null;
  if (!v6 || v6.whole.length === 0) return null;
  return `${v6.whole.map((g) => g.toString(16)).join(":")}::/${16 * v6.whole.length}`;
}

export interface PrefixQuery {
  readonly prefix: string;
  readonly match: "longer" | "shorter";
}

/**
 * What to ask kbgpd for the candidates of `partial`: the prefixes inside its covering prefix and those
 * around it (`10.0.0.` starts `10.0.0.0/16` too), or once `/` is typed, the prefixes around its address (a
 * prefix of that address contains it). Null when too little is typed.
 */
export function lookupQueries(partial: string): PrefixQuery[] | null {
  const slash = partial.indexOf("/");
  if (slash >= 0) {
    const addr = parseIp(partial.slice(0, slash));
    if (!addr) return null;
    return [{ prefix: `${partial.slice(0, slash)}/${addr.length * 8}`, match: "shorter" }];
  }
  const cover = coveringPrefix(partial);
  return cover
    ? [
        { prefix: cover, match: "longer" },
        { prefix: cover, match: "shorter" },
      ]
    : null;
}

const groupsOf = (b: Uint8Array) => Array.from({ length: 8 }, (_, i) => (b[2 * i] << 8) | b[2 * i + 1]);

/** Whether `prefix` (as kbgpd writes it) is one the typed `partial` is the start of. */
export function prefixMatches(partial: string, prefix: string): boolean {
  const [addr, length = ""] = prefix.split("/");
  const slash = partial.indexOf("/");
  if (slash >= 0) {
    const want = parseIp(partial.slice(0, slash));
    const have = parseIp(addr);
    return (
      !!want &&
      !!have &&
      want.length === have.length &&
      want.every((v, i) => v === have[i]) &&
      length.startsWith(partial.slice(slash + 1))
    );
  }
  if (!partial.includes(":")) return !addr.includes(":") && prefix.startsWith(partial);
  const start = ipv6Start(partial);
  const have = addr.includes(":") ? parseIp(addr) : null;
  if (!start || !have) return false;
  const groups = groupsOf(have);
  if (start.whole.some((g, i) => groups[i] !== g)) return false;
  if (start.compressed) {
    if (start.tail === "") return true;
    // After `::`, where the typed groups fall is not known until the address is whole: by the text kbgpd
    // writes (RFC 5952), with the fixed groups written as it writes them.
    const written = `${start.whole.map((g) => g.toString(16)).join(":")}::${start.tail.toLowerCase()}`;
    return addr.startsWith(written);
  }
  if (start.typing === "") return true;
  const g = groups[start.whole.length];
  const t = start.typing.toLowerCase();
  return g.toString(16).startsWith(t) || g.toString(16).padStart(4, "0").startsWith(t);
}

/** Up to this many prefixes are asked for; the ones matching what was typed are offered. */
const ASK = 500;

export async function prefixCandidates(client: Client | null, partial: string): Promise<string[]> {
  const queries = lookupQueries(partial);
  if (!client || !queries) return [];
  const found = new Set<string>();
  const ask = (q: PrefixQuery) =>
    client
      .stream("rib.list", { ...q, limit: ASK }, (rows) => {
        for (const r of rows as { prefix: string }[])
          if (prefixMatches(partial, r.prefix)) found.add(r.prefix);
      })
      .catch(() => {});
  await Promise.all(queries.map(ask));
  return [...found];
}
