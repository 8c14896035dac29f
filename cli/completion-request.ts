/**
 * `kbgp --get-yargs-completions …`, as the bash/zsh script of `kbgp completion` asks at each Tab: answered
 * from the command registry without loading yargs, so a Tab costs no more than a one-shot command.
 */
import { completeWord } from "./completion.js";

/**
 * Answer a completion request from the script `kbgp completion` prints (help.ts), from the command registry (the shell completes from
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
