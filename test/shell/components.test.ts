/**
 * The shell's Ink components rendered with ink-testing-library. Its stdout is Ink's debug mode: every
 * frame is the whole <Static> output written so far followed by the live part, so the last frame shows
 * both, and an entry the event log wrote twice would show twice in it. Colour is switched on (chalk level
 * 1) where the test looks at inverse video or colours, and stripped where it measures widths.
 */
import { stripVTControlCharacters } from "node:util";
import { Box, Text } from "ink";
import { createElement as h, useEffect, useReducer } from "react";
import { describe, expect, it, vi } from "vitest";
import { EventLog } from "../../cli/shell/components/event-log.js";
import { KeyMap } from "../../cli/shell/components/key-map.js";
import { type DashboardProps, NeighborDashboard } from "../../cli/shell/components/neighbor-dashboard.js";
import { PeerPane } from "../../cli/shell/components/peer-pane.js";
import { Prompt } from "../../cli/shell/components/prompt.js";
import { StatusBar } from "../../cli/shell/components/status-bar.js";
import { type Action, initialState, type LogEntry, reduce } from "../../cli/shell/state.js";
import { neighbor } from "./fixtures.js";
import { colourOn, INVERSE, mountedRenders } from "./terminal.js";

colourOn();

const show = mountedRenders();
const plain = (s: string | undefined) => stripVTControlCharacters(s ?? "");
const linesOf = (s: string | undefined) => plain(s).split("\n");

const NOW = 1_700_000_000_000;

