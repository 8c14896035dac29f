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
  const err = e instanceof CliError ? e : new CliError(e instanceof Error ? e.message : String(e));
  process.stderr.write(`kbgp: ${err.message}\n`);
  process.exit(err.exitCode);
}
