/**
 * Extended community text → eight bytes, the inverse of core's `formatExtCommunity` for the forms it
 * names: route target and route origin (RFC 4360 §4, §5) as two-octet AS specific (`target:65000:1`, the
 * number up to 2^32-1), IPv4 address specific (`origin:192.0.2.1:7`) and four-octet AS specific (RFC 5668;
 * `target:4200000000:1`, chosen whenever the AS needs four octets), plus `0x` and sixteen hex digits for
 * anything else.
 */
import { parseIpv4Number } from "../../core/wire/index.js";

const SUBTYPES: Readonly<Record<string, number>> = { target: 0x02, origin: 0x03 };
const TWO_OCTET_AS = 0x00;
const IPV4_ADDRESS = 0x01;
const FOUR_OCTET_AS = 0x02;

/** Null when the text is none of the forms above or a number is out of range. */
export function parseExtCommunity(text: string): Uint8Array | null {
  const hex = /^0x([0-9a-f]{16})$/i.exec(text);
  if (hex) return Uint8Array.from(Buffer.from(hex[1], "hex"));
  const m = /^([a-z]+):([^:]+):(\d{1,10})$/i.exec(text);
  if (!m) return null;
  const subtype = SUBTYPES[m[1].toLowerCase()];
  if (subtype === undefined) return null;
  const local = Number(m[3]);
  const out = new Uint8Array(8);
  const view = new DataView(out.buffer);
  out[1] = subtype;
  if (/^\d{1,10}$/.test(m[2])) {
    const asn = Number(m[2]);
    if (asn <= 0xffff && local <= 0xffffffff) {
      out[0] = TWO_OCTET_AS;
      view.setUint16(2, asn);
      view.setUint32(4, local);
      return out;
    }
    if (asn > 0xffffffff || local > 0xffff) return null;
    out[0] = FOUR_OCTET_AS;
    view.setUint32(2, asn);
    view.setUint16(6, local);
    return out;
  }
  const ip = parseIpv4Number(m[2]);
  if (ip === null || local > 0xffff) return null;
  out[0] = IPV4_ADDRESS;
  view.setUint32(2, ip);
  view.setUint16(6, local);
  return out;
}
