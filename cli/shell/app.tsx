/**
 * `kbgp shell`: the event log scrolling above, and below it a live panel (neighbor dashboard, one peer, or
 * Kubernetes), the prompt and the key map. Keys map to line-editor.ts functions and reducer actions; the
 * daemon link and typed commands feed the same reducer. Sized to the terminal, redrawn on resize.
 */
import { Box, type Key, useApp, useInput, useStderr, useStdout } from "ink";
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from "react";
import type { NeighborDetailView } from "../../daemon/control/views.js";
import { completeWord } from "../completion.js";
import { neighborDetail } from "../format/neighbors.js";
import { EventLog } from "./components/event-log.js";
import { K8sPanel } from "./components/k8s-panel.js";
import { KeyMap } from "./components/key-map.js";
import { NeighborDashboard } from "./components/neighbor-dashboard.js";
import { PeerPane } from "./components/peer-pane.js";
import { Prompt } from "./components/prompt.js";
import { RouteView } from "./components/route-view.js";
import { StatusBar } from "./components/status-bar.js";
import { DaemonLink } from "./daemon-link.js";
import type { History } from "./history.js";
import * as edit from "./line-editor.js";
import { prefixCandidates } from "./prefix-lookup.js";
import { parseRouteFilter, type RouteQuery } from "./route-filter.js";
import { useRouteWindow } from "./route-window.js";
import { parseLine, type Running, runCommand } from "./run-command.js";
import { initialState, neighborList, reduce, type ShellState, selectedNeighbor, type View } from "./state.js";

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

