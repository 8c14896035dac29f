/**
 * A helper process's answers, written to its stdin: gathered while a chunk of its output is applied, then
 * written at once. While the helper has not read what was written, kbgpd stops reading its output
 * (backpressure: a helper that floods waits for its answers to be taken). A helper that never reads them
 * (many ExaBGP scripts only print) would then wait forever, as ExaBGP's did (its issue #932: stuck after
 * 13,104 routes): after `stallMs` without progress the answers are turned off instead and reading goes on,
 * and until the helper reads again nothing more is written to it (not even `version`'s line), so neither
 * side waits and kbgpd's memory stays bounded.
 */
import type { Writable } from "node:stream";

/** How long answers may sit unread before they are turned off. */
export const ANSWER_STALL_MS = 5000;

export class AnswerWriter {
  private pending: string[] = [];
  /** It stopped reading: answers are dropped until its stdin drains. */
  private stalled = false;

  constructor(
    private readonly stdin: Writable,
    /** The helper stopped reading its answers. */
    private readonly onStall: () => void,
    private readonly stallMs = ANSWER_STALL_MS,
  ) {}

  say(line: string): void {
    this.pending.push(line);
  }

  /** Write what is pending; resolves once the helper has taken it, stalled, or is gone. */
  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const text = `${this.pending.join("\n")}\n`;
    this.pending = [];
    const s = this.stdin;
    if (s.destroyed || !s.writable || this.stalled) return;
    if (s.write(text)) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        s.off("drain", done);
        s.off("close", done);
        resolve();
      };
      const timer = setTimeout(() => {
        this.stalled = true;
        s.once("drain", () => {
          this.stalled = false;
        });
        this.onStall();
        done();
      }, this.stallMs);
      s.on("drain", done);
      s.on("close", done);
    });
  }
}
