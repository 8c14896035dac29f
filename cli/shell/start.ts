/**
 * `kbgp shell`: needs a terminal on both ends; colour unless NO_COLOR or a dumb terminal. Whatever happens
 * (q, Ctrl-C, Ctrl-D, SIGTERM, SIGHUP, a crash), the terminal is given back out of raw mode with its
 * cursor shown. This module and Ink/React are bundled apart (dist/kbgp-shell.mjs): one-shot commands never
 * load them.
 */
import { render } from "ink";
import { createElement } from "react";
import type { Options } from "../args.js";
import { socketPath } from "../client.js";
import { CliError, ExitCode } from "../errors.js";
import { App } from "./app.js";
import { History, historyPath } from "./history.js";

export async function startShell(args: readonly string[], opts: Options): Promise<void> {
  if (args.length) throw new CliError(`unexpected '${args[0]}' after shell`, ExitCode.USAGE);
  if (opts.json) throw new CliError("the shell is for people: -j is for one-shot commands", ExitCode.USAGE);
  if (!process.stdin.isTTY || !process.stdout.isTTY)
    throw new CliError(
      "kbgp shell needs a terminal (kubectl exec -it …); one-shot commands work without",
      ExitCode.USAGE,
    );
  const color = process.env.NO_COLOR === undefined && process.env.TERM !== "dumb";
  const history = new History(historyPath());
  const app = render(createElement(App, { socket: socketPath(opts.socket), history, color }), {
    exitOnCtrlC: false,
    patchConsole: true,
  });
  const restore = () => {
    try {
      app.unmount();
    } catch {
      // Already gone.
    }
    if (process.stdin.isTTY) process.stdin.setRawMode(false);
    process.stdout.write("\x1b[?25h"); // cursor visible
  };
  const die = (why: string, code: number) => {
    restore();
    if (why) process.stderr.write(`kbgp shell: ${why}\n`);
    process.exit(code);
  };
  process.on("SIGTERM", () => die("", 143));
  process.on("SIGHUP", () => die("", 129));
  process.on("uncaughtException", (e) => die(`crashed: ${e.stack ?? e.message}`, 1));
  process.on("unhandledRejection", (e) => die(`crashed: ${(e as Error)?.stack ?? String(e)}`, 1));
  await app.waitUntilExit();
  restore();
  // The daemon link's timers and the socket end with the process.
  process.exit(0);
}
