/**
 * The command line as words and options. yargs-parser does the parsing (the full yargs, which costs more at
 * start-up than all the rest of a one-shot command, is loaded only for --help and completion); this file
 * says which options exist and refuses the others with the word at fault.
 */
import parser from "yargs-parser";
import { closest } from "../core/api/suggest.js";
import { CliError, ExitCode } from "./errors.js";

export interface Options {
  readonly json: boolean;
  readonly socket: string | undefined;
  /** -a: ipv4 or ipv6 (also ipv4-unicast, ipv6-unicast). */
  readonly family: string | undefined;
  readonly limit: number | undefined;
  /** -m: a shutdown communication (RFC 9003). */
  readonly message: string | undefined;
  /** -f: a file of routes, `-` for standard input. */
  readonly file: string | undefined;
  readonly current: boolean;
  /** mrt inject: only each entry's best path. */
  readonly onlyBest: boolean;
  /** mrt inject: the next hop for every route (an address or "self"). */
  readonly nexthop: string | undefined;
  readonly help: boolean;
  readonly version: boolean;
}

export interface Args {
  readonly words: readonly string[];
  readonly opts: Options;
}

/** Every option: its aliases and whether it takes a value. The help text lists the same. */
export const OPTIONS = {
  json: { alias: "j", type: "boolean", describe: "print JSON (one object per line for streams)" },
  socket: {
    alias: "s",
    type: "string",
    describe: "control socket (default $KBGP_SOCKET or /run/kbgp/kbgp.sock)",
  },
  "address-family": {
    alias: "a",
    type: "string",
    describe: "ipv4 or ipv6 (default: from the prefix, else ipv4)",
  },
  limit: { alias: "", type: "number", describe: "print at most N routes" },
  message: { alias: "m", type: "string", describe: "shutdown communication sent with the NOTIFICATION" },
  file: { alias: "f", type: "string", describe: "read routes from FILE, one per line (- for stdin)" },
  current: { alias: "", type: "boolean", describe: "monitor: start with the current table" },
  "only-best": { alias: "", type: "boolean", describe: "mrt inject: only the best path of each prefix" },
  nexthop: { alias: "", type: "string", describe: "mrt inject: next hop for every route (address or self)" },
  help: { alias: "h", type: "boolean", describe: "show help" },
  version: { alias: "", type: "boolean", describe: "show the version" },
} as const;

const KNOWN = new Set<string>(
  Object.entries(OPTIONS).flatMap(([name, o]) => (o.alias ? [name, o.alias] : [name])),
);

export function parseArgs(argv: readonly string[]): Args {
  const booleans = Object.entries(OPTIONS)
    .filter(([, o]) => o.type === "boolean")
    .map(([n]) => n);
  const strings = Object.entries(OPTIONS)
    .filter(([, o]) => o.type !== "boolean")
    .map(([n]) => n);
  const alias = Object.fromEntries(
    Object.entries(OPTIONS)
      .filter(([, o]) => o.alias)
      .map(([n, o]) => [n, [o.alias]]),
  );
  const a = parser([...argv], {
    boolean: booleans,
    string: strings,
    alias,
    configuration: { "camel-case-expansion": false, "dot-notation": false, "parse-numbers": false },
  });
  for (const key of Object.keys(a)) {
    if (key === "_" || key === "--" || KNOWN.has(key)) continue;
    const flag = key.length === 1 ? `-${key}` : `--${key}`;
    const hint = closest(key, Object.keys(OPTIONS));
    throw new CliError(
      `unknown option '${flag}'${hint ? ` (did you mean '--${hint}'?)` : ""} (see kbgp --help)`,
      ExitCode.USAGE,
    );
  }
  const one = (name: string): string | undefined => {
    const v = a[name];
    if (Array.isArray(v)) throw new CliError(`option --${name} is given more than once`, ExitCode.USAGE);
    if (v === "" && strings.includes(name) && name !== "file")
      throw new CliError(`option --${name} needs a value`, ExitCode.USAGE);
    return v === undefined ? undefined : String(v);
  };
  const limitText = one("limit");
  let limit: number | undefined;
  if (limitText !== undefined) {
    if (!/^[1-9]\d*$/.test(limitText))
      throw new CliError(`--limit must be a positive whole number, not '${limitText}'`, ExitCode.USAGE);
    limit = Number(limitText);
  }
  return {
    words: a._.map(String),
    opts: {
      json: a.json === true,
      socket: one("socket"),
      family: one("address-family"),
      limit,
      message: one("message"),
      // yargs-parser reads a lone "-" as an empty string.
      file: a.file === "" ? "-" : one("file"),
      current: a.current === true,
      onlyBest: a["only-best"] === true,
      nexthop: one("nexthop"),
      help: a.help === true,
      version: a.version === true,
    },
  };
}

/** -a as an API family name. */
export function familyOption(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const v = value.toLowerCase();
  if (v === "ipv4" || v === "ipv4-unicast") return "ipv4-unicast";
  if (v === "ipv6" || v === "ipv6-unicast") return "ipv6-unicast";
  throw new CliError(`-a must be ipv4 or ipv6, not '${value}'`, ExitCode.USAGE);
}
