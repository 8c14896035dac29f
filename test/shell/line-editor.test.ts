/**
 * The prompt's line editing as pure functions: every edit at every cursor position, the emacs kills and
 * word moves, completion replacing the word being typed, and history recall that keeps the draft.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  backspace,
  commonPrefix,
  completeWith,
  deleteForward,
  EMPTY_LINE,
  insert,
  killToEnd,
  killToStart,
  killWordBack,
  type Line,
  moveTo,
  type Recall,
  recall,
  wordEnd,
  wordStart,
  wordsAtCursor,
} from "../../cli/shell/line-editor.js";

const at = (text: string, cursor: number): Line => ({ text, cursor });

/** A line and a cursor somewhere on it (0..length). */
const lineArb = fc
  .string({ unit: fc.constantFrom("a", "b", " ", "1", ".", "/"), maxLength: 24 })
  .chain((text) => fc.integer({ min: 0, max: text.length }).map((cursor) => at(text, cursor)));

describe("insert, backspace and delete", () => {
  it("at every cursor position of a line", () => {
    const text = "neighbor";
    for (let c = 0; c <= text.length; c++) {
      expect(insert(at(text, c), "XY")).toEqual(at(`${text.slice(0, c)}XY${text.slice(c)}`, c + 2));
      expect(backspace(at(text, c))).toEqual(
        c === 0 ? at(text, 0) : at(text.slice(0, c - 1) + text.slice(c), c - 1),
      );
      expect(deleteForward(at(text, c))).toEqual(
        c === text.length ? at(text, c) : at(text.slice(0, c) + text.slice(c + 1), c),
      );
    }
  });

  it("on the empty line: insert types, backspace and delete do nothing", () => {
    expect(insert(EMPTY_LINE, "q")).toEqual(at("q", 1));
    expect(backspace(EMPTY_LINE)).toEqual(EMPTY_LINE);
    expect(deleteForward(EMPTY_LINE)).toEqual(EMPTY_LINE);
  });

  it("insert then as many backspaces restores the line (property)", () => {
    fc.assert(
      fc.property(lineArb, fc.string({ maxLength: 10 }), (l, s) => {
        let after = insert(l, s);
        expect(after.text.length).toBe(l.text.length + s.length);
        for (let i = 0; i < s.length; i++) after = backspace(after);
        expect(after).toEqual(l);
      }),
    );
  });

  it("delete forward removes the character under the cursor and leaves the cursor (property)", () => {
    fc.assert(
      fc.property(lineArb, (l) => {
        const d = deleteForward(l);
        expect(d.cursor).toBe(l.cursor);
        expect(d.text).toBe(l.text.slice(0, l.cursor) + l.text.slice(l.cursor + 1));
      }),
    );
  });
});

describe("moveTo", () => {
  it("clamps to the line (property)", () => {
    fc.assert(
      fc.property(lineArb, fc.integer({ min: -100, max: 100 }), (l, c) => {
        const m = moveTo(l, c);
        expect(m.text).toBe(l.text);
        expect(m.cursor).toBe(Math.max(0, Math.min(l.text.length, c)));
      }),
    );
  });
});

describe("kills", () => {
  it("Ctrl-U kills to the start, Ctrl-K to the end, at every position", () => {
    const text = "global rib add";
    for (let c = 0; c <= text.length; c++) {
      expect(killToStart(at(text, c))).toEqual(at(text.slice(c), 0));
      expect(killToEnd(at(text, c))).toEqual(at(text.slice(0, c), c));
    }
  });

  it("Ctrl-W kills the word before the cursor with the blanks after it", () => {
    expect(killWordBack(at("global rib add", 14))).toEqual(at("global rib ", 11));
    expect(killWordBack(at("global rib   ", 13))).toEqual(at("global ", 7));
    expect(killWordBack(at("global rib add", 10))).toEqual(at("global  add", 7));
    expect(killWordBack(at("global rib add", 9))).toEqual(at("global b add", 7));
    expect(killWordBack(at("global", 0))).toEqual(at("global", 0));
    expect(killWordBack(at("   ", 3))).toEqual(at("", 0));
  });

  it("Ctrl-W then typing the killed text back restores the line (property)", () => {
    fc.assert(
      fc.property(lineArb, (l) => {
        const k = killWordBack(l);
        const killed = l.text.slice(k.cursor, l.cursor);
        expect(killed.trimEnd()).not.toContain(" ");
        expect(insert(k, killed)).toEqual(l);
      }),
    );
  });
});

