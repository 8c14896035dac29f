/**
 * The UPDATE attribute scanner: one pass over received path attributes that validates each one, applies
 * RFC 7606 (which action each fault calls for), pulls out MP_REACH/MP_UNREACH, extracts the fields the
 * decision process needs, and produces the canonical attribute bytes that get interned. It allocates
 * nothing on the common path: the canonical bytes are usually one contiguous range of the input.
 *
 * RFC 7606 §4 frames the rules: a fault the attribute itself contains is handled per attribute (§7);
 * a fault in the attribute framing makes the rest unparseable, so the UPDATE is treat-as-withdraw and the
 * Total Path Attribute Length still locates the NLRI; a fault in MP_REACH/MP_UNREACH leaves the NLRI
 * unknown, so the session (or at least the family) must be reset.
 */

import { AttrSummary } from "../attr-set.js";
import { AS_TRANS, AttrFlag, AttrType, familyKey, SegmentType } from "../constants.js";
import type { CodecContext } from "../context.js";
import { bgpError, UpdateAction, type UpdateProblem, UpdateSubcode } from "../errors.js";
import { type NlriList, readNlri } from "../nlri.js";
import { ByteWriter } from "../writer.js";
import {
  type AsPath,
  asPathLength,
  decodeAsPath,
  encodeAsPath,
  hasConfedSegments,
  mergeAs4Path,
  scanAsPath,
} from "./as-path.js";
import { writeAttribute } from "./encode.js";

export interface MpReach {
  /** 4, 16 or 32 bytes (global and link-local IPv6, RFC 2545 §3); a view of the message, like the NLRI. */
  readonly nextHop: Uint8Array;
  readonly nlri: NlriList;
}

/** Everything the scan found. Reused between calls: read it before the next scan. */
export class ScanResult {
  action: UpdateAction = UpdateAction.NONE;
  problems: UpdateProblem[] | null = null;
  mpReach: MpReach | null = null;
  mpUnreach: NlriList | null = null;
  hasOrigin = false;
  hasAsPath = false;
  hasNextHop = false;
  /** Some attribute other than MP_UNREACH_NLRI was present (RFC 7606 §5.2). */
  hasOtherThanUnreach = false;
  readonly summary = new AttrSummary();
  /** Canonical attribute bytes are canonical[canonicalStart, canonicalEnd); empty when none. */
  canonical: Uint8Array = EMPTY;
  canonicalStart = 0;
  canonicalEnd = 0;

  problem(
    action: UpdateAction,
    attrType: number,
    subcode: number,
    reason: string,
    data?: Uint8Array,
    family?: number,
  ) {
    const p: UpdateProblem = {
      action,
      attrType,
      error: bgpError(3, subcode, reason, data),
      ...(family === undefined ? {} : { family }),
    };
    (this.problems ??= []).push(p);
    if (action > this.action) this.action = action;
  }
}

const EMPTY = new Uint8Array(0);
const O = AttrFlag.OPTIONAL;
const T = AttrFlag.TRANSITIVE;
const OT = O | T;

/** Optional/Transitive bits each known attribute must carry (RFC 4271 §5, RFC 4760, RFC 4360, RFC 6793,
 *  RFC 8092, RFC 4456). -1: not known here. */
const EXPECTED_FLAGS = new Int16Array(256).fill(-1);
for (const t of [
  AttrType.ORIGIN,
  AttrType.AS_PATH,
  AttrType.NEXT_HOP,
  AttrType.LOCAL_PREF,
  AttrType.ATOMIC_AGGREGATE,
])
  EXPECTED_FLAGS[t] = T;
for (const t of [
  AttrType.MULTI_EXIT_DISC,
  AttrType.ORIGINATOR_ID,
  AttrType.CLUSTER_LIST,
  AttrType.MP_REACH_NLRI,
  AttrType.MP_UNREACH_NLRI,
])
  EXPECTED_FLAGS[t] = O;
for (const t of [
  AttrType.AGGREGATOR,
  AttrType.COMMUNITIES,
  AttrType.EXTENDED_COMMUNITIES,
  AttrType.AS4_PATH,
  AttrType.AS4_AGGREGATOR,
  AttrType.LARGE_COMMUNITIES,
])
  EXPECTED_FLAGS[t] = OT;

/** Optional attributes kbgp carries opaquely but whose length rules are known: RFC 5701 (RFC 7606 §7.15)
 *  and RFC 9234 §5 (Only to Customer). */
