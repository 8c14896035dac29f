/**
 * Listing a RIB from the daemon: the prefix arguments gobgp takes (`<prefix> [longer-prefixes |
 * shorter-prefixes]`, an address for its longest match), streamed rows, gobgp's table or JSON lines.
 */
import { familyOption, type Options } from "../args.js";
import type { Client } from "../client.js";
import { CliError, ExitCode } from "../errors.js";
import { Ages } from "../format/duration.js";
import { type Column, type Table, TableWriter, tableLines } from "../format/rib-table.js";
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
  const out = new LineWriter();
  if (opts.json) {
    // Rows come as JSON lines, each `{…}`: add the version member to each without parsing them.
    await client.streamLines("rib.list", params, async (lines) => {
      out.lines.push(`{"kbgpJson":1,${lines.slice(1, -1).replaceAll("\n{", '\n{"kbgpJson":1,')}`);
      await out.flush(true);
    });
    return;
  }
  const writer = new TableWriter(COLUMNS[table], 3);
  const ages = new Ages(Date.now());
  await client.stream("rib.list", { ...params, form: "cells" }, async (rows) => {
    for (const l of writer.lines(tableLines(table, rows, ages) as string[][])) out.lines.push(l);
    await out.flush(true);
  });
  if (writer.rows === 0) out.lines.push("Network not in table");
  await out.flush(true);
}
