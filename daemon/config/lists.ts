/** Helpers for the configuration's list sections (`neighbors`, `routes`, `processes`, …). */
import { formatPath, type Path } from "./errors.js";
import { describe, type RawIssue } from "./schema.js";

export const isMapping = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** An absent or empty section is an empty list. */
export function listOf(value: unknown, name: string, out: RawIssue[]): unknown[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value;
  out.push({ path: [name], message: `must be a list, not ${describe(value)}` });
  return [];
}

/** Report items of `list` whose identity (null: none to compare) repeats an earlier item's, at `key`. */
export function noDuplicates(
  list: readonly unknown[],
  base: Path,
  key: string,
  identity: (item: Record<string, unknown>) => string | null,
  what: string,
  out: RawIssue[],
): void {
  const seen = new Map<string, number>();
  list.forEach((item, i) => {
    const id = isMapping(item) ? identity(item) : null;
    if (id === null) return;
    const first = seen.get(id);
    if (first === undefined) {
      seen.set(id, i);
    } else {
      const message = `duplicate ${what}: the same as ${formatPath([...base, first])}`;
      out.push({ path: [...base, i, key], message });
    }
  });
}
