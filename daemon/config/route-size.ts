/**
 * Whether a route's attributes can go on the wire at all. An attribute's length has two octets (RFC 4271
 * §4.3) and an UPDATE is at most 65,535 bytes even with extended messages (RFC 8654): past that the encoder
 * would wrap the length and store a corrupt attribute set, shown wrongly and never sent. So a route whose
 * communities or AS path cannot fit is refused here, naming the field, for the file and the API alike.
 * (Between 4,096 and 65,535 bytes a route is kept: it goes to the peers that support extended messages.)
 */
import type { Path } from "./errors.js";
import type { RawIssue } from "./schema.js";

/** The longest attribute value, and the room an UPDATE leaves for attributes (header, lengths, a prefix). */
const MAX_ATTRIBUTE = 65_535;
const MAX_ATTRIBUTES = 65_535 - 19 - 4 - 17;
/** ORIGIN, NEXT_HOP or MP_REACH_NLRI, MED, LOCAL_PREF: their largest encoded sizes together. */
const FIXED = 4 + 60 + 7 + 7;

export interface SizedRoute {
  readonly "as-path"?: readonly { readonly asns: readonly number[] }[];
  readonly communities?: readonly unknown[];
  readonly "large-communities"?: readonly unknown[];
  readonly "extended-communities"?: readonly unknown[];
}

/** Bytes of each variable-size attribute's value. */
function sizes(r: SizedRoute): [keyof SizedRoute, number][] {
  const asPath = (r["as-path"] ?? []).reduce(
    (n, s) => n + 2 * Math.ceil(s.asns.length / 255) + 4 * s.asns.length,
    0,
  );
  return [
    ["as-path", asPath],
    ["communities", 4 * (r.communities?.length ?? 0)],
    ["large-communities", 12 * (r["large-communities"]?.length ?? 0)],
    ["extended-communities", 8 * (r["extended-communities"]?.length ?? 0)],
  ];
}

/** Problems with `r`'s size, under `path`; none for a route that fits in an UPDATE. */
export function checkRouteSize(r: SizedRoute, path: Path, out: RawIssue[]): void {
  let total = FIXED;
  let refused = false;
  for (const [field, bytes] of sizes(r)) {
    if (bytes > MAX_ATTRIBUTE) {
      refused = true;
      out.push({
        path: [...path, field],
        message: `takes ${bytes} bytes, more than one attribute holds (${MAX_ATTRIBUTE})`,
      });
    }
    if (bytes > 0) total += bytes + 4;
  }
  if (total > MAX_ATTRIBUTES && !refused)
    out.push({
      path: [...path],
      message: `its attributes take about ${total} bytes: no UPDATE can carry it (at most ${MAX_ATTRIBUTES} with extended messages)`,
    });
}
