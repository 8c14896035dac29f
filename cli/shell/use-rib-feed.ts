/**
 * The Loc-RIB's changes (monitor topic `rib`, on a feed of its own) for the event log, summarised once a
 * second by change-tally.ts so a full table arriving or going costs two counters, not a line or an object
 * per route; for the route view, a version that moves with them (its screenful is asked for again, at most
 * once a second); for the route detail pane, a call whenever its one prefix changes.
 */
import { useCallback, useEffect, useRef, useState } from "react";
import { nextHopText } from "../../daemon/control/attrs-text.js";
import type { AttributesView } from "../../daemon/control/views.js";
import { type Sign, TimedTally, thousands } from "./change-tally.js";
import { Feed, type Overflow } from "./feed.js";
import type { Action } from "./state.js";

/** A `rib` topic event (docs/api.md, `monitor.start`). */
export interface RibEvent {
  readonly kind: "route" | "withdraw";
  readonly family: string;
  readonly prefix: string;
  readonly path: AttributesView & { readonly from: string };
  readonly at: number;
}

const via = (e: RibEvent) => nextHopText(e.path, e.family === "ipv6-unicast");

/** A change on a line of its own: `+ 198.51.100.0/24 via 127.0.0.2 aspath [65002]`, `− … via …`. */
export function routeChangeLine(sign: Sign, e: RibEvent): string {
  const path = sign === "+" && e.path.asPath ? ` aspath [${e.path.asPath}]` : "";
  return `${sign} ${e.prefix} via ${via(e)}${path}`;
}

/** The last change in a summary: `198.51.100.0/24 via 127.0.0.2`, `withdrawn …` for one that went. */
export const routeChangeBrief = (sign: Sign, e: RibEvent): string =>
  `${sign === "−" ? "withdrawn " : ""}${e.prefix} via ${via(e)}`;

export const SUMMARY_MS = 1000;

export interface RibFeed {
  /** Moves at most once a second while routes change. */
  readonly version: number;
  /** Call `f` on every change of `prefix` until the function returned is called. */
  readonly watch: (prefix: string, f: () => void) => () => void;
}

export function useRibFeed(
  socket: string,
  /** The daemon link's client while kbgpd is there: a new one (kbgpd back) opens the feed anew. */
  link: unknown,
  dispatch: (a: Action) => void,
  now: () => number,
): RibFeed {
  const [version, setVersion] = useState(0);
  const watchers = useRef(new Map<string, Set<() => void>>());

  useEffect(() => {
    if (!link) return;
    const tally = new TimedTally<RibEvent>(
      "routes",
      routeChangeLine,
      routeChangeBrief,
      (entries) => {
        dispatch({ type: "log", entries });
        setVersion((v) => v + 1);
      },
      SUMMARY_MS,
    );
    const event = (e: RibEvent) => {
      tally.add(e.kind === "withdraw" ? "−" : "+", e);
      const w = watchers.current.get(e.prefix);
      if (w) for (const f of w) f();
    };
    const feed = new Feed(socket, async (c) => {
      c.on("monitor", (p) => {
        const e = p as RibEvent | Overflow;
        if (e.kind !== "overflow") return event(e);
        // kbgpd dropped the subscription: this shell fell more than maxPending events behind.
        dispatch({
          type: "log",
          entries: [
            {
              at: now(),
              tone: "bad",
              text: `route changes: kbgpd dropped ${thousands(e.lost)} this shell could not take in time; counting again`,
            },
          ],
        });
        void c.call("monitor.start", { topic: "rib" }).catch(() => {});
      });
      await c.call("monitor.start", { topic: "rib" });
    }).start();
    return () => {
      feed.stop();
      tally.flush();
    };
  }, [socket, link, dispatch, now]);

  const watch = useCallback((prefix: string, f: () => void) => {
    const m = watchers.current;
    const set = m.get(prefix) ?? new Set();
    set.add(f);
    m.set(prefix, set);
    return () => {
      set.delete(f);
      if (set.size === 0 && m.get(prefix) === set) m.delete(prefix);
    };
  }, []);

  return { version, watch };
}
