/** Small text helpers the shell's panels share. */

/** `s` within `width` characters, an ellipsis marking what was cut. */
export const cut = (s: string, width: number): string =>
  s.length > width ? `${s.slice(0, Math.max(0, width - 1))}…` : s;

/** The local time of day of `ms` (ms since the epoch), `HH:MM:SS`. */
export const clock = (ms: number): string => new Date(ms).toTimeString().slice(0, 8);
