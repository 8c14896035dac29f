/**
 * The whole shell, driven as a person would through ink-testing-library: keys written to its stdin, the
 * screen read from its last frame (Ink's debug mode: the event log written so far, then the live view).
 * Commands run a stand-in program, never the real kbgp; the daemon is either absent or a small fake that
 * speaks the control protocol's few methods the shell uses (hello, neighbor.list, monitor.start,
 * neighbor.get, rib.list) and pushes neighbor events, so the link's loss and return are seen too.
 */
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stripVTControlCharacters } from "node:util";
import { render } from "ink-testing-library";
import { createElement as h } from "react";
import { afterEach, describe, expect, it } from "vitest";
import { App } from "../../cli/shell/app.js";
import { History } from "../../cli/shell/history.js";
import type { NeighborView } from "../../daemon/control/views.js";
import { neighborView } from "./fixtures.js";

const KEY = {
  enter: "\r",
  tab: "\t",
  up: "\x1b[A",
  down: "\x1b[B",
  left: "\x1b[D",
  pageDown: "\x1b[6~",
  escape: "\x1b",
  backspace: "\x7f",
  ctrlA: "\x01",
  ctrlC: "\x03",
  ctrlE: "\x05",
  ctrlK: "\x0b",
  ctrlU: "\x15",
  ctrlW: "\x17",
};

/** A stand-in kbgp: `node -e SCRIPT WORDS…`. */
const fake = (script: string) => [process.execPath, "-e", script];
/** Prints its words; fails when one of them is `fail`. */
const ECHO = fake(
  `const w = process.argv.slice(1); console.log("ran " + w.join(" ")); if (w.includes("fail")) { console.error("bad thing"); process.exit(3); }`,
);

const mounted: { unmount: () => void }[] = [];
afterEach(() => {
  for (const m of mounted.splice(0)) {
    try {
      m.unmount();
    } catch {
      // Already exited.
    }
  }
});

