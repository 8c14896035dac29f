/**
 * The rows of the route view's screen, asked of kbgpd each time the filter, the position or the screen
 * changes (and when the table may have: `refresh`): `rib.list` in table cells from `offset`, as many rows as
 * fit, with the matching total. A row is a destination, its lines its paths, best first. Only the newest
 * answer is kept (a slow answer to an old filter is dropped), and requests wait until typing pauses.
 */
import { useEffect, useState } from "react";
import type { Client } from "../client.js";
import { Ages } from "../format/duration.js";
import { tableLines } from "../format/rib-table.js";
import type { RouteQuery } from "./route-filter.js";

/** A destination on screen: its prefix and its table lines (marker, prefix, next hop, AS_PATH, age, Attrs). */
export interface RouteRow {
  readonly prefix: string;
  readonly lines: readonly (readonly string[])[];
}

export interface RouteWindow {
  /** The offset these rows start at (the position may have moved on since). */
  readonly offset: number;
  readonly rows: readonly RouteRow[];
  readonly total: number | null;
  readonly error: string | null;
}

/** How many of `rows` show in `budget` lines: those whose lines all fit, and at least the first. */
export function rowsThatFit(rows: readonly RouteRow[], budget: number): number {
  let used = 0;
  let n = 0;
  for (const r of rows) {
    used += r.lines.length;
    if (used > budget && n > 0) break;
    n++;
  }
  return n;
}

const PAUSE_MS = 80;

/** One screen of rows. */
export async function fetchWindow(
  client: Client,
  query: RouteQuery,
  offset: number,
  rows: number,
  now: number,
): Promise<{ rows: RouteRow[]; total: number }> {
  const ages = new Ages(now);
  const out: RouteRow[] = [];
  const done = await client.stream<{ count: number; total?: number }>(
    "rib.list",
    { ...query, form: "cells", offset, limit: rows, total: true },
    (chunk) => {
      for (const row of chunk) {
        const lines = tableLines("local", [row], ages) as string[][];
        if (lines.length) out.push({ prefix: lines[0][1], lines });
      }
    },
  );
  return { rows: out, total: done.total ?? done.count };
}

export function useRouteWindow(
  client: Client | null,
  query: RouteQuery | null,
  offset: number,
  rows: number,
  now: () => number,
  /** Change when the table may have: asking again shows it. */
  refresh: unknown,
  refreshToo: unknown,
): RouteWindow {
  const [win, setWin] = useState<RouteWindow>({ offset: 0, rows: [], total: null, error: null });
  // biome-ignore lint/correctness/useExhaustiveDependencies: `refresh` and `refreshToo` are reasons to ask again
  useEffect(() => {
    if (!client || !query) return;
    let live = true;
    const timer = setTimeout(() => {
      fetchWindow(client, query, offset, rows, now())
        .then((w) => live && setWin({ offset, rows: w.rows, total: w.total, error: null }))
        .catch((e: Error) => live && setWin((old) => ({ ...old, error: `kbgpd: ${e.message}` })));
    }, PAUSE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [client, query, offset, rows, now, refresh, refreshToo]);
  return win;
}
