/**
 * The shell's reducer: the daemon link coming, going and coming back, neighbors as the monitor stream
 * reports them (transitions, flaps, the log's tone), the dashboard's selection, the log handed to the
 * screen once, and a command's life.
 */
import { describe, expect, it } from "vitest";
import {
  type Action,
  initialState,
  neighborList,
  reduce,
  type ShellState,
  selectedNeighbor,
} from "../../cli/shell/state.js";
import { neighborView } from "./fixtures.js";

const run = (s: ShellState, ...actions: Action[]) => actions.reduce(reduce, s);
const texts = (s: ShellState) => s.log.map((e) => e.text);

const T0 = 1_700_000_000_000;
const listed = [
  neighborView("2001:db8::2"),
  neighborView("10.0.0.10", { state: "established", upSince: T0 - 5000, establishedTransitions: 1 }),
  neighborView("10.0.0.9"),
  neighborView("192.168.1.1"),
  neighborView("2001:db8::1"),
];
const connected = (at = T0): Action => ({ type: "connected", version: "0.1.0", neighbors: listed, at });
const up = () => run(initialState(0), connected());

describe("the daemon link", () => {
  it("starts connecting, with the history's length as the recall position", () => {
    const s = initialState(7);
    expect(s.link).toEqual({ kind: "connecting", attempt: 0 });
    expect(s.recall).toEqual({ at: 7, draft: "" });
    expect(s.log).toEqual([]);
  });

  it("connected lists the neighbors in address order, IPv4 before IPv6, and logs it", () => {
    const s = up();
    expect(s.link).toEqual({ kind: "up", version: "0.1.0" });
    expect(neighborList(s).map((n) => n.address)).toEqual([
      "10.0.0.9",
      "10.0.0.10",
      "192.168.1.1",
      "2001:db8::1",
      "2001:db8::2",
    ]);
    expect(neighborList(s).every((n) => n.flaps === 0)).toBe(true);
    expect(selectedNeighbor(s)?.address).toBe("10.0.0.9");
    expect(s.log).toEqual([{ id: 1, at: T0, tone: "good", text: "connected to kbgpd 0.1.0" }]);
  });

  it("lost logs once and keeps the reason; connecting counts attempts only while down", () => {
    let s = run(initialState(0), { type: "connecting", attempt: 3 });
    expect(s.link).toEqual({ kind: "connecting", attempt: 0 });
    s = run(up(), { type: "lost", reason: "ECONNREFUSED", at: T0 + 1000 });
    expect(s.link).toEqual({ kind: "down", reason: "ECONNREFUSED", since: T0 + 1000, attempt: 0 });
    expect(s.log.at(-1)).toMatchObject({ tone: "bad", text: "lost kbgpd: ECONNREFUSED; reconnecting…" });
    const again = run(s, { type: "lost", reason: "ENOENT", at: T0 + 2000 });
    expect(again).toBe(s);
    s = run(s, { type: "connecting", attempt: 2 });
    expect(s.link).toEqual({ kind: "down", reason: "ECONNREFUSED", since: T0 + 1000, attempt: 2 });
  });

  it("lost then connected logs that kbgpd is back, keeping the flap counts", () => {
    let s = run(up(), {
      type: "neighbor-event",
      event: {
        kind: "neighbor",
        address: "10.0.0.10",
        state: "idle",
        lastError: "hold timer expired",
        at: T0 + 1,
      },
    });
    s = run(s, { type: "lost", reason: "socket closed", at: T0 + 2 }, connected(T0 + 3));
    expect(s.link.kind).toBe("up");
    expect(s.log.at(-1)).toMatchObject({ tone: "good", text: "kbgpd is back", at: T0 + 3 });
    expect(s.neighbors.get("10.0.0.10")?.flaps).toBe(1);
    expect(texts(s).filter((t) => t.startsWith("connected to"))).toHaveLength(1);
  });
});

