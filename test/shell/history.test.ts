/**
 * The shell's persisted history: where it lives, what it keeps (the newest HISTORY_MAX lines, no
 * consecutive repeats, nothing typed after a leading blank), and that a history it cannot write costs the
 * history only.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { HISTORY_MAX, History, historyPath } from "../../cli/shell/history.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "kbgp-history-"));
});
afterEach(() => {
  chmodSync(dir, 0o700);
  rmSync(dir, { recursive: true, force: true });
});

const fileLines = (path: string) => readFileSync(path, "utf8").split("\n").filter(Boolean);

describe("historyPath", () => {
  it("is $KBGP_HISTORY when set", () => {
    expect(historyPath({ KBGP_HISTORY: "/x/h", XDG_STATE_HOME: "/state", HOME: "/home/u" })).toBe("/x/h");
  });
  it("else under $XDG_STATE_HOME", () => {
    expect(historyPath({ XDG_STATE_HOME: "/state", HOME: "/home/u" })).toBe("/state/kbgp/history");
  });
  it("else under ~/.local/state", () => {
    expect(historyPath({ HOME: "/home/u" })).toBe("/home/u/.local/state/kbgp/history");
    expect(historyPath({ HOME: "/home/u", XDG_STATE_HOME: "", KBGP_HISTORY: "" })).toBe(
      "/home/u/.local/state/kbgp/history",
    );
  });
  it("reads the process environment by default", () => {
    const saved = process.env.KBGP_HISTORY;
    process.env.KBGP_HISTORY = join(dir, "from-env");
    try {
      expect(historyPath()).toBe(join(dir, "from-env"));
    } finally {
      if (saved === undefined) delete process.env.KBGP_HISTORY;
      else process.env.KBGP_HISTORY = saved;
    }
  });
});

describe("History", () => {
  it("is written to its file and read back by the next session, in order", () => {
    const path = join(dir, "deep", "er", "history");
    const h = new History(path);
    expect(h.entries).toEqual([]);
    h.add("neighbor");
    h.add("global rib");
    expect(h.entries).toEqual(["neighbor", "global rib"]);
    expect(fileLines(path)).toEqual(["neighbor", "global rib"]);
    expect(new History(path).entries).toEqual(["neighbor", "global rib"]);
  });

  it("keeps no consecutive repeat, but a repeat after another line", () => {
    const path = join(dir, "history");
    const h = new History(path);
    for (const l of ["neighbor", "neighbor", "global rib", "neighbor", "neighbor"]) h.add(l);
    expect(h.entries).toEqual(["neighbor", "global rib", "neighbor"]);
    expect(fileLines(path)).toEqual(["neighbor", "global rib", "neighbor"]);
  });

  it("keeps no blank line and no line starting with a blank", () => {
    const path = join(dir, "history");
    const h = new History(path);
    h.add("");
    h.add("   ");
    h.add(" global rib add 10.0.0.0/24 community secret");
    h.add("neighbor");
    expect(h.entries).toEqual(["neighbor"]);
    expect(fileLines(path)).toEqual(["neighbor"]);
  });

  it("is bounded to the newest HISTORY_MAX lines, in memory and on disk", () => {
    const path = join(dir, "history");
    const h = new History(path);
    for (let i = 0; i < HISTORY_MAX + 25; i++) h.add(`neighbor ${i}`);
    expect(h.entries).toHaveLength(HISTORY_MAX);
    expect(h.entries[0]).toBe("neighbor 25");
    expect(h.entries[HISTORY_MAX - 1]).toBe(`neighbor ${HISTORY_MAX + 24}`);
    expect(fileLines(path)).toEqual(h.entries);
    expect(new History(path).entries).toEqual(h.entries);
  });

  it("reads only the newest HISTORY_MAX lines of a longer file", () => {
    const path = join(dir, "history");
    writeFileSync(path, `${Array.from({ length: HISTORY_MAX + 5 }, (_, i) => `l${i}`).join("\n")}\n`);
    const h = new History(path);
    expect(h.entries).toHaveLength(HISTORY_MAX);
    expect(h.entries[0]).toBe("l5");
  });

  it("without a file (null) lives in memory, bounded too", () => {
    const h = new History(null);
    for (let i = 0; i < HISTORY_MAX + 3; i++) h.add(`l${i}`);
    expect(h.entries).toHaveLength(HISTORY_MAX);
    expect(h.entries[0]).toBe("l3");
  });

  it("an unwritable place throws nothing and keeps the session's lines, bounded", () => {
    if (process.getuid?.() === 0) {
      // root writes anywhere: use a path under a regular file, which no one can create.
      writeFileSync(join(dir, "file"), "");
    } else chmodSync(dir, 0o500);
    const path = process.getuid?.() === 0 ? join(dir, "file", "sub", "history") : join(dir, "sub", "history");
    const h = new History(path);
    expect(() => {
      for (let i = 0; i < HISTORY_MAX + 2; i++) h.add(`l${i}`);
    }).not.toThrow();
    expect(h.entries).toHaveLength(HISTORY_MAX);
    expect(h.entries[HISTORY_MAX - 1]).toBe(`l${HISTORY_MAX + 1}`);
  });

  it("an unreadable file starts empty", () => {
    const path = join(dir, "is-a-dir");
    mkdirSync(path);
    const h = new History(path);
    expect(h.entries).toEqual([]);
    expect(() => h.add("neighbor")).not.toThrow();
    expect(h.entries).toEqual(["neighbor"]);
  });
});
