/**
 * Every `kbgp` command in one table: its synopsis and summary (help), what may follow each word
 * (completion, in bash/zsh and in the shell), and how it runs (a module loaded only when asked for, so a
 * one-shot command parses little). main.ts, help.ts and the shell all read this table, so they cannot drift.
 */
import { ROUTE_KEYWORDS } from "../core/api/route-keywords.js";
import type { Options } from "./args.js";
import { CliError, ExitCode } from "./errors.js";
import { VERSION } from "./version.js";

/**
 * What may come next on a command line: fixed words, and a kind of value the one completing looks up
 * (neighbor addresses and prefixes from the daemon, file names from the file system).
 */
export interface Slot {
  readonly words?: readonly string[];
  readonly value?: "neighbor" | "prefix" | "file";
}

export interface CommandSpec {
  readonly name: string;
  /** yargs' form: `neighbor [address] [command] [args..]`. */
  readonly synopsis: string;
  readonly summary: string;
  /** What may follow `args`, the words after the command's name. */
  readonly next: (args: readonly string[]) => Slot;
  readonly run: (args: readonly string[], opts: Options) => Promise<void>;
  /** Why the interactive shell does not run it, when it does not. */
  readonly notInShell?: string;
}

export const NEIGHBOR_TABLES = ["adj-in", "adj-out", "local", "filtered"] as const;
export const NEIGHBOR_ACTIONS = [
  "reset",
  "softreset",
  "softresetin",
  "softresetout",
  "shutdown",
  "disable",
  "enable",
] as const;
const MATCH_WORDS = ["longer-prefixes", "shorter-prefixes"];
/** After `k8s`. */
export const K8S_WORDS = ["status", "enable", "disable", "routes", "peers"];
const NOTHING: Slot = {};

/** `[prefix [longer-prefixes|shorter-prefixes]]` after `at` words. */
const prefixQuery = (args: readonly string[], at: number): Slot =>
  args.length === at ? { value: "prefix" } : args.length === at + 1 ? { words: MATCH_WORDS } : NOTHING;