const ATTR_IPV6_EXT_COMMUNITIES = 25;
const ATTR_OTC = 35;

const u16 = (b: Uint8Array, i: number) => (b[i] << 8) | b[i + 1];
const u32 = (b: Uint8Array, i: number) =>
  ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;

/** Duplicate detection without clearing a table per UPDATE: a slot is "seen" when it holds the current
 *  generation number. */
const seen = new Uint32Array(256);
let generation = 0;
/** Kept attribute ranges [start, end) of the input; AS_PATH_SLOT/AGGREGATOR_SLOT stand for attributes
 *  rewritten into 4-octet form. */
const keep: number[] = [];
const AS_PATH_SLOT = -1;
const AGGREGATOR_SLOT = -2;
const scratch = new ByteWriter(4096);
const result = new ScanResult();

/**
 * Scan the path attributes in b[start, end). Withdrawn routes and NLRI are the caller's business; so is
 * the mandatory-attribute check (§3 d), which depends on whether the UPDATE carries NLRI.
 */
export function scanAttributes(b: Uint8Array, start: number, end: number, ctx: CodecContext): ScanResult {
  const r = result;
  r.action = UpdateAction.NONE;
  r.problems = null;
  r.mpReach = null;
  r.mpUnreach = null;
  r.hasOrigin = r.hasAsPath = r.hasNextHop = r.hasOtherThanUnreach = false;
  r.summary.clear();
  r.canonical = EMPTY;
  r.canonicalStart = r.canonicalEnd = 0;
  if (++generation === 0xffffffff) {
    seen.fill(0);
    generation = 1;
  }
  keep.length = 0;
  const as4 = ctx.as4;
  const asSize = as4 ? 4 : 2;
  let asPathS = -1;
  let asPathE = -1;
  let as4PathS = -1;
  let as4PathE = -1;
  let aggS = -1;
  let as4AggS = -1;

  let p = start;
  while (p < end) {
    // RFC 7606 §4: too few octets for an attribute header, or an attribute overrunning the block.
    if (end - p < 3) {
      r.problem(
        UpdateAction.TREAT_AS_WITHDRAW,
        0,
        UpdateSubcode.MALFORMED_ATTRIBUTE_LIST,
        "trailing bytes after attributes",
      );
      break;
    }
    const flags = b[p];
    const type = b[p + 1];
    if (type !== AttrType.MP_UNREACH_NLRI) r.hasOtherThanUnreach = true;
    let vs: number;
    let len: number;
    if (flags & AttrFlag.EXTENDED_LENGTH) {
      if (end - p < 4) {
        r.problem(
          UpdateAction.TREAT_AS_WITHDRAW,
          type,
          UpdateSubcode.MALFORMED_ATTRIBUTE_LIST,
          "truncated attribute header",
        );
        break;
      }
      len = u16(b, p + 2);
      vs = p + 4;
    } else {
      len = b[p + 2];
      vs = p + 3;
    }
    const ve = vs + len;
    if (ve > end) {
      const mp = type === AttrType.MP_REACH_NLRI || type === AttrType.MP_UNREACH_NLRI;
      // An overrunning MP attribute hides which routes the UPDATE carried: §4 permits treat-as-withdraw
      // only when the NLRI can be located.
      r.problem(
        mp ? UpdateAction.SESSION_RESET : UpdateAction.TREAT_AS_WITHDRAW,
        type,
        mp ? UpdateSubcode.MALFORMED_ATTRIBUTE_LIST : UpdateSubcode.ATTRIBUTE_LENGTH_ERROR,
        "attribute length exceeds the path attributes",
      );
      break;
    }
    const as = p;
    p = ve;

    // RFC 7606 §3 (g): repeated MP attributes reset the session; other repeats are discarded.
    if (seen[type] === generation) {
      if (type === AttrType.MP_REACH_NLRI || type === AttrType.MP_UNREACH_NLRI) {
        r.problem(
          UpdateAction.SESSION_RESET,
          type,
          UpdateSubcode.MALFORMED_ATTRIBUTE_LIST,
          "repeated MP attribute",
        );
        break;
      }
      r.problem(
        UpdateAction.ATTRIBUTE_DISCARD,
        type,
        UpdateSubcode.MALFORMED_ATTRIBUTE_LIST,
        "repeated attribute",
      );
      continue;
    }
    seen[type] = generation;

    // RFC 7606 §3 (c): Optional/Transitive bits that contradict the attribute type make it malformed:
    // treat-as-withdraw, except AS4_* (discard, RFC 6793 §6) and MP attributes (§5.3: "incorrect", so
    // the family or the session is reset).
    const expected = EXPECTED_FLAGS[type];
    if (expected >= 0 && (flags & OT) !== expected) {
      const mp = type === AttrType.MP_REACH_NLRI || type === AttrType.MP_UNREACH_NLRI;
      const discard = type === AttrType.AS4_PATH || type === AttrType.AS4_AGGREGATOR;
      const reason = "attribute flags conflict with its type";
      if (mp) {
        if (len < 3) {
          r.problem(
            UpdateAction.SESSION_RESET,
            type,
            UpdateSubcode.ATTRIBUTE_FLAGS_ERROR,
            reason,
            b.slice(as, ve),
          );
          return r;
        }
        const fam = familyKey(u16(b, vs), b[vs + 2]);
        r.problem(
          UpdateAction.AFI_SAFI_DISABLE,
          type,
          UpdateSubcode.ATTRIBUTE_FLAGS_ERROR,
          reason,
          b.slice(as, ve),
          fam,
        );
        continue;
      }
      r.problem(
        discard ? UpdateAction.ATTRIBUTE_DISCARD : UpdateAction.TREAT_AS_WITHDRAW,
        type,
        UpdateSubcode.ATTRIBUTE_FLAGS_ERROR,
        reason,
        b.slice(as, ve),
      );
      continue;
    }

    switch (type) {
      case AttrType.ORIGIN:
        if (len !== 1 || b[vs] > 2) {
          r.problem(
            UpdateAction.TREAT_AS_WITHDRAW,
            type,
            UpdateSubcode.INVALID_ORIGIN,
            "invalid ORIGIN",
            b.slice(as, ve),
          );
          continue;
        }
        r.summary.origin = b[vs];
        r.hasOrigin = true;
        break;
      case AttrType.AS_PATH: {
        const n = scanAsPath(b, vs, ve, asSize);
        if (n < 0) {
          r.problem(
            UpdateAction.TREAT_AS_WITHDRAW,
            type,
            UpdateSubcode.MALFORMED_AS_PATH,
            "malformed AS_PATH",
          );
          continue;
        }
        r.summary.asPathLength = n;
        r.hasAsPath = true;
        if (!as4) {
          asPathS = vs;
          asPathE = ve;
          keep.push(AS_PATH_SLOT, as);
          continue;
        }
        break;
      }
      case AttrType.NEXT_HOP:
        if (len !== 4) {
          r.problem(
            UpdateAction.TREAT_AS_WITHDRAW,
            type,
            UpdateSubcode.ATTRIBUTE_LENGTH_ERROR,
            "NEXT_HOP length is not 4",
          );
          continue;
        }
        r.summary.nextHop = u32(b, vs);
        r.hasNextHop = true;
        break;
      case AttrType.MULTI_EXIT_DISC:
        if (len !== 4) {
          r.problem(
            UpdateAction.TREAT_AS_WITHDRAW,
            type,
            UpdateSubcode.ATTRIBUTE_LENGTH_ERROR,
            "MED length is not 4",
          );
          continue;
        }
        r.summary.med = u32(b, vs);
        break;
      case AttrType.LOCAL_PREF:
        if (ctx.ebgp) {
          r.problem(
            UpdateAction.ATTRIBUTE_DISCARD,
            type,
            UpdateSubcode.ATTRIBUTE_FLAGS_ERROR,
            "LOCAL_PREF from an external peer",
          );
          continue;
        }
        if (len !== 4) {
          r.problem(
            UpdateAction.TREAT_AS_WITHDRAW,
            type,
            UpdateSubcode.ATTRIBUTE_LENGTH_ERROR,
            "LOCAL_PREF length is not 4",
          );
          continue;
        }
        r.summary.localPref = u32(b, vs);
        break;
      case AttrType.ATOMIC_AGGREGATE:
        if (len !== 0) {
          r.problem(
            UpdateAction.ATTRIBUTE_DISCARD,
            type,
            UpdateSubcode.ATTRIBUTE_LENGTH_ERROR,
            "ATOMIC_AGGREGATE length is not 0",
          );
          continue;
        }
        break;
      case AttrType.AGGREGATOR:
        if (len !== asSize + 4) {
          r.problem(
            UpdateAction.ATTRIBUTE_DISCARD,
            type,
            UpdateSubcode.ATTRIBUTE_LENGTH_ERROR,
            "AGGREGATOR length is wrong",
          );
          continue;
        }
        if (!as4) {
          aggS = vs;
          keep.push(AGGREGATOR_SLOT, as);
          continue;
        }
        break;
      case AttrType.COMMUNITIES:
        if (len === 0 || len % 4 !== 0) {
          r.problem(
            UpdateAction.TREAT_AS_WITHDRAW,
            type,
            UpdateSubcode.OPTIONAL_ATTRIBUTE_ERROR,
            "COMMUNITIES length is not a non-zero multiple of 4",
          );
          continue;
        }
        break;
      case AttrType.ORIGINATOR_ID:
        if (ctx.ebgp) {
          r.problem(
            UpdateAction.ATTRIBUTE_DISCARD,
            type,
            UpdateSubcode.OPTIONAL_ATTRIBUTE_ERROR,
            "ORIGINATOR_ID from an external peer",
          );
          continue;
        }
        if (len !== 4) {
          r.problem(
            UpdateAction.TREAT_AS_WITHDRAW,
            type,
            UpdateSubcode.ATTRIBUTE_LENGTH_ERROR,
            "ORIGINATOR_ID length is not 4",
          );
          continue;
        }
        r.summary.originatorId = u32(b, vs);
        break;
      case AttrType.CLUSTER_LIST:
        if (ctx.ebgp) {
          r.problem(
            UpdateAction.ATTRIBUTE_DISCARD,
            type,
            UpdateSubcode.OPTIONAL_ATTRIBUTE_ERROR,
            "CLUSTER_LIST from an external peer",
          );
          continue;
        }
        if (len === 0 || len % 4 !== 0) {
          r.problem(
            UpdateAction.TREAT_AS_WITHDRAW,
            type,
            UpdateSubcode.ATTRIBUTE_LENGTH_ERROR,
            "CLUSTER_LIST length is not a non-zero multiple of 4",
          );
          continue;
        }
        r.summary.clusterListLength = len >>> 2;
        break;
      case AttrType.MP_REACH_NLRI:
        if (!scanMpReach(r, b, vs, ve, ctx)) return r;
        continue;
      case AttrType.MP_UNREACH_NLRI:
        if (!scanMpUnreach(r, b, vs, ve, ctx)) return r;
        continue;
      case AttrType.EXTENDED_COMMUNITIES:
        if (len === 0 || len % 8 !== 0) {
          r.problem(
            UpdateAction.TREAT_AS_WITHDRAW,
            type,
            UpdateSubcode.OPTIONAL_ATTRIBUTE_ERROR,
            "EXTENDED_COMMUNITIES length is not a non-zero multiple of 8",
          );
          continue;
        }
        break;
      case AttrType.AS4_PATH:
        // RFC 6793 §6: between two NEW speakers AS4_PATH is discarded; from an OLD speaker a malformed one
        // is discarded too (confederation segments in it are not malformed: they are dropped at the merge).
        // Either way it never enters canonical form: it is merged into AS_PATH.
        if (as4) {
          r.problem(
            UpdateAction.ATTRIBUTE_DISCARD,
            type,
            UpdateSubcode.OPTIONAL_ATTRIBUTE_ERROR,
            "AS4_PATH from a 4-octet AS speaker",
          );
        } else if (len < 6 || scanAsPath(b, vs, ve, 4) < 0) {
          r.problem(
            UpdateAction.ATTRIBUTE_DISCARD,
            type,
            UpdateSubcode.OPTIONAL_ATTRIBUTE_ERROR,
            "malformed AS4_PATH",
          );
        } else {
          as4PathS = vs;
          as4PathE = ve;
        }
        continue;
      case AttrType.AS4_AGGREGATOR:
        if (as4) {
          r.problem(
            UpdateAction.ATTRIBUTE_DISCARD,
            type,
            UpdateSubcode.OPTIONAL_ATTRIBUTE_ERROR,
            "AS4_AGGREGATOR from a 4-octet AS speaker",
          );
        } else if (len !== 8) {
          r.problem(
            UpdateAction.ATTRIBUTE_DISCARD,
            type,
            UpdateSubcode.OPTIONAL_ATTRIBUTE_ERROR,
            "AS4_AGGREGATOR length is not 8",
          );
        } else as4AggS = vs;
        continue;
      case AttrType.LARGE_COMMUNITIES:
        if (len === 0 || len % 12 !== 0) {
          r.problem(
            UpdateAction.TREAT_AS_WITHDRAW,
            type,
            UpdateSubcode.OPTIONAL_ATTRIBUTE_ERROR,
            "LARGE_COMMUNITIES length is not a non-zero multiple of 12",
          );
          continue;
        }
        break;
      case ATTR_IPV6_EXT_COMMUNITIES:
        if (len === 0 || len % 20 !== 0) {
          r.problem(
            UpdateAction.TREAT_AS_WITHDRAW,
            type,
            UpdateSubcode.OPTIONAL_ATTRIBUTE_ERROR,
            "IPv6 extended communities length is not a non-zero multiple of 20",
          );
          continue;
        }
        break;
      case ATTR_OTC:
        if (len !== 4) {
          r.problem(
            UpdateAction.TREAT_AS_WITHDRAW,
            type,
            UpdateSubcode.OPTIONAL_ATTRIBUTE_ERROR,
            "OTC length is not 4",
          );
          continue;
        }
        break;
      default:
        // RFC 4271 §6.3: an unrecognised well-known attribute cannot be passed on or ignored.
        if ((flags & O) === 0) {
          r.problem(
            UpdateAction.SESSION_RESET,
            type,
            UpdateSubcode.UNRECOGNIZED_WELL_KNOWN_ATTRIBUTE,
            "unrecognized well-known attribute",
            b.slice(as, ve),
          );
          return r;
        }
    }
    // Keep the attribute, extending the previous range when they touch.
    const n = keep.length;
    if (n > 0 && keep[n - 1] === as && keep[n - 2] >= 0) keep[n - 1] = ve;
    else keep.push(as, ve);
  }

  // The canonical set is built for treat-as-withdraw and AFI/SAFI disable too: a live session drops it,
  // an analysis tool may want to show what the faulty UPDATE carried.
  if (r.action >= UpdateAction.SESSION_RESET || keep.length === 0) return r;
  if (keep.length === 2 && keep[0] >= 0) {
    r.canonical = b;
    r.canonicalStart = keep[0];
    r.canonicalEnd = keep[1];
    return r;
  }
  // Several ranges, or 2-octet AS attributes to widen: assemble the canonical bytes.
  const w = scratch.reset();
  let path: AsPath | null = null;
  let aggAsn = -1;
  let aggAddr = 0;
  if (!as4) {
    // RFC 6793 §4.2.3: when AGGREGATOR and AS4_AGGREGATOR are both present and AGGREGATOR is not AS_TRANS,
    // an OLD speaker aggregated last, so AS4_PATH and AS4_AGGREGATOR are stale and ignored.
    const ignoreAs4 = aggS >= 0 && as4AggS >= 0 && u16(b, aggS) !== AS_TRANS;
    if (aggS >= 0) {
      aggAsn = u16(b, aggS);
      aggAddr = u32(b, aggS + 2);
      if (as4AggS >= 0 && !ignoreAs4) {
        aggAsn = u32(b, as4AggS);
        aggAddr = u32(b, as4AggS + 4);
      }
    }
    if (asPathS >= 0) {
      path = decodeAsPath(b, asPathS, asPathE, 2);
      if (!ignoreAs4 && as4PathS >= 0) {
        // RFC 6793 §6: confederation segments in AS4_PATH are dropped, the rest is used.
        let as4Path = decodeAsPath(b, as4PathS, as4PathE, 4);
        if (hasConfedSegments(b, as4PathS, as4PathE, 4)) {
          as4Path = as4Path.filter(
            (seg) => seg.type === SegmentType.AS_SEQUENCE || seg.type === SegmentType.AS_SET,
          );
        }
        path = mergeAs4Path(path, as4Path);
      }
      r.summary.asPathLength = asPathLength(path);
    }
  }
  for (let i = 0; i < keep.length; i += 2) {
    const s = keep[i];
    if (s === AS_PATH_SLOT) {
      const finalPath = path ?? [];
      writeAttribute(w, b[keep[i + 1]] & ~AttrFlag.EXTENDED_LENGTH, AttrType.AS_PATH, (w) =>
        encodeAsPath(w, finalPath, 4),
      );
    } else if (s === AGGREGATOR_SLOT) {
      writeAttribute(w, b[keep[i + 1]] & ~AttrFlag.EXTENDED_LENGTH, AttrType.AGGREGATOR, (w) =>
        w.u32(aggAsn).u32(aggAddr),
      );
    } else w.bytes(b, s, keep[i + 1]);
  }
  r.canonical = w.buf;
  r.canonicalStart = 0;
  r.canonicalEnd = w.pos;
  return r;
}