describe("neighbor events", () => {
  it("established → idle logs a bad entry with the last error, counts a flap and starts Down", () => {
    const s = run(up(), {
      type: "neighbor-event",
      event: {
        kind: "neighbor",
        address: "10.0.0.10",
        state: "idle",
        lastError: "hold timer expired",
        at: T0 + 100,
      },
    });
    const n = s.neighbors.get("10.0.0.10")!;
    expect(n).toMatchObject({
      state: "idle",
      flaps: 1,
      upSince: null,
      downSince: T0 + 100,
      establishedTransitions: 1,
      lastError: "hold timer expired",
    });
    expect(s.log.at(-1)).toEqual({
      id: 2,
      at: T0 + 100,
      tone: "bad",
      text: "10.0.0.10 Establ → Idle: hold timer expired",
    });
  });

  it("idle → established counts a transition, starts Up and logs a good entry without the old error", () => {
    const base = run(up(), {
      type: "neighbor-event",
      event: {
        kind: "neighbor",
        address: "10.0.0.9",
        state: "active",
        lastError: "connection refused",
        at: T0 + 1,
      },
    });
    expect(base.log.at(-1)).toMatchObject({
      tone: "info",
      text: "10.0.0.9 Idle → Active: connection refused",
    });
    const s = run(base, {
      type: "neighbor-event",
      event: { kind: "neighbor", address: "10.0.0.9", state: "established", at: T0 + 200 },
    });
    const n = s.neighbors.get("10.0.0.9")!;
    expect(n).toMatchObject({
      state: "established",
      upSince: T0 + 200,
      downSince: null,
      establishedTransitions: 1,
    });
    expect(n.flaps).toBe(0);
    expect(n.lastError).toBe("connection refused");
    expect(s.log.at(-1)).toMatchObject({ tone: "good", text: "10.0.0.9 Active → Establ" });
  });

  it("a change that leaves the label as it was is not logged", () => {
    const s = up();
    const after = run(s, {
      type: "neighbor-event",
      event: { kind: "neighbor", address: "10.0.0.9", state: "idle", lastError: "x", at: T0 + 1 },
    });
    expect(after.log).toEqual(s.log);
    expect(after.neighbors.get("10.0.0.9")?.lastError).toBe("x");
  });

  it("admin shutdown shows as Idle(Admin) and counts as a flap from established", () => {
    const s = run(up(), {
      type: "neighbor-event",
      event: { kind: "neighbor", address: "10.0.0.10", state: "idle", adminDown: true, at: T0 + 5 },
    });
    expect(s.log.at(-1)).toMatchObject({ tone: "bad", text: "10.0.0.10 Establ → Idle(Admin)" });
    expect(s.neighbors.get("10.0.0.10")?.flaps).toBe(1);
  });

  it("an event for a neighbor not listed yet changes nothing", () => {
    const s = up();
    const after = run(s, {
      type: "neighbor-event",
      event: { kind: "neighbor", address: "10.9.9.9", state: "established", at: T0 + 1 },
    });
    expect(after).toBe(s);
  });

  it("neighbor-removed drops it and logs it", () => {
    const s = run(up(), {
      type: "neighbor-event",
      event: { kind: "neighbor-removed", address: "192.168.1.1", at: T0 + 9 },
    });
    expect(s.neighbors.has("192.168.1.1")).toBe(false);
    expect(s.neighbors.size).toBe(4);
    expect(s.log.at(-1)).toMatchObject({
      tone: "info",
      text: "neighbor 192.168.1.1 removed from the configuration",
    });
  });

  it("neighbor-removed of the highlighted last row keeps a row highlighted", () => {
    let s = run(up(), { type: "select", step: 10 });
    expect(selectedNeighbor(s)?.address).toBe("2001:db8::2");
    s = run(s, {
      type: "neighbor-event",
      event: { kind: "neighbor-removed", address: "2001:db8::2", at: T0 },
    });
    expect(selectedNeighbor(s)?.address).toBe("2001:db8::1");
  });

  it("a shorter neighbor list, or one after kbgpd is back, keeps a row highlighted", () => {
    let s = run(up(), { type: "select", step: 3 });
    s = run(s, { type: "neighbors", neighbors: listed.slice(0, 2) });
    expect(selectedNeighbor(s)?.address).toBe("2001:db8::2");
    s = run(s, { type: "select", step: 1 }, { type: "lost", reason: "x", at: T0 });
    s = run(s, { type: "connected", version: "0.1.1", neighbors: [listed[2]], at: T0 });
    expect(selectedNeighbor(s)?.address).toBe("10.0.0.9");
  });

  it("a new neighbor list replaces the neighbors and keeps the flaps seen", () => {
    let s = run(up(), {
      type: "neighbor-event",
      event: { kind: "neighbor", address: "10.0.0.10", state: "idle", at: T0 + 1 },
    });
    s = run(s, { type: "neighbors", neighbors: [neighborView("10.0.0.10", { received: 42 })] });
    expect([...s.neighbors.keys()]).toEqual(["10.0.0.10"]);
    expect(s.neighbors.get("10.0.0.10")).toMatchObject({ received: 42, flaps: 1 });
    expect(selectedNeighbor(s)?.address).toBe("10.0.0.10");
  });
});

