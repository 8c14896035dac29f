/**
 * `kbgp`: the command line. This file only routes: words and options from args.ts, then the command's
 * module, loaded when it is the one asked for, so a one-shot `kbgp neighbor` loads little more than the
 * socket client. Errors are one line on stderr: usage mistakes exit 2, an absent daemon 3, failures 1.
 */
import { closest } from "../core/api/suggest.js";
import { parseArgs } from "./args.js";
import { CliError, ExitCode, reportAndExit } from "./errors.js";
import { initColor } from "./format/color.js";
import { COMMAND_NAMES, commandNamed } from "./registry.js";
import { VERSION } from "./version.js";

async function main(argv: readonly string[]): Promise<void> {
  // The completion script's requests (the option keeps yargs' name, which the script uses).
  if (argv.includes("--get-yargs-completions"))
    return (await import("./completion-request.js")).complete(argv);
  const { words, opts } = parseArgs(argv);
  const [command, ...rest] = words;
  if (opts.help || command === "help")
    return (await import("./help.js")).showHelp(command === "help" ? rest : words);
  if (opts.version) {
    process.stdout.write(`kbgp ${VERSION}\n`);
    return;
  }
  if (command === undefined)
    throw new CliError(
      `name a command: ${COMMAND_NAMES.filter((n) => n !== "help").join(", ")} (see kbgp --help)`,
      ExitCode.USAGE,
    );
  const spec = commandNamed(command);
  if (!spec) {
    const hint = closest(command, COMMAND_NAMES);
    throw new CliError(
      `unknown command '${command}'${hint ? ` (did you mean '${hint}'?)` : ""} (see kbgp --help)`,
      ExitCode.USAGE,
    );
  }
  await initColor();
  return spec.run(rest, opts);
}

main(process.argv.slice(2)).catch(reportAndExit);