describe("word moves", () => {
  it("Alt-B goes to the start of the word before the cursor, over blanks", () => {
    const l = "neighbor  10.0.0.1 reset";
    expect(wordStart(at(l, l.length))).toBe(19);
    expect(wordStart(at(l, 19))).toBe(10);
    expect(wordStart(at(l, 12))).toBe(10);
    expect(wordStart(at(l, 10))).toBe(0);
    expect(wordStart(at(l, 0))).toBe(0);
  });

  it("Alt-F goes to the end of the word after the cursor, over blanks", () => {
    const l = "neighbor  10.0.0.1 reset";
    expect(wordEnd(at(l, 0))).toBe(8);
    expect(wordEnd(at(l, 8))).toBe(18);
    expect(wordEnd(at(l, 12))).toBe(18);
    expect(wordEnd(at(l, 18))).toBe(l.length);
    expect(wordEnd(at(l, l.length))).toBe(l.length);
  });

  it("stay on the line and move the right way (property)", () => {
    fc.assert(
      fc.property(lineArb, (l) => {
        const s = wordStart(l);
        const e = wordEnd(l);
        expect(s).toBeGreaterThanOrEqual(0);
        expect(s).toBeLessThanOrEqual(l.cursor);
        expect(e).toBeGreaterThanOrEqual(l.cursor);
        expect(e).toBeLessThanOrEqual(l.text.length);
      }),
    );
  });
});

describe("wordsAtCursor", () => {
  it("splits the words before the cursor from the one being typed", () => {
    expect(wordsAtCursor(at("", 0))).toEqual({ done: [], current: "", from: 0 });
    expect(wordsAtCursor(at("neig", 4))).toEqual({ done: [], current: "neig", from: 0 });
    expect(wordsAtCursor(at("neighbor ", 9))).toEqual({ done: ["neighbor"], current: "", from: 9 });
    expect(wordsAtCursor(at("global  rib a", 13))).toEqual({
      done: ["global", "rib"],
      current: "a",
      from: 12,
    });
  });

  it("takes a quoted value as one word, as the command will", () => {
    const l = 'global rib add 10.0.0.0/24 aspath "65001 65002" ';
    expect(wordsAtCursor(at(l, l.length))).toEqual({
      done: ["global", "rib", "add", "10.0.0.0/24", "aspath", "65001 65002"],
      current: "",
      from: l.length,
    });
    const m = "neighbor 10.0.0.1 shutdown -m 'back soon' ";
    expect(wordsAtCursor(at(m, m.length)).done).toEqual([
      "neighbor",
      "10.0.0.1",
      "shutdown",
      "-m",
      "back soon",
    ]);
  });

  it("ignores what is after the cursor", () => {
    expect(wordsAtCursor(at("global rib add", 9))).toEqual({ done: ["global"], current: "ri", from: 7 });
    expect(wordsAtCursor(at("neighbor 10.0.0.1", 0))).toEqual({ done: [], current: "", from: 0 });
  });
});

describe("completeWith", () => {
  it("replaces the word being typed, with a blank after it only when final", () => {
    expect(completeWith(at("neig", 4), "neighbor", true)).toEqual(at("neighbor ", 9));
    expect(completeWith(at("neig", 4), "neighbor", false)).toEqual(at("neighbor", 8));
    expect(completeWith(at("global rib s", 12), "summary", true)).toEqual(at("global rib summary ", 19));
    expect(completeWith(at("neighbor ", 9), "10.0.0", false)).toEqual(at("neighbor 10.0.0", 15));
  });

  it("keeps the text after the cursor, without doubling a blank already there", () => {
    expect(completeWith(at("nei 10.0.0.1", 3), "neighbor", true)).toEqual(at("neighbor 10.0.0.1", 8));
    expect(completeWith(at("neixyz", 3), "neighbor", true)).toEqual(at("neighbor xyz", 9));
    expect(completeWith(at("neixyz", 3), "neighbor", false)).toEqual(at("neighborxyz", 8));
  });

  it("puts the cursor right after what it inserted (property)", () => {
    fc.assert(
      fc.property(lineArb, fc.stringMatching(/^[a-z]{1,8}$/), fc.boolean(), (l, word, final) => {
        const c = completeWith(l, word, final);
        const { from } = wordsAtCursor(l);
        expect(c.text.slice(0, from)).toBe(l.text.slice(0, from));
        expect(c.text.slice(from, from + word.length)).toBe(word);
        expect(c.text.endsWith(l.text.slice(l.cursor))).toBe(true);
        expect(c.cursor).toBe(
          from + word.length + (final && !l.text.slice(l.cursor).startsWith(" ") ? 1 : 0),
        );
      }),
    );
  });
});

