/**
 * The event log's route summaries (change-tally.ts): a line per change when at most three came in the
 * second, else one line of counts with the last change; constant memory whatever the burst; and on a clock,
 * at most one take a second.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ChangeTally, FEW, type Sign, TimedTally, tallyLines } from "../../cli/shell/change-tally.js";

const one = (sign: Sign, p: string) => `${sign} ${p}`;
const brief = (sign: Sign, p: string) => `${sign === "−" ? "withdrawn " : ""}${p}`;

describe("ChangeTally", () => {
  it("nothing added: nothing to take", () => {
    expect(new ChangeTally<string>().take()).toBeNull();
  });

  it("up to three changes: each of them, in order", () => {
    const t = new ChangeTally<string>();
    t.add("+", "10.0.0.0/24");
    t.add("−", "10.0.1.0/24");
    t.add("+", "10.0.2.0/24");
    const taken = t.take()!;
    expect(taken.each?.map((e) => e.change)).toEqual(["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24"]);
    expect(tallyLines(taken, "routes", one, brief)).toEqual([
      "+ 10.0.0.0/24",
      "− 10.0.1.0/24",
      "+ 10.0.2.0/24",
    ]);
    expect(t.take()).toBeNull();
  });

  it("more: the counts and the last change, a sign left out when its count is zero", () => {
    const t = new ChangeTally<string>();
    for (let i = 0; i < 1204; i++) t.add("+", `p${i}`);
    for (let i = 0; i < 3; i++) t.add("−", `w${i}`);
    t.add("+", "198.51.100.0/24 via 127.0.0.2");
    expect(tallyLines(t.take()!, "routes", one, brief)).toEqual([
      "+1,205 −3 routes (last: 198.51.100.0/24 via 127.0.0.2)",
    ]);
    for (let i = 0; i <= FEW; i++) t.add("−", `w${i}`);
    expect(tallyLines(t.take()!, "routes", one, brief)).toEqual(["−4 routes (last: withdrawn w3)"]);
  });

  it("a million changes keep no more than the first few and the last", () => {
    const t = new ChangeTally<{ n: number }>();
    for (let i = 0; i < 1_000_000; i++) t.add(i % 2 ? "−" : "+", { n: i });
    // The tally's own arrays stay this small; nothing per change is kept.
    expect((t as unknown as { first: unknown[] }).first.length).toBeLessThanOrEqual(FEW + 1);
    const taken = t.take()!;
    expect([taken.added, taken.removed, taken.each, taken.last.change.n]).toEqual([
      500_000,
      500_000,
      null,
      999_999,
    ]);
  });
});

describe("TimedTally", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const change = (p: string, at: number) => ({ p, at });

  it("the first change starts a second; its end logs it, each line at its change's time", () => {
    const emitted: { at: number; text: string }[][] = [];
    const t = new TimedTally<{ p: string; at: number }>(
      "routes",
      (s, c) => `${s} ${c.p}`,
      (_s, c) => c.p,
      (e) => emitted.push(e),
    );
    t.add("+", change("a", 1));
    t.add("−", change("b", 2));
    expect(emitted).toEqual([]);
    vi.advanceTimersByTime(999);
    expect(emitted).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(emitted).toEqual([
      [
        { at: 1, tone: "info", text: "+ a" },
        { at: 2, tone: "info", text: "− b" },
      ],
    ]);
    vi.advanceTimersByTime(5000);
    expect(emitted).toHaveLength(1); // a quiet feed: no timer, nothing logged
  });

  it("a steady stream: one summary a second, at its last change's time", () => {
    const emitted: string[][] = [];
    const t = new TimedTally<{ p: string; at: number }>(
      "routes",
      (s, c) => `${s} ${c.p}`,
      (_s, c) => c.p,
      (e) => emitted.push(e.map((x) => `${x.at} ${x.text}`)),
    );
    for (let ms = 0; ms < 3000; ms += 10) {
      t.add("+", change(`p${ms}`, ms));
      vi.advanceTimersByTime(10);
    }
    expect(emitted).toEqual([
      ["990 +100 routes (last: p990)"],
      ["1990 +100 routes (last: p1990)"],
      ["2990 +100 routes (last: p2990)"],
    ]);
  });

  it("flush logs what is pending at once (the feed closing)", () => {
    const emitted: string[] = [];
    const t = new TimedTally<{ p: string; at: number }>(
      "routes",
      (s, c) => `${s} ${c.p}`,
      (_s, c) => c.p,
      (e) => emitted.push(...e.map((x) => x.text)),
    );
    t.add("+", change("a", 1));
    t.flush();
    expect(emitted).toEqual(["+ a"]);
    vi.advanceTimersByTime(2000);
    expect(emitted).toEqual(["+ a"]);
  });
});
