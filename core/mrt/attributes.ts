/**
 * Path attributes as MRT stores them: in RIB entries (RFC 6396 §4.3.4, where MP_REACH_NLRI may be cut down
 * to its next hop) and in TABLE_DUMP v1 entries. Decoded with the UPDATE scanner so MRT data gets exactly
 * the same validation and canonical form as a live session.
 */
import {
  type AttrInterner,
  type AttrSet,
  type CodecContext,
  codecContext,
  scanAttributes,
  type UpdateAction,
  type UpdateProblem,
  uninternedSet,
} from "../wire/index.js";

export interface MrtAttributes {
  /** Canonical attribute set; null when the entry has no attributes besides MP_REACH. */
  readonly attrs: AttrSet | null;
  /** Next hop from MP_REACH_NLRI (abbreviated or full form), a view of the record, or null. */
  readonly mpNextHop: Uint8Array | null;
  readonly action: UpdateAction;
  readonly problems: readonly UpdateProblem[];
}

const RIB_AS4 = codecContext({ as4: true, mrtRibEntry: true });
const RIB_AS2 = codecContext({ as4: false, mrtRibEntry: true });

export function decodeMrtAttributes(
  b: Uint8Array,
  start: number,
  end: number,
  as4: boolean,
  interner?: AttrInterner,
): MrtAttributes {
  const ctx: CodecContext = as4 ? RIB_AS4 : RIB_AS2;
  const r = scanAttributes(b, start, end, ctx);
  let attrs: AttrSet | null = null;
  if (r.canonicalEnd > r.canonicalStart) {
    attrs = interner
      ? interner.intern(r.canonical, r.canonicalStart, r.canonicalEnd, r.summary)
      : uninternedSet(r.canonical, r.canonicalStart, r.canonicalEnd, r.summary);
  }
  return { attrs, mpNextHop: r.mpReach?.nextHop ?? null, action: r.action, problems: r.problems ?? [] };
}
