/**
 * UPDATE messages (RFC 4271 §4.3) decoded into an `UpdateMessage`: the withdrawn and announced NLRI as
 * validated byte ranges, MP_REACH/MP_UNREACH (RFC 4760), the interned attribute set, and the RFC 7606
 * outcome. Nothing here throws on peer input; the worst case is an UpdateMessage whose action is
 * SESSION_RESET with the NOTIFICATION to send in `problems`.
 */

import { type AttrInterner, type AttrSet, uninternedSet } from "./attr-set.js";
import { type MpReach, scanAttributes } from "./attributes/scan.js";
import { Afi, AttrType, IPV4_UNICAST, MessageType, Safi } from "./constants.js";
import type { CodecContext } from "./context.js";
import { bgpError, UpdateAction, type UpdateProblem, UpdateSubcode } from "./errors.js";
import { type NlriList, readNlri } from "./nlri.js";

export type { MpReach };

export interface UpdateMessage {
  readonly type: typeof MessageType.UPDATE;
  /** IPv4 unicast withdrawn routes; null when the field is empty. */
  readonly withdrawn: NlriList | null;
  /** IPv4 unicast NLRI; null when the field is empty. */
  readonly nlri: NlriList | null;
  readonly mpReach: MpReach | null;
  readonly mpUnreach: NlriList | null;
  /** The interned attributes (all but MP_REACH/MP_UNREACH); null when the UPDATE has none or when its
   *  routes are to be treated as withdrawn (unless the caller asked to keep them). */
  readonly attrs: AttrSet | null;
  /** The strongest RFC 7606 action among `problems`. With TREAT_AS_WITHDRAW, `nlri` and `mpReach.nlri`
   *  are to be withdrawn; with SESSION_RESET, the first problem of that action holds the NOTIFICATION. */
  readonly action: UpdateAction;
  readonly problems: readonly UpdateProblem[];
}

const NO_PROBLEMS: readonly UpdateProblem[] = Object.freeze([]);
const u16 = (b: Uint8Array, i: number) => (b[i] << 8) | b[i + 1];

function broken(subcode: number, reason: string): UpdateMessage {
  return {
    type: MessageType.UPDATE,
    withdrawn: null,
    nlri: null,
    mpReach: null,
    mpUnreach: null,
    attrs: null,
    action: UpdateAction.SESSION_RESET,
    problems: [{ action: UpdateAction.SESSION_RESET, attrType: 0, error: bgpError(3, subcode, reason) }],
  };
}

/** Decode an UPDATE body (the bytes after the 19-byte header). Attribute sets are interned in
 *  `interner` when one is given. `keepAttributesOnWithdraw` fills `attrs` even for treat-as-withdraw, for
 *  tools that show what a faulty UPDATE carried; a session never sets it. */
export function decodeUpdate(
  body: Uint8Array,
  ctx: CodecContext,
  interner?: AttrInterner,
  keepAttributesOnWithdraw = false,
): UpdateMessage {
  const len = body.length;
  // RFC 4271 §6.3: lengths that do not add up make the whole message unparseable.
  if (len < 4) return broken(UpdateSubcode.MALFORMED_ATTRIBUTE_LIST, "UPDATE shorter than its length fields");
  const wEnd = 2 + u16(body, 0);
  if (wEnd + 2 > len)
    return broken(UpdateSubcode.MALFORMED_ATTRIBUTE_LIST, "withdrawn routes length exceeds the message");
  const aStart = wEnd + 2;
  const aEnd = aStart + u16(body, wEnd);
  if (aEnd > len)
    return broken(UpdateSubcode.MALFORMED_ATTRIBUTE_LIST, "total path attribute length exceeds the message");

  const v4AddPath = ctx.addPath.has(IPV4_UNICAST);
  let withdrawn: NlriList | null = null;
  if (wEnd > 2) {
    withdrawn = readNlri(body, 2, wEnd, Afi.IPV4, Safi.UNICAST, v4AddPath);
    // RFC 7606 §5.3: NLRI that cannot be parsed leave no choice but a session reset.
    if (!withdrawn) return broken(UpdateSubcode.INVALID_NETWORK_FIELD, "malformed withdrawn routes");
  }
  let nlri: NlriList | null = null;
  if (aEnd < len) {
    nlri = readNlri(body, aEnd, len, Afi.IPV4, Safi.UNICAST, v4AddPath);
    if (!nlri) return broken(UpdateSubcode.INVALID_NETWORK_FIELD, "malformed NLRI");
  }

  const r = scanAttributes(body, aStart, aEnd, ctx);
  const mpReach = r.mpReach;
  const announces = (nlri !== null && nlri.count > 0) || (mpReach !== null && mpReach.nlri.bytes.length > 0);
  // RFC 7606 §3 (d): missing well-known mandatory attributes make the routes treat-as-withdraw. NEXT_HOP
  // is only mandatory for IPv4 NLRI outside MP_REACH_NLRI (RFC 4760 §3).
  if (announces && r.action < UpdateAction.TREAT_AS_WITHDRAW) {
    const missing = !r.hasOrigin
      ? AttrType.ORIGIN
      : !r.hasAsPath
        ? AttrType.AS_PATH
        : nlri !== null && !r.hasNextHop
          ? AttrType.NEXT_HOP
          : 0;
    if (missing) {
      r.problem(
        UpdateAction.TREAT_AS_WITHDRAW,
        missing,
        UpdateSubcode.MISSING_WELL_KNOWN_ATTRIBUTE,
        "missing well-known attribute",
        Uint8Array.of(missing),
      );
    }
  }
  // RFC 7606 §5.2: an UPDATE with attributes but no reachable NLRI has no routes to withdraw, so any
  // fault stronger than attribute discard resets the session.
  if (!announces && r.hasOtherThanUnreach && r.action === UpdateAction.TREAT_AS_WITHDRAW) {
    const first = r.problems!.find((p) => p.action === UpdateAction.TREAT_AS_WITHDRAW)!;
    r.problem(
      UpdateAction.SESSION_RESET,
      first.attrType,
      first.error.subcode,
      `${first.error.reason} (UPDATE without NLRI)`,
      first.error.data,
    );
  }
  let attrs: AttrSet | null = null;
  const limit = keepAttributesOnWithdraw ? UpdateAction.AFI_SAFI_DISABLE : UpdateAction.ATTRIBUTE_DISCARD;
  if (r.canonicalEnd > r.canonicalStart && r.action <= limit) {
    attrs = interner
      ? interner.intern(r.canonical, r.canonicalStart, r.canonicalEnd, r.summary)
      : uninternedSet(r.canonical, r.canonicalStart, r.canonicalEnd, r.summary);
  }
  return {
    type: MessageType.UPDATE,
    withdrawn,
    nlri,
    mpReach,
    mpUnreach: r.mpUnreach,
    attrs,
    action: r.action,
    problems: r.problems ?? NO_PROBLEMS,
  };
}

/** The family an UPDATE marks End-of-RIB for (RFC 4724 §2), or -1. IPv4 unicast: an UPDATE with nothing
 *  in it; other families: an MP_UNREACH_NLRI with no NLRI and nothing else. */
export function endOfRibFamily(u: UpdateMessage): number {
  if (u.withdrawn || u.nlri || u.mpReach || u.attrs || u.action !== UpdateAction.NONE) return -1;
  if (!u.mpUnreach) return IPV4_UNICAST;
  return u.mpUnreach.bytes.length === 0 ? (u.mpUnreach.afi << 8) | u.mpUnreach.safi : -1;
}
