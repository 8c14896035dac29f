/**
 * The Kubernetes panel's wiring (docs/api.md): a feed of its own asks `k8s.status` (an older kbgpd
 * answers "method not found", and the panel says so in a line) and follows the monitor's `k8s` topic, its
 * status snapshot first. While the panel is open, `k8s.routes` is asked on that same connection, so the
 * answer and the `k8s-route` events are in kbgpd's order: events that arrive while it is asked are kept and
 * applied after it (an announce or withdraw applied twice leaves the same list). Route events also go to the
 * event log, summarised once a second like the Loc-RIB's (change-tally.ts), and status changes of the
 * module's state or switch get a line. `e`/`d` ask, `y` confirms, and the toggle goes to kbgpd.
 */
import type { Key } from "ink";
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from "react";
import { type Client, RemoteError } from "../client.js";
import { sourcesText } from "../format/k8s.js";
import { type Sign, TimedTally, thousands } from "./change-tally.js";
import { k8sListRows } from "./components/k8s-panel.js";
import { Feed, type Overflow } from "./feed.js";
import {
  INITIAL_K8S,
  type K8sAction,
  type K8sProblem,
  type K8sRoute,
  type K8sRow,
  type K8sState,
  type K8sStatus,
  k8sRows,
  reduceK8s,
  statusChange,
} from "./k8s-state.js";
import * as edit from "./line-editor.js";
import type { Action } from "./state.js";
import { SUMMARY_MS } from "./use-rib-feed.js";

/** A `k8s-route` event: a route the module announced, changed or withdrew. */
export interface K8sRouteEvent {
  readonly kind: "k8s-route";
  readonly op: "announce" | "withdraw";
  readonly route: K8sRoute;
  readonly at: number;
}

/** The `k8s` topic's events. */
type K8sEvent =
  | { readonly kind: "k8s-status"; readonly status: K8sStatus; readonly at?: number }
  | K8sRouteEvent;

/** JSON-RPC's "method not found": a kbgpd from before the Kubernetes sync. */
const METHOD_NOT_FOUND = -32601;

const sources = (r: K8sRoute) => sourcesText(r.sources) || "no source";
const opOf = (sign: Sign) => (sign === "+" ? "announce" : "withdraw");

/** `k8s announce 203.0.113.10/32 (loadbalancer-ip, Service default/web)`. */
export const k8sChangeLine = (sign: Sign, { route: r }: K8sRouteEvent): string =>
  `k8s ${opOf(sign)} ${r.prefix} (${r.rule}, ${sources(r)})`;

/** The last change in a summary: `withdraw 203.0.113.10/32, Service default/web`. */
export const k8sChangeBrief = (sign: Sign, { route: r }: K8sRouteEvent): string =>
  `${opOf(sign)} ${r.prefix}, ${sources(r)}`;

export interface K8sInputs {
  readonly socket: string;
  /** The daemon link's client while kbgpd is there: a new one (kbgpd back) opens the feed anew. */
  readonly link: Client | null;
  /** The panel is on screen: its routes are asked for and kept current. */
  readonly open: boolean;
  readonly height: number;
  readonly dispatch: (a: Action) => void;
  readonly now: () => number;
  readonly back: () => void;
  readonly quit: () => void;
}

export interface K8sParts {
  readonly state: K8sState;
  readonly rows: readonly K8sRow[];
  readonly keys: (input: string, key: Key) => void;
  /** A y/n question is on screen (read when the key comes, not from the render). */
  readonly confirming: () => boolean;
}