function shell(socket: string, program: readonly string[] = ECHO, history = new History(null)) {
  const r = render(h(App, { socket, history, color: false, program }));
  mounted.push(r);
  const screen = () => stripVTControlCharacters(r.lastFrame() ?? "");
  const lines = () => screen().split("\n");
  return {
    ...r,
    screen,
    lines,
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

const matches = (s: string, what: string | RegExp) =>
  typeof what === "string" ? s.includes(what) : what.test(s);
const tick = () => new Promise((r) => setTimeout(r, 20));

async function until(ok: () => boolean, ms: number, show: () => string): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out; screen:\n${show()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const count = (s: string, part: string) => s.split(part).length - 1;

describe("the shell without a daemon", () => {
  it("says it is connecting, then that kbgpd is gone and it is reconnecting", async () => {
    const s = shell("/nonexistent.sock");
    expect(s.frames.map(stripVTControlCharacters).join("\n")).toContain(
      "kbgp shell · connecting to kbgpd at /nonexistent.sock…",
    );
    await s.until(
      /kbgpd at \/nonexistent\.sock is gone \(.*is the daemon running\?\) for 00:00:0\d; reconnecting/,
    );
    expect(s.screen()).toMatch(/\d\d:\d\d:\d\d lost kbgpd: .*is the daemon running\?; reconnecting…/);
    expect(s.screen()).toContain("no neighbors configured");
    expect(s.lines().at(-1)).toMatch(/^Tab complete · /);
  });

  it("the status bar says why kbgpd is gone in one line, without naming the socket twice", async () => {
    const s = shell("/run/kbgp/kbgp.sock");
    await s.until("is gone");
    const status = s.lines().find((l) => l.startsWith("kbgpd at"))!;
    expect(status).toMatch(
      /^kbgpd at \/run\/kbgp\/kbgp\.sock is gone \(is the daemon running\?\) for 00:00:0\d; reconnecting$/,
    );
  });

  it("takes typed text, and completes a command name with Tab", async () => {
    const s = shell("/nonexistent.sock");
    await s.type("neig");
    await s.until(() => s.promptLine() === "kbgp> neig");
    await s.type(KEY.tab);
    await s.until(() => s.promptLine() === "kbgp> neighbor");
    await s.type("1");
    await s.until(() => s.promptLine() === "kbgp> neighbor 1");
  });

  it("Tab with several candidates completes what they share and shows them", async () => {
    const s = shell("/nonexistent.sock");
    await s.type("neighbor 10.0.0.1 soft", KEY.tab);
    await s.until(() => s.promptLine() === "kbgp> neighbor 10.0.0.1 softreset");
    expect(s.lines()).toContain("softreset  softresetin  softresetout");
    await s.type("i");
    await s.until(() => !s.lines().includes("softreset  softresetin  softresetout"));
  });

  it("Enter on a misspelt command echoes the line and says the did-you-mean error on stderr", async () => {
    const s = shell("/nonexistent.sock");
    await s.type("nieghbor", KEY.enter);
    await s.until(() =>
      s.err().includes("kbgp: unknown command 'nieghbor' (did you mean 'neighbor'?); type ? for the list"),
    );
    expect(s.out()).toMatch(/^kbgp> nieghbor$/m);
    expect(s.promptLine()).toBe("kbgp>");
  });

  it("? lists the commands", async () => {
    const s = shell("/nonexistent.sock");
    await s.type("?", KEY.enter);
    await s.until(() => s.out().includes("Commands (as on the command line"));
    expect(s.out()).toMatch(/^ {2}neighbor \[address\]/m);
    expect(s.out()).toContain("exit | quit | q");
  });

  it("runs a command with the program, its output written once, and the prompt back", async () => {
    const s = shell("/nonexistent.sock");
    await s.type("global rib summary", KEY.enter);
    await s.until(() => s.out().includes("ran global rib summary"));
    await s.until(() => s.promptLine() === "kbgp>");
    expect(count(s.out(), "ran global rib summary")).toBe(1);
    expect(s.out()).toMatch(/kbgp> global rib summary\n(.|\n)*ran global rib summary/);
  });

  it("a failing command's stderr reaches the terminal's stderr", async () => {
    const s = shell("/nonexistent.sock");
    await s.type("neighbor fail", KEY.enter);
    await s.until(() => s.err().includes("bad thing"));
    expect(s.out()).toContain("ran neighbor fail");
    await s.until(() => s.promptLine() === "kbgp>");
  });

  it("refuses what the shell does not run", async () => {
    const s = shell("/nonexistent.sock");
    await s.type("api", KEY.enter);
    await s.until(() => s.err().includes("'api' does not run in the shell"));
    await s.type("neighbor -s /x", KEY.enter);
    await s.until(() => s.err().includes("the shell talks to one kbgpd"));
    expect(s.out()).not.toContain("ran ");
  });

  it("Ctrl-C stops a running command, not the shell", async () => {
    const s = shell(
      "/nonexistent.sock",
      fake(`console.log("following " + process.argv.slice(1).join(" ")); setInterval(() => {}, 1000);`),
    );
    await s.type("monitor global rib", KEY.enter);
    await s.until(() => s.out().includes("following monitor global rib"));
    await s.until(() => s.promptLine() === "running: monitor global rib  (Ctrl-C stops it)");
    await s.type("typed while running");
    expect(s.screen()).not.toContain("typed while running");
    await s.type(KEY.ctrlC);
    await s.until(() => s.promptLine() === "kbgp>");
    await s.type("neighbor");
    await s.until(() => s.promptLine() === "kbgp> neighbor");
  });

  it("Ctrl-C on a line clears it; on an empty line, and q, quit", async () => {
    const s = shell("/nonexistent.sock");
    await s.type("neighbor");
    await s.until(() => s.promptLine() === "kbgp> neighbor");
    await s.type(KEY.ctrlC);
    await s.until(() => s.promptLine() === "kbgp>");
    await s.type("q");
    await new Promise((r) => setTimeout(r, 200));
    // Unmounted: the clock that ticks each second draws nothing more, and keys do nothing. (The last frame
    // itself is Ink's to choose: with CI set it reprints its last output at exit, blank under the test renderer.)
    const after = s.frames.length;
    const last = s.frames.at(-1);
    await s.type("neighbor");
    await new Promise((r) => setTimeout(r, 1200));
    expect(s.frames.length).toBe(after);
    expect(s.frames.at(-1)).toBe(last);
  });

  it("edits the line with the emacs keys and arrows", async () => {
    const s = shell("/nonexistent.sock");
    const shows = (text: string) => s.until(() => s.promptLine() === `kbgp> ${text}`.trimEnd());
    await s.type("global rib add");
    await s.type(KEY.ctrlW);
    await shows("global rib  ");
    await s.type(KEY.ctrlA, "x");
    await shows("xglobal rib  ");
    await s.type(KEY.backspace);
    await shows("global rib  ");
    await s.type(KEY.ctrlE, "summary", KEY.left, KEY.left, KEY.ctrlK);
    await shows("global rib summa ");
    await s.type(KEY.ctrlU);
    await shows(" ");
  });

  it("keys that arrive together in one read act as they would one by one", async () => {
    const s = shell("/nonexistent.sock");
    await s.type(`neighbx${KEY.backspace}r`);
    await s.until(() => s.promptLine() === "kbgp> neighbr");
    await s.type(`${KEY.ctrlU}global ${KEY.ctrlW}neighbor`);
    await s.until(() => s.promptLine() === "kbgp> neighbor");
    await s.type(`${KEY.ctrlU}version fail${KEY.enter}`);
    await s.until(() => s.out().includes("ran version fail"));
    expect(s.out()).toMatch(/^kbgp> version fail$/m);
  });

  it("Up and Down walk the history and give back the line being typed", async () => {
    const history = new History(null);
    history.add("neighbor");
    const s = shell("/nonexistent.sock", ECHO, history);
    await s.type("version", KEY.enter);
    await s.until(() => s.out().includes("ran version"));
    await s.until(() => s.promptLine() === "kbgp>");
    expect(history.entries).toEqual(["neighbor", "version"]);
    await s.type("glo", KEY.up);
    await s.until(() => s.promptLine() === "kbgp> version");
    await s.type(KEY.up);
    await s.until(() => s.promptLine() === "kbgp> neighbor");
    await s.type(KEY.up);
    await s.until(() => s.promptLine() === "kbgp> neighbor");
    await s.type(KEY.down, KEY.down);
    await s.until(() => s.promptLine() === "kbgp> glo");
    await s.type(KEY.up, KEY.enter);
    await s.until(() => count(s.out(), "ran version") === 2);
    expect(history.entries).toEqual(["neighbor", "version"]);
  });
});

/** A stand-in kbgpd on a Unix socket: the methods the shell calls, and neighbor events pushed at will. */
class FakeKbgpd {
  private server: net.Server | null = null;
  private readonly conns = new Set<net.Socket>();
  private readonly monitors = new Set<net.Socket>();
  readonly asked: string[] = [];
  /** neighbor.list answers kept back (as they were when asked) until `release`. */
  private held: { c: net.Socket; text: string }[] | null = null;

  constructor(
    readonly path: string,
    public neighbors: NeighborView[],
    public prefixes: string[] = [],
  ) {}

  start(): Promise<void> {
    this.server = net.createServer((c) => {
      this.conns.add(c);
      c.on("close", () => {
        this.conns.delete(c);
        this.monitors.delete(c);
      });
      let buf = "";
      c.setEncoding("utf8").on("data", (d: string) => {
        buf += d;
        for (let nl = buf.indexOf("\n"); nl >= 0; nl = buf.indexOf("\n")) {
          this.answer(c, JSON.parse(buf.slice(0, nl)));
          buf = buf.slice(nl + 1);
        }
      });
    });
    return new Promise((resolve) => this.server!.listen(this.path, resolve));
  }

  private answer(c: net.Socket, m: { id: number; method: string; params: Record<string, unknown> }) {
    this.asked.push(m.method);
    const send = (o: object) => c.write(`${JSON.stringify({ jsonrpc: "2.0", ...o })}\n`);
    switch (m.method) {
      case "session.hello":
        return send({ id: m.id, result: { version: "9.9.9" } });
      case "neighbor.list": {
        const answer = { jsonrpc: "2.0", id: m.id, result: { neighbors: this.neighbors } };
        if (this.held) return this.held.push({ c, text: `${JSON.stringify(answer)}\n` });
        return send(answer);
      }
      case "monitor.start":
        this.monitors.add(c);
        return send({ id: m.id, result: {} });
      case "rib.list":
        send({ method: "rows", params: { id: m.id, rows: this.prefixes.map((prefix) => ({ prefix })) } });
        return send({ id: m.id, result: {} });
      default:
        return send({ id: m.id, error: { code: -32602, message: `no ${m.method} here` } });
    }
  }

  /** Keep neighbor.list answers back from now on. */
  hold(): void {
    this.held = [];
  }

  /** Send the answers kept back, and `event` in the same write, right after them; answer at once again. */
  release(event: object): void {
    const held = this.held ?? [];
    this.held = null;
    for (const { c, text } of held) c.write(text + this.monitorLine(event));
  }

  private monitorLine(event: object): string {
    return `${JSON.stringify({ jsonrpc: "2.0", method: "monitor", params: { id: 1, seq: 1, ...event } })}\n`;
  }

  push(event: object): void {
    for (const c of this.monitors) c.write(this.monitorLine(event));
  }

  stop(): Promise<void> {
    for (const c of this.conns) c.destroy();
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

describe("the shell with a daemon", () => {
  const neighbors = () => [
    neighborView("2001:db8::1"),
    neighborView("10.0.0.2", {
      state: "established",
      upSince: Date.now() - 60_000,
      establishedTransitions: 1,
    }),
    neighborView("10.0.0.1", { state: "active" }),
  ];
  let dir: string;
  let daemon: FakeKbgpd | null = null;

  afterEach(async () => {
    await daemon?.stop();
    daemon = null;
    rmSync(dir, { recursive: true, force: true });
  });

  async function withDaemon(list = neighbors()) {
    dir = mkdtempSync(join(tmpdir(), "kbgp-shell-"));
    daemon = new FakeKbgpd(join(dir, "kbgp.sock"), list, ["10.0.0.0/24", "10.0.1.0/24", "10.1.0.0/16"]);
    await daemon.start();
    const s = shell(daemon.path);
    await s.until(`kbgp shell · kbgpd 9.9.9 at ${daemon.path}`);
    return { s, d: daemon };
  }

  it("shows the daemon and its neighbors in address order, the first highlighted", async () => {
    const { s } = await withDaemon();
    expect(s.screen()).toMatch(/\d\d:\d\d:\d\d connected to kbgpd 9\.9\.9/);
    const rows = s.lines().filter((l) => /^(10\.|2001:)/.test(l));
    expect(rows.map((l) => l.split(" ")[0])).toEqual(["10.0.0.1", "10.0.0.2", "2001:db8::1"]);
    expect(rows[1]).toMatch(/^10\.0\.0\.2 +65002 +00:01:0\d +Establ /);
    expect(s.lastFrame()).not.toContain("no neighbors configured");
  });

  it("completes neighbors and prefixes from the daemon", async () => {
    const { s, d } = await withDaemon();
    await s.type("neighbor ", KEY.tab);
    await s.until(() => s.lines().includes("10.0.0.1  10.0.0.2  2001:db8::1"));
    await s.type("2", KEY.tab);
    await s.until(() => s.promptLine() === "kbgp> neighbor 2001:db8::1");
    await s.type(KEY.ctrlU, "global rib 10.0.", KEY.tab);
    await s.until(() => s.lines().includes("10.0.0.0/24  10.0.1.0/24"));
    expect(s.promptLine()).toBe("kbgp> global rib 10.0.");
    expect(d.asked).toContain("rib.list");
  });

  it("a neighbor going down is logged with its error, its row updated and its flap counted", async () => {
    const { s, d } = await withDaemon();
    d.neighbors = d.neighbors.map((n) =>
      n.address === "10.0.0.2"
        ? { ...n, state: "idle", upSince: null, downSince: Date.now(), lastError: "hold timer expired" }
        : n,
    );
    d.push({
      kind: "neighbor",
      address: "10.0.0.2",
      state: "idle",
      adminDown: false,
      prefixLimitReached: false,
      lastError: "hold timer expired",
      at: Date.now(),
    });
    await s.until("10.0.0.2 Establ → Idle: hold timer expired");
    await s.until(() =>
      /^10\.0\.0\.2 +65002 +00:00:0\d +Idle +0 +0 +0 +1 hold timer expired$/m.test(s.screen()),
    );
    d.push({ kind: "neighbor-removed", address: "2001:db8::1", at: Date.now() });
    d.neighbors = d.neighbors.filter((n) => n.address !== "2001:db8::1");
    await s.until("neighbor 2001:db8::1 removed from the configuration");
    await s.until(() => !s.lines().some((l) => l.startsWith("2001:db8::1")));
  });

  it("a neighbor removed right behind a neighbor list still on its way stays removed", async () => {
    const { s, d } = await withDaemon();
    // A state change makes the shell ask for the list; its answer still names 2001:db8::1 when kbgpd
    // removes that neighbor, and the event arrives in the same read as that answer.
    d.hold();
    d.push({ kind: "neighbor", address: "10.0.0.1", state: "connect", lastError: null, at: Date.now() });
    await s.until("10.0.0.1 Active → Connect");
    await until(() => d.asked.filter((m) => m === "neighbor.list").length === 2, 3000, s.screen);
    d.neighbors = d.neighbors.filter((n) => n.address !== "2001:db8::1");
    d.release({ kind: "neighbor-removed", address: "2001:db8::1", at: Date.now() });
    await s.until("neighbor 2001:db8::1 removed from the configuration");
    await s.until(() => !s.lines().some((l) => l.startsWith("2001:db8::1")));
    await new Promise((r) => setTimeout(r, 300));
    expect(s.lines().some((l) => l.startsWith("2001:db8::1"))).toBe(false);
  });

  it("the live view stays shorter than the terminal with a long neighbor list and candidates", async () => {
    // ink-testing-library's stdout has no rows: the App takes 24. A live view of 24 lines or more makes Ink
    // clear the terminal and write the whole session's log again on every render.
    const many = Array.from({ length: 40 }, (_, i) => neighborView(`10.0.${i >> 4}.${(i & 15) + 1}`));
    const { s } = await withDaemon(many);
    await s.type("neighbor ", KEY.tab);
    // In address order: 10.0.0.2 before 10.0.0.10.
    await s.until(() => s.lines().some((l) => l.startsWith("10.0.0.1  10.0.0.2  10.0.0.3")));
    const live = s.lines().slice(s.lines().findIndex((l) => l.startsWith("kbgp shell · ")));
    expect(live.at(-1)).toMatch(/^Tab complete/);
    expect(live.some((l) => / of 40 neighbors/.test(l))).toBe(true);
    expect(live.length).toBeLessThan(24);
  });

  it("Enter on an empty line opens the highlighted neighbor, Esc goes back", async () => {
    const { s } = await withDaemon();
    await s.type(KEY.pageDown);
    await s.type(KEY.enter);
    await s.until("kbgpd: no neighbor.get here");
    expect(s.screen()).not.toContain("Peer  ");
    expect(s.lines().at(-1)).toMatch(/^Esc back/);
    await s.type(KEY.escape);
    await s.until(() => s.lines().some((l) => l.startsWith("Peer ")));
  });

  it("says when kbgpd goes, and when it is back", async () => {
    const { s, d } = await withDaemon();
    await d.stop();
    await s.until(/lost kbgpd: .*; reconnecting…/);
    await s.until(`kbgpd at ${d.path} is gone`);
    await d.start();
    await s.until("kbgpd is back", 5000);
    await s.until(`kbgp shell · kbgpd 9.9.9 at ${d.path}`);
    expect(count(s.screen(), "connected to kbgpd 9.9.9")).toBe(1);
  });
});