describe("NeighborDashboard", () => {
  const neighbors = [
    neighbor("10.0.0.1", {
      state: "established",
      upSince: NOW - 3_723_000,
      establishedTransitions: 2,
      received: 1500,
      accepted: 1400,
      advertisedByFamily: { "ipv4-unicast": 10, "ipv6-unicast": 2 },
      flaps: 3,
    }),
    neighbor("10.0.0.2", {
      state: "active",
      downSince: NOW - 10_000,
      establishedTransitions: 1,
      lastError:
        "hold timer expired: no KEEPALIVE or UPDATE from the neighbor within the negotiated hold time of 90 s",
    }),
    neighbor("10.0.0.3", { adminDown: true }),
  ];
  const props = (over: Partial<DashboardProps> = {}): DashboardProps => ({
    neighbors,
    selected: 1,
    now: NOW,
    width: 80,
    height: 10,
    color: true,
    ...over,
  });

  it("at 80 columns: a header, one row per neighbor, no line wider than 80", () => {
    const out = show(h(NeighborDashboard, props())).lastFrame();
    const lines = linesOf(out);
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^Peer +AS +Up\/Down +State +Rcvd +Accd +Adv +Flaps/);
    expect(lines[1]).toMatch(/^10\.0\.0\.1 +65002 +01:02:03 +Establ +1500 +1400 +12 +3 *$/);
    expect(lines[2]).toMatch(/^10\.0\.0\.2 +65002 +00:00:10 +Active +0 +0 +0 +0 +\S+…$/);
    expect(lines[3]).toMatch(/^10\.0\.0\.3 +65002 +never +Idle\(Admin\) /);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(80);
    expect(lines[2]).toHaveLength(80);
  });

  it("highlights the selected row, and only it, in inverse video", () => {
    const out = show(h(NeighborDashboard, props({ selected: 2 }))).lastFrame()!;
    const rows = out.split("\n");
    expect(rows.filter((l) => l.includes(INVERSE))).toHaveLength(1);
    expect(plain(rows.find((l) => l.includes(INVERSE)))).toMatch(/^10\.0\.0\.3 /);
  });

  it("without colour, the highlight still shows (inverse is no colour)", () => {
    const out = show(h(NeighborDashboard, props({ color: false, selected: 0 }))).lastFrame()!;
    expect(out.split("\n").filter((l) => l.includes(INVERSE))).toHaveLength(1);
    expect(out).not.toContain("\x1b[32m");
  });

  it("a wider terminal shows more of the last error, whole when it fits", () => {
    const lines = linesOf(show(h(NeighborDashboard, props({ width: 100 }))).lastFrame());
    expect(lines[2]).toMatch(/ hold timer expired: no K…$/);
    expect(lines[2]).toHaveLength(100);
    const short = [neighbor("10.0.0.2", { lastError: "connection refused" })];
    const one = linesOf(show(h(NeighborDashboard, props({ neighbors: short, width: 100 }))).lastFrame());
    expect(one[1]).toMatch(/ connection refused$/);
  });

  it("says so when no neighbor is configured", () => {
    const lines = linesOf(show(h(NeighborDashboard, props({ neighbors: [], selected: 0 }))).lastFrame());
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe("no neighbors configured");
  });

  it("scrolls a window over more neighbors than rows, keeping the highlight in sight", () => {
    const many = Array.from({ length: 10 }, (_, i) => neighbor(`10.0.1.${i + 1}`));
    const at = (selected: number) =>
      linesOf(show(h(NeighborDashboard, props({ neighbors: many, selected, height: 3 }))).lastFrame());
    let lines = at(0);
    expect(lines).toHaveLength(5);
    expect(lines.slice(1, 4).map((l) => l.split(" ")[0])).toEqual(["10.0.1.1", "10.0.1.2", "10.0.1.3"]);
    expect(lines[4]).toBe("1–3 of 10 neighbors (PgUp/PgDn move)");
    lines = at(5);
    expect(lines.slice(1, 4).map((l) => l.split(" ")[0])).toEqual(["10.0.1.4", "10.0.1.5", "10.0.1.6"]);
    expect(lines[4]).toBe("4–6 of 10 neighbors (PgUp/PgDn move)");
    lines = at(9);
    expect(lines[4]).toBe("8–10 of 10 neighbors (PgUp/PgDn move)");
  });

  it("shows every value whole: long IPv6 addresses, 4-byte AS numbers, days up, big counts", () => {
    const wide = [
      neighbor("2001:7f8:1::a502:4115:1", { asn: 4200000001 }),
      neighbor("2001:7f8:1::a502:4115:2", {
        state: "established",
        upSince: NOW - (12 * 86400 + 3723) * 1000,
        establishedTransitions: 1,
        received: 123456789,
        accepted: 12345678,
      }),
    ];
    const lines = linesOf(
      show(h(NeighborDashboard, props({ neighbors: wide, selected: 0, width: 100 }))).lastFrame(),
    );
    expect(lines[0]).toMatch(/^Peer +AS Up\/Down +State +Rcvd +Accd +Adv Flaps Last er…$/);
    // Right-aligned numbers end under their heading.
    expect(lines[1].indexOf("4200000001") + 10).toBe(lines[0].indexOf("AS") + 2);
    expect(lines[2].indexOf("123456789") + 9).toBe(lines[0].indexOf("Rcvd") + 4);
    expect(lines[1]).toMatch(/^2001:7f8:1::a502:4115:1 4200000001 never +Idle +0 +0 +0 +0 $/);
    expect(lines[2]).toMatch(
      /^2001:7f8:1::a502:4115:2 +65002 12d 01:02:03 Establ +123456789 12345678 +0 +0 $/,
    );
    // At 80 columns the row is cut at the edge, marked, rather than wrapped.
    const narrow = linesOf(show(h(NeighborDashboard, props({ neighbors: wide, selected: 0 }))).lastFrame());
    expect(narrow[2]).toMatch(/^2001:7f8:1::a502:4115:2 +65002 12d 01:02:03 Establ +123456789 12345678 …$/);
    for (const l of narrow) expect(l).toHaveLength(80);
  });

  it("a row exactly as wide as the terminal gets no ellipsis, one wider does", () => {
    const n = [neighbor("10.0.0.1", { lastError: "12345" })];
    expect(linesOf(show(h(NeighborDashboard, props({ neighbors: n, width: 80 }))).lastFrame())[1]).toMatch(
      / 12345$/,
    );
    const cut = linesOf(show(h(NeighborDashboard, props({ neighbors: n, width: 75 }))).lastFrame());
    expect(cut[1]).toHaveLength(75);
    expect(cut[1]).toMatch(/ 0…$/);
  });

  it("a session up more than a day shows its seconds", () => {
    const up = neighbor("10.0.0.1", {
      state: "established",
      upSince: NOW - (86400 + 7384) * 1000,
      establishedTransitions: 1,
    });
    const lines = linesOf(show(h(NeighborDashboard, props({ neighbors: [up], selected: 0 }))).lastFrame());
    expect(lines[1]).toMatch(/ 1d 02:03:04 +Establ /);
  });
});

