/**
 * `kbgp`: the command line. Argument parsing only; each command lives in cli/commands/. Errors are one
 * line on stderr: usage mistakes exit 2, failures exit 1.
 */
import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import { mrtDump } from "./commands/mrt-dump.js";
import { CliError, ExitCode, reportAndExit } from "./errors.js";
import { VERSION } from "./version.js";

const argv = hideBin(process.argv);

const parser = yargs(argv)
  .scriptName("kbgp")
  .usage("$0 <command> [options]")
  .option("json", {
    alias: "j",
    type: "boolean",
    default: false,
    describe: "Print JSON (one object per line for streams)",
  })
  .command("version", "Print the version", {}, () => {
    process.stdout.write(`kbgp ${VERSION}\n`);
  })
  .command("mrt <command>", "Read MRT (RFC 6396) dumps", (y) =>
    y
      .command(
        "dump <file>",
        "Print every route in an MRT file, one line each, as bgpdump -m does (gzip and bzip2 read as is; - for stdin)",
        (y) => y.positional("file", { type: "string", demandOption: true }),
        // yargs turns a lone "-" into an empty string.
        (args) => mrtDump(args.file === "" ? "-" : args.file, args.json),
      )
      .demandCommand(1, "name an mrt command: dump"),
  )
  .demandCommand(1, "name a command (see kbgp --help)")
  .strict()
  .version(VERSION)
  .help()
  .fail((msg, err) => {
    if (err) reportAndExit(err);
    reportAndExit(new CliError(`${msg} (see kbgp --help)`, ExitCode.USAGE));
  });

try {
  await parser.parseAsync();
} catch (e) {
  reportAndExit(e);
}
