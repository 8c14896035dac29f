/**
 * How deeply a parsed JSON value nests, found without recursion. JSON.parse takes a line of 100,000 `[`
 * without complaint, but code that walks values recursively (JSON.stringify, schema checks) would overflow
 * its stack on it and fail as an internal error; the server refuses such params before any method sees them.
 */

/** The nesting depth of `value` (a scalar is 0, `[]` and `{}` are 1), or `limit + 1` once it passes `limit`. */
export function depthOf(value: unknown, limit: number): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== "object") continue;
    const depth = d + 1;
    if (depth > limit) return limit + 1;
    if (depth > deepest) deepest = depth;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, depth]);
  }
  return deepest;
}
