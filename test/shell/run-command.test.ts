/**
 * A line typed at the shell's prompt: what it asks for (parseLine), and running a command as a child
 * (runCommand) with a tiny stand-in for the kbgp program, so output, exit codes and Ctrl-C are checked
 * without a daemon.
 */
import { describe, expect, it } from "vitest";
import { parseLine, runCommand } from "../../cli/shell/run-command.js";

describe("parseLine", () => {
  it("an empty or blank line, or only a comment, is empty", () => {
    expect(parseLine("")).toEqual({ kind: "empty" });
    expect(parseLine("   ")).toEqual({ kind: "empty" });
    expect(parseLine("# nothing")).toEqual({ kind: "empty" });
  });

  it("exit, quit and q leave; clear clears", () => {
    for (const w of ["exit", "quit", "q", "  exit  "]) expect(parseLine(w)).toEqual({ kind: "exit" });
    expect(parseLine("clear")).toEqual({ kind: "clear" });
  });

  it("? and help list the commands the shell runs, not api or shell", () => {
    for (const line of ["?", "help"]) {
      const p = parseLine(line);
      expect(p.kind).toBe("help");
      const text = p.kind === "help" ? p.text : "";
      expect(text).toMatch(/^Commands/);
      for (const name of ["neighbor", "global", "monitor", "mrt", "completion", "version"])
        expect(text).toMatch(new RegExp(`^  ${name}`, "m"));
      expect(text).not.toMatch(/^ {2}api/m);
      expect(text).not.toMatch(/^ {2}shell/m);
      expect(text).toContain("exit | quit | q");
    }
  });

  it("`COMMAND ?` explains it and names what may come next", () => {
    const n = parseLine("neighbor ?");
    expect(n).toEqual({
      kind: "help",
      text: expect.stringContaining("neighbor [address] [command] [args..]:"),
    });
    expect(n.kind === "help" && n.text).toContain("next: <neighbor>");
    const one = parseLine("neighbor 10.0.0.1 ?");
    expect(one.kind === "help" && one.text).toMatch(/next: adj-in \| adj-out \| local \| filtered \| reset/);
    const g = parseLine("global rib ?");
    expect(g.kind === "help" && g.text).toContain("next: summary | add | del | <prefix>");
    const v = parseLine("version ?");
    expect(v.kind === "help" && v.text).toContain("nothing more is expected here");
    const h = parseLine("help global rib");
    expect(h.kind === "help" && h.text).toContain("next: summary | add | del | <prefix>");
    const opt = parseLine("global -a ipv6 rib ?");
    expect(opt.kind === "help" && opt.text).toContain("next: summary | add | del | <prefix>");
  });

  it("an unknown command is refused with what it may have meant", () => {
    expect(parseLine("nieghbor")).toEqual({
      kind: "error",
      message: "unknown command 'nieghbor' (did you mean 'neighbor'?); type ? for the list",
    });
    expect(parseLine("qit")).toMatchObject({ message: expect.stringContaining("did you mean 'quit'?") });
    expect(parseLine("glbal")).toMatchObject({ message: expect.stringContaining("did you mean 'global'?") });
    expect(parseLine("xyzzy")).toEqual({
      kind: "error",
      message: "unknown command 'xyzzy'; type ? for the list",
    });
    const help = parseLine("frobnicate ?");
    expect(help.kind === "help" && help.text).toContain("unknown command 'frobnicate'");
  });

  it("refuses the commands that do not run in the shell, with the reason", () => {
    expect(parseLine("api")).toEqual({
      kind: "error",
      message: expect.stringMatching(
        /^'api' does not run in the shell: it reads commands from standard input/,
      ),
    });
    expect(parseLine("shell")).toEqual({
      kind: "error",
      message: "'shell' does not run in the shell: you are in it",
    });
  });

  it("refuses another socket, however it is written", () => {
    for (const line of [
      "neighbor -s /tmp/other.sock",
      "neighbor --socket /tmp/other.sock",
      "neighbor --socket=/tmp/other.sock",
      "neighbor -s/tmp/other.sock",
      "neighbor -js /tmp/other.sock",
    ])
      expect(parseLine(line)).toEqual({
        kind: "error",
        message: "the shell talks to one kbgpd; start another shell for another socket",
      });
    expect(parseLine("neighbor 10.0.0.1 shutdown -m 'see -s'")).toMatchObject({ kind: "run" });
  });

  it("runs a known command with its words, quotes handled as a shell does", () => {
    expect(parseLine("neighbor")).toEqual({ kind: "run", words: ["neighbor"] });
    expect(parseLine(`global rib add 10.0.0.0/24 aspath "65001 65002" med 5`)).toEqual({
      kind: "run",
      words: ["global", "rib", "add", "10.0.0.0/24", "aspath", "65001 65002", "med", "5"],
    });
    expect(parseLine("neighbor 10.0.0.1 shutdown -m 'back at 5'")).toEqual({
      kind: "run",
      words: ["neighbor", "10.0.0.1", "shutdown", "-m", "back at 5"],
    });
    expect(parseLine("  global   rib  ")).toEqual({ kind: "run", words: ["global", "rib"] });
  });

  it("an unclosed quote is an error naming the column", () => {
    expect(parseLine(`neighbor 10.0.0.1 shutdown -m "oops`)).toEqual({
      kind: "error",
      message: '" opened at column 31 is not closed',
    });
  });
});

