/**
 * The route view's wiring: the filter line (typed into directly), the highlighted route and the screenful
 * around it (route-window.ts asks kbgpd for exactly those rows), and the detail pane Enter opens for the
 * highlighted prefix (route-detail.ts), asked again whenever that prefix changes (the rib feed's call) and
 * as the table and the neighbors move. Esc closes the detail, then leaves the view.
 */
import type { Key } from "ink";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { Client } from "../client.js";
import type { RouteDetailProps } from "./components/route-detail.js";
import { type RouteViewProps, tableBudget } from "./components/route-view.js";
import * as edit from "./line-editor.js";
import { type Destination, detailLines, fetchDestination } from "./route-detail.js";
import { parseRouteFilter, type RouteQuery } from "./route-filter.js";
import { rowsThatFit, useRouteWindow } from "./route-window.js";
import type { Neighbor } from "./state.js";
import type { RibFeed } from "./use-rib-feed.js";

export interface RouteViewInputs {
  /** kbgpd's client while it is there and the view is on screen; null otherwise (nothing is asked). */
  readonly client: Client | null;
  readonly width: number;
  /** Rows the panel has. */
  readonly height: number;
  readonly now: () => number;
  /** The ticking clock, for ages. */
  readonly clock: number;
  readonly neighbors: ReadonlyMap<string, Neighbor>;
  readonly rib: RibFeed;
  /** Leave the view (Esc on the list). */
  readonly back: () => void;
}

export interface RouteViewParts {
  readonly list: RouteViewProps;
  /** The detail pane while it is open. */
  readonly detail: RouteDetailProps | null;
  readonly keys: (input: string, key: Key) => void;
}

/** The wait before a changed prefix is asked for again: a burst of its changes costs one request. */
const DETAIL_PAUSE_MS = 100;

interface Position {
  readonly cursor: number;
  readonly offset: number;
}

