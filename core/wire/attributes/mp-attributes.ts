/**
 * MP_REACH_NLRI and MP_UNREACH_NLRI (RFC 4760 §3, §4). Their faults hide which routes the UPDATE carried,
 * so they reset the family (AFI/SAFI disable) or the session rather than withdraw (RFC 7606 §3 j, §5.3,
 * §7.11). RFC 4760 §7 names the NOTIFICATION: UPDATE Message Error / Optional Attribute Error.
 */
import { AttrType, familyKey } from "../constants.js";
import type { CodecContext } from "../context.js";
import { UpdateSubcode } from "../errors.js";
import { readNlri } from "../nlri.js";
import type { ScanResult } from "./scan-result.js";

const EMPTY = new Uint8Array(0);
const u16 = (b: Uint8Array, i: number) => (b[i] << 8) | b[i + 1];
const { OPTIONAL_ATTRIBUTE_ERROR: OPTIONAL, INVALID_NETWORK_FIELD: NETWORK } = UpdateSubcode;

/** Whether a next hop of `len` bytes suits the family (RFC 2545 §3, RFC 8950 §3). */
function nextHopLengthOk(afi: number, safi: number, len: number, ctx: CodecContext): boolean {
  if (safi !== 1 && safi !== 2) return true; // families kbgp carries opaquely
  if (afi === 2) return len === 16 || len === 32;
  if (afi !== 1) return true;
  return (
    len === 4 ||
    ((len === 16 || len === 32) && (ctx.mrtRibEntry || ctx.extendedNextHop.has(familyKey(afi, safi))))
  );
}

/** Parse MP_REACH_NLRI in b[vs, ve) into `r`. Returns false when the session must be reset. */
export function scanMpReach(
  r: ScanResult,
  b: Uint8Array,
  vs: number,
  ve: number,
  ctx: CodecContext,
): boolean {
  const len = ve - vs;
  const type = AttrType.MP_REACH_NLRI;
  // RFC 6396 §4.3.4: in TABLE_DUMP_V2 RIB entries only the next hop length and next hop are present.
  if (ctx.mrtRibEntry && len >= 1 && b[vs] === len - 1) {
    r.mpReach = {
      nextHop: b.subarray(vs + 1, ve),
      nlri: { afi: 0, safi: 0, addPath: false, bytes: EMPTY, count: 0 },
    };
    return true;
  }
  if (len < 5) {
    r.resetSession(type, OPTIONAL, "MP_REACH_NLRI too short");
    return false;
  }
  const afi = u16(b, vs);
  const safi = b[vs + 2];
  const fam = familyKey(afi, safi);
  const nhLen = b[vs + 3];
  if (5 + nhLen > len || !nextHopLengthOk(afi, safi, nhLen, ctx)) {
    r.disable(type, OPTIONAL, "MP_REACH_NLRI next hop length is wrong", fam);
    return true;
  }
  const nlri = readNlri(b, vs + 5 + nhLen, ve, afi, safi, ctx.addPath.has(fam));
  if (!nlri) {
    r.disable(type, NETWORK, "malformed NLRI in MP_REACH_NLRI", fam);
    return true;
  }
  r.mpReach = { nextHop: b.subarray(vs + 4, vs + 4 + nhLen), nlri };
  return true;
}

/** Parse MP_UNREACH_NLRI in b[vs, ve) into `r`. Returns false when the session must be reset. */
export function scanMpUnreach(
  r: ScanResult,
  b: Uint8Array,
  vs: number,
  ve: number,
  ctx: CodecContext,
): boolean {
  const type = AttrType.MP_UNREACH_NLRI;
  if (ve - vs < 3) {
    r.resetSession(type, OPTIONAL, "MP_UNREACH_NLRI too short");
    return false;
  }
  const afi = u16(b, vs);
  const safi = b[vs + 2];
  const fam = familyKey(afi, safi);
  const nlri = readNlri(b, vs + 3, ve, afi, safi, ctx.addPath.has(fam));
  if (!nlri) {
    r.disable(type, NETWORK, "malformed NLRI in MP_UNREACH_NLRI", fam);
    return true;
  }
  r.mpUnreach = nlri;
  return true;
}
