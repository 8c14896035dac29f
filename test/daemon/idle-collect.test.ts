/** The collection at idle: when it fires (the policy), and that it really gives heap back. */
import { describe, expect, it } from "vitest";
import { collectWhenIdle, IdleCollectPolicy } from "../../daemon/idle-collect.js";
import type { Logger } from "../../daemon/log.js";

const MB = 1024 * 1024;

describe("IdleCollectPolicy", () => {
  const options = { growthBytes: 32 * MB, idleBelow: 0.05, idleChecks: 2, secondAfter: 3 };

  it("waits for the heap to grow and the event loop to stay idle for two checks", () => {
    const p = new IdleCollectPolicy(options);
    expect(p.check({ rssBytes: 100 * MB, utilization: 0.01 })).toBe(false); // the baseline
    expect(p.check({ rssBytes: 200 * MB, utilization: 0.9 })).toBe(false); // busy
    expect(p.check({ rssBytes: 200 * MB, utilization: 0.01 })).toBe(false); // idle once
    expect(p.check({ rssBytes: 200 * MB, utilization: 0.5 })).toBe(false); // a second burst
    expect(p.check({ rssBytes: 200 * MB, utilization: 0.01 })).toBe(false);
    expect(p.check({ rssBytes: 200 * MB, utilization: 0.01 })).toBe(true);
  });

  it("collects a second time after more idle checks, then waits for growth again", () => {
    const p = new IdleCollectPolicy(options);
    p.check({ rssBytes: 100 * MB, utilization: 0 });
    p.check({ rssBytes: 200 * MB, utilization: 0 });
    expect(p.check({ rssBytes: 200 * MB, utilization: 0 })).toBe(true);
    p.collected(150 * MB);
    expect(p.check({ rssBytes: 150 * MB, utilization: 0 })).toBe(false);
    expect(p.check({ rssBytes: 150 * MB, utilization: 0 })).toBe(false);
    expect(p.check({ rssBytes: 150 * MB, utilization: 0.3 })).toBe(false); // busy: the count starts over
    for (let i = 0; i < 2; i++) expect(p.check({ rssBytes: 150 * MB, utilization: 0 })).toBe(false);
    expect(p.check({ rssBytes: 150 * MB, utilization: 0 })).toBe(true);
    p.collected(130 * MB);
    for (let i = 0; i < 5; i++) expect(p.check({ rssBytes: 140 * MB, utilization: 0 })).toBe(false);
    expect(p.check({ rssBytes: 170 * MB, utilization: 0 })).toBe(true); // 40 MB over 130
  });

  it("counts growth from the last collection, and from below when V8 shrank the heap itself", () => {
    const p = new IdleCollectPolicy(options);
    p.check({ rssBytes: 100 * MB, utilization: 0 });
    p.collected(120 * MB);
    for (let i = 0; i < 2; i++) p.check({ rssBytes: 120 * MB, utilization: 0 });
    expect(p.check({ rssBytes: 120 * MB, utilization: 0 })).toBe(true); // the second collection
    p.collected(120 * MB);
    expect(p.check({ rssBytes: 140 * MB, utilization: 0 })).toBe(false);
    expect(p.check({ rssBytes: 150 * MB, utilization: 0 })).toBe(false); // 30 MB over 120: not enough
    expect(p.check({ rssBytes: 60 * MB, utilization: 0 })).toBe(false);
    expect(p.check({ rssBytes: 95 * MB, utilization: 0 })).toBe(true); // 35 MB over 60
  });
});

describe("collectWhenIdle", () => {
  it("collects the garbage a burst left once the event loop is idle, and says how much it gave back", async () => {
    const logs: string[] = [];
    const logger: Logger = { log: (_level, msg) => logs.push(msg) };
    // Garbage: about 100 MB of small objects, dropped at once.
    let junk: { a: number; b: number[] }[] | null = [];
    for (let i = 0; i < 1_000_000; i++) junk.push({ a: i, b: [i, i] });
    junk = null;
    const stop = collectWhenIdle(logger, 50, {
      growthBytes: 8 * MB,
      idleBelow: 0.5,
      idleChecks: 2,
      secondAfter: 2,
    });
    try {
      // The first check only sets the baseline: allocate more after it, then go idle.
      await new Promise((r) => setTimeout(r, 60));
      let more: number[][] | null = [];
      for (let i = 0; i < 500_000; i++) more.push([i, i, i]);
      more = null;
      const deadline = Date.now() + 5000;
      while (!logs.some((l) => l.startsWith("idle collection:")) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
    } finally {
      stop();
    }
    const line = logs.find((l) => l.startsWith("idle collection:"));
    expect(line, logs.join("\n")).toBeDefined();
    const [, before, after] = /heap in use (\d+) → (\d+) MB/.exec(line!)!.map(Number);
    expect(after).toBeLessThan(before);
  });
});
