/**
 * `kbgp global rib add|del <prefix> [nexthop …] [origin …] [aspath …] [community …] [large-community …]
 * [extended-community …] [med …] [local-pref …] [identifier …]`, `kbgp global rib del all`, and batches
 * with `-f FILE` (`-` for standard input; one route per line in the same words). Routes added this way are
 * kept by the daemon across restarts.
 */
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { parseRouteArgs, parseRouteLine } from "../../core/api/route-args.js";
import { RoutePipeline } from "../../core/api/route-pipeline.js";
import type { RouteText } from "../../core/api/route-text.js";
import { familyOption, type Options } from "../args.js";
import { routeSender, withClient } from "../client.js";
import { CliError, ExitCode } from "../errors.js";

const print = (text: string): void => {
  process.stdout.write(`${text}\n`);
};

/** -a must agree with the prefix (gobgp takes -a to read the prefix; here the prefix says it). */
function checkFamily(route: RouteText, opts: Options): void {
  const family = familyOption(opts.family);
  if (family && (family === "ipv6-unicast") !== route.prefix.includes(":"))
    throw new CliError(
      `${route.prefix} is not an ${family === "ipv6-unicast" ? "IPv6" : "IPv4"} prefix (-a)`,
      ExitCode.USAGE,
    );
}

export function ribChange(action: "add" | "del", words: readonly string[], opts: Options): Promise<void> {
  const method = action === "add" ? "rib.add" : "rib.delete";
  if (opts.file !== undefined) {
    if (words.length)
      throw new CliError(`-f reads the routes from the file; unexpected '${words[0]}'`, ExitCode.USAGE);
    return fromFile(method, opts);
  }
  if (action === "del" && words.length === 1 && words[0] === "all") {
    return withClient(opts.socket, async (c) => {
      const r = await c.call<{ deleted: number }>("rib.deleteAll");
      if (opts.json) print(JSON.stringify({ kbgpJson: 1, deleted: r.deleted }));
    });
  }
  if (words.length === 0)
    throw new CliError(
      `rib ${action} needs a prefix (or -f FILE)${action === "del" ? " or 'all'" : ""}`,
      ExitCode.USAGE,
    );
  const parsed = parseRouteArgs(words);
  if (!parsed.ok) throw new CliError(parsed.error, ExitCode.USAGE);
  checkFamily(parsed.route, opts);
  return withClient(opts.socket, async (c) => {
    const r = await c.call<{ added?: number; deleted?: number; refused: { message: string }[] }>(method, {
      routes: [parsed.route],
    });
    if (r.refused.length) throw new CliError(r.refused[0].message, ExitCode.USAGE);
    if (action === "del" && r.deleted === 0)
      throw new CliError(`no such route: ${parsed.route.prefix} was not added through the API`);
    if (opts.json)
      print(JSON.stringify({ kbgpJson: 1, ...(action === "add" ? { added: 1 } : { deleted: 1 }) }));
  });
}

/** One route per line; the first bad line stops the run and is named (routes already sent stay applied). */
async function fromFile(method: "rib.add" | "rib.delete", opts: Options): Promise<void> {
  const name = opts.file === "-" ? "<stdin>" : opts.file!;
  const input = opts.file === "-" ? process.stdin : createReadStream(opts.file!);
  const opened = new Promise<void>((resolve, reject) => {
    if (input === process.stdin) return resolve();
    input.once("open", () => resolve());
    input.once("error", (e: Error) => reject(new CliError(`cannot read ${name}: ${e.message}`)));
  });
  await opened;
  await withClient(opts.socket, async (c) => {
    let applied = 0;
    let failure: string | null = null;
    const pipeline = new RoutePipeline<number>(routeSender(c), (line, error) => {
      if (error === null) applied++;
      else failure ??= `${name}:${line}: ${error}`;
    });
    let n = 0;
    for await (const text of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
      n++;
      if (failure) break;
      const parsed = parseRouteLine(text);
      if (parsed === null) continue;
      if (!parsed.ok) {
        failure = `${name}:${n}: ${parsed.error}`;
        break;
      }
      await pipeline.push(method === "rib.add" ? "add" : "delete", [parsed.route], n);
    }
    await pipeline.finish();
    if (failure) throw new CliError(`${failure} (${applied} routes applied)`, ExitCode.USAGE);
    if (opts.json)
      print(JSON.stringify({ kbgpJson: 1, [method === "rib.add" ? "added" : "deleted"]: applied }));
  });
}
