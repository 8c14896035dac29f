/**
 * Colour for people at a terminal only: never when stdout is not a TTY, never with NO_COLOR set (any value,
 * https://no-color.org), forced with FORCE_COLOR. chalk is loaded only when colour is on, so scripts and
 * `kubectl exec` pay nothing for it.
 */
type Paint = (s: string) => string;
const plain: Paint = (s) => s;

export const color = { green: plain, red: plain, yellow: plain, bold: plain, dim: plain };

export const colorWanted = (): boolean =>
  process.env.NO_COLOR === undefined && (process.stdout.isTTY === true || !!process.env.FORCE_COLOR);

/** Turn colour on if wanted; call once before printing. */
export async function initColor(): Promise<void> {
  if (!colorWanted()) return;
  const { Chalk } = await import("chalk");
  const c = new Chalk({ level: 1 });
  Object.assign(color, { green: c.green, red: c.red, yellow: c.yellow, bold: c.bold, dim: c.dim });
}
