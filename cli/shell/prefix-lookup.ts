/**
 * Completing a prefix from the live RIB: the typed start of an address names the widest prefix its whole
 * octets (IPv4) or groups (IPv6) cover, kbgpd lists what lies inside it, and the candidates are those that
 * start with what was typed. A start too short to narrow anything (no whole octet yet) asks nothing.
 */
import type { Client } from "../client.js";

/** The prefix covering every address that starts with `partial`'s whole octets or groups, or null. */
export function coveringPrefix(partial: string): string | null {
  const text = partial.split("/")[0];
  if (/^[0-9.]+$/.test(text)) {
    const whole = text.split(".").slice(0, -1);
    if (whole.length === 0 || whole.length > 3 || whole.some((o) => o === "" || Number(o) > 255)) return null;
    return `${[...whole, "0", "0", "0"].slice(0, 4).join(".")}/${8 * whole.length}`;
  }
  if (/^[0-9a-fA-F:]+$/.test(text) && !text.includes("::")) {
    const whole = text.split(":").slice(0, -1);
    if (whole.length === 0 || whole.length > 7 || whole.some((g) => g === "" || g.length > 4)) return null;
    return `${whole.join(":")}::/${16 * whole.length}`;
  }
  return null;
}

/** Up to this many prefixes are asked for; the ones matching what was typed are offered. */
const ASK = 500;

export async function prefixCandidates(client: Client | null, partial: string): Promise<string[]> {
  const cover = coveringPrefix(partial);
  if (!client || !cover) return [];
  const found: string[] = [];
  await client
    .stream("rib.list", { prefix: cover, match: "longer", limit: ASK }, (rows) => {
      for (const r of rows as { prefix: string }[]) if (r.prefix.startsWith(partial)) found.push(r.prefix);
    })
    .catch(() => {});
  return found;
}
