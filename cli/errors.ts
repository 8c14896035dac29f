/** How the CLI reports failure: one line on stderr naming the fault, and an exit code that says which
 *  kind it was. */
export const ExitCode = { OK: 0, FAILED: 1, USAGE: 2, NO_DAEMON: 3 } as const;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = ExitCode.FAILED,
  ) {
    super(message);
  }
}

export function reportAndExit(e: unknown): never {
  // By shape, not class: a command bundled in its own file (scripts/build.mjs) has its own CliError.
  const code = (e as { exitCode?: unknown })?.exitCode;
  let message = e instanceof Error ? e.message : String(e);
  if (code === ExitCode.USAGE && !message.includes("kbgp --help")) message += " (see kbgp --help)";
  process.stderr.write(`kbgp: ${message}\n`);
  process.exit(typeof code === "number" ? code : ExitCode.FAILED);
}