/** After `rib add|del PREFIX`: the route's keywords, each followed by its value. */
function routeWords(args: readonly string[], at: number): Slot {
  if (args.length === at) return { value: "prefix" };
  const afterKeyword = (args.length - at) % 2 === 0;
  return afterKeyword ? NOTHING : { words: ROUTE_KEYWORDS };
}

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: "neighbor",
    synopsis: "neighbor [address] [command] [args..]",
    summary:
      "List neighbors; show one; its adj-in, adj-out, local or filtered routes; reset, softreset[in|out], shutdown [-m text], disable, enable",
    next: (args) => {
      if (args.length === 0) return { value: "neighbor" };
      if (args.length === 1) return { words: [...NEIGHBOR_TABLES, ...NEIGHBOR_ACTIONS] };
      return (NEIGHBOR_TABLES as readonly string[]).includes(args[1]) ? prefixQuery(args, 2) : NOTHING;
    },
    run: async (args, opts) => (await import("./commands/neighbor.js")).neighborCommand(args, opts),
  },
  {
    name: "global",
    synopsis: "global [rib] [args..]",
    summary:
      'Show the speaker; its Loc-RIB: `global rib [prefix [longer-prefixes|shorter-prefixes]]`, `global rib summary`; inject routes (kept across restarts): `global rib add|del <prefix> [nexthop ADDR] [origin igp|egp|incomplete] [aspath "65001 65002"] [med N] [local-pref N] [community C,…] [large-community C,…] [extended-community C,…] [identifier N]`, `global rib add -f FILE`, `global rib del all`',
    next: (args) => {
      if (args.length === 0) return { words: ["rib"] };
      if (args[0] !== "rib") return NOTHING;
      if (args.length === 1) return { words: ["summary", "add", "del"], value: "prefix" };
      if (args[1] === "add") return routeWords(args, 2);
      if (args[1] === "del") {
        if (args.length === 2) return { words: ["all"], value: "prefix" };
        return args[2] === "all" ? NOTHING : routeWords(args, 2);
      }
      if (args[1] === "summary") return NOTHING;
      return args.length === 2 ? { words: MATCH_WORDS } : NOTHING;
    },
    run: async (args, opts) => (await import("./commands/global.js")).globalCommand(args, opts),
  },
  {
    name: "monitor",
    synopsis: "monitor <what> [args..]",
    summary:
      "Follow changes, one line each (-j: JSON with sequence numbers), until Ctrl-C; --current starts with the current state: `monitor global rib [-a ipv4|ipv6]`, `monitor neighbor [ADDRESS]`, `monitor neighbor ADDRESS adj-in [-a …]`, `monitor k8s`",
    next: (args) => {
      if (args.length === 0) return { words: ["global", "neighbor", "k8s"] };
      if (args[0] === "global") return args.length === 1 ? { words: ["rib"] } : NOTHING;
      if (args[0] !== "neighbor") return NOTHING;
      return args.length === 1 ? { value: "neighbor" } : args.length === 2 ? { words: ["adj-in"] } : NOTHING;
    },
    run: async (args, opts) => (await import("./commands/monitor.js")).monitorCommand(args, opts),
  },
  {
    name: "k8s",
    synopsis: "k8s [command] [args..]",
    summary:
      "The Kubernetes sync: `k8s status`, `k8s enable`, `k8s disable` (withdraws exactly its routes), `k8s routes [PREFIX]` (each route with the Service, Node or Pod and the rule behind it), `k8s peers` (the peers from Node objects and annotations, with their sessions)",
    next: (args) =>
      args.length === 0
        ? { words: K8S_WORDS }
        : args.length === 1 && args[0] === "routes"
          ? { value: "prefix" }
          : NOTHING,
    run: async (args, opts) => (await import("./commands/k8s.js")).k8sCommand(args, opts),
  },
  {
    name: "api",
    synopsis: "api",
    summary:
      "Read ExaBGP API commands on stdin (announce route …, withdraw route …); answer done or error per line",
    next: () => NOTHING,
    run: async (args, opts) => (await import("./commands/api.js")).apiCommand(args, opts),
    notInShell: "it reads commands from standard input: pipe a script into `kbgp api` outside the shell",
  },
  {
    name: "mrt",
    synopsis: "mrt <dump|inject> [args..]",
    summary:
      "`mrt dump FILE`: every route in an MRT file as bgpdump -m prints it (-j: JSON lines); `mrt inject global FILE [COUNT]`: announce a table dump's routes, kept like rib add ones (--only-best, --nexthop ADDRESS|self)",
    next: (args) => {
      if (args.length === 0) return { words: ["dump", "inject"] };
      if (args[0] === "dump") return args.length === 1 ? { value: "file" } : NOTHING;
      if (args[0] !== "inject") return NOTHING;
      return args.length === 1 ? { words: ["global"] } : args.length === 2 ? { value: "file" } : NOTHING;
    },
    run: async (args, opts) => {
      const [sub, file, ...extra] = args;
      if (sub === "inject") return (await import("./commands/mrt-inject.js")).mrtInject(args.slice(1), opts);
      if (sub !== "dump")
        throw new CliError(
          `expected 'mrt dump FILE' or 'mrt inject global FILE', not 'mrt ${sub ?? ""}'`.trimEnd(),
          ExitCode.USAGE,
        );
      if (file === undefined)
        throw new CliError("mrt dump needs a FILE (- for standard input)", ExitCode.USAGE);
      if (extra.length) throw new CliError(`unexpected '${extra[0]}' after the file`, ExitCode.USAGE);
      return (await import("./commands/mrt-dump.js")).mrtDump(file, opts.json);
    },
  },
  {
    name: "shell",
    synopsis: "shell",
    summary:
      "The interactive shell: live neighbor dashboard, route view, event log; every command here but api and shell works in it",
    next: () => NOTHING,
    run: async (args, opts) => (await import("./shell/start.js")).startShell(args, opts),
    notInShell: "you are in it",
  },
  {
    name: "completion",
    synopsis: "completion <shell>",
    summary: "Print a bash or zsh completion script",
    next: (args) => (args.length === 0 ? { words: ["bash", "zsh"] } : NOTHING),
    run: async (args) => (await import("./help.js")).completionScript(args),
  },
  {
    name: "version",
    synopsis: "version",
    summary: "Print the version",
    next: () => NOTHING,
    run: async () => {
      process.stdout.write(`kbgp ${VERSION}\n`);
    },
  },
];

export const COMMAND_NAMES: readonly string[] = [...COMMANDS.map((c) => c.name), "help"];

export function commandNamed(name: string): CommandSpec | undefined {
  return COMMANDS.find((c) => c.name === name);
}

/** What may follow `words` (a whole command line's words, the command first). */
export function nextSlot(words: readonly string[]): Slot {
  if (words.length === 0) return { words: COMMAND_NAMES };
  if (words[0] === "help") return words.length === 1 ? { words: COMMANDS.map((c) => c.name) } : NOTHING;
  return commandNamed(words[0])?.next(words.slice(1)) ?? NOTHING;
}

/** Option words and the values some options take (`-a ipv4|ipv6`). */
export const OPTION_VALUES: Readonly<Record<string, readonly string[]>> = {
  "-a": ["ipv4", "ipv6"],
  "--address-family": ["ipv4", "ipv6"],
};
