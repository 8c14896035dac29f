/**
 * Driving the whole shell as a person would, through ink-testing-library: keys written to its stdin, the
 * screen read from its last frame (Ink's debug mode: the event log written so far, then the live view).
 * Commands run a stand-in program, never the real kbgp.
 */
import { stripVTControlCharacters } from "node:util";
import { render } from "ink-testing-library";
import { createElement as h } from "react";
import { App } from "../../cli/shell/app.js";
import { History } from "../../cli/shell/history.js";

export const KEY = {
  enter: "\r",
  tab: "\t",
  up: "\x1b[A",
  down: "\x1b[B",
  left: "\x1b[D",
  pageUp: "\x1b[5~",
  pageDown: "\x1b[6~",
  home: "\x1b[H",
  end: "\x1b[F",
  escape: "\x1b",
  backspace: "\x7f",
  ctrlA: "\x01",
  ctrlC: "\x03",
  ctrlE: "\x05",
  ctrlK: "\x0b",
  ctrlU: "\x15",
  ctrlW: "\x17",
  alt: (k: string) => `\x1b${k}`,
};

/** A stand-in kbgp: `node -e SCRIPT WORDS…`. */
export const fake = (script: string) => [process.execPath, "-e", script];
/** Prints its words; fails when one of them is `fail`. */
export const ECHO = fake(
  `const w = process.argv.slice(1); console.log("ran " + w.join(" ")); if (w.includes("fail")) { console.error("bad thing"); process.exit(3); }`,
);

const mounted: { unmount: () => void }[] = [];

/** Unmount every shell started since the last call (each test file calls it after each test). */
export function unmountAll(): void {
  for (const m of mounted.splice(0)) {
    try {
      m.unmount();
    } catch {
      // Already exited.
    }
  }
}

export const matches = (s: string, what: string | RegExp) =>
  typeof what === "string" ? s.includes(what) : what.test(s);
export const tick = () => new Promise((r) => setTimeout(r, 20));
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function until(ok: () => boolean, ms: number, show: () => string): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out; screen:\n${show()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const count = (s: string, part: string) => s.split(part).length - 1;

export function shell(socket: string, program: readonly string[] = ECHO, history = new History(null)) {
  const r = render(h(App, { socket, history, color: false, program }));
  mounted.push(r);
  const screen = () => stripVTControlCharacters(r.lastFrame() ?? "");
  const lines = () => screen().split("\n");
  return {
    ...r,
    screen,
    lines,
    /** The live view: from the status line down (the event log is above it). */
    live: () => {
      const l = lines();
      return l.slice(l.findIndex((x) => /^(kbgp shell · |kbgpd at )/.test(x)));
    },
    /** Everything written to the terminal: commands' output goes there directly, not into a frame. */
    out: () => stripVTControlCharacters(r.frames.join("\n")),
    err: () => stripVTControlCharacters(r.stderr.frames.join("\n")),
    /** The prompt line as shown, less trailing blanks (Ink trims them, the cursor among them). */
    promptLine: () =>
      lines()
        .findLast((l) => /^(kbgp>|running: )/.test(l))
        ?.trimEnd() ?? "",
    type: async (...keys: string[]) => {
      for (const k of keys) {
        r.stdin.write(k);
        await tick();
      }
    },
    until: (what: string | RegExp | (() => boolean), ms = 3000) =>
      until(
        () => (typeof what === "function" ? what() : matches(screen(), what)),
        ms,
        () => screen(),
      ),
  };
}

export type Shell = ReturnType<typeof shell>;
