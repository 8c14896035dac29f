/** Building path attributes and NLRI byte by byte, so tests can write them wrong on purpose. */
import { parseIp, parsePrefix } from "../../core/wire/index.js";
import { concat, hex } from "../helpers/hex.js";

/** One attribute: flags, type, value (extended length when the flags say so). */
export function attr(flags: number, type: number, value: Uint8Array | string): Uint8Array {
  const v = typeof value === "string" ? hex(value) : value;
  if (flags & 0x10) return concat([flags, type, v.length >>> 8, v.length & 0xff], v);
  return concat([flags, type, v.length], v);
}

export const attrs = (...parts: Uint8Array[]): Uint8Array => concat(...parts);

export const ORIGIN_IGP = attr(0x40, 1, "00");

export function asPath(asns: number[]): Uint8Array {
  const v = new Uint8Array(2 + asns.length * 4);
  v[0] = 2;
  v[1] = asns.length;
  const view = new DataView(v.buffer);
  for (let i = 0; i < asns.length; i++) view.setUint32(2 + i * 4, asns[i]);
  return attr(0x40, 2, v);
}

export const nextHop = (address: string): Uint8Array => attr(0x40, 3, parseIp(address)!);

/** IPv4 or IPv6 prefixes in NLRI form (RFC 4271 §4.3). */
export function nlri(...prefixes: string[]): Uint8Array {
  return concat(
    ...prefixes.map((t) => {
      const p = parsePrefix(t)!;
      return concat([p.length], p.addr.subarray(0, (p.length + 7) >>> 3));
    }),
  );
}

/** MP_REACH_NLRI for IPv6 unicast (RFC 4760 §3) with a next hop of any length. */
export function mpReachV6(nh: Uint8Array, prefixes: string[]): Uint8Array {
  return attr(0x80, 14, concat([0, 2, 1, nh.length], nh, [0], nlri(...prefixes)));
}

export function mpUnreachV6(prefixes: string[]): Uint8Array {
  return attr(0x80, 15, concat([0, 2, 1], nlri(...prefixes)));
}

/** The well-formed base every IPv4 announcement from AS `asn` carries. */
export const base = (asn: number, nh = "192.0.2.7"): Uint8Array =>
  attrs(ORIGIN_IGP, asn === 65001 ? EMPTY_AS_PATH : asPath([asn]), nextHop(nh));

/** An internal peer's own routes have an empty AS_PATH (RFC 4271 §5.1.2). */
export const EMPTY_AS_PATH = attr(0x40, 2, "");
