/**
 * Help and shell completion, by yargs: loaded only for `--help`, `help`, `completion` and completion
 * requests, since it costs more start-up time than a whole one-shot command.
 */
import yargs, { type Argv } from "yargs";
import { OPTIONS } from "./args.js";
import { CliError, ExitCode } from "./errors.js";
import { VERSION } from "./version.js";

const noop = () => {};

/** The command tree as yargs sees it: descriptions and positionals only; args.ts and main.ts do the work. */
function tree(argv: readonly string[]): Argv {
  let y = yargs([...argv])
    .scriptName("kbgp")
    .usage("$0 <command> [options]\n\nTalks to kbgpd over its control socket (docs/api.md).")
    .version(VERSION)
    .help(false)
    .strict(false)
    .exitProcess(false)
    .wrap(Math.min(110, process.stdout.columns || 100));
  for (const [name, o] of Object.entries(OPTIONS)) {
    if (name === "help" || name === "version") continue;
    y = y.option(name, {
      ...(o.alias ? { alias: o.alias } : {}),
      type: o.type,
      describe: o.describe,
      global: true,
    });
  }
  return y
    .command(
      "neighbor [address] [command] [args..]",
      "List neighbors; show one; its adj-in, adj-out, local or filtered routes; reset, softreset[in|out], shutdown [-m text], disable, enable",
      noop,
    )
    .command(
      "global [rib] [args..]",
      'Show the speaker; its Loc-RIB: `global rib [prefix [longer-prefixes|shorter-prefixes]]`, `global rib summary`; inject routes (kept across restarts): `global rib add|del <prefix> [nexthop ADDR] [origin igp|egp|incomplete] [aspath "65001 65002"] [med N] [local-pref N] [community C,…] [large-community C,…] [extended-community C,…] [identifier N]`, `global rib add -f FILE`, `global rib del all`',
      noop,
    )
    .command(
      "monitor <what> [args..]",
      "Follow changes, one line each (-j: JSON with sequence numbers), until Ctrl-C; --current starts with the current state: `monitor global rib [-a ipv4|ipv6]`, `monitor neighbor [ADDRESS]`, `monitor neighbor ADDRESS adj-in [-a …]`",
      (y) => y.positional("what", { choices: ["global", "neighbor", "adj-in"] }),
    )
    .command(
      "api",
      "Read ExaBGP API commands on stdin (announce route …, withdraw route …); answer done or error per line",
      noop,
    )
    .command("mrt dump <file>", "Print every route in an MRT file as bgpdump -m does (-j: JSON lines)", noop)
    .command(
      "mrt inject global <file> [count]",
      "Announce an MRT table dump's routes, kept like rib add ones (--only-best, --nexthop ADDRESS|self)",
      noop,
    )
    .command("completion <shell>", "Print a bash or zsh completion script", noop)
    .command("version", "Print the version", noop)
    .example("$0 neighbor", "every configured neighbor, in any state")
    .example("$0 neighbor 192.0.2.2 adj-in 10.0.0.0/8 longer-prefixes", "what that neighbor sent inside 10/8")
    .example("$0 global rib -a ipv6 --limit 20", "the first 20 IPv6 destinations")
    .example("$0 global rib add 203.0.113.0/24 community 65000:1 med 10", "announce a route")
    .example("$0 monitor global rib --current -j", "the Loc-RIB's best paths, then every change")
    .example("my-exabgp-script | $0 api", "an ExaBGP process script, unchanged")
    .epilogue("Exit codes: 0 ok, 1 failed, 2 bad arguments, 3 kbgpd not reachable.");
}

export async function showHelp(_words: readonly string[]): Promise<void> {
  process.stdout.write(`${await tree([]).getHelp()}\n`);
}

/** `kbgp completion bash|zsh`. */
export async function completionScript(words: readonly string[]): Promise<void> {
  const [shell, ...extra] = words;
  if ((shell !== "bash" && shell !== "zsh") || extra.length)
    throw new CliError("expected 'completion bash' or 'completion zsh'", ExitCode.USAGE);
  // yargs picks the script by $SHELL.
  process.env.SHELL = `/bin/${shell}`;
  tree([]).completion("completion", false).showCompletionScript();
}

/** Answer a completion request from the script above. */
export async function complete(argv: readonly string[]): Promise<void> {
  await tree(argv).completion("completion", false).parseAsync();
}