/** A stand-in kbgp: `node -e SCRIPT WORDS…`, the words in process.argv from index 1. */
const fake = (script: string) => [process.execPath, "-e", script];

function collect() {
  const chunks: { text: string; stream: "stdout" | "stderr" }[] = [];
  return {
    chunks,
    out: (text: string, stream: "stdout" | "stderr") => chunks.push({ text, stream }),
    all: (stream: "stdout" | "stderr") =>
      chunks
        .filter((c) => c.stream === stream)
        .map((c) => c.text)
        .join(""),
  };
}

describe("runCommand", () => {
  it("hands the words to the program, stdout and stderr as they come, and the exit code", async () => {
    const c = collect();
    const r = runCommand(
      ["neighbor", "10.0.0.1"],
      "/run/test.sock",
      false,
      c.out,
      fake(
        `console.log("words " + JSON.stringify(process.argv.slice(1)));
         console.log("socket " + process.env.KBGP_SOCKET + " color " + (process.env.FORCE_COLOR ?? "unset"));
         console.error("warning: on stderr");
         process.exitCode = 3;`,
      ),
    );
    expect(await r.done).toBe(3);
    expect(c.all("stdout")).toBe(`words ["neighbor","10.0.0.1"]\nsocket /run/test.sock color unset\n`);
    expect(c.all("stderr")).toBe("warning: on stderr\n");
  });

  it("asks for colour when the shell has it, and never passes its own FORCE_COLOR on otherwise", async () => {
    const saved = process.env.FORCE_COLOR;
    process.env.FORCE_COLOR = "3";
    try {
      for (const [color, want] of [
        [true, "1"],
        [false, "unset"],
      ] as const) {
        const c = collect();
        const r = runCommand([], "/s", color, c.out, fake(`console.log(process.env.FORCE_COLOR ?? "unset")`));
        expect(await r.done).toBe(0);
        expect(c.all("stdout")).toBe(`${want}\n`);
      }
    } finally {
      if (saved === undefined) delete process.env.FORCE_COLOR;
      else process.env.FORCE_COLOR = saved;
    }
  });

  it("hands over whole lines, even when the program writes a line in pieces", async () => {
    const c = collect();
    const r = runCommand(
      [],
      "/s",
      false,
      c.out,
      fake(
        `process.stdout.write("Peer   AS");
         setTimeout(() => process.stdout.write(" Up/Down\\n10.0.0.1"), 150);
         setTimeout(() => process.stdout.write(" 65002\\n"), 300);`,
      ),
    );
    expect(await r.done).toBe(0);
    expect(c.all("stdout")).toBe("Peer   AS Up/Down\n10.0.0.1 65002\n");
    for (const { text } of c.chunks) expect(text.endsWith("\n")).toBe(true);
  });

  it("hands over whole lines of a long listing that fills the pipe many times", async () => {
    const c = collect();
    const r = runCommand(
      [],
      "/s",
      false,
      c.out,
      fake(
        `let s = ""; for (let i = 0; i < 40000; i++) s += "10." + (i >> 8) + "." + (i & 255) + ".0/24 via 192.0.2.1\\n";
         process.stdout.write(s);`,
      ),
    );
    expect(await r.done).toBe(0);
    const text = c.all("stdout");
    expect(text.split("\n")).toHaveLength(40001);
    for (const { text } of c.chunks) expect(text.endsWith("\n")).toBe(true);
  });

  it("hands over a last line without a newline when the program ends", async () => {
    const c = collect();
    const r = runCommand([], "/s", false, c.out, fake(`process.stdout.write("a\\nno newline")`));
    expect(await r.done).toBe(0);
    expect(c.all("stdout")).toBe("a\nno newline");
  });

  it("interrupt() stops a program that runs until Ctrl-C: 130 when SIGINT kills it", async () => {
    const c = collect();
    const r = runCommand(
      [],
      "/s",
      false,
      c.out,
      fake(`console.log("started"); setInterval(() => {}, 1000);`),
    );
    await waitFor(() => c.all("stdout").includes("started"));
    r.interrupt();
    expect(await r.done).toBe(130);
  });

  it("interrupt() lets a program that catches SIGINT end with its own code", async () => {
    const c = collect();
    const r = runCommand(
      [],
      "/s",
      false,
      c.out,
      fake(
        `process.on("SIGINT", () => { console.log("stopped"); process.exit(0); });
         console.log("following"); setInterval(() => {}, 1000);`,
      ),
    );
    await waitFor(() => c.all("stdout").includes("following"));
    r.interrupt();
    expect(await r.done).toBe(0);
    expect(c.all("stdout")).toBe("following\nstopped\n");
  });

  it("a program that cannot start says so on stderr and ends with 1", async () => {
    const c = collect();
    const r = runCommand(["neighbor"], "/s", false, c.out, ["/nonexistent/kbgp"]);
    expect(await r.done).toBe(1);
    expect(c.all("stderr")).toMatch(/^kbgp: cannot run \/nonexistent\/kbgp: .*ENOENT/);
  });
});

async function waitFor(ok: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
}
