/**
 * The rows of the route view's screen, asked of kbgpd each time the filter, the position or the screen
 * changes: `rib.list` in table cells from `offset`, as many rows as fit, with the matching total. Only the
 * newest answer is kept (a slow answer to an old filter is dropped), and requests wait until typing pauses.
 */
import { useEffect, useState } from "react";
import type { Client } from "../client.js";
import { Ages } from "../format/duration.js";
import { tableLines } from "../format/rib-table.js";
import type { RouteQuery } from "./route-filter.js";

export interface RouteWindow {
  readonly lines: string[][];
  readonly total: number | null;
  readonly error: string | null;
}

const PAUSE_MS = 80;

/** One screen of rows: table lines (marker, prefix, next hop, AS_PATH, age, Attrs). */
export async function fetchWindow(
  client: Client,
  query: RouteQuery,
  offset: number,
  rows: number,
  now: number,
): Promise<{ lines: string[][]; total: number }> {
  const ages = new Ages(now);
  const lines: string[][] = [];
  const done = await client.stream<{ count: number; total?: number }>(
    "rib.list",
    { ...query, form: "cells", offset, limit: rows, total: true },
    (chunk) => {
      for (const line of tableLines("local", chunk, ages)) lines.push(line as string[]);
    },
  );
  return { lines, total: done.total ?? done.count };
}

export function useRouteWindow(
  client: Client | null,
  query: RouteQuery | null,
  offset: number,
  rows: number,
  now: () => number,
  /** Changes when the table may have: asking again shows it. */
  refresh: unknown,
): RouteWindow {
  const [win, setWin] = useState<RouteWindow>({ lines: [], total: null, error: null });
  // biome-ignore lint/correctness/useExhaustiveDependencies: `refresh` is the reason to ask again
  useEffect(() => {
    if (!client || !query) return;
    let live = true;
    const timer = setTimeout(() => {
      fetchWindow(client, query, offset, rows, now())
        .then((w) => live && setWin({ lines: w.lines, total: w.total, error: null }))
        .catch((e: Error) => live && setWin((old) => ({ ...old, error: `kbgpd: ${e.message}` })));
    }, PAUSE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [client, query, offset, rows, now, refresh]);
  return win;
}
