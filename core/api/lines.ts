/**
 * Text arriving in chunks → whole lines, for everything that reads line-based input from another program:
 * `kbgp api` on its standard input, and kbgpd reading a helper process's stdout and stderr. A line may be
 * split anywhere across chunks; `\r\n` ends a line like `\n`. A line longer than `maxLength` is not kept
 * (a program that never writes a newline must not grow our memory without bound): it comes back as
 * `TOO_LONG`, once, in its place, so the caller can answer it in order.
 */

/** Longest line kept by default: room for an `announce attributes … nlri` of tens of thousands of prefixes. */
export const MAX_LINE = 1024 * 1024;

/** Stands for a line that was longer than the limit. */
export const TOO_LONG: unique symbol = Symbol("line too long");
export type Line = string | typeof TOO_LONG;

export class LineSplitter {
  private partial = "";
  /** Inside a line already reported as too long: drop text until its end. */
  private dropping = false;

  constructor(private readonly maxLength = MAX_LINE) {}

  /** The lines `chunk` completes. */
  push(chunk: string): Line[] {
    const out: Line[] = [];
    let start = 0;
    for (let nl = chunk.indexOf("\n"); nl >= 0; nl = chunk.indexOf("\n", start)) {
      const piece = chunk.slice(start, nl);
      start = nl + 1;
      if (this.dropping) {
        this.dropping = false;
        continue;
      }
      const line = stripCr(this.partial + piece);
      this.partial = "";
      out.push(line.length > this.maxLength ? TOO_LONG : line);
    }
    if (start < chunk.length && !this.dropping) {
      this.partial += chunk.slice(start);
      if (this.partial.length > this.maxLength + 1) {
        // Report it now, in order; the rest of it is dropped as it comes.
        this.partial = "";
        this.dropping = true;
        out.push(TOO_LONG);
      }
    }
    return out;
  }

  /** Characters of the unfinished line held now (what a caller with many splitters budgets). */
  get held(): number {
    return this.partial.length;
  }

  /** What is left at the end of input: a last line without its newline, or nothing. */
  end(): Line[] {
    const rest = this.partial;
    this.partial = "";
    const dropped = this.dropping;
    this.dropping = false;
    if (dropped || rest === "") return [];
    return [rest.length > this.maxLength ? TOO_LONG : stripCr(rest)];
  }
}

const stripCr = (line: string): string => (line.endsWith("\r") ? line.slice(0, -1) : line);
