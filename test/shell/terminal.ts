/** What the shell's component tests share: colour as on a terminal, and renders unmounted after each test. */
import chalk from "chalk";
import { render } from "ink-testing-library";
import { afterAll, afterEach, beforeAll } from "vitest";

/** Inverse video: the highlight, with or without colour. */
export const INVERSE = "\x1b[7m";

/** chalk writes colour and inverse video in this file's tests, as it would on a terminal. */
export function colourOn(): void {
  let level: typeof chalk.level;
  beforeAll(() => {
    level = chalk.level;
    chalk.level = 1;
  });
  afterAll(() => {
    chalk.level = level;
  });
}

/** `render`, with every tree rendered in a test unmounted after it. */
export function mountedRenders(): (el: Parameters<typeof render>[0]) => ReturnType<typeof render> {
  const mounted: { unmount: () => void }[] = [];
  afterEach(() => {
    for (const m of mounted.splice(0)) m.unmount();
  });
  return (el) => {
    const r = render(el);
    mounted.push(r);
    return r;
  };
}
