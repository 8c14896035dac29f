/**
 * `kbgp`: the command line. This file only routes: words and options from args.ts, then the command's
 * module, loaded when it is the one asked for, so a one-shot `kbgp neighbor` loads little more than the
 * socket client. Errors are one line on stderr: usage mistakes exit 2, an absent daemon 3, failures 1.
 */
import { closest } from "../core/api/suggest.js";
import { parseArgs } from "./args.js";
import { CliError, ExitCode, reportAndExit } from "./errors.js";
import { initColor } from "./format/color.js";
import { VERSION } from "./version.js";

const COMMANDS = ["neighbor", "global", "monitor", "api", "mrt", "completion", "version", "help"] as const;

async function main(argv: readonly string[]): Promise<void> {
  // Shell completion asks yargs directly.
  if (argv.includes("--get-yargs-completions")) return (await import("./help.js")).complete(argv);
  const { words, opts } = parseArgs(argv);
  const [command, ...rest] = words;
  if (opts.help || command === "help")
    return (await import("./help.js")).showHelp(command === "help" ? rest : words);
  if (opts.version || command === "version") {
    process.stdout.write(`kbgp ${VERSION}\n`);
    return;
  }
  await initColor();
  switch (command) {
    case "neighbor":
      return (await import("./commands/neighbor.js")).neighborCommand(rest, opts);
    case "global":
      return (await import("./commands/global.js")).globalCommand(rest, opts);
    case "monitor":
      return (await import("./commands/monitor.js")).monitorCommand(rest, opts);
    case "api":
      return (await import("./commands/api.js")).apiCommand(rest, opts);
    case "mrt": {
      const [sub, file, ...extra] = rest;
      if (sub === "inject") return (await import("./commands/mrt-inject.js")).mrtInject(rest.slice(1), opts);
      if (sub !== "dump")
        throw new CliError(
          `expected 'mrt dump FILE' or 'mrt inject global FILE', not 'mrt ${sub ?? ""}'`.trimEnd(),
          ExitCode.USAGE,
        );
      if (file === undefined)
        throw new CliError("mrt dump needs a FILE (- for standard input)", ExitCode.USAGE);
      if (extra.length) throw new CliError(`unexpected '${extra[0]}' after the file`, ExitCode.USAGE);
      return (await import("./commands/mrt-dump.js")).mrtDump(file, opts.json);
    }
    case "completion":
      return (await import("./help.js")).completionScript(rest);
    case undefined:
      throw new CliError(
        "name a command: neighbor, global, monitor, api, mrt, completion, version (see kbgp --help)",
        ExitCode.USAGE,
      );
    default: {
      const hint = closest(command, COMMANDS);
      throw new CliError(
        `unknown command '${command}'${hint ? ` (did you mean '${hint}'?)` : ""} (see kbgp --help)`,
        ExitCode.USAGE,
      );
    }
  }
}

main(process.argv.slice(2)).catch(reportAndExit);