export function useRouteView({
  client,
  width,
  height,
  now,
  clock,
  neighbors,
  rib,
  back,
}: RouteViewInputs): RouteViewParts {
  // The filter line and the position as the keys left them: several keys can come between two renders.
  const [filter, setFilter] = useState<edit.Line>(edit.EMPTY_LINE);
  const filterRef = useRef(filter);
  const [pos, setPos] = useState<Position>({ cursor: 0, offset: 0 });
  const posRef = useRef(pos);
  const place = useCallback((p: Position) => {
    posRef.current = p;
    setPos(p);
  }, []);

  const parsed = useMemo(() => parseRouteFilter(filter.text), [filter.text]);
  const lastGood = useRef<RouteQuery>({});
  if (parsed.ok) lastGood.current = parsed.query;
  const query = client ? lastGood.current : null;
  const budget = tableBudget(height);
  const win = useRouteWindow(client, query, pos.offset, budget, now, neighbors, rib.version);
  const current = win.offset === pos.offset;
  const visible = Math.max(1, rowsThatFit(win.rows, budget));

  // Routes withdrawn under the highlight, or rows taller than one line each: keep it on a route, in sight.
  useEffect(() => {
    if (win.total === null || !current) return;
    const { cursor, offset } = posRef.current;
    const c = Math.min(cursor, Math.max(0, win.total - 1));
    const o = c < offset ? c : c >= offset + visible ? c - visible + 1 : offset;
    if (c !== cursor || o !== offset) place({ cursor: c, offset: o });
  }, [win.total, current, visible, place]);

  const move = (to: number) => {
    const { win, visible } = seen.current;
    const total = win.total ?? 0;
    if (total === 0) return;
    const c = Math.max(0, Math.min(total - 1, to));
    const { offset } = posRef.current;
    place({ cursor: c, offset: c < offset ? c : c >= offset + visible ? c - visible + 1 : offset });
  };

  // The detail pane: which prefix, where it is scrolled, and kbgpd's last answer about it.
  const [detail, setDetailState] = useState<{ prefix: string; offset: number } | null>(null);
  const detailRef = useRef(detail);
  const setDetail = (d: { prefix: string; offset: number } | null) => {
    detailRef.current = d;
    setDetailState(d);
  };
  const [answer, setAnswer] = useState<{
    prefix: string;
    d: Destination | null;
    error: string | null;
  } | null>(null);
  const [changed, setChanged] = useState(0);
  const prefix = detail?.prefix ?? null;
  useEffect(() => {
    if (!prefix) return;
    return rib.watch(prefix, () => setChanged((n) => n + 1));
  }, [prefix, rib.watch]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a change of the table, the neighbors or the prefix itself is the reason to ask again
  useEffect(() => {
    if (!prefix || !client) return;
    let live = true;
    const ask = () =>
      fetchDestination(client, prefix)
        .then((d) => live && setAnswer({ prefix, d, error: null }))
        .catch(
          (e: Error) =>
            live &&
            setAnswer((old) => ({ prefix, d: old?.prefix === prefix ? old.d : null, error: e.message })),
        );
    const timer = setTimeout(ask, answer?.prefix === prefix ? DETAIL_PAUSE_MS : 0);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [prefix, client, neighbors, rib.version, changed]);

  const lines = useMemo(
    () =>
      prefix && answer?.prefix === prefix && (answer.d || !answer.error)
        ? detailLines(prefix, answer.d, clock, width, neighbors)
        : null,
    [prefix, answer, clock, width, neighbors],
  );
  const detailRows = Math.max(1, height - 2);
  const detailMax = Math.max(0, (lines?.length ?? 1) - 1 - detailRows);

  // What the keys read: the last render's, not the one their handler was made in (a key can come before
  // the handler is renewed), and the position and detail as the keys left them.
  const seen = useRef({ win, visible, detailMax });
  seen.current = { win, visible, detailMax };

  const detailKeys = (key: Key) => {
    const detail = detailRef.current;
    const { detailMax } = seen.current;
    if (!detail) return;
    if (key.escape) {
      setDetail(null);
      setAnswer(null);
      return;
    }
    const step = key.upArrow
      ? -1
      : key.downArrow
        ? 1
        : key.pageUp
          ? -detailRows
          : key.pageDown
            ? detailRows
            : 0;
    const to = key.home ? 0 : key.end ? detailMax : detail.offset + step;
    const offset = Math.max(0, Math.min(detailMax, to));
    if (offset !== detail.offset) setDetail({ ...detail, offset });
  };

  /** The list's keys: the filter line takes the typing; arrows and pages move the highlight; Enter opens it. */
  const listKeys = (input: string, key: Key) => {
    const f = filterRef.current;
    const { cursor } = posRef.current;
    const { win, visible } = seen.current;
    if (key.escape) return back();
    if (key.upArrow) return move(cursor - 1);
    if (key.downArrow) return move(cursor + 1);
    if (key.pageUp) return move(cursor - visible);
    if (key.pageDown) return move(cursor + visible);
    if (key.home) return move(0);
    if (key.end) return move(win.total ?? 0);
    if (key.return) {
      const row = win.rows[cursor - win.offset];
      if (row) setDetail({ prefix: row.prefix, offset: 0 });
      return;
    }
    let next = f;
    if (key.leftArrow) next = edit.moveTo(f, f.cursor - 1);
    else if (key.rightArrow) next = edit.moveTo(f, f.cursor + 1);
    else if (key.ctrl && input === "a") next = edit.moveTo(f, 0);
    else if (key.ctrl && input === "e") next = edit.moveTo(f, f.text.length);
    else if (key.ctrl && input === "u") next = edit.killToStart(f);
    else if (key.ctrl && input === "k") next = edit.killToEnd(f);
    else if (key.ctrl && input === "w") next = edit.killWordBack(f);
    else if (key.backspace || key.delete) next = edit.backspace(f);
    else if (!key.ctrl && !key.meta && input && !key.tab)
      next = edit.insert(f, input.replace(/[\r\n\t]+/g, " "));
    if (next !== f) {
      filterRef.current = next;
      setFilter(next);
      if (next.text !== f.text) place({ cursor: 0, offset: 0 });
    }
  };

  return {
    // The rows kbgpd sent last, numbered from where they start, until the next screenful comes.
    list: {
      rows: win.rows,
      offset: win.offset,
      cursor: win.total ? pos.cursor : null,
      total: win.total,
      filter,
      error: parsed.ok ? win.error : parsed.error,
      width,
      height,
    },
    detail: detail
      ? {
          prefix: detail.prefix,
          lines,
          offset: Math.min(detail.offset, detailMax),
          error: answer?.prefix === detail.prefix ? answer.error : null,
          width,
          height,
        }
      : null,
    keys: (input, key) => (detailRef.current ? detailKeys(key) : listKeys(input, key)),
  };
}
