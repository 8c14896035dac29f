/**
 * `kbgp shell`: the event log scrolling above, and below it a live panel (neighbor dashboard, one peer, the
 * route view and its detail pane, or Kubernetes), the prompt and the key map. Each panel's wiring is a hook
 * of its own (use-*.ts); this file routes the keys to them and lays the screen out. The daemon link, the
 * feeds and typed commands feed the one reducer. Sized to the terminal, redrawn on resize.
 */
import { Box, useApp, useInput, useStdout } from "ink";
import { useCallback, useEffect, useReducer, useRef, useState } from "react";
import { EventLog } from "./components/event-log.js";
import { K8sPanel } from "./components/k8s-panel.js";
import { KeyMap, type KeyMode } from "./components/key-map.js";
import { NeighborDashboard } from "./components/neighbor-dashboard.js";
import { PeerPane } from "./components/peer-pane.js";
import { Prompt } from "./components/prompt.js";
import { RouteDetail } from "./components/route-detail.js";
import { RouteView } from "./components/route-view.js";
import { StatusBar } from "./components/status-bar.js";
import { DaemonLink } from "./daemon-link.js";
import type { History } from "./history.js";
import * as edit from "./line-editor.js";
import { initialState, neighborList, reduce, type ShellState, selectedNeighbor, type View } from "./state.js";
import { useK8s } from "./use-k8s.js";
import { usePeerPane } from "./use-peer-pane.js";
import { usePrompt } from "./use-prompt.js";
import { useRibFeed } from "./use-rib-feed.js";
import { useRouteView } from "./use-route-view.js";

export interface AppProps {
  readonly socket: string;
  readonly history: History;
  readonly color: boolean;
  /** The kbgp program to run commands with (default: this one). */
  readonly program?: readonly string[];
  /** The clock (Up/Down, ages, event times); tests set it. */
  readonly now?: () => number;
}

/** Alt-digit: the view it switches to. */
const VIEW_KEYS: Readonly<Record<string, View>> = {
  "1": "neighbors",
  "2": "peer",
  "3": "routes",
  "4": "k8s",
};

/**
 * Screen rows the panel may use: the terminal's, less status, prompt, two lines of candidates, key map and
 * the panel's own header and scroll line, and one more: a live view as tall as the terminal makes Ink clear
 * the screen and write the whole event log again on every render.
 */
const CHROME_ROWS = 7;