describe("Prompt", () => {
  const line = (text: string, cursor = text.length) => ({ text, cursor });

  it("shows the line with the cursor in inverse video after it", () => {
    const out = show(
      h(Prompt, { line: line("neig"), running: null, candidates: [], width: 80 }),
    ).lastFrame()!;
    expect(plain(out)).toBe("kbgp> neig ");
    expect(out).toContain(`neig${INVERSE} `);
  });

  it("shows the cursor on the character under it, mid-line", () => {
    const out = show(
      h(Prompt, { line: line("neighbor", 2), running: null, candidates: [], width: 80 }),
    ).lastFrame()!;
    expect(plain(out)).toBe("kbgp> neighbor");
    expect(out).toContain(`ne${INVERSE}i`);
  });

  it("shows the completion candidates above the line", () => {
    const out = show(
      h(Prompt, {
        line: line("neighbor 10.0.0.1 adj-"),
        running: null,
        candidates: ["adj-in", "adj-out"],
        width: 80,
      }),
    ).lastFrame();
    expect(linesOf(out)).toEqual(["adj-in  adj-out", "kbgp> neighbor 10.0.0.1 adj- "]);
  });

  it("shows as many candidates as two lines of the width hold, then …", () => {
    const many = Array.from({ length: 40 }, (_, i) => `10.0.0.${i + 1}`);
    const lines = linesOf(
      show(
        h(
          Box,
          { width: 40, flexDirection: "column" },
          h(Prompt, { line: line("neighbor 10.0.0."), running: null, candidates: many, width: 40 }),
        ),
      ).lastFrame(),
    );
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe("10.0.0.1  10.0.0.2  10.0.0.3  10.0.0.4");
    expect(lines[1]).toMatch(/^10\.0\.0\.5 .*…$/);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(40);
  });

  it("while a command runs, says what runs instead of the prompt", () => {
    const out = show(
      h(Prompt, { line: line("ignored"), running: "monitor global rib", candidates: ["x"], width: 80 }),
    ).lastFrame();
    expect(plain(out)).toBe("running: monitor global rib  (Ctrl-C stops it)");
  });
});

