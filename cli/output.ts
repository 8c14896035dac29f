/**
 * Buffered writing to stdout with backpressure: many small lines become few large writes, and a slow
 * reader (a pager, `head`) pauses us instead of filling memory. A closed pipe ends output quietly.
 */
export class LineWriter {
  /** Lines waiting to be written; producers push into it directly. */
  readonly lines: string[] = [];
  closed = false;

  constructor(private readonly out: NodeJS.WritableStream = process.stdout) {
    out.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code === "EPIPE") this.closed = true;
      else throw e;
    });
  }

  /** Write buffered lines once there are enough of them (or always, with `force`), waiting for drain. */
  async flush(force = false): Promise<void> {
    if (this.lines.length === 0 || (!force && this.lines.length < 1024)) return;
    const text = `${this.lines.join("\n")}\n`;
    this.lines.length = 0;
    if (this.closed) return;
    if (!this.out.write(text)) {
      // A closed pipe never drains: wake on error or close as well.
      await new Promise<void>((resolve) => {
        const done = () => {
          this.out.off("drain", done).off("error", done).off("close", done);
          resolve();
        };
        this.out.on("drain", done).on("error", done).on("close", done);
      });
    }
  }
}
