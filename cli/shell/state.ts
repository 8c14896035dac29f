/**
 * The shell's state and the one reducer that changes it: the daemon link (up, lost, back), the neighbors as
 * the monitor stream reports them, the view on screen, the prompt, the running command and the event log
 * (session and daemon events, and the summaries of route and Kubernetes changes the feeds hand over;
 * commands' output goes straight to the terminal).
 * Pure: the Ink components and hooks dispatch actions (daemon-link.ts and the feeds turn the daemon's
 * events into actions, use-prompt.ts a command's run), and tests drive it directly.
 */
import type { NeighborView } from "../../daemon/control/views.js";
import { addressOrder } from "../format/address.js";
import { stateLabel } from "../format/neighbors.js";
import { EMPTY_LINE, type Line, type Recall } from "./line-editor.js";

export type View = "neighbors" | "peer" | "routes" | "k8s";

export type LinkStatus =
  | { readonly kind: "connecting"; readonly attempt: number }
  | { readonly kind: "up"; readonly version: string }
  | { readonly kind: "down"; readonly reason: string; readonly since: number; readonly attempt: number };

export type Tone = "info" | "good" | "bad";

/** One line of the event log, written once above the live view. */
export interface LogEntry {
  readonly id: number;
  readonly at: number;
  readonly tone: Tone;
  readonly text: string;
}

/** A neighbor as the dashboard shows it: the list view, kept current by monitor events. */
export type Neighbor = NeighborView & { readonly flaps: number };

export interface ShellState {
  readonly link: LinkStatus;
  readonly neighbors: ReadonlyMap<string, Neighbor>;
  readonly view: View;
  /** The dashboard's highlighted row. */
  readonly selected: number;
  readonly line: Line;
  readonly recall: Recall;
  /** Completion candidates on show (after a Tab that could not complete on its own). */
  readonly candidates: readonly string[];
  /** The command line running now, if any. */
  readonly running: string | null;
  /** Log entries not yet written out; the log component takes them and clears them. */
  readonly log: readonly LogEntry[];
  readonly nextLogId: number;
  readonly wantsExit: boolean;
}

/** A neighbor event from `monitor.start {topic: "neighbor"}` (docs/api.md). */
export interface NeighborEvent {
  readonly kind: "neighbor" | "neighbor-removed";
  readonly address: string;
  readonly state?: string;
  readonly adminDown?: boolean;
  readonly prefixLimitReached?: boolean;
  readonly lastError?: string | null;
  readonly at: number;
}

export type Action =
  | { type: "connecting"; attempt: number }
  | { type: "connected"; version: string; neighbors: readonly NeighborView[]; at: number }
  | { type: "lost"; reason: string; at: number }
  | { type: "neighbor-event"; event: NeighborEvent }
  | { type: "neighbors"; neighbors: readonly NeighborView[] }
  | { type: "line"; line: Line; recall?: Recall }
  | { type: "candidates"; candidates: readonly string[] }
  | { type: "command-start"; line: string }
  | { type: "command-end" }
  | { type: "view"; view: View }
  | { type: "select"; step: number }
  | { type: "log-written"; upTo: number }
  | { type: "log"; entries: readonly { at: number; tone: Tone; text: string }[] }
  | { type: "exit" };

export function initialState(historyLength: number): ShellState {
  return {
    link: { kind: "connecting", attempt: 0 },
    neighbors: new Map(),
    view: "neighbors",
    selected: 0,
    line: EMPTY_LINE,
    recall: { at: historyLength, draft: "" },
    candidates: [],
    running: null,
    log: [],
    nextLogId: 1,
    wantsExit: false,
  };
}

/** Neighbors in the dashboard's order: IPv4 before IPv6, by address. */
export function neighborList(s: ShellState): Neighbor[] {
  return [...s.neighbors.values()].sort((a, b) => addressOrder(a.address, b.address));
}

/** The neighbor the dashboard's highlight is on. */
export function selectedNeighbor(s: ShellState): Neighbor | undefined {
  return neighborList(s)[s.selected];
}

function logged(s: ShellState, at: number, tone: Tone, text: string): ShellState {
  return { ...s, log: [...s.log, { id: s.nextLogId, at, tone, text }], nextLogId: s.nextLogId + 1 };
}