function useTerminalSize(): { columns: number; rows: number } {
  const { stdout } = useStdout();
  const read = () => ({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
  const [size, setSize] = useState(read);
  useEffect(() => {
    const onResize = () => setSize(read());
    stdout.on("resize", onResize);
    return () => {
      stdout.off("resize", onResize);
    };
  });
  return size;
}

/** A clock that ticks each second, for Up/Down columns. */
function useNow(now: () => number): number {
  const [t, setT] = useState(now);
  useEffect(() => {
    const timer = setInterval(() => setT(now()), 1000);
    return () => clearInterval(timer);
  }, [now]);
  return t;
}

export function App({ socket, history, color, program, now = Date.now }: AppProps) {
  const [state, dispatch] = useReducer(reduce, history.entries.length, initialState);
  const { exit } = useApp();
  const link = useRef<DaemonLink | null>(null);
  const size = useTerminalSize();
  const t = useNow(now);
  const stateRef = useRef<ShellState>(state);
  stateRef.current = state;
  const panelRows = Math.max(3, size.rows - CHROME_ROWS);

  useEffect(() => {
    const l = new DaemonLink(socket, dispatch, now);
    link.current = l;
    l.start();
    return () => l.stop();
  }, [socket, now]);

  /** kbgpd's client while the link is up (a new one each time kbgpd is back), else null. */
  const client = state.link.kind === "up" ? (link.current?.current ?? null) : null;
  const back = useCallback(() => dispatch({ type: "view", view: "neighbors" }), []);
  const quit = useCallback(() => dispatch({ type: "exit" }), []);

  const rib = useRibFeed(socket, client, dispatch, now);
  const peer = usePeerPane(state.view === "peer" ? client : null, state.neighbors, now);
  const routes = useRouteView({
    client: state.view === "routes" ? client : null,
    width: size.columns,
    height: panelRows,
    now,
    clock: t,
    neighbors: state.neighbors,
    rib,
    back,
  });
  const k8s = useK8s({
    socket,
    link: client,
    open: state.view === "k8s",
    height: panelRows,
    dispatch,
    now,
    back,
    quit,
  });
  const prompt = usePrompt({
    state: stateRef,
    dispatch,
    history,
    socket,
    color,
    program,
    client: () => link.current?.current ?? null,
    onEmpty: () => {
      const n = selectedNeighbor(stateRef.current);
      if (n && stateRef.current.view === "neighbors") {
        peer.show(n.address);
        dispatch({ type: "view", view: "peer" });
      }
    },
  });

  useEffect(() => {
    if (state.wantsExit) {
      prompt.running.current?.interrupt();
      exit();
    }
  }, [state.wantsExit, exit, prompt.running]);

  const onWritten = useCallback((upTo: number) => dispatch({ type: "log-written", upTo }), []);

  useInput((input, key) => {
    const s = stateRef.current;
    const l = prompt.line();
    const running = prompt.running.current;
    if (key.ctrl && input === "c") {
      if (running) return running.interrupt();
      // Ctrl-C answers the y/n question with no, as it would a terminal's prompt.
      if (s.view === "k8s" && k8s.confirming()) return k8s.keys("n", key);
      if (l.text) return prompt.setLine(edit.EMPTY_LINE);
      return dispatch({ type: "exit" });
    }
    if (key.ctrl && input === "d") {
      if (l.text === "" && !running) return dispatch({ type: "exit" });
      return prompt.setLine(edit.deleteForward(l));
    }
    if (running) return; // The command owns the screen until it ends or Ctrl-C.
    const view = VIEW_KEYS[input];
    if (key.meta && view) {
      if (view === "peer") peer.show(peer.current() ?? selectedNeighbor(s)?.address ?? null);
      return dispatch({ type: "view", view });
    }
    if (s.view === "routes") return routes.keys(input, key);
    if (s.view === "k8s") return k8s.keys(input, key);
    if (key.escape) return back();
    if (key.pageUp || key.pageDown) {
      const step = key.pageUp ? -1 : 1;
      dispatch({ type: "select", step });
      if (s.view === "peer") {
        const list = neighborList(s);
        const next = list[Math.max(0, Math.min(list.length - 1, s.selected + step))];
        if (next) peer.show(next.address);
      }
      return;
    }
    prompt.keys(input, key);
  });

  const k8sModule = k8s.state.module;
  const mode: KeyMode =
    state.view === "routes" && routes.detail
      ? "route-detail"
      : state.view !== "k8s"
        ? state.view
        : k8s.state.filtering
          ? "k8s-filter"
          : k8sModule.kind === "known" && k8sModule.status.configured
            ? "k8s"
            : "k8s-none";
  return (
    <>
      <EventLog entries={state.log} color={color} onWritten={onWritten} />
      <Box flexDirection="column" width={size.columns}>
        <StatusBar link={state.link} socket={socket} now={t} color={color} />
        {state.view === "neighbors" ? (
          <NeighborDashboard
            neighbors={neighborList(state)}
            selected={state.selected}
            now={t}
            width={size.columns}
            height={panelRows - 1}
            color={color}
          />
        ) : state.view === "peer" ? (
          <PeerPane address={peer.address} text={peer.text} height={panelRows} />
        ) : state.view === "routes" ? (
          routes.detail ? (
            <RouteDetail {...routes.detail} />
          ) : (
            <RouteView {...routes.list} />
          )
        ) : (
          <K8sPanel
            state={k8s.state}
            rows={k8s.rows}
            now={t}
            width={size.columns}
            height={panelRows}
            color={color}
          />
        )}
        {state.view === "routes" || state.view === "k8s" ? null : (
          <Prompt
            line={state.line}
            running={state.running}
            candidates={state.candidates}
            width={size.columns}
          />
        )}
        <KeyMap view={mode} width={size.columns} />
      </Box>
    </>
  );
}
