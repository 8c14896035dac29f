/**
 * Listing a RIB from the daemon: the prefix arguments gobgp takes (`<prefix> [longer-prefixes |
 * shorter-prefixes]`, an address for its longest match), streamed rows, gobgp's table or JSON lines.
 */
import type { DestinationView, InRow, OutRow } from "../../daemon/control/views.js";
import { familyOption, type Options } from "../args.js";
import type { Client } from "../client.js";
import { CliError, ExitCode } from "../errors.js";
import { attrsText, nextHopText } from "../format/attributes.js";
import { age } from "../format/duration.js";
import { type Column, TableWriter } from "../format/rib-table.js";
import { LineWriter } from "../output.js";

const MATCH_WORDS: Readonly<Record<string, string>> = {
  "longer-prefixes": "longer",
  "shorter-prefixes": "shorter",
};

/** `[prefix [longer-prefixes|shorter-prefixes]]` → query parameters. */
export function prefixQuery(words: readonly string[]): { prefix?: string; match?: string } {
  if (words.length === 0) return {};
  if (words.length > 2) throw new CliError(`unexpected '${words[2]}' after the prefix`, ExitCode.USAGE);
  const [prefix, how] = words;
  if (how === undefined) return { prefix };
  const match = MATCH_WORDS[how];
  if (!match)
    throw new CliError(
      `expected longer-prefixes or shorter-prefixes after the prefix, not '${how}'`,
      ExitCode.USAGE,
    );
  return { prefix, match };
}

export type Table = "local" | "in" | "filtered" | "out";

const BASE: readonly Column[] = [
  { title: "Network", min: 20 },
  { title: "Next Hop", min: 20 },
  { title: "AS_PATH", min: 20 },
];
const COLUMNS: Readonly<Record<Table, readonly Column[]>> = {
  local: [...BASE, { title: "Age", min: 10 }, { title: "Attrs", min: 0 }],
  in: [{ title: "ID", min: 3 }, ...BASE, { title: "Age", min: 10 }, { title: "Attrs", min: 0 }],
  filtered: [{ title: "ID", min: 3 }, ...BASE, { title: "Age", min: 10 }, { title: "Reason", min: 0 }],
  out: [{ title: "ID", min: 3 }, ...BASE, { title: "Attrs", min: 0 }],
};

/** Table rows of one chunk: marker first, then the cells. */
function cells(table: Table, rows: unknown[], ipv6: boolean, now: number): string[][] {
  const out: string[][] = [];
  if (table === "local") {
    for (const d of rows as DestinationView[]) {
      for (const p of d.paths) {
        const mark = `${p.stale ? "S" : ""}${p.best ? "*>" : "* "}`;
        out.push([mark, d.prefix, nextHopText(p, ipv6), p.asPath, age(p.since, now), attrsText(p)]);
      }
    }
  } else if (table === "out") {
    for (const r of rows as OutRow[])
      out.push(["*>", String(r.pathId), r.prefix, nextHopText(r, ipv6), r.asPath, attrsText(r)]);
  } else {
    for (const r of rows as InRow[]) {
      const mark = `${r.stale ? "S" : ""}${r.accepted ? "*>" : "  "}`;
      const last = table === "filtered" ? (r.filtered ?? "") : attrsText(r);
      out.push([mark, String(r.pathId), r.prefix, nextHopText(r, ipv6), r.asPath, age(r.since, now), last]);
    }
  }
  return out;
}

/** Stream a table to stdout; "Network not in table" when a query finds nothing, as gobgp says. */
export async function listRib(
  client: Client,
  table: Table,
  words: readonly string[],
  opts: Options,
  neighbor?: string,
): Promise<void> {
  const q = prefixQuery(words);
  const family = familyOption(opts.family);
  const params = {
    table,
    ...(neighbor ? { neighbor } : {}),
    ...(family ? { family } : {}),
    ...q,
    ...(opts.limit ? { limit: opts.limit } : {}),
  };
  const ipv6 = family === "ipv6-unicast" || (!family && !!q.prefix?.includes(":"));
  const out = new LineWriter();
  const writer = new TableWriter(COLUMNS[table], 3);
  let count = 0;
  const now = Date.now();
  await client.stream("rib.list", params, async (rows) => {
    count += rows.length;
    if (opts.json) for (const r of rows) out.lines.push(JSON.stringify({ kbgpJson: 1, ...(r as object) }));
    else for (const l of writer.lines(cells(table, rows, ipv6, now))) out.lines.push(l);
    await out.flush(true);
  });
  if (count === 0 && !opts.json) out.lines.push("Network not in table");
  await out.flush(true);
}
