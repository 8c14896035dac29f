/**
 * Timers as data: named deadlines in the speaker's state. The daemon asks for the earliest one
 * (`next()`), wakes the speaker then with a `tick`, and the speaker runs what is due. No timer ever runs
 * by itself, so tests step time explicitly.
 */
export class Deadlines {
  private readonly entries = new Map<string, { at: number; run: () => void }>();

  set(key: string, at: number, run: () => void): void {
    this.entries.set(key, { at, run });
  }

  clear(key: string): void {
    this.entries.delete(key);
  }

  /** Clear every timer whose key starts with `prefix`. */
  clearAll(prefix: string): void {
    for (const k of this.entries.keys()) if (k.startsWith(prefix)) this.entries.delete(k);
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  next(): number | null {
    let min: number | null = null;
    for (const e of this.entries.values()) if (min === null || e.at < min) min = e.at;
    return min;
  }

  /** Run (and remove) every timer due at `now`, earliest first; timers set while running wait for the
   *  next call. */
  runDue(now: number): void {
    const due = [...this.entries].filter(([, e]) => e.at <= now).sort((a, b) => a[1].at - b[1].at);
    for (const [k, e] of due) {
      if (this.entries.get(k) !== e) continue; // cleared or replaced by an earlier timer's action
      this.entries.delete(k);
      e.run();
    }
  }
}
