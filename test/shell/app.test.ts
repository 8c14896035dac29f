/**
 * The whole shell, driven as a person would (drive.ts): without a daemon, and against a small fake one
 * (fake-kbgpd.ts) that pushes neighbor events, so the link's loss and return are seen too. The route view,
 * its detail pane and the route log are in app-routes.test.ts; the Kubernetes panel in app-k8s.test.ts.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stripVTControlCharacters } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { History } from "../../cli/shell/history.js";
import { count, ECHO, fake, KEY, shell, unmountAll, until } from "./drive.js";
import { destination, FakeKbgpd, path } from "./fake-kbgpd.js";
import { neighborView } from "./fixtures.js";

afterEach(unmountAll);

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
    const rib = ["10.0.0.0/24", "10.0.1.0/24", "10.1.0.0/16"].map((p) => destination(p, [path("10.0.0.2")]));
    daemon = new FakeKbgpd(join(dir, "kbgp.sock"), list, rib);
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
