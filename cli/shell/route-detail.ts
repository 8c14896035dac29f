/**
 * The route detail pane's content: one prefix of the Loc-RIB as `rib.list` gives it (every path, the best
 * first, with the decision step that chose it), laid out a path per block — where it came from, its age and
 * identifier, and every attribute in full, in the words and forms `kbgp global rib PREFIX` and `kbgp monitor`
 * print (gobgp's `*>` markers, next hop, AS_PATH, Attrs, from the same formatters), wrapped to the width
 * instead of cut.
 */
import { attrsText, nextHopText } from "../../daemon/control/attrs-text.js";
import type { destinationView } from "../../daemon/control/views.js";
import type { Client } from "../client.js";
import { age } from "../format/duration.js";
import { stateLabel } from "../format/neighbors.js";
import type { Neighbor } from "./state.js";

/** A Loc-RIB row (docs/api.md, `rib.list`, table `local`). */
export type Destination = ReturnType<typeof destinationView>;
type PathView = Destination["paths"][number];

/** The prefix's row, or null when it is not in the table (any more). */
export async function fetchDestination(client: Client, prefix: string): Promise<Destination | null> {
  let found: Destination | null = null;
  await client.stream(
    "rib.list",
    { prefix, match: "exact", family: prefix.includes(":") ? "ipv6-unicast" : "ipv4-unicast" },
    (rows) => {
      if (rows.length) found = rows[0] as Destination;
    },
  );
  return found;
}

/** The decision process's step that chose the best path, as a phrase (core/rib's reasons). */
const REASONS: Readonly<Record<string, string>> = {
  "only-path": "the only path",
  "local-pref": "highest LOCAL_PREF",
  "local-origin": "locally originated",
  "as-path": "shortest AS_PATH",
  origin: "lowest ORIGIN",
  med: "lowest MED",
  external: "eBGP over iBGP",
  "cluster-list": "shortest CLUSTER_LIST",
  "router-id": "lowest router ID",
  "peer-address": "lowest peer address",
  "path-id": "lowest path ID",
};

const LABEL = 11;

/** `text` cut into lines of at most `width`, at the blanks before `{` where it can (Attrs' parts). */
function wrapped(text: string, width: number): string[] {
  const w = Math.max(10, width);
  const out: string[] = [];
  let rest = text;
  while (rest.length > w) {
    let cut = rest.lastIndexOf(" {", w);
    if (cut <= 0) cut = rest.lastIndexOf(" ", w);
    if (cut <= 0) cut = w;
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut).trimStart();
  }
  out.push(rest);
  return out;
}

/** `label value` lines, the value wrapped under itself. */
function field(label: string, value: string, width: number): string[] {
  return wrapped(value, width - 3 - LABEL).map((l, i) => `   ${(i === 0 ? label : "").padEnd(LABEL)}${l}`);
}

function marker(p: PathView): string {
  return `${p.stale ? "S" : ""}${p.best ? "*>" : "* "}`;
}

/** Where a path came from: a neighbor with its AS and state, or kbgpd's own source (`local:api`…). */
function fromText(from: string, neighbors: ReadonlyMap<string, Neighbor>): string {
  const n = neighbors.get(from);
  if (!n) return from;
  return `${from} (AS ${n.asn}${n.description ? `, ${n.description}` : ""}, ${stateLabel(n)})`;
}

/** The pane's lines: a heading, then a block per path. */
export function detailLines(
  prefix: string,
  d: Destination | null,
  now: number,
  width: number,
  neighbors: ReadonlyMap<string, Neighbor>,
): string[] {
  if (!d) return [`${prefix}: Network not in table`];
  const n = d.paths.length;
  const phrase = REASONS[d.reason];
  const why = !phrase ? d.reason : d.reason === "only-path" ? phrase : `${phrase} (${d.reason})`;
  const multipath = d.multipath > 1 ? `, ${d.multipath} paths in multipath` : "";
  const lines = [`${d.prefix}: ${n} path${n === 1 ? "" : "s"}, best: ${why}${multipath}`];
  const ipv6 = d.prefix.includes(":");
  for (const p of d.paths) {
    lines.push(
      ...wrapped(`${marker(p).padEnd(4)}from ${fromText(p.from, neighbors)}`, width),
      ...field("Next Hop", nextHopText(p, ipv6), width),
      ...field("AS_PATH", p.asPath || "(empty)", width),
      ...field(
        "Age",
        `${age(p.since, now)}${p.pathId ? ` · path ID ${p.pathId}` : ""}${p.stale ? " · stale" : ""}`,
        width,
      ),
      ...field("Attrs", attrsText(p), width),
    );
  }
  return lines;
}