/** Editing keys as they come inside a read of several keys (alone, Ink reports them as keys). */
const BATCHED_KEYS: Readonly<Record<string, (l: edit.Line) => edit.Line>> = {
  "\u007f": edit.backspace,
  "\b": edit.backspace,
  "\u0001": (l) => edit.moveTo(l, 0),
  "\u0005": (l) => edit.moveTo(l, l.text.length),
  "\u000b": edit.killToEnd,
  "\u0015": edit.killToStart,
  "\u0017": edit.killWordBack,
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
  const running = useRef<Running | null>(null);
  const [peerText, setPeerText] = useState<string | null>(null);
  const [peerAddress, setPeerAddress] = useState<string | null>(null);
  const size = useTerminalSize();
  const { write } = useStdout();
  const { write: writeErr } = useStderr();
  const t = useNow(now);
  const stateRef = useRef<ShellState>(state);
  stateRef.current = state;
  // The line as the keys left it: several keys can arrive between two renders, so they must not read the
  // rendered state.
  const editing = useRef({ line: state.line, recall: state.recall });
  const setLine = (line: edit.Line, recall?: edit.Recall) => {
    editing.current = { line, recall: recall ?? editing.current.recall };
    dispatch({ type: "line", line, ...(recall ? { recall } : {}) });
  };

  useEffect(() => {
    const l = new DaemonLink(socket, dispatch, now);
    link.current = l;
    l.start();
    return () => l.stop();
  }, [socket, now]);

  useEffect(() => {
    if (state.wantsExit) {
      running.current?.interrupt();
      exit();
    }
  }, [state.wantsExit, exit]);

  // The peer pane shows `kbgp neighbor ADDRESS`'s text, asked again whenever the neighbors change.
  // biome-ignore lint/correctness/useExhaustiveDependencies: a change of the neighbors is the reason to ask again
  useEffect(() => {
    if (state.view !== "peer" || !peerAddress || !link.current?.current) return;
    let live = true;
    link.current.current
      .call<NeighborDetailView>("neighbor.get", { neighbor: peerAddress })
      .then((d) => live && setPeerText(neighborDetail(d, now())))
      .catch((e: Error) => live && setPeerText(`kbgpd: ${e.message}`));
    return () => {
      live = false;
    };
  }, [state.view, peerAddress, state.neighbors, now]);

  // The route view: its filter line, where it stands, and the screenful of rows kbgpd sends for them.
  const [filter, setFilter] = useState<edit.Line>(edit.EMPTY_LINE);
  const filterRef = useRef<edit.Line>(edit.EMPTY_LINE);
  const [routeOffset, setRouteOffset] = useState(0);
  const parsed = useMemo(() => parseRouteFilter(filter.text), [filter.text]);
  const lastGood = useRef<RouteQuery>({});
  if (parsed.ok) lastGood.current = parsed.query;
  const routeQuery = state.view === "routes" ? lastGood.current : null;
  const routes = useRouteWindow(
    state.link.kind === "up" ? (link.current?.current ?? null) : null,
    routeQuery,
    routeOffset,
    Math.max(1, size.rows - CHROME_ROWS - 3),
    now,
    state.neighbors,
  );

  const onWritten = useCallback((upTo: number) => dispatch({ type: "log-written", upTo }), []);

  const submit = (text: string) => {
    history.add(text);
    setLine(edit.EMPTY_LINE, { at: history.entries.length, draft: "" });
    const p = parseLine(text);
    switch (p.kind) {
      case "empty": {
        const n = selectedNeighbor(stateRef.current);
        if (n && stateRef.current.view === "neighbors") {
          setPeerAddress(n.address);
          setPeerText(null);
          dispatch({ type: "view", view: "peer" });
        }
        return;
      }
      case "exit":
        return dispatch({ type: "exit" });
      case "clear":
        // Clear the screen and scrollback the way `clear` does; the live view redraws below.
        process.stdout.write("\x1b[2J\x1b[3J\x1b[H");
        return;
      case "help":
        write(`kbgp> ${text}\n${p.text}\n`);
        return;
      case "error":
        write(`kbgp> ${text}\n`);
        writeErr(`kbgp: ${p.message}\n`);
        return;
      case "run": {
        // The command's own bytes go straight to the terminal (Ink lifts its live view over them), so
        // they are the one-shot command's output exactly, wrapped by the terminal as it would wrap them.
        write(`kbgp> ${text}\n`);
        dispatch({ type: "command-start", line: text });
        const r = runCommand(
          p.words,
          socket,
          color,
          (chunk, stream) => (stream === "stdout" ? write : writeErr)(chunk),
          program,
        );
        running.current = r;
        void r.done.then(() => {
          running.current = null;
          dispatch({ type: "command-end" });
        });
      }
    }
  };

  const complete = async (line: edit.Line) => {
    const s = stateRef.current;
    const { done, current } = edit.wordsAtCursor(line);
    const client = link.current?.current ?? null;
    const words = await completeWord(done, current, {
      neighbors: () => [...s.neighbors.keys()],
      prefixes: (partial) => prefixCandidates(client, partial),
    });
    // Typed on while kbgpd was asked: the answer is for a line that is gone.
    if (editing.current.line.text !== line.text) return;
    if (words.length === 1) setLine(edit.completeWith(line, words[0], true));
    else if (words.length > 1) {
      const common = edit.commonPrefix(words);
      if (common.length > current.length) setLine(edit.completeWith(line, common, false));
      dispatch({ type: "candidates", candidates: words });
    }
  };

  useInput((input, key) => {
    const s = stateRef.current;
    const l = editing.current.line;
    if (key.ctrl && input === "c") {
      if (running.current) return running.current.interrupt();
      if (l.text) return setLine(edit.EMPTY_LINE);
      return dispatch({ type: "exit" });
    }
    if (key.ctrl && input === "d") {
      if (l.text === "" && !running.current) return dispatch({ type: "exit" });
      return setLine(edit.deleteForward(l));
    }
    if (running.current) return; // The command owns the screen until it ends or Ctrl-C.
    const set = (line: edit.Line) => setLine(line);
    const view = VIEW_KEYS[input];
    if (key.meta && view) {
      if (view === "peer") setPeerAddress(peerAddress ?? selectedNeighbor(s)?.address ?? null);
      return dispatch({ type: "view", view });
    }
    if (key.escape) return dispatch({ type: "view", view: "neighbors" });
    if (s.view === "routes") return routeKeys(input, key);
    if (key.return) return submit(l.text);
    if (key.tab) return void complete(l);
    if (key.pageUp || key.pageDown) {
      dispatch({ type: "select", step: key.pageUp ? -1 : 1 });
      if (s.view === "peer") {
        const list = neighborList(s);
        const next = list[Math.max(0, Math.min(list.length - 1, s.selected + (key.pageUp ? -1 : 1)))];
        if (next) {
          setPeerAddress(next.address);
          setPeerText(null);
        }
      }
      return;
    }
    if (key.upArrow || key.downArrow) {
      const r = edit.recall(history.entries, editing.current.recall, l, key.upArrow ? -1 : 1);
      if (r) setLine(r.line, r.recall);
      return;
    }
    if (key.leftArrow) return set(edit.moveTo(l, l.cursor - 1));
    if (key.rightArrow) return set(edit.moveTo(l, l.cursor + 1));
    if (key.home || (key.ctrl && input === "a")) return set(edit.moveTo(l, 0));
    if (key.end || (key.ctrl && input === "e")) return set(edit.moveTo(l, l.text.length));
    if (key.ctrl && input === "b") return set(edit.moveTo(l, l.cursor - 1));
    if (key.ctrl && input === "f") return set(edit.moveTo(l, l.cursor + 1));
    if (key.ctrl && input === "u") return set(edit.killToStart(l));
    if (key.ctrl && input === "k") return set(edit.killToEnd(l));
    if (key.ctrl && input === "w") return set(edit.killWordBack(l));
    if (key.meta && input === "b") return set(edit.moveTo(l, edit.wordStart(l)));
    if (key.meta && input === "f") return set(edit.moveTo(l, edit.wordEnd(l)));
    // Ink reports the Backspace key as `delete` on most terminals (it sends DEL, 0x7f).
    if (key.backspace || key.delete) return set(edit.backspace(l));
    if (input === "q" && l.text === "" && !key.ctrl && !key.meta) return dispatch({ type: "exit" });
    if (key.ctrl || key.meta || !input) return;
    // Typed text, or several keys in one read (a paste, tmux send-keys, fast typing over a slow link):
    // Enter, Tab and the editing keys inside act as keys; no other control character enters the line.
    let line = l;
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it splits on
    for (const part of input.split(/(\r\n|[\u0000-\u001f\u007f])/)) {
      if (part === "\t") {
        set(line);
        return void complete(line);
      }
      if (part === "\r\n" || part === "\r" || part === "\n") {
        submit(line.text);
        line = edit.EMPTY_LINE;
      } else if (part.length === 1 && (part < " " || part === "\u007f"))
        line = BATCHED_KEYS[part]?.(line) ?? line;
      else if (part) line = edit.insert(line, part);
    }
    if (line !== edit.EMPTY_LINE) set(line);
  });

  /** The route view's keys: the filter line takes the typing; arrows and pages move through the table. */
  const routeKeys = (input: string, key: Key) => {
    const f = filterRef.current;
    const page = Math.max(1, panelRows - 3);
    const total = routes.total ?? 0;
    const move = (to: number) => setRouteOffset(Math.max(0, Math.min(to, Math.max(0, total - page))));
    if (key.upArrow) return move(routeOffset - 1);
    if (key.downArrow) return move(routeOffset + 1);
    if (key.pageUp) return move(routeOffset - page);
    if (key.pageDown) return move(routeOffset + page);
    if (key.home) return move(0);
    if (key.end) return move(total);
    let next = f;
    if (key.leftArrow) next = edit.moveTo(f, f.cursor - 1);
    else if (key.rightArrow) next = edit.moveTo(f, f.cursor + 1);
    else if (key.ctrl && input === "a") next = edit.moveTo(f, 0);
    else if (key.ctrl && input === "e") next = edit.moveTo(f, f.text.length);
    else if (key.ctrl && input === "u") next = edit.killToStart(f);
    else if (key.ctrl && input === "k") next = edit.killToEnd(f);
    else if (key.ctrl && input === "w") next = edit.killWordBack(f);
    else if (key.backspace || key.delete) next = edit.backspace(f);
    else if (!key.ctrl && !key.meta && input && !key.return && !key.tab)
      next = edit.insert(f, input.replace(/[\r\n\t]+/g, " "));
    if (next !== f) {
      filterRef.current = next;
      setFilter(next);
      if (next.text !== f.text) setRouteOffset(0);
    }
  };

  const panelRows = Math.max(3, size.rows - CHROME_ROWS);
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
          <PeerPane address={peerAddress} text={peerText} height={panelRows} />
        ) : state.view === "routes" ? (
          <RouteView
            lines={routes.lines}
            offset={routeOffset}
            total={routes.total}
            filter={filter}
            error={parsed.ok ? routes.error : parsed.error}
            width={size.columns}
            height={panelRows}
          />
        ) : (
          <K8sPanel />
        )}
        {state.view === "routes" ? null : (
          <Prompt
            line={state.line}
            running={state.running}
            candidates={state.candidates}
            width={size.columns}
          />
        )}
        <KeyMap view={state.view} width={size.columns} />
      </Box>
    </>
  );
}
