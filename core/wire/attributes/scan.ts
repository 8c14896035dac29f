/**
 * The UPDATE attribute scanner: one pass over received path attributes that validates each one, applies
 * RFC 7606 (which action each fault calls for), pulls out MP_REACH/MP_UNREACH, extracts the fields the
 * decision process needs, and delimits the canonical attribute bytes that get interned. It allocates
 * nothing on the common path: the canonical bytes are usually one contiguous range of the input.
 *
 * RFC 7606 §4 frames the rules: a fault inside an attribute is handled per attribute (§7, `rules.ts`); a
 * fault in the attribute framing makes the rest unparseable, so the UPDATE is treat-as-withdraw and the
 * Total Path Attribute Length still locates the NLRI; a fault in MP_REACH/MP_UNREACH leaves the NLRI
 * unknown, so the family or the session must be reset (`mp-attributes.ts`).
 */
import { AttrFlag, AttrType, familyKey } from "../constants.js";
import type { CodecContext } from "../context.js";
import { UpdateAction, UpdateSubcode } from "../errors.js";
import { ByteWriter } from "../writer.js";
import { asPathLength, encodeAsPath, scanAsPath } from "./as-path.js";
import { type As2Spans, reconcileAs4 } from "./as4-reconcile.js";
import { writeAttribute } from "./encode.js";
import { scanMpReach, scanMpUnreach } from "./mp-attributes.js";
import { lengthOk, RULES } from "./rules.js";
import { ScanResult } from "./scan-result.js";

export { type MpReach, ScanResult } from "./scan-result.js";

const OT = AttrFlag.OPTIONAL | AttrFlag.TRANSITIVE;
const S = UpdateSubcode;
const u16 = (b: Uint8Array, i: number) => (b[i] << 8) | b[i + 1];
const u32 = (b: Uint8Array, i: number) =>
  ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;

/** Duplicate detection without clearing a table per UPDATE: a slot is "seen" when it holds the current
 *  generation number. */
const seen = new Uint32Array(256);
let generation = 0;
/** Kept attribute ranges [start, end) of the input; AS_PATH_SLOT/AGGREGATOR_SLOT (with the attribute's
 *  start) stand for attributes rewritten into 4-octet form. */
const keep: number[] = [];
const AS_PATH_SLOT = -1;
const AGGREGATOR_SLOT = -2;
const spans: As2Spans = {
  asPathStart: -1,
  asPathEnd: -1,
  as4PathStart: -1,
  as4PathEnd: -1,
  aggregator: -1,
  as4Aggregator: -1,
};
const scratch = new ByteWriter(4096);
const result = new ScanResult();

/**
 * Scan the path attributes in b[start, end). Withdrawn routes and NLRI are the caller's business; so is
 * the mandatory-attribute check (§3 d), which depends on whether the UPDATE carries NLRI.
 */
