/**
 * Help and shell completion, by yargs: loaded only for `--help`, `help`, `completion` and completion
 * requests, since it costs more start-up time than a whole one-shot command.
 */
import yargs, { type Argv } from "yargs";
import { OPTIONS } from "./args.js";
import { completeWord } from "./completion.js";
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

/**
 * Answer a completion request from the script above, from the command registry (the shell completes from
 * the same): the words that may come next, and neighbor addresses asked of kbgpd when it answers at once.
 */
export async function complete(argv: readonly string[]): Promise<void> {
  const at = argv.indexOf("--get-yargs-completions");
  // The script passes the whole line, the program's name first and the word being typed last.
  const line = argv.slice(at + 2);
  const current = line.length ? line[line.length - 1] : "";
  const done = line.slice(0, -1);
  const words = await completeWord(done, current, {
    neighbors: () => neighborsQuickly(socketOption(done)),
  });
  if (words.length) process.stdout.write(`${words.join("\n")}\n`);
}

/** `-s PATH` / `--socket PATH` on the line being completed. */
function socketOption(words: readonly string[]): string | undefined {
  const i = words.findIndex((w) => w === "-s" || w === "--socket");
  return i >= 0 ? words[i + 1] : undefined;
}

/** Neighbor addresses, or none if kbgpd does not answer within 300 ms: completion must never hang. */
async function neighborsQuickly(socket: string | undefined): Promise<string[]> {
  const { Client, socketPath } = await import("./client.js");
  const timeout = new Promise<string[]>((resolve) => setTimeout(() => resolve([]), 300).unref());
  const ask = Client.connect(socketPath(socket))
    .then(async (c) => {
      try {
        const r = await c.call<{ neighbors: { address: string }[] }>("neighbor.list");
        return r.neighbors.map((n) => n.address);
      } finally {
        c.close();
      }
    })
    .catch(() => []);
  return Promise.race([ask, timeout]);
}