/** RFC 4760 §3 MP_REACH_NLRI. Returns false when the session must be reset. */
function scanMpReach(r: ScanResult, b: Uint8Array, vs: number, ve: number, ctx: CodecContext): boolean {
  const len = ve - vs;
  // RFC 6396 §4.3.4: in TABLE_DUMP_V2 RIB entries only the next hop length and next hop are present.
  if (ctx.mrtRibEntry && len >= 1 && b[vs] === len - 1) {
    r.mpReach = {
      nextHop: b.subarray(vs + 1, ve),
      nlri: { afi: 0, safi: 0, addPath: false, bytes: EMPTY, count: 0 },
    };
    return true;
  }
  if (len < 5) {
    r.problem(
      UpdateAction.SESSION_RESET,
      AttrType.MP_REACH_NLRI,
      UpdateSubcode.OPTIONAL_ATTRIBUTE_ERROR,
      "MP_REACH_NLRI too short",
    );
    return false;
  }
  const afi = u16(b, vs);
  const safi = b[vs + 2];
  const fam = familyKey(afi, safi);
  const nhLen = b[vs + 3];
  // RFC 7606 §7.11: a next hop length that does not fit, or does not suit the family, hides where the
  // NLRI start: AFI/SAFI disable (or session reset).
  if (5 + nhLen > len || !nextHopLengthOk(afi, safi, nhLen, fam, ctx)) {
    r.problem(
      UpdateAction.AFI_SAFI_DISABLE,
      AttrType.MP_REACH_NLRI,
      UpdateSubcode.OPTIONAL_ATTRIBUTE_ERROR,
      "MP_REACH_NLRI next hop length is wrong",
      undefined,
      fam,
    );
    return true;
  }
  const nlri = readNlri(b, vs + 5 + nhLen, ve, afi, safi, ctx.addPath.has(fam));
  if (!nlri) {
    r.problem(
      UpdateAction.AFI_SAFI_DISABLE,
      AttrType.MP_REACH_NLRI,
      UpdateSubcode.INVALID_NETWORK_FIELD,
      "malformed NLRI in MP_REACH_NLRI",
      undefined,
      fam,
    );
    return true;
  }
  r.mpReach = { nextHop: b.subarray(vs + 4, vs + 4 + nhLen), nlri };
  return true;
}

