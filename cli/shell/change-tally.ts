/**
 * Route changes for the event log, summarised: a burst of a million is counted, never kept. Changes are
 * added as they come (two counters, the first few kept whole to be shown one per line, and the last); once
 * a second the log takes what was added: a line per change when there were at most `FEW`, else one line of
 * counts, `+1,204 −3 routes (last: 198.51.100.0/24 via 127.0.0.2)`. Memory stays the same whatever the
 * burst; the cost per change is a counter and a reference.
 */

/** Up to this many changes in a second are logged one per line. */
export const FEW = 3;

export type Sign = "+" | "−";

export interface Tallied<C> {
  readonly added: number;
  readonly removed: number;
  /** Every change, in order, when there were at most FEW; else null. */
  readonly each: readonly { readonly sign: Sign; readonly change: C }[] | null;
  readonly last: { readonly sign: Sign; readonly change: C };
}

export class ChangeTally<C> {
  private added = 0;
  private removed = 0;
  private readonly first: { sign: Sign; change: C }[] = [];
  private last: { sign: Sign; change: C } | null = null;

  /** Count one change: `+` a route set (new, or a new best path), `−` one gone. */
  add(sign: Sign, change: C): void {
    if (sign === "+") this.added++;
    else this.removed++;
    this.last = { sign, change };
    if (this.first.length <= FEW) this.first.push(this.last);
  }

  get pending(): boolean {
    return this.last !== null;
  }

  /** What was added since the last take, and start over; null when nothing was. */
  take(): Tallied<C> | null {
    if (!this.last) return null;
    const n = this.added + this.removed;
    const out: Tallied<C> = {
      added: this.added,
      removed: this.removed,
      each: n <= FEW ? this.first.slice() : null,
      last: this.last,
    };
    this.added = 0;
    this.removed = 0;
    this.first.length = 0;
    this.last = null;
    return out;
  }
}

export const thousands = (n: number): string => n.toLocaleString("en-US");

/**
 * The log lines of a take: each change through `one`, or the counts with the last change through `brief`,
 * `+1,204 −3 NOUN (last: …)`, a sign left out when its count is zero.
 */
export function tallyLines<C>(
  t: Tallied<C>,
  noun: string,
  one: (sign: Sign, c: C) => string,
  brief: (sign: Sign, c: C) => string,
): string[] {
  if (t.each) return t.each.map((e) => one(e.sign, e.change));
  const counts = [t.added ? `+${thousands(t.added)}` : "", t.removed ? `−${thousands(t.removed)}` : ""]
    .filter(Boolean)
    .join(" ");
  return [`${counts} ${noun} (last: ${brief(t.last.sign, t.last.change)})`];
}

/** A log entry as the shell's reducer takes it (state.ts, action `log`). */
export interface TallyEntry {
  readonly at: number;
  readonly tone: "info";
  readonly text: string;
}

/**
 * A tally on a clock: the first change starts a second, at its end the lines go to `emit` (each change's at
 * its own time, a summary at its last change's), and the next change starts the next second. So a steady
 * stream gives a line a second, a lone change shows within a second, and a quiet feed sets no timer.
 */
export class TimedTally<C extends { readonly at: number }> {
  private readonly tally = new ChangeTally<C>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly noun: string,
    private readonly one: (sign: Sign, c: C) => string,
    private readonly brief: (sign: Sign, c: C) => string,
    private readonly emit: (entries: TallyEntry[]) => void,
    private readonly ms = 1000,
  ) {}

  add(sign: Sign, change: C): void {
    this.tally.add(sign, change);
    this.timer ??= setTimeout(() => this.flush(), this.ms);
  }

  /** Log what was added now (the second's end, or the feed closing). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const t = this.tally.take();
    if (!t) return;
    const ats = t.each ? t.each.map((x) => x.change.at) : [t.last.change.at];
    const lines = tallyLines(t, this.noun, this.one, this.brief);
    this.emit(lines.map((text, i) => ({ at: ats[i], tone: "info", text })));
  }
}
