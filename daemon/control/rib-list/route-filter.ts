/**
 * `rib.list`'s `community` and `asn` filters (docs/api.md). Routes share interned attribute sets, so the
 * question is asked of a set, once per listing, and the answer is kept: a million-route listing with a
 * filter reads the attribute bytes of each distinct set once and decodes nothing. The test reads the
 * canonical bytes directly (the attribute's values, no decoding into objects), so a set that does not match
 * costs no allocation either.
 */
import type { Exported } from "../../../core/rib/adj-rib-out.js";
import {
  type AttrSet,
  AttrType,
  findAttribute,
  formatExtCommunity,
  type LargeCommunity,
  parseCommunity,
  parseLargeCommunity,
  u32,
} from "../../../core/wire/index.js";
import { parseExtCommunity } from "../../config/ext-community.js";

/** A community as the API shows them, by kind: a standard one's value, a large one's three numbers, or an
 *  extended one's canonical text (what `formatExtCommunity` prints, so matching agrees with the rows). */
export type CommunityWanted =
  | { readonly kind: "standard"; readonly value: number }
  | { readonly kind: "large"; readonly value: LargeCommunity }
  | { readonly kind: "extended"; readonly text: string };

/** `65000:1`, a well-known name (`no-export`), `65000:1:2` or `target:65000:1`; null for anything else. */
export function parseCommunityText(text: string): CommunityWanted | null {
  const standard = parseCommunity(text);
  if (standard !== null) return { kind: "standard", value: standard };
  const large = parseLargeCommunity(text);
  if (large !== null) return { kind: "large", value: large };
  const ext = parseExtCommunity(text);
  if (ext !== null) return { kind: "extended", text: formatExtCommunity(ext) };
  return null;
}

/** Whether the attribute block `b` carries community `c`. */
function hasCommunity(b: Uint8Array, c: CommunityWanted): boolean {
  switch (c.kind) {
    case "standard": {
      const at = findAttribute(b, AttrType.COMMUNITIES);
      if (at) for (let i = at[0]; i + 4 <= at[1]; i += 4) if (u32(b, i) === c.value) return true;
      return false;
    }
    case "large": {
      const at = findAttribute(b, AttrType.LARGE_COMMUNITIES);
      const [g, l1, l2] = c.value;
      if (at)
        for (let i = at[0]; i + 12 <= at[1]; i += 12)
          if (u32(b, i) === g && u32(b, i + 4) === l1 && u32(b, i + 8) === l2) return true;
      return false;
    }
    case "extended": {
      const at = findAttribute(b, AttrType.EXTENDED_COMMUNITIES);
      if (at)
        for (let i = at[0]; i + 8 <= at[1]; i += 8)
          if (formatExtCommunity(b.subarray(i, i + 8)) === c.text) return true;
      return false;
    }
  }
}

/** Whether AS_PATH-form segments in b[start, end) with `size`-octet AS numbers contain `asn` (any segment
 *  type: the AS is on the path as the row shows it). */
function segmentsContain(b: Uint8Array, start: number, end: number, asn: number, size: 2 | 4): boolean {
  for (let p = start; p + 1 < end; ) {
    const n = b[p + 1];
    for (let i = 0, q = p + 2; i < n; i++, q += size)
      if ((size === 4 ? u32(b, q) : (b[q] << 8) | b[q + 1]) === asn) return true;
    p += 2 + n * size;
  }
  return false;
}

/**
 * Whether the AS_PATH of block `b` contains `asn`. Canonical sets are 4-octet; attributes sent to a peer
 * without 4-octet AS carry 2-octet numbers, with the real path in AS4_PATH (RFC 6793 §4.2.2), so both count.
 */
function hasAs(b: Uint8Array, asn: number, asSize: 2 | 4): boolean {
  const path = findAttribute(b, AttrType.AS_PATH);
  if (path && segmentsContain(b, path[0], path[1], asn, asSize)) return true;
  if (asSize === 4) return false;
  const as4 = findAttribute(b, AttrType.AS4_PATH);
  return as4 !== null && segmentsContain(b, as4[0], as4[1], asn, 4);
}

/** Decisions kept per listing, at most this many (a listing of a table with a set per route keeps little). */
const DECIDED_MAX = 65_536;

/** The filters of one listing: a path matches when it carries the community and its AS_PATH the AS. */
export class RouteFilter {
  private readonly decided = new Map<object, boolean>();

  constructor(
    readonly community: CommunityWanted | null,
    readonly asn: number | null,
  ) {}

  /** A path's interned attribute set (canonical, 4-octet AS numbers). */
  set(attrs: AttrSet): boolean {
    return this.decide(attrs, attrs.bytes, 4);
  }

  /** Attributes as sent to a peer (shared by every prefix sent with them), with its AS number size. */
  sent(e: Exported, asSize: 2 | 4): boolean {
    return this.decide(e, e.bytes, asSize);
  }

  private decide(key: object, b: Uint8Array, asSize: 2 | 4): boolean {
    let yes = this.decided.get(key);
    if (yes === undefined) {
      if (this.decided.size >= DECIDED_MAX) this.decided.clear();
      yes =
        (this.community === null || hasCommunity(b, this.community)) &&
        (this.asn === null || hasAs(b, this.asn, asSize));
      this.decided.set(key, yes);
    }
    return yes;
  }
}