export function scanAttributes(b: Uint8Array, start: number, end: number, ctx: CodecContext): ScanResult {
  const r = result.reset();
  if (++generation === 0xffffffff) {
    seen.fill(0);
    generation = 1;
  }
  keep.length = 0;
  spans.asPathStart = spans.as4PathStart = spans.aggregator = spans.as4Aggregator = -1;
  const as4 = ctx.as4;
  const asSize = as4 ? 4 : 2;

  for (let p = start; p < end; ) {
    // RFC 7606 §4: too few octets for an attribute header, or an attribute overrunning the block.
    if (end - p < 3) {
      r.withdraw(0, S.MALFORMED_ATTRIBUTE_LIST, "trailing bytes after attributes");
      break;
    }
    const flags = b[p];
    const type = b[p + 1];
    const mp = type === AttrType.MP_REACH_NLRI || type === AttrType.MP_UNREACH_NLRI;
    if (type !== AttrType.MP_UNREACH_NLRI) r.hasOtherThanUnreach = true;
    const ext = (flags & AttrFlag.EXTENDED_LENGTH) !== 0;
    if (ext && end - p < 4) {
      r.withdraw(type, S.MALFORMED_ATTRIBUTE_LIST, "truncated attribute header");
      break;
    }
    const len = ext ? u16(b, p + 2) : b[p + 2];
    const vs = p + (ext ? 4 : 3);
    const ve = vs + len;
    if (ve > end) {
      // An overrunning MP attribute hides which routes the UPDATE carried; treat-as-withdraw needs them.
      const reason = "attribute length exceeds the path attributes";
      if (mp) r.resetSession(type, S.MALFORMED_ATTRIBUTE_LIST, reason);
      else r.withdraw(type, S.ATTRIBUTE_LENGTH_ERROR, reason);
      break;
    }
    const as = p;
    p = ve;

    // RFC 7606 §3 (g): repeated MP attributes reset the session; other repeats are discarded.
    if (seen[type] === generation) {
      if (mp) {
        r.resetSession(type, S.MALFORMED_ATTRIBUTE_LIST, "repeated MP attribute");
        break;
      }
      r.discard(type, S.MALFORMED_ATTRIBUTE_LIST, "repeated attribute");
      continue;
    }
    seen[type] = generation;

    const rule = RULES[type];
    if (!rule) {
      // RFC 4271 §6.3: an unrecognised well-known attribute can be neither passed on nor ignored.
      if ((flags & AttrFlag.OPTIONAL) === 0) {
        r.resetSession(
          type,
          S.UNRECOGNIZED_WELL_KNOWN_ATTRIBUTE,
          "unrecognized well-known attribute",
          b.slice(as, ve),
        );
        return r;
      }
    } else {
      // RFC 7606 §3 (c): Optional/Transitive bits that contradict the type make the attribute malformed:
      // treat-as-withdraw, except AS4_* (discard, RFC 6793 §6) and MP attributes (§5.3: the family or
      // the session is reset).
      if ((flags & OT) !== rule.flags) {
        const reason = `${rule.name} flags conflict with its type`;
        if (!mp) {
          if (type === AttrType.AS4_PATH || type === AttrType.AS4_AGGREGATOR)
            r.discard(type, S.ATTRIBUTE_FLAGS_ERROR, reason);
          else r.withdraw(type, S.ATTRIBUTE_FLAGS_ERROR, reason, b.slice(as, ve));
        } else if (len >= 3)
          r.disable(type, S.ATTRIBUTE_FLAGS_ERROR, reason, familyKey(u16(b, vs), b[vs + 2]), b.slice(as, ve));
        else {
          r.resetSession(type, S.ATTRIBUTE_FLAGS_ERROR, reason, b.slice(as, ve));
          return r;
        }
        continue;
      }
      if (rule.internalOnly && ctx.ebgp) {
        // No subcode describes this discard; RFC 4271 §4.5 says to use 0 (Unspecific) then.
        r.discard(type, 0, `${rule.name} from an external peer`);
        continue;
      }
      if (!lengthOk(rule, len, asSize)) {
        r.problem(rule.badLength, type, rule.subcode, `${rule.name} length ${len} is wrong`, b.slice(as, ve));
        continue;
      }
    }

    switch (type) {
      case AttrType.ORIGIN:
        if (len !== 1 || b[vs] > 2) {
          r.withdraw(type, S.INVALID_ORIGIN, "invalid ORIGIN", b.slice(as, ve));
          continue;
        }
        r.summary.origin = b[vs];
        r.hasOrigin = true;
        break;
      case AttrType.AS_PATH: {
        // RFC 7607 §2 on sessions (ebgp known); MRT contexts leave it undefined.
        const n = scanAsPath(b, vs, ve, asSize, ctx.ebgp !== undefined);
        if (n < 0) {
          r.withdraw(type, S.MALFORMED_AS_PATH, "malformed AS_PATH");
          continue;
        }
        r.summary.asPathLength = n;
        r.hasAsPath = true;
        if (!as4) {
          spans.asPathStart = vs;
          spans.asPathEnd = ve;
          keep.push(AS_PATH_SLOT, as);
          continue;
        }
        break;
      }
      case AttrType.NEXT_HOP:
        r.summary.nextHop = u32(b, vs);
        r.hasNextHop = true;
        break;
      case AttrType.MULTI_EXIT_DISC:
        r.summary.med = u32(b, vs);
        break;
      case AttrType.LOCAL_PREF:
        r.summary.localPref = u32(b, vs);
        break;
      case AttrType.AGGREGATOR:
        // RFC 7607 §2: AS 0 in AGGREGATOR is malformed, which RFC 7606 §7.7 answers with attribute discard
        // (sessions only: MRT analysis shows what was recorded).
        if (ctx.ebgp !== undefined && (as4 ? u32(b, vs) : u16(b, vs)) === 0) {
          r.discard(type, S.OPTIONAL_ATTRIBUTE_ERROR, "AGGREGATOR with AS 0");
          continue;
        }
        if (!as4) {
          spans.aggregator = vs;
          keep.push(AGGREGATOR_SLOT, as);
          continue;
        }
        break;
      case AttrType.ORIGINATOR_ID:
        r.summary.originatorId = u32(b, vs);
        break;
      case AttrType.CLUSTER_LIST:
        r.summary.clusterListLength = len >>> 2;
        break;
      case AttrType.MP_REACH_NLRI:
        if (!scanMpReach(r, b, vs, ve, ctx)) return r;
        continue;
      case AttrType.MP_UNREACH_NLRI:
        if (!scanMpUnreach(r, b, vs, ve, ctx)) return r;
        continue;
      case AttrType.AS4_PATH:
        // RFC 6793 §6: between two NEW speakers AS4_PATH is discarded; from an OLD speaker a malformed one
        // is discarded too. Either way it never enters canonical form: it is merged into AS_PATH.
        if (as4) r.discard(type, S.OPTIONAL_ATTRIBUTE_ERROR, "AS4_PATH from a 4-octet AS speaker");
        else if (len < 6 || scanAsPath(b, vs, ve, 4, ctx.ebgp !== undefined) < 0)
          r.discard(type, S.OPTIONAL_ATTRIBUTE_ERROR, "malformed AS4_PATH");
        else {
          spans.as4PathStart = vs;
          spans.as4PathEnd = ve;
        }
        continue;
      case AttrType.AS4_AGGREGATOR:
        if (as4) r.discard(type, S.OPTIONAL_ATTRIBUTE_ERROR, "AS4_AGGREGATOR from a 4-octet AS speaker");
        else if (len !== 8) r.discard(type, S.OPTIONAL_ATTRIBUTE_ERROR, "AS4_AGGREGATOR length is not 8");
        else if (ctx.ebgp !== undefined && u32(b, vs) === 0)
          r.discard(type, S.OPTIONAL_ATTRIBUTE_ERROR, "AS4_AGGREGATOR with AS 0"); // RFC 7607 §2
        else spans.as4Aggregator = vs;
        continue;
    }
    // Keep the attribute, extending the previous range when they touch.
    const n = keep.length;
    if (n > 0 && keep[n - 1] === as && keep[n - 2] >= 0) keep[n - 1] = ve;
    else keep.push(as, ve);
  }
  // The canonical set is built for treat-as-withdraw and AFI/SAFI disable too: a live session drops it,
  // an analysis tool may want to show what the faulty UPDATE carried.
  if (r.action < UpdateAction.SESSION_RESET && keep.length > 0) canonicalize(r, b, as4);
  return r;
}