describe("StatusBar", () => {
  const bar = (link: Parameters<typeof StatusBar>[0]["link"]) =>
    plain(show(h(StatusBar, { link, socket: "/run/kbgp/kbgp.sock", now: NOW, color: false })).lastFrame());

  it("up: the daemon's version and socket", () => {
    expect(bar({ kind: "up", version: "0.1.0" })).toBe("kbgp shell · kbgpd 0.1.0 at /run/kbgp/kbgp.sock");
  });
  it("connecting", () => {
    expect(bar({ kind: "connecting", attempt: 0 })).toBe(
      "kbgp shell · connecting to kbgpd at /run/kbgp/kbgp.sock…",
    );
  });
  it("down: why, and for how long", () => {
    expect(bar({ kind: "down", reason: "connect ECONNREFUSED", since: NOW - 3_725_000, attempt: 3 })).toBe(
      "kbgpd at /run/kbgp/kbgp.sock is gone (connect ECONNREFUSED) for 01:02:05; reconnecting",
    );
  });
  it("is cut to the terminal's width, never wrapped onto a second line", () => {
    const out = show(
      h(
        Box,
        { width: 80 },
        h(StatusBar, {
          link: { kind: "down", reason: "is the daemon running?", since: NOW - 1000, attempt: 0 },
          socket: "/var/lib/kubelet/pods/kbgp/volumes/run/kbgp.sock",
          now: NOW,
          color: false,
        }),
      ),
    ).lastFrame();
    const lines = linesOf(out);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toHaveLength(80);
    expect(lines[0]).toMatch(
      /^kbgpd at \/var\/lib\/kubelet\/pods\/kbgp\/volumes\/run\/kbgp\.sock is gone .*…$/,
    );
  });

  it("colours up green and down red when colour is on", () => {
    const up = show(
      h(StatusBar, { link: { kind: "up", version: "1" }, socket: "/s", now: NOW, color: true }),
    );
    expect(up.lastFrame()).toContain("\x1b[32m");
    const down = show(
      h(StatusBar, {
        link: { kind: "down", reason: "x", since: NOW, attempt: 0 },
        socket: "/s",
        now: NOW,
        color: true,
      }),
    );
    expect(down.lastFrame()).toContain("\x1b[31m");
  });
});

describe("KeyMap", () => {
  const MODES = ["neighbors", "peer", "routes", "route-detail", "k8s", "k8s-filter", "k8s-none"] as const;
  it("is cut to the width with an ellipsis", () => {
    for (const view of MODES) {
      const out = plain(show(h(KeyMap, { view, width: 40 })).lastFrame());
      expect(out).toHaveLength(40);
      expect(out.endsWith("…")).toBe(true);
    }
  });
  it("is whole when it fits, and says how to quit in every view", () => {
    for (const view of MODES) {
      const out = plain(show(h(KeyMap, { view, width: 400 })).lastFrame());
      expect(out).not.toContain("…");
      expect(out).toContain("Ctrl-D quit");
    }
    const keys = (view: (typeof MODES)[number]) => plain(show(h(KeyMap, { view, width: 400 })).lastFrame());
    expect(keys("peer")).toMatch(/^Esc back/);
    expect(keys("routes")).toContain("Enter detail");
    expect(keys("route-detail")).toContain("Esc back to the routes");
    expect(keys("k8s")).toMatch(/^e enable · d disable · \/ filter/);
    expect(keys("k8s-filter")).toContain("Esc clear it");
    expect(keys("k8s-none")).toMatch(/^Esc back · Alt/);
  });
});

describe("PeerPane", () => {
  const text = Array.from({ length: 10 }, (_, i) => (i === 2 ? "" : `line ${i + 1}`)).join("\n");

  it("shows the neighbor's text cut to its height, saying how many lines more there are", () => {
    const lines = linesOf(show(h(PeerPane, { address: "10.0.0.1", text, height: 4 })).lastFrame());
    expect(lines).toEqual(["line 1", "line 2", "", "line 4", "… 6 more lines: run 'neighbor 10.0.0.1'"]);
  });
  it("shows it whole when it fits", () => {
    const lines = linesOf(show(h(PeerPane, { address: "10.0.0.1", text, height: 10 })).lastFrame());
    expect(lines).toHaveLength(10);
    expect(lines[9]).toBe("line 10");
  });
  it("while asking, and with none selected", () => {
    expect(plain(show(h(PeerPane, { address: "10.0.0.1", text: null, height: 4 })).lastFrame())).toBe(
      "asking kbgpd about 10.0.0.1…",
    );
    expect(plain(show(h(PeerPane, { address: null, text: null, height: 4 })).lastFrame())).toMatch(
      /^no neighbor selected/,
    );
  });
});