/** The highlight kept on a row when neighbors go: at most the last one. */
const clampSelected = (selected: number, neighbors: ReadonlyMap<string, unknown>) =>
  Math.min(selected, Math.max(0, neighbors.size - 1));

/** Neighbors from a `neighbor.list`, keeping the flap counts seen so far. */
function fromList(s: ShellState, list: readonly NeighborView[]): Map<string, Neighbor> {
  const m = new Map<string, Neighbor>();
  for (const n of list) m.set(n.address, { ...n, flaps: s.neighbors.get(n.address)?.flaps ?? 0 });
  return m;
}

function neighborEvent(s: ShellState, e: NeighborEvent): ShellState {
  const neighbors = new Map(s.neighbors);
  const before = neighbors.get(e.address);
  if (e.kind === "neighbor-removed") {
    neighbors.delete(e.address);
    const selected = clampSelected(s.selected, neighbors);
    return logged(
      { ...s, neighbors, selected },
      e.at,
      "info",
      `neighbor ${e.address} removed from the configuration`,
    );
  }
  if (!before) return s; // Not listed yet: the next neighbor.list brings it whole.
  const wasUp = before.state === "established";
  const isUp = e.state === "established";
  const after: Neighbor = {
    ...before,
    state: (e.state as Neighbor["state"] | undefined) ?? before.state,
    adminDown: e.adminDown ?? before.adminDown,
    prefixLimitReached: e.prefixLimitReached ?? before.prefixLimitReached,
    lastError: e.lastError === undefined ? before.lastError : e.lastError,
    upSince: isUp ? (wasUp ? before.upSince : e.at) : null,
    downSince: isUp ? null : wasUp ? e.at : before.downSince,
    establishedTransitions: before.establishedTransitions + (isUp && !wasUp ? 1 : 0),
    flaps: before.flaps + (wasUp && !isUp ? 1 : 0),
  };
  neighbors.set(e.address, after);
  const next = { ...s, neighbors };
  if (stateLabel(before) === stateLabel(after)) return next;
  const why = !isUp && after.lastError ? `: ${after.lastError}` : "";
  const tone: Tone = isUp ? "good" : wasUp ? "bad" : "info";
  return logged(next, e.at, tone, `${e.address} ${stateLabel(before)} → ${stateLabel(after)}${why}`);
}

export function reduce(s: ShellState, a: Action): ShellState {
  switch (a.type) {
    case "connecting":
      return s.link.kind === "down" ? { ...s, link: { ...s.link, attempt: a.attempt } } : s;
    case "connected": {
      const back = s.link.kind === "down";
      const neighbors = fromList(s, a.neighbors);
      const next: ShellState = {
        ...s,
        link: { kind: "up", version: a.version },
        neighbors,
        selected: clampSelected(s.selected, neighbors),
      };
      return logged(next, a.at, "good", back ? "kbgpd is back" : `connected to kbgpd ${a.version}`);
    }
    case "lost":
      if (s.link.kind === "down") return s;
      return logged(
        { ...s, link: { kind: "down", reason: a.reason, since: a.at, attempt: 0 } },
        a.at,
        "bad",
        `lost kbgpd: ${a.reason}; reconnecting…`,
      );
    case "neighbor-event":
      return neighborEvent(s, a.event);
    case "neighbors": {
      const neighbors = fromList(s, a.neighbors);
      return { ...s, neighbors, selected: clampSelected(s.selected, neighbors) };
    }
    case "line":
      return { ...s, line: a.line, recall: a.recall ?? s.recall, candidates: [] };
    case "candidates":
      return { ...s, candidates: a.candidates };
    case "command-start":
      return { ...s, running: a.line, candidates: [] };
    case "command-end":
      return { ...s, running: null };
    case "view":
      return { ...s, view: a.view };
    case "select": {
      const n = s.neighbors.size;
      return n === 0 ? s : { ...s, selected: Math.max(0, Math.min(n - 1, s.selected + a.step)) };
    }
    case "log-written":
      return { ...s, log: s.log.filter((e) => e.id > a.upTo) };
    case "log":
      return a.entries.reduce((next, e) => logged(next, e.at, e.tone, e.text), s);
    case "exit":
      return { ...s, wantsExit: true };
  }
}
