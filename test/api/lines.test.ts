/** Chunks → lines: splits anywhere, CRLF, a last line without newline, and over-long lines bounded. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Line, LineSplitter, TOO_LONG } from "../../core/api/lines.js";

function feed(chunks: readonly string[], max?: number): Line[] {
  const s = new LineSplitter(max);
  return [...chunks.flatMap((c) => s.push(c)), ...s.end()];
}

describe("LineSplitter", () => {
  it("gives whole lines, without \\n or \\r\\n, and a last line without its newline", () => {
    expect(feed(["a\nb", "c\r\n", "\n", "d"])).toEqual(["a", "bc", "", "d"]);
    expect(feed(["a\n"])).toEqual(["a"]);
    expect(feed([""])).toEqual([]);
  });

  it("gives the same lines however the text is cut", () => {
    const text = fc.string({ unit: fc.constantFrom("a", "b", "\n", "\r", " "), maxLength: 60 });
    fc.assert(
      fc.property(text, fc.array(fc.nat(60), { maxLength: 6 }), (t, cuts) => {
        const points = [...new Set(cuts.map((c) => Math.min(c, t.length)))].sort((a, b) => a - b);
        const chunks: string[] = [];
        let at = 0;
        for (const p of points) {
          chunks.push(t.slice(at, p));
          at = p;
        }
        chunks.push(t.slice(at));
        expect(feed(chunks)).toEqual(feed([t]));
      }),
    );
  });

  it("reports an over-long line once, in its place, and keeps what follows", () => {
    expect(feed(["ok\n", "x".repeat(5), "x".repeat(5), "yyy\nnext\n"], 8)).toEqual(["ok", TOO_LONG, "next"]);
    expect(feed(["123456789\n12345678\n"], 8)).toEqual([TOO_LONG, "12345678"]);
    // A CR before the newline does not count.
    expect(feed(["12345678\r", "\n"], 8)).toEqual(["12345678"]);
    expect(feed(["123456789"], 8)).toEqual([TOO_LONG]);
  });

  it("never holds more than the limit", () => {
    const s = new LineSplitter(100);
    for (let i = 0; i < 1000; i++) s.push("z".repeat(1000));
    expect(s.push("\nafter\n")).toEqual(["after"]);
  });
});
