/**
 * Running a command typed at the shell's prompt: words split as a shell would, checked against the command
 * registry (unknown words are named without starting anything), then the very `kbgp` program run as a child
 * with those words, so its output is the one-shot command's, byte for byte. Output is handed over as it
 * comes, in whole lines (the shell prints it above the live view); Ctrl-C stops the command (a monitor ends
 * as it does at a terminal), not the shell.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { shellWords } from "../../core/api/route-args.js";
import { closest } from "../../core/api/suggest.js";
import { parseArgs } from "../args.js";
import { positionalWords } from "../completion.js";
import { COMMAND_NAMES, COMMANDS, commandNamed, nextSlot } from "../registry.js";

/** What a typed line asks for: a command to run, something the shell does itself, or a mistake. */
export type Parsed =
  | { kind: "run"; words: string[] }
  | { kind: "exit" }
  | { kind: "clear" }
  | { kind: "help"; text: string }
  | { kind: "error"; message: string }
  | { kind: "empty" };

const SHELL_WORDS = ["exit", "quit", "q", "clear", "?"];

/** Per-command help: what it does, and what may come next where the `?` was typed. */
function helpFor(words: readonly string[]): string {
  if (words.length === 0)
    return [
      "Commands (as on the command line; Tab completes, `COMMAND ?` explains one):",
      ...COMMANDS.filter((c) => !c.notInShell).map(
        (c) => `  ${c.synopsis.padEnd(34)} ${firstSentence(c.summary)}`,
      ),
      "  clear                             clear the screen and its scrollback",
      "  exit | quit | q                   leave the shell (also Ctrl-D)",
    ].join("\n");
  const spec = commandNamed(words[0]);
  if (!spec) return unknown(words[0]);
  const slot = nextSlot(words);
  const next = [...(slot.words ?? []), ...(slot.value ? [`<${slot.value}>`] : [])];
  return [
    `${spec.synopsis}: ${spec.summary}`,
    next.length ? `next: ${next.join(" | ")}` : "nothing more is expected here",
  ].join("\n");
}

const firstSentence = (s: string) => s.split(/[;:] /)[0];

function unknown(word: string): string {
  const hint = closest(word, [...COMMAND_NAMES, ...SHELL_WORDS]);
  return `unknown command '${word}'${hint ? ` (did you mean '${hint}'?)` : ""}; type ? for the list`;
}

/** `--socket=PATH`, `-sPATH`, `-js PATH`…: whatever form the one-shot command would take a socket in. */
function socketGiven(words: readonly string[]): boolean {
  try {
    return parseArgs(words).opts.socket !== undefined;
  } catch {
    return false; // A bad option: the command itself says what is wrong with it.
  }
}

export function parseLine(line: string): Parsed {
  const split = shellWords(line);
  if (!split.ok) return { kind: "error", message: split.error };
  const words = split.words;
  if (words.length === 0) return { kind: "empty" };
  const [first] = words;
  if (first === "exit" || first === "quit" || first === "q") return { kind: "exit" };
  if (first === "clear") return { kind: "clear" };
  if (first === "?" || first === "help") {
    return words.length === 1
      ? { kind: "help", text: helpFor([]) }
      : { kind: "help", text: helpFor(positionalWords(words.slice(1))) };
  }
  if (words[words.length - 1] === "?")
    return { kind: "help", text: helpFor(positionalWords(words.slice(0, -1))) };
  const spec = commandNamed(first);
  if (!spec) return { kind: "error", message: unknown(first) };
  if (spec.notInShell)
    return { kind: "error", message: `'${first}' does not run in the shell: ${spec.notInShell}` };
  if (words.includes("-s") || words.includes("--socket") || socketGiven(words))
    return { kind: "error", message: "the shell talks to one kbgpd; start another shell for another socket" };
  return { kind: "run", words };
}

/** This very `kbgp`, with the young-generation size its `#!` line gave Node (and no other Node flag). */
const THIS_PROGRAM = [
  process.execPath,
  ...process.execArgv.filter((a) => a.startsWith("--max-semi-space-size")),
  process.argv[1],
];

export interface Running {
  /** Ctrl-C: stop it as a terminal would. */
  interrupt(): void;
  readonly done: Promise<number>;
}

/** Run `kbgp WORDS` against `socket`; `out` gets stdout and stderr text as it comes, in whole lines. */
export function runCommand(
  words: readonly string[],
  socket: string,
  color: boolean,
  out: (text: string, stream: "stdout" | "stderr") => void,
  program: readonly string[] = THIS_PROGRAM,
): Running {
  const { FORCE_COLOR: _forced, ...inherited } = process.env;
  const env: NodeJS.ProcessEnv = {
    ...inherited,
    KBGP_SOCKET: socket,
    ...(color ? { FORCE_COLOR: "1" } : {}),
  };
  const child: ChildProcess = spawn(program[0], [...program.slice(1), ...words], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  // Whole lines only: a pipe's chunks end anywhere, and each chunk is printed as it is handed over.
  const held = { stdout: "", stderr: "" };
  const take = (stream: "stdout" | "stderr") => (d: string) => {
    const text = held[stream] + d;
    const end = text.lastIndexOf("\n") + 1;
    held[stream] = text.slice(end);
    if (end > 0) out(text.slice(0, end), stream);
  };
  child.stdout!.setEncoding("utf8").on("data", take("stdout"));
  child.stderr!.setEncoding("utf8").on("data", take("stderr"));
  const done = new Promise<number>((resolve) => {
    child.on("error", (e) => {
      out(`kbgp: cannot run ${program.join(" ")}: ${e.message}\n`, "stderr");
      resolve(1);
    });
    child.on("close", (code, signal) => {
      for (const stream of ["stdout", "stderr"] as const) if (held[stream]) out(held[stream], stream);
      resolve(code ?? (signal === "SIGINT" ? 130 : 1));
    });
  });
  return { interrupt: () => child.kill("SIGINT"), done };
}