describe("commonPrefix", () => {
  it("is the longest start every candidate shares", () => {
    expect(commonPrefix([])).toBe("");
    expect(commonPrefix(["neighbor"])).toBe("neighbor");
    expect(commonPrefix(["softreset", "softresetin", "softresetout"])).toBe("softreset");
    expect(commonPrefix(["adj-in", "adj-out"])).toBe("adj-");
    expect(commonPrefix(["reset", "adj-in"])).toBe("");
  });

  it("is a start of each word, and no longer one is (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: fc.constantFrom("a", "b", "c"), maxLength: 6 }), { minLength: 1 }),
        (ws) => {
          const p = commonPrefix(ws);
          for (const w of ws) expect(w.startsWith(p)).toBe(true);
          if (p.length < ws[0].length) {
            const longer = ws[0].slice(0, p.length + 1);
            expect(ws.every((w) => w.startsWith(longer))).toBe(false);
          }
        },
      ),
    );
  });
});

describe("history recall", () => {
  const entries = ["neighbor", "global rib", "monitor neighbor"];
  const start: Recall = { at: entries.length, draft: "" };

  it("up goes to older entries and stops at the oldest", () => {
    let r = recall(entries, start, at("glo", 3), -1)!;
    expect(r.line).toEqual(at("monitor neighbor", 16));
    r = recall(entries, r.recall, r.line, -1)!;
    expect(r.line.text).toBe("global rib");
    r = recall(entries, r.recall, r.line, -1)!;
    expect(r.line.text).toBe("neighbor");
    expect(recall(entries, r.recall, r.line, -1)).toBeNull();
  });

  it("down past the newest entry gives back the draft being typed, cursor at its end", () => {
    const draft = at("glo", 1);
    const up1 = recall(entries, start, draft, -1)!;
    const up2 = recall(entries, up1.recall, up1.line, -1)!;
    expect(up2.recall.draft).toBe("glo");
    const down1 = recall(entries, up2.recall, up2.line, 1)!;
    expect(down1.line.text).toBe("monitor neighbor");
    const down2 = recall(entries, down1.recall, down1.line, 1)!;
    expect(down2.line).toEqual(at("glo", 3));
    expect(down2.recall.at).toBe(entries.length);
    expect(recall(entries, down2.recall, down2.line, 1)).toBeNull();
  });

  it("with no history, neither key moves", () => {
    expect(recall([], { at: 0, draft: "" }, at("x", 1), -1)).toBeNull();
    expect(recall([], { at: 0, draft: "" }, at("x", 1), 1)).toBeNull();
  });

  it("any walk up and back down returns the draft (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ maxLength: 5 }), { maxLength: 6 }),
        fc.string({ maxLength: 5 }),
        fc.array(fc.constantFrom<-1 | 1>(-1, 1), { maxLength: 20 }),
        (hist, draft, steps) => {
          let r: Recall = { at: hist.length, draft: "" };
          let l = at(draft, draft.length);
          for (const s of steps) {
            const next = recall(hist, r, l, s);
            if (next) ({ recall: r, line: l } = next);
            expect(r.at).toBeGreaterThanOrEqual(0);
            expect(r.at).toBeLessThanOrEqual(hist.length);
            expect(l.text).toBe(r.at === hist.length ? draft : hist[r.at]);
          }
          while (r.at < hist.length) ({ recall: r, line: l } = recall(hist, r, l, 1)!);
          expect(l.text).toBe(draft);
        },
      ),
    );
  });
});