describe("EventLog", () => {
  const entry = (id: number, text: string, tone: LogEntry["tone"] = "info"): LogEntry => ({
    id,
    at: NOW,
    tone,
    text,
  });
  const count = (frame: string | undefined, s: string) => plain(frame).split(s).length - 1;
  /** The log above a live line, as the App has it. */
  const screen = (entries: readonly LogEntry[], onWritten: (n: number) => void) =>
    h(
      Box,
      { flexDirection: "column" },
      h(EventLog, { entries, color: false, onWritten }),
      h(Text, null, "live view"),
    );

  it("writes each entry once, across re-renders with entries appended and written ones dropped", () => {
    const onWritten = vi.fn();
    const [e1, e2, e3] = [entry(1, "entry-one"), entry(2, "entry-two"), entry(3, "entry-three")];
    const r = show(screen([e1, e2], onWritten));
    expect(onWritten).toHaveBeenLastCalledWith(2);
    r.rerender(screen([e1, e2, e3], onWritten));
    expect(onWritten).toHaveBeenLastCalledWith(3);
    r.rerender(screen([e3], onWritten));
    const last = r.lastFrame();
    for (const t of ["entry-one", "entry-two", "entry-three"]) expect(count(last, t)).toBe(1);
    expect(linesOf(last).at(-1)).toBe("live view");
    const order = plain(last);
    expect(order.indexOf("entry-one")).toBeLessThan(order.indexOf("entry-two"));
    expect(order.indexOf("entry-two")).toBeLessThan(order.indexOf("entry-three"));
    expect(onWritten).toHaveBeenCalledTimes(2);
  });

  it("writes nothing again when handed entries already written, or none", () => {
    const onWritten = vi.fn();
    const [e1, e2, e3, e4] = [1, 2, 3, 4].map((i) => entry(i, `entry-${i}-end`));
    const r = show(screen([e1], onWritten));
    r.rerender(screen([e1], onWritten));
    r.rerender(screen([e1, e2], onWritten));
    r.rerender(screen([], onWritten));
    r.rerender(screen([e2, e3], onWritten));
    r.rerender(screen([e1, e2, e3, e4], onWritten));
    r.rerender(screen([e4], onWritten));
    const last = r.lastFrame();
    for (const i of [1, 2, 3, 4]) expect(count(last, `entry-${i}-end`)).toBe(1);
    expect(onWritten.mock.calls).toEqual([[1], [2], [3], [4]]);
  });

  it("with the reducer dropping what was written, a long session writes each entry once", async () => {
    let dispatch: (a: Action) => void = () => {};
    function Harness() {
      const [s, d] = useReducer(reduce, 0, initialState);
      useEffect(() => {
        dispatch = d;
      }, []);
      return screen(s.log, (upTo) => d({ type: "log-written", upTo }));
    }
    const r = show(h(Harness));
    for (let i = 1; i <= 30; i++) {
      dispatch({ type: "lost", reason: `note-${i}-end`, at: NOW });
      if (i % 3 === 0) await new Promise((res) => setImmediate(res));
      dispatch({ type: "connected", version: `v-${i}-end`, neighbors: [], at: NOW });
      await new Promise((res) => setImmediate(res));
    }
    const last = r.lastFrame();
    for (let i = 1; i <= 30; i++) expect(count(last, `note-${i}-end`)).toBe(1);
    // 30 losses and 30 returns: each line once.
    expect(count(last, "kbgpd is back")).toBe(30);
  });

  it("stamps every event with the time", () => {
    const r = show(screen([entry(1, "lost kbgpd", "bad"), entry(2, "kbgpd is back", "good")], () => {}));
    const lines = linesOf(r.lastFrame());
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d lost kbgpd$/);
    expect(lines[1]).toMatch(/^\d\d:\d\d:\d\d kbgpd is back$/);
  });

  it("colours by tone when colour is on", () => {
    const onWritten = () => {};
    const r = show(
      h(EventLog, { entries: [entry(1, "up", "good"), entry(2, "down", "bad")], color: true, onWritten }),
    );
    const out = r.lastFrame()!;
    expect(out).toContain("\x1b[32m");
    expect(out).toContain("\x1b[31m");
  });
});