describe("selection", () => {
  it("moves by steps and clamps at both ends", () => {
    let s = up();
    s = run(s, { type: "select", step: -1 });
    expect(s.selected).toBe(0);
    s = run(s, { type: "select", step: 2 });
    expect(selectedNeighbor(s)?.address).toBe("192.168.1.1");
    s = run(s, { type: "select", step: 99 });
    expect(s.selected).toBe(4);
    s = run(s, { type: "select", step: -99 });
    expect(s.selected).toBe(0);
  });

  it("does nothing without neighbors", () => {
    const s = initialState(0);
    expect(run(s, { type: "select", step: 1 })).toBe(s);
  });
});

describe("the event log", () => {
  it("log-written drops the entries written, and only those", () => {
    let s = up(); // 1: connected
    s = run(s, { type: "lost", reason: "a", at: T0 }, connected(T0 + 1)); // 2: lost, 3: back
    expect(s.log.map((e) => e.id)).toEqual([1, 2, 3]);
    s = run(s, { type: "log-written", upTo: 2 });
    expect(s.log.map((e) => e.id)).toEqual([3]);
    s = run(s, { type: "lost", reason: "c", at: T0 + 2 });
    expect(s.log.map((e) => [e.id, e.text])).toEqual([
      [3, "kbgpd is back"],
      [4, "lost kbgpd: c; reconnecting…"],
    ]);
    s = run(s, { type: "log-written", upTo: 4 });
    expect(s.log).toEqual([]);
    expect(s.nextLogId).toBe(5);
  });

  it("log appends the feeds' entries (route and Kubernetes summaries) in order, numbered on", () => {
    let s = up();
    s = run(s, {
      type: "log",
      entries: [
        { at: T0 + 1, tone: "info", text: "+ 198.51.100.0/24 via 10.0.0.2" },
        { at: T0 + 2, tone: "bad", text: "Kubernetes sync synced → error: connection refused" },
      ],
    });
    expect(s.log.map((e) => [e.id, e.at, e.tone, e.text])).toEqual([
      [1, T0, "good", "connected to kbgpd 0.1.0"],
      [2, T0 + 1, "info", "+ 198.51.100.0/24 via 10.0.0.2"],
      [3, T0 + 2, "bad", "Kubernetes sync synced → error: connection refused"],
    ]);
    expect(run(s, { type: "log", entries: [] })).toBe(s);
  });
});

describe("a command", () => {
  it("start marks it running and clears candidates; its output is not the log's (it goes to the terminal)", () => {
    let s = run(up(), { type: "candidates", candidates: ["a", "b"] });
    expect(s.candidates).toEqual(["a", "b"]);
    const logged = s.log.length;
    s = run(s, { type: "command-start", line: "neighbor" });
    expect(s.running).toBe("neighbor");
    expect(s.candidates).toEqual([]);
    expect(s.log).toHaveLength(logged);
    s = run(s, { type: "command-end" });
    expect(s.running).toBeNull();
    expect(s.log).toHaveLength(logged);
  });
});

describe("the prompt, the view and exit", () => {
  it("a line edit clears the candidates and keeps the recall unless given", () => {
    let s = run(initialState(2), { type: "candidates", candidates: ["x"] });
    s = run(s, { type: "line", line: { text: "ab", cursor: 1 } });
    expect(s.line).toEqual({ text: "ab", cursor: 1 });
    expect(s.candidates).toEqual([]);
    expect(s.recall).toEqual({ at: 2, draft: "" });
    s = run(s, { type: "line", line: { text: "old", cursor: 3 }, recall: { at: 1, draft: "ab" } });
    expect(s.recall).toEqual({ at: 1, draft: "ab" });
  });

  it("view and exit", () => {
    const s = run(initialState(0), { type: "view", view: "peer" }, { type: "exit" });
    expect(s.view).toBe("peer");
    expect(s.wantsExit).toBe(true);
  });
});