export function useK8s({ socket, link, open, height, dispatch, now, back, quit }: K8sInputs): K8sParts {
  const [state, dispatchK8s] = useReducer(reduceK8s, INITIAL_K8S);
  // The state as the actions left it, for the keys: a key may come before the render that shows the last.
  const stateRef = useRef(state);
  const k8s = useCallback((a: K8sAction) => {
    stateRef.current = reduceK8s(stateRef.current, a);
    dispatchK8s(a);
  }, []);
  /** The feed's connection once subscribed; a new object after each (re)subscription, to ask for the
   *  routes again. */
  const [feed, setFeed] = useState<{ readonly client: Client } | null>(null);
  const feedRef = useRef(feed);
  feedRef.current = feed;
  /** Route events while k8s.routes is asked, applied after its answer; null when none is asked. */
  const held = useRef<K8sRouteEvent[] | null>(null);

  useEffect(() => {
    if (!link) {
      k8s({ type: "module", module: { kind: "waiting" } });
      return;
    }
    const tally = new TimedTally<K8sRouteEvent>(
      "Kubernetes routes",
      k8sChangeLine,
      k8sChangeBrief,
      (entries) => dispatch({ type: "log", entries }),
      SUMMARY_MS,
    );
    let last: K8sStatus | null = null;
    const status = (s: K8sStatus, at: number) => {
      const change = statusChange(last, s);
      last = s;
      k8s({ type: "status", status: s });
      if (change) dispatch({ type: "log", entries: [{ at, ...change }] });
    };
    const subscribe = async (c: Client) => {
      await c.stream("monitor.start", { topic: "k8s", current: true }, (rows) => {
        for (const r of rows as K8sEvent[]) if (r.kind === "k8s-status") status(r.status, now());
      });
      setFeed({ client: c });
    };
    let absent = false;
    const f = new Feed(
      socket,
      async (c) => {
        c.on("monitor", (p) => {
          const e = p as K8sEvent | Overflow;
          if (e.kind === "k8s-status") return status(e.status, e.at ?? now());
          if (e.kind === "k8s-route") {
            tally.add(e.op === "withdraw" ? "−" : "+", e);
            if (held.current) held.current.push(e);
            else k8s({ type: "route-event", op: e.op, route: e.route });
            return;
          }
          if (e.kind === "overflow") {
            dispatch({
              type: "log",
              entries: [
                {
                  at: now(),
                  tone: "bad",
                  text: `Kubernetes changes: kbgpd dropped ${thousands(e.lost)} this shell could not take in time; following again`,
                },
              ],
            });
            void subscribe(c).catch(() => {});
          }
        });
        try {
          status(await c.call<K8sStatus>("k8s.status"), now());
        } catch (e) {
          if (e instanceof RemoteError && e.code === METHOD_NOT_FOUND) absent = true;
          throw e;
        }
        await subscribe(c);
      },
      (e) => {
        if (absent) k8s({ type: "module", module: { kind: "absent" } });
        else k8s({ type: "module", module: { kind: "failed", message: e.message } });
        return !absent;
      },
    ).start();
    return () => {
      f.stop();
      setFeed(null);
      tally.flush();
    };
  }, [socket, link, dispatch, now, k8s]);

  // The routes, while the panel is open: asked on the feed's connection, the events meanwhile held.
  const known = state.module.kind === "known" && state.module.status.configured;
  useEffect(() => {
    if (!open || !feed || !known) return;
    let live = true;
    held.current = [];
    feed.client
      .call<{ routes: K8sRoute[]; problems: K8sProblem[] }>("k8s.routes")
      .then((r) => {
        if (!live) return;
        const meanwhile = held.current ?? [];
        held.current = null;
        k8s({ type: "routes", routes: r.routes, problems: r.problems });
        for (const e of meanwhile) k8s({ type: "route-event", op: e.op, route: e.route });
      })
      .catch((e: Error) => {
        if (!live) return;
        held.current = null;
        k8s({ type: "toggle-failed", message: `k8s.routes: ${e.message}` });
      });
    return () => {
      live = false;
      held.current = null;
      k8s({ type: "routes-closed" });
    };
  }, [open, feed, known, k8s]);

  // The toggle, once confirmed: sent once, on the feed's connection (else the link's).
  const linkRef = useRef(link);
  linkRef.current = link;
  useEffect(() => {
    const c = feedRef.current?.client ?? linkRef.current;
    if (!state.busy) return;
    if (!c) return k8s({ type: "toggle-failed", message: "not connected" });
    c.call<K8sStatus>(`k8s.${state.busy}`)
      .then((status) => k8s({ type: "toggled", status }))
      .catch((e: Error) => k8s({ type: "toggle-failed", message: e.message }));
  }, [state.busy, k8s]);

  const rows = useMemo(() => k8sRows(state), [state]);
  const page = k8sListRows(height);
  // What the keys read: the last render's (a key's handler may be from an earlier one).
  const seen = useRef({ rows, page });
  seen.current = { rows, page };

  const keys = (input: string, key: Key) => {
    const s = stateRef.current;
    const { rows, page } = seen.current;
    if (s.confirm) return k8s({ type: "answer", yes: input === "y" || input === "Y" });
    if (s.filtering) {
      const f = s.filter;
      if (key.escape) return k8s({ type: "filter", line: edit.EMPTY_LINE, filtering: false });
      if (key.return) return k8s({ type: "filter", line: f, filtering: false });
      let next = f;
      if (key.leftArrow) next = edit.moveTo(f, f.cursor - 1);
      else if (key.rightArrow) next = edit.moveTo(f, f.cursor + 1);
      else if (key.ctrl && input === "u") next = edit.killToStart(f);
      else if (key.ctrl && input === "w") next = edit.killWordBack(f);
      else if (key.backspace || key.delete) next = edit.backspace(f);
      else if (!key.ctrl && !key.meta && input && !key.tab)
        next = edit.insert(f, input.replace(/[\r\n\t]+/g, " "));
      if (next !== f) k8s({ type: "filter", line: next, filtering: true });
      return;
    }
    const last = Math.max(0, rows.length - page);
    const scroll = (to: number) => k8s({ type: "scroll", offset: Math.max(0, Math.min(last, to)) });
    if (key.escape) return back();
    if (key.upArrow) return scroll(s.offset - 1);
    if (key.downArrow) return scroll(s.offset + 1);
    if (key.pageUp) return scroll(s.offset - page);
    if (key.pageDown) return scroll(s.offset + page);
    if (key.home) return scroll(0);
    if (key.end) return scroll(last);
    if (key.ctrl || key.meta) return;
    if (input === "e") return k8s({ type: "ask", toggle: "enable" });
    if (input === "d") return k8s({ type: "ask", toggle: "disable" });
    if (input === "/") return k8s({ type: "filter", line: s.filter, filtering: true });
    if (input === "q") return quit();
  };

  const confirming = () => stateRef.current.confirm !== null;
  return { state, rows, keys, confirming };
}
