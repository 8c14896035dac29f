/**
 * The real `kbgp shell` in a real terminal (tmux, 80×24) against a real kbgpd with a real peer: typed with
 * send-keys, read with capture-pane. A peer going down must show within a second; commands print what the
 * one-shot command prints; kbgpd going away and coming back is said; q gives the terminal back sane.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KBGP, kbgp } from "../helpers/cli.js";
import { kbgpdPair } from "../helpers/kbgpd-pair.js";
import {
  closeAllLabs,
  type KbgpdPeer,
  type Lab,
  requireBinary,
  waitUntil,
} from "../interop/harness/index.js";

let lab: Lab;
let a: KbgpdPeer;
let b: KbgpdPeer;
const session = `kbgp-shell-${process.pid}`;

const tmux = (...args: string[]) => execFileSync("tmux", args, { encoding: "utf8" });
// -J: lines the terminal wrapped come back whole, as the program wrote them.
const screen = () => tmux("capture-pane", "-p", "-J", "-t", session);
/** Keys one at a time, as a person types them (a whole string in one read is a paste). */
const type = async (text: string) => {
  for (const ch of text) {
    tmux("send-keys", "-t", session, "-l", ch);
    await new Promise((r) => setTimeout(r, 15));
  }
};
const press = (key: string) => tmux("send-keys", "-t", session, key);
const until = (what: string, test: (s: string) => boolean, timeoutMs = 10_000) =>
  waitUntil(what, () => test(screen()), { timeoutMs, intervalMs: 50, detail: () => screen() });

beforeAll(async () => {
  requireBinary("/usr/bin/tmux", "tmux");
  ({ lab, a, b } = await kbgpdPair("shell-tmux", 30));
  await b.announce({ prefix: "198.51.100.0/24" });
  await Promise.all([a.start(), b.start()]);
  await a.waitEstablished(b.spec.address, 30_000);
  const stty = join(lab.dir, "stty-after");
  const command = shellCommand(stty);
  tmux("new-session", "-d", "-s", session, "-x", "80", "-y", "24", "bash", "-c", command);
}, 60_000);

/**
 * The shell in the pane, then the terminal's settings recorded after it ends (they must be the cooked ones
 * it started with). CI is set as CI systems set it: Ink then stops redrawing unless the shell tells it not to.
 */
function shellCommand(stty: string): string {
  return `CI=true KBGP_HISTORY=${join(lab.dir, "history")} ${KBGP} -s ${a.socket} shell; stty -a > ${stty}; sleep 600`;
}

afterAll(async () => {
  spawnSync("tmux", ["kill-session", "-t", session]);
  await closeAllLabs();
});

