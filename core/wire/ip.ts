/**
 * IP address text forms. Formatting follows inet_ntop as glibc implements it (RFC 5952 compression of the
 * longest zero run, IPv4-mapped and IPv4-compatible addresses in dotted form) because operators compare our
 * output with tools built on it, bgpdump among them. Parsing delegates to ipaddr.js.
 */
import ipaddr from "ipaddr.js";

export function formatIpv4(b: Uint8Array, off = 0): string {
  return `${b[off]}.${b[off + 1]}.${b[off + 2]}.${b[off + 3]}`;
}

export function formatIpv4Number(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 0xff}.${(n >>> 8) & 0xff}.${n & 0xff}`;
}

export function formatIpv6(b: Uint8Array, off = 0): string {
  const words = new Array<number>(8);
  for (let i = 0; i < 8; i++) words[i] = (b[off + 2 * i] << 8) | b[off + 2 * i + 1];
  // Longest run of zero words, first one on ties; runs of one word stay written out.
  let bestBase = -1;
  let bestLen = 0;
  let curBase = -1;
  for (let i = 0; i <= 8; i++) {
    if (i < 8 && words[i] === 0) {
      if (curBase < 0) curBase = i;
    } else if (curBase >= 0) {
      if (i - curBase > bestLen) {
        bestBase = curBase;
        bestLen = i - curBase;
      }
      curBase = -1;
    }
  }
  if (bestLen < 2) bestBase = -1;
  let out = "";
  for (let i = 0; i < 8; i++) {
    if (bestBase >= 0 && i >= bestBase && i < bestBase + bestLen) {
      if (i === bestBase) out += ":";
      continue;
    }
    if (i !== 0) out += ":";
    if (i === 6 && bestBase === 0 && (bestLen === 6 || (bestLen === 5 && words[5] === 0xffff))) {
      return out + formatIpv4(b, off + 12);
    }
    out += words[i].toString(16);
  }
  if (bestBase >= 0 && bestBase + bestLen === 8) out += ":";
  return out;
}

/** Format 4 or 16 bytes as an address. */
export function formatIp(b: Uint8Array, off = 0, length = b.length - off): string {
  return length === 4 ? formatIpv4(b, off) : formatIpv6(b, off);
}

/** Strict dotted-quad IPv4 ("192.0.2.1": four decimal parts 0..255, no leading zeros), or null. */
function parseDottedQuad(text: string): Uint8Array | null {
  const b = new Uint8Array(4);
  let part = 0;
  let value = 0;
  let digits = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 0x2e;
    if (c >= 0x30 && c <= 0x39) {
      if (digits > 0 && value === 0) return null; // a leading zero: let the full parser decide
      value = value * 10 + (c - 0x30);
      if (++digits > 3 || value > 255) return null;
    } else if (c === 0x2e && digits > 0 && part < 4) {
      b[part++] = value;
      value = 0;
      digits = 0;
    } else return null;
  }
  return part === 4 ? b : null;
}

/** Parse an IPv4 or IPv6 address into 4 or 16 bytes; null when the text is not an address. */
export function parseIp(text: string): Uint8Array | null {
  // The common form without ipaddr.js's general parser: route injection parses millions of these.
  const quad = parseDottedQuad(text);
  if (quad) return quad;
  if (!ipaddr.isValid(text)) return null;
  // ipaddr.js accepts shorthand IPv4 forms like "10.1" that no operator means; require four parts.
  if (!text.includes(":") && !ipaddr.IPv4.isValidFourPartDecimal(text)) return null;
  // ipaddr.js reads the IPv4-compatible form "::a.b.c.d" as IPv4-mapped; formatIpv6 writes that form.
  const compat = /^::(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text);
  if (compat) {
    const b = new Uint8Array(16);
    b.set(ipaddr.IPv4.parse(compat[1]).toByteArray(), 12);
    return b;
  }
  return Uint8Array.from(ipaddr.parse(text).toByteArray());
}

export function parseIpv4Number(text: string): number | null {
  const b = parseIp(text);
  if (b?.length !== 4) return null;
  return ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0;
}

/** Addresses as bytes: IPv4 (4 bytes) before IPv6, then byte by byte. */
export function compareAddressBytes(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return a.length - b.length;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/** Address text by value (`10.0.0.9` before `10.0.0.10`), IPv4 first; text that is no address after every
 *  address, by text. */
export function addressOrder(a: string, b: string): number {
  const x = parseIp(a);
  const y = parseIp(b);
  if (x && y) return compareAddressBytes(x, y);
  if (x || y) return x ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
