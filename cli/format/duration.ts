/** gobgp's durations: `HH:MM:SS`, `Nd HH:MM:SS` past a day. */
export function hms(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const t = [Math.floor((s % 86400) / 3600), Math.floor((s % 3600) / 60), s % 60]
    .map((n) => String(n).padStart(2, "0"))
    .join(":");
  return s >= 86400 ? `${Math.floor(s / 86400)}d ${t}` : t;
}

/** Time since `ms` (ms since the epoch) at `now`. */
export const age = (ms: number, now: number): string => hms((now - ms) / 1000);

/**
 * Ages at one moment, for a listing: routes learnt in bursts share their age in seconds, so the last text is
 * kept and reused.
 */
export class Ages {
  private seconds = -1;
  private last = "";

  constructor(private readonly now: number) {}

  of(ms: number): string {
    const s = Math.max(0, Math.floor((this.now - ms) / 1000));
    if (s !== this.seconds) {
      this.seconds = s;
      this.last = hms(s);
    }
    return this.last;
  }
}