function nextHopLengthOk(afi: number, safi: number, nhLen: number, fam: number, ctx: CodecContext): boolean {
  if (safi !== 1 && safi !== 2) return true; // families we carry opaquely
  if (afi === 2) return nhLen === 16 || nhLen === 32; // RFC 2545 §3
  if (afi === 1)
    return (
      nhLen === 4 || ((nhLen === 16 || nhLen === 32) && (ctx.mrtRibEntry || ctx.extendedNextHop.has(fam)))
    ); // RFC 8950 §3
  return true;
}

/** RFC 4760 §4 MP_UNREACH_NLRI. */
function scanMpUnreach(r: ScanResult, b: Uint8Array, vs: number, ve: number, ctx: CodecContext): boolean {
  if (ve - vs < 3) {
    r.problem(
      UpdateAction.SESSION_RESET,
      AttrType.MP_UNREACH_NLRI,
      UpdateSubcode.OPTIONAL_ATTRIBUTE_ERROR,
      "MP_UNREACH_NLRI too short",
    );
    return false;
  }
  const afi = u16(b, vs);
  const safi = b[vs + 2];
  const fam = familyKey(afi, safi);
  const nlri = readNlri(b, vs + 3, ve, afi, safi, ctx.addPath.has(fam));
  if (!nlri) {
    r.problem(
      UpdateAction.AFI_SAFI_DISABLE,
      AttrType.MP_UNREACH_NLRI,
      UpdateSubcode.INVALID_NETWORK_FIELD,
      "malformed NLRI in MP_UNREACH_NLRI",
      undefined,
      fam,
    );
    return true;
  }
  r.mpUnreach = nlri;
  return true;
}