describe("kbgp shell in a terminal", () => {
  it("shows the live neighbor dashboard within 80 columns", async () => {
    await until(
      "B established on the dashboard",
      (s) => /^\S*\s*\d+\.\d+\.\d+\.\d+\s+65002\s+\S+\s+Establ/m.test(s) && s.includes("kbgp>"),
    );
    const s = screen();
    expect(s).toContain(`kbgpd 0.`);
    expect(s).toMatch(/Peer\s+AS\s+Up\/Down\s+State\s+Rcvd\s+Accd\s+Adv\s+Flaps/);
    expect(s).toMatch(/Tab complete/);
    // The live view (status line to key map) never relies on the terminal wrapping it.
    const lines = s.split("\n");
    const live = lines.slice(lines.findIndex((l) => l.startsWith("kbgp shell ·")));
    expect(live.length).toBeGreaterThan(4);
    for (const line of live) expect(line.length).toBeLessThanOrEqual(80);
  });

  it("lays itself out again when the terminal is resized", async () => {
    tmux("resize-window", "-t", session, "-x", "120", "-y", "30");
    await until("the key map redrawn to 120 columns", (s) =>
      s.split("\n").some((l) => l.startsWith("Tab complete") && l.length > 100),
    );
    tmux("resize-window", "-t", session, "-x", "80", "-y", "24");
    await until("back to 80 columns", (s) =>
      s.split("\n").some((l) => l.startsWith("Tab complete") && l.length === 80),
    );
  });

  it("runs a command with the one-shot command's output, and completes words with Tab", async () => {
    await type("glob");
    press("Tab");
    // capture-pane drops trailing blanks: the completion added one, and the cursor sits after it.
    await until("global completed", (s) => /^kbgp> global\s*$/m.test(s));
    await type("rib 198.51.100.0/24");
    press("Enter");
    await until(
      "the route listed",
      (s) => s.includes("kbgp> global rib 198.51.100.0/24") && /\*> 198\.51\.100\.0\/24/.test(s),
    );
    const oneShot = kbgp(["-s", a.socket, "global", "rib", "198.51.100.0/24"]).stdout.split("\n");
    const s = screen();
    expect(s).toContain(oneShot[0].trimEnd());
    // The row matches but for the Age column, which may have ticked.
    expect(s).toContain(oneShot[1].slice(0, 60).trimEnd());
  });

  it("shows the route view a screenful at a time, narrowed as a filter is typed", async () => {
    tmux("send-keys", "-t", session, "M-3");
    await until(
      "the route view",
      (s) => /^filter>\s+rows 1–\d+ of \d+/m.test(s) && s.includes("198.51.100.0/24"),
    );
    await type("as 64999");
    await until("nothing from AS 64999", (s) => /^filter> as 64999\s+no routes match/m.test(s));
    press("C-u");
    await type("198.51.");
    await until(
      "B's route alone",
      (s) => /^filter> 198\.51\.\s+rows 1–1 of 1$/m.test(s) && /^\*> 198\.51\.100\.0\/24/m.test(s),
    );
    press("Escape");
    await until("back on the dashboard", (s) => /^kbgp>/m.test(s) && /Peer\s+AS/.test(s));
  });

  it("opens the highlighted route in detail, every path and where it came from, kept current", async () => {
    const from = b.spec.address.replaceAll(".", "\\.");
    tmux("send-keys", "-t", session, "M-3");
    // The filter typed before is kept: B's route alone, highlighted.
    await until("the route view again", (s) => /^filter> 198\.51\.\s+rows 1–1 of 1$/m.test(s));
    press("Enter");
    await until(
      "the detail pane",
      (s) =>
        s.includes("198.51.100.0/24: 1 path, best: the only path") &&
        new RegExp(`^\\*> +from ${from} \\(AS 65002, (.*, )?Establ\\)$`, "m").test(s),
    );
    let s = screen();
    expect(s).toMatch(/^ {3}Next Hop +\d+\.\d+\.\d+\.\d+$/m);
    expect(s).toMatch(/^ {3}AS_PATH +65002$/m);
    expect(s).toMatch(/^ {3}Attrs +\[\{Origin: i\}/m);
    expect(s).toMatch(/Esc back to the routes/);
    // A second path for the prefix, from kbgpd itself: the pane shows it within a second or so.
    const t0 = Date.now();
    kbgp(["-s", a.socket, "global", "rib", "add", "198.51.100.0/24", "med", "7", "community", "65001:7"]);
    await until(
      "the second path",
      (s) => /^198\.51\.100\.0\/24: 2 paths, best: /m.test(s) && /^\*> +from local:\S+$/m.test(s),
      5_000,
    );
    const seen = Date.now() - t0;
    s = screen();
    expect(s).toMatch(new RegExp(`^\\* {3}from ${from} `, "m"));
    expect(s).toMatch(/\{Med: 7\} \{Communities: 65001:7\}/);
    const lines = s.split("\n");
    for (const line of lines.slice(lines.findLastIndex((l) => l.startsWith("kbgp shell ·")))) {
      expect(line.length).toBeLessThanOrEqual(80);
    }
    expect(seen).toBeLessThan(2_000);
    kbgp(["-s", a.socket, "global", "rib", "del", "198.51.100.0/24"]);
    await until("back to one path", (s) => s.includes("198.51.100.0/24: 1 path, best: the only path"), 5_000);
    press("Escape");
    await until("the route list", (s) => /^filter> 198\.51\.\s+rows 1–1 of 1$/m.test(s));
    press("Escape");
    await until("back on the dashboard", (s) => /^kbgp>/m.test(s) && /Peer\s+AS/.test(s));
  });

  it("shows a peer going down within one second", async () => {
    const t0 = Date.now();
    await b.stop();
    await until(
      "B no longer established",
      (s) => {
        const row = s.split("\n").find((l) => l.includes(`${b.spec.address} `) && l.includes("65002"));
        return row !== undefined && !row.includes("Establ");
      },
      5_000,
    );
    const seen = Date.now() - t0;
    expect(seen).toBeLessThan(1000);
    // The event log says what happened.
    await until("the change logged", (s) =>
      new RegExp(`${b.spec.address.replaceAll(".", "\\.")} Establ → `).test(s),
    );
  });

  it("says when kbgpd goes away and when it is back", async () => {
    await a.stop();
    await until("kbgpd gone", (s) => s.includes("is gone"), 5_000);
    await a.start();
    await until("kbgpd back", (s) => s.includes("kbgpd is back") && !s.includes("is gone"), 15_000);
  });

  it("SIGTERM leaves the terminal as it found it too", async () => {
    const other = `${session}-term`;
    const stty = join(lab.dir, "stty-after-term");
    const command = shellCommand(stty);
    tmux("new-session", "-d", "-s", other, "-x", "80", "-y", "24", "bash", "-c", command);
    try {
      await waitUntil(
        "the second shell's prompt",
        () => tmux("capture-pane", "-p", "-t", other).includes("kbgp>"),
        { timeoutMs: 10_000, intervalMs: 50 },
      );
      const pid = tmux("list-panes", "-t", other, "-F", "#{pane_pid}").trim();
      // The pane runs bash; the shell is its child (node, via env).
      const shell = execFileSync("pgrep", ["-P", pid], { encoding: "utf8" }).trim().split("\n")[0];
      process.kill(Number(shell), "SIGTERM");
      const settings = await waitUntil(
        "stty after SIGTERM",
        () => {
          try {
            return readFileSync(stty, "utf8") || false;
          } catch {
            return false;
          }
        },
        { timeoutMs: 5_000, intervalMs: 50 },
      );
      expect(settings).toMatch(/(^|\s)icanon(\s|$)/);
      expect(settings).toMatch(/(^|\s)echo(\s|$)/);
    } finally {
      spawnSync("tmux", ["kill-session", "-t", other]);
    }
  });

  it("q leaves the terminal as it found it", async () => {
    press("q");
    const stty = join(lab.dir, "stty-after");
    await waitUntil(
      "the shell to exit",
      () => {
        try {
          return readFileSync(stty, "utf8").length > 0;
        } catch {
          return false;
        }
      },
      { timeoutMs: 5_000, intervalMs: 50 },
    );
    const settings = readFileSync(stty, "utf8");
    expect(settings).toMatch(/(^|\s)icanon(\s|$)/);
    expect(settings).toMatch(/(^|\s)echo(\s|$)/);
  });
});
