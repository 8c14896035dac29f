/** `kbgp global`, `kbgp global rib [prefix [longer-prefixes|shorter-prefixes]] | summary | add | del`. */
import type { Options } from "../args.js";
import { familyOption } from "../args.js";
import { withClient } from "../client.js";
import { CliError, ExitCode } from "../errors.js";
import { listRib } from "./rib-listing.js";

interface GlobalView {
  asn: number;
  routerId: string;
  listen: { addresses: string[]; port: number; failed?: { address: string; port: number; error: string }[] };
  gracefulRestart: { restarting: boolean; waitingFor: string[] };
  routes: { received: number; max: number | null };
  connectionsRefused: Record<string, number>;
}

interface Summary {
  families: Record<string, { destinations: number; paths: number }>;
}

const TABLE_NAMES: Readonly<Record<string, string>> = {
  "ipv4-unicast": "afi:AFI_IP safi:SAFI_UNICAST",
  "ipv6-unicast": "afi:AFI_IP6 safi:SAFI_UNICAST",
};

const print = (text: string): void => {
  process.stdout.write(`${text}\n`);
};

export function globalCommand(words: readonly string[], opts: Options): Promise<void> {
  const [what, ...rest] = words;
  if (what === undefined) {
    return withClient(opts.socket, async (c) => {
      const g = await c.call<GlobalView>("global.get");
      if (opts.json) return print(JSON.stringify({ kbgpJson: 1, ...g }));
      print(`AS:        ${g.asn}\nRouter-ID: ${g.routerId}`);
      print(`Listening Port: ${g.listen.port}, Addresses: ${g.listen.addresses.join(", ")}`);
      for (const f of g.listen.failed ?? [])
        print(`Not listening on ${f.address} port ${f.port} (trying again): ${f.error}`);
      const guard = g.routes.max === null ? "no limit" : `limit ${g.routes.max} (global max-routes)`;
      print(`Received paths: ${g.routes.received}, ${guard}`);
      const refused = Object.entries(g.connectionsRefused).filter(([, n]) => n > 0);
      if (refused.length > 0)
        print(`Connections refused: ${refused.map(([why, n]) => `${n} ${why}`).join(", ")}`);
      if (g.gracefulRestart.restarting)
        print(
          `Graceful restart: restarting, waiting for End-of-RIB from ${g.gracefulRestart.waitingFor.join(", ") || "nobody"}`,
        );
    });
  }
  if (what !== "rib") throw new CliError(`unknown global command '${what}': expected rib`, ExitCode.USAGE);
  if (rest[0] === "add" || rest[0] === "del")
    return import("./rib-change.js").then((m) => m.ribChange(rest[0] as "add" | "del", rest.slice(1), opts));
  if (rest[0] === "summary") {
    if (rest.length > 1) throw new CliError(`unexpected '${rest[1]}' after summary`, ExitCode.USAGE);
    return withClient(opts.socket, async (c) => {
      const s = await c.call<Summary>("rib.summary");
      const family = familyOption(opts.family) ?? "ipv4-unicast";
      const f = s.families[family];
      if (opts.json) return print(JSON.stringify({ kbgpJson: 1, family, ...f }));
      print(`Table ${TABLE_NAMES[family]}\nDestination: ${f.destinations}, Path: ${f.paths}`);
    });
  }
  return withClient(opts.socket, (c) => listRib(c, "local", rest, opts));
}
