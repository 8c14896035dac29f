/**
 * Help and the shell completion script, by yargs: loaded only for `--help`, `help` and `completion`, since
 * it costs more start-up time than a whole one-shot command. Completion requests themselves are answered by
 * completion-request.ts, without yargs.
 */
import yargs, { type Argv } from "yargs";
import { OPTIONS } from "./args.js";
import { CliError, ExitCode } from "./errors.js";
import { COMMANDS } from "./registry.js";
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
  for (const c of COMMANDS) y = y.command(c.synopsis, c.summary, noop);
  return y
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
