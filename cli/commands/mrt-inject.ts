/**
 * `kbgp mrt inject global FILE [COUNT] [--only-best] [--nexthop ADDRESS|self]`: announce the routes of an
 * MRT table dump (TABLE_DUMP, TABLE_DUMP_V2; plain, gzip or bzip2) as routes added through the API, so
 * they persist like `global rib add` ones. COUNT stops after that many RIB entries. The file is read in
 * constant memory: routes go out in batches while the next part is decompressed, and reading waits for the
 * daemon (backpressure). Routes the daemon refuses are named on stderr and the exit code is 1; the others
 * stay applied.
 */
import { RoutePipeline } from "../../core/api/route-pipeline.js";
import type { RouteText } from "../../core/api/route-text.js";
import { MrtDecoder } from "../../core/mrt/index.js";
import { ribRoutes } from "../../core/mrt/rib-routes.js";
import { parseIp } from "../../core/wire/index.js";
import type { Options } from "../args.js";
import { routeSender, withClient } from "../client.js";
import { CliError, ExitCode } from "../errors.js";
import { readMrt } from "../mrt/read-mrt.js";

const MAX_REPORTED = 20;

export async function mrtInject(words: readonly string[], opts: Options): Promise<void> {
  const [table, file, countText, ...extra] = words;
  if (table !== "global")
    throw new CliError(
      `expected 'mrt inject global FILE', not 'mrt inject ${table ?? ""}'`.trimEnd(),
      ExitCode.USAGE,
    );
  if (file === undefined) throw new CliError("mrt inject global needs a FILE", ExitCode.USAGE);
  if (extra.length) throw new CliError(`unexpected '${extra[0]}' after the count`, ExitCode.USAGE);
  let count = Number.POSITIVE_INFINITY;
  if (countText !== undefined) {
    if (!/^[1-9]\d*$/.test(countText))
      throw new CliError(`the count must be a positive whole number, not '${countText}'`, ExitCode.USAGE);
    count = Number(countText);
  }
  if (opts.nexthop !== undefined && opts.nexthop !== "self" && parseIp(opts.nexthop) === null)
    throw new CliError(`--nexthop must be an address or 'self', not '${opts.nexthop}'`, ExitCode.USAGE);

  await withClient(opts.socket, async (c) => {
    let added = 0;
    let refused = 0;
    const pipeline = new RoutePipeline<string>(routeSender(c), (prefix, error) => {
      if (error === null) return void added++;
      if (++refused <= MAX_REPORTED) process.stderr.write(`kbgp: ${file}: ${prefix}: ${error}\n`);
    });
    const decoder = new MrtDecoder();
    const pending: RouteText[] = [];
    let entries = 0;
    let skipped = 0;
    let bad = 0;
    const result = await readMrt(
      file,
      (record) => {
        if (entries >= count) return;
        const item = decoder.decode(record);
        if (item.kind === "error") return void bad++;
        if (item.kind !== "rib") return;
        entries++;
        const r = ribRoutes(item, { onlyBest: opts.onlyBest, nextHop: opts.nexthop });
        skipped += r.skipped;
        for (const route of r.routes) pending.push(route);
      },
      async () => {
        // Each route is its own item, so a refusal names its prefix.
        for (const route of pending) await pipeline.push("add", [route], route.prefix);
        pending.length = 0;
        return entries < count;
      },
    );
    await pipeline.finish();
    if (result.error) throw new CliError(`${file}: ${result.error} (${added} routes added)`);
    const summary = { kbgpJson: 1, entries, added, refused, skipped, malformedRecords: bad };
    process.stdout.write(
      opts.json
        ? `${JSON.stringify(summary)}\n`
        : `added ${added} routes from ${entries} RIB entries` +
            (skipped ? `, skipped ${skipped} unusable paths` : "") +
            (bad ? `, ${bad} malformed records` : "") +
            (refused ? `, ${refused} refused` : "") +
            "\n",
    );
    if (entries === 0)
      throw new CliError(`${file} holds no RIB entries (TABLE_DUMP or TABLE_DUMP_V2): nothing to inject`);
    if (refused) throw new CliError(`kbgpd refused ${refused} routes`);
  });
}
