/**
 * Applying a reloaded list of named things (helper processes, health checks) to the running ones: what is
 * new is added, what is gone is removed, what changed is handed over to `change`, and what is the same is
 * left alone — so a reload never disturbs what it did not touch.
 */

export interface Reconciler<C extends { readonly name: string }, T> {
  readonly configOf: (running: T) => C;
  readonly add: (config: C) => T;
  readonly remove: (running: T) => void;
  /** Returns what runs from now on under that name (a restarted thing, or the same one updated). */
  readonly change: (running: T, config: C) => T;
}

/** Configurations compare by value (typed arrays by their bytes). */
export const sameConfig = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

export function reconcile<C extends { readonly name: string }, T>(
  running: Map<string, T>,
  wanted: readonly C[],
  r: Reconciler<C, T>,
): void {
  const names = new Set(wanted.map((c) => c.name));
  for (const [name, t] of [...running]) {
    if (names.has(name)) continue;
    running.delete(name);
    r.remove(t);
  }
  for (const c of wanted) {
    const t = running.get(c.name);
    if (t === undefined) running.set(c.name, r.add(c));
    else if (!sameConfig(r.configOf(t), c)) running.set(c.name, r.change(t, c));
  }
}
