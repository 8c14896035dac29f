/** The pure and in-memory parts of helper processes: restart backoff, and answers that wait for the reader. */
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { AnswerWriter } from "../../daemon/processes/answers.js";
import { BACKOFF, failuresAfter, restartDelay } from "../../daemon/processes/backoff.js";

describe("restart backoff", () => {
  it("doubles from 1 s to at most 60 s, and starts over after a run of a minute", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 100].map(restartDelay)).toEqual([
      1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000,
    ]);
    expect(failuresAfter(0, 10)).toBe(1);
    expect(failuresAfter(5, BACKOFF.resetAfterMs - 1)).toBe(6);
    expect(failuresAfter(5, BACKOFF.resetAfterMs)).toBe(1);
  });
});

/** A stdin whose reader takes nothing until `read()` is called. */
class SlowReader extends Writable {
  readonly taken: string[] = [];
  private waiting: (() => void)[] = [];
  constructor() {
    super({ highWaterMark: 8 });
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, callback: () => void): void {
    this.waiting.push(() => {
      this.taken.push(chunk.toString());
      callback();
    });
  }
  read(): void {
    for (const f of this.waiting.splice(0)) f();
  }
}

describe("AnswerWriter", () => {
  it("writes what is said in one piece and waits until the reader has taken it", async () => {
    const stdin = new SlowReader();
    const w = new AnswerWriter(stdin, () => {
      throw new Error("no stall expected");
    });
    w.say("done");
    w.say("error: no");
    let flushed = false;
    const p = w.flush().then(() => {
      flushed = true;
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(flushed).toBe(false);
    stdin.read();
    await p;
    expect(stdin.taken).toEqual(["done\nerror: no\n"]);
  });

  it("gives up waiting on a reader that stalls, says so once, and writes nothing more until it reads", async () => {
    const stdin = new SlowReader();
    let stalls = 0;
    const w = new AnswerWriter(stdin, () => stalls++, 30);
    w.say("error: more than eight bytes");
    await w.flush();
    expect(stalls).toBe(1);
    w.say("done");
    await w.flush();
    expect(stalls).toBe(1);
    stdin.read();
    expect(stdin.taken).toEqual(["error: more than eight bytes\n"]);
    // It read again: answers are written (and waited for) again.
    w.say("kbgpd 0.1.0");
    const p = w.flush();
    stdin.read();
    await new Promise((r) => setTimeout(r, 0));
    stdin.read();
    await p;
    expect(stdin.taken).toEqual(["error: more than eight bytes\n", "kbgpd 0.1.0\n"]);
  });
});
