/**
 * Addresses and prefixes in address order, as gobgp lists neighbors: IPv4 before IPv6, then by the address's
 * bytes (never by its text: `10.0.0.9` comes before `10.0.0.10`, and `2001:db8::` before `2001:db8:0:1::`
 * whatever the zero compression), a prefix's length last. Parsed here, without core's full parser (ipaddr.js),
 * which the CLI's and the shell's bundles do not carry.
 */

/** IPv4 dotted quad → 4 bytes, IPv6 (with `::` and a dotted IPv4 tail) → 16 bytes; null for anything else. */
export function addressBytes(text: string): Uint8Array | null {
  if (!text.includes(":")) return dottedQuad(text);
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const groups = (s: string): number[] | null => {
    if (s === "") return [];
    const out: number[] = [];
    const parts = s.split(":");
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i];
      if (i === parts.length - 1 && p.includes(".")) {
        const v4 = dottedQuad(p);
        if (!v4) return null;
        out.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(p)) out.push(Number.parseInt(p, 16));
      else return null;
    }
    return out;
  };
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  if (!head || !tail) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const all = [...head, ...new Array<number>(missing).fill(0), ...tail];
  const b = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    b[2 * i] = all[i] >> 8;
    b[2 * i + 1] = all[i] & 0xff;
  }
  return b;
}

function dottedQuad(text: string): Uint8Array | null {
  const parts = text.split(".");
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return null;
  return Uint8Array.from(parts.map(Number));
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return a.length - b.length; // IPv4 (4 bytes) first
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/** IPv4 before IPv6, then by address value; text that is no address after every address, by text. */
export function addressOrder(a: string, b: string): number {
  const x = addressBytes(a);
  const y = addressBytes(b);
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