/** Point `r.canonical` at the kept attributes: the input itself when they are one range, else a copy
 *  assembled in the scratch buffer, with 2-octet AS_PATH/AGGREGATOR widened (RFC 6793 §4.2.3). */
function canonicalize(r: ScanResult, b: Uint8Array, as4: boolean): void {
  if (keep.length === 2 && keep[0] >= 0) {
    r.canonical = b;
    r.canonicalStart = keep[0];
    r.canonicalEnd = keep[1];
    return;
  }
  const w = scratch.reset();
  const wide = as4 ? null : reconcileAs4(b, spans);
  if (wide?.path) r.summary.asPathLength = asPathLength(wide.path);
  for (let i = 0; i < keep.length; i += 2) {
    const s = keep[i];
    const flags = b[keep[i + 1]] & ~AttrFlag.EXTENDED_LENGTH;
    if (s === AS_PATH_SLOT)
      writeAttribute(w, flags, AttrType.AS_PATH, (w) => encodeAsPath(w, wide?.path ?? [], 4));
    else if (s === AGGREGATOR_SLOT) {
      writeAttribute(w, flags, AttrType.AGGREGATOR, (w) =>
        w.u32(wide!.aggregatorAsn).u32(wide!.aggregatorAddress),
      );
    } else w.bytes(b, s, keep[i + 1]);
  }
  r.canonical = w.buf;
  r.canonicalStart = 0;
  r.canonicalEnd = w.pos;
}
