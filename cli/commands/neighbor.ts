/**
 * `kbgp neighbor [<addr> [adj-in|adj-out|local|filtered [prefix …] | reset|softreset|softresetin|
 * softresetout|shutdown [-m text]|disable|enable]]`, as gobgp users type it.
 */

import { closest } from "../../core/api/suggest.js";
import type { NeighborDetailView, NeighborView } from "../../daemon/control/views.js";
import type { Options } from "../args.js";
import { withClient } from "../client.js";
import { CliError, ExitCode } from "../errors.js";
import { neighborDetail, neighborTable } from "../format/neighbors.js";
import type { Table } from "../format/rib-table.js";
import { listRib } from "./rib-listing.js";

const TABLES: Readonly<Record<string, Table>> = {
  "adj-in": "in",
  "adj-out": "out",
  local: "local",
  filtered: "filtered",
};

/** Each action and the API method(s) it calls. */
const ACTIONS: Readonly<Record<string, readonly string[]>> = {
  reset: ["neighbor.reset"],
  softreset: ["neighbor.softResetIn", "neighbor.softResetOut"],
  softresetin: ["neighbor.softResetIn"],
  softresetout: ["neighbor.softResetOut"],
  shutdown: ["neighbor.shutdown"],
  disable: ["neighbor.shutdown"],
  enable: ["neighbor.enable"],
};

const print = (text: string): void => {
  process.stdout.write(`${text}\n`);
};

export function neighborCommand(words: readonly string[], opts: Options): Promise<void> {
  return withClient(opts.socket, async (c) => {
    const [address, what, ...rest] = words;
    if (address === undefined) {
      const { neighbors } = await c.call<{ neighbors: NeighborView[] }>("neighbor.list");
      if (opts.json) print(JSON.stringify({ kbgpJson: 1, neighbors }));
      else print(neighborTable(neighbors, Date.now()));
      return;
    }
    if (what === undefined) {
      const n = await c.call<NeighborDetailView>("neighbor.get", { neighbor: address });
      print(opts.json ? JSON.stringify({ kbgpJson: 1, ...n }) : neighborDetail(n, Date.now()));
      return;
    }
    const table = TABLES[what];
    if (table) {
      if (table === "out") {
        const n = await c.call<NeighborView>("neighbor.get", { neighbor: address });
        if (n.state !== "established")
          throw new CliError(`neighbor ${address}'s BGP session is not established`);
      }
      return listRib(c, table, rest, opts, address);
    }
    const methods = ACTIONS[what];
    if (!methods) {
      const hint = closest(what, [...Object.keys(TABLES), ...Object.keys(ACTIONS)]);
      throw new CliError(
        `unknown neighbor command '${what}'${hint ? ` (did you mean '${hint}'?)` : ""}: expected adj-in, adj-out, local, filtered, reset, softreset, softresetin, softresetout, shutdown, disable or enable`,
        ExitCode.USAGE,
      );
    }
    if (rest.length) throw new CliError(`unexpected '${rest[0]}' after ${what}`, ExitCode.USAGE);
    if (opts.message !== undefined && what !== "shutdown" && what !== "disable" && what !== "reset")
      throw new CliError(`-m is for shutdown, disable and reset, not ${what}`, ExitCode.USAGE);
    for (const m of methods)
      await c.call(m, {
        neighbor: address,
        ...(opts.message !== undefined ? { message: opts.message } : {}),
      });
    if (opts.json) print(JSON.stringify({ kbgpJson: 1, ok: true }));
  });
}
