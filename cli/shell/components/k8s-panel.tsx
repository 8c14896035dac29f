/**
 * The Kubernetes panel: the sync module's state as kbgpd reports it (switch, state and since when, node, API
 * server, last sync, object counts, routes, problems, last error), then what it announces and why — each
 * route's rule, the objects it comes from (`Service ns/name`) and the reason — scrolled and filtered, the
 * problems found in the objects after them. One line instead when kbgpd has no such module (an older
 * kbgpd) or it is not configured. Every line is cut to the width, never wrapped.
 */
import { Box, Text } from "ink";
import { formatSource } from "../../../core/k8s/describe.js";
import { age } from "../../format/duration.js";
import { sourcesText } from "../../format/k8s.js";
import type { K8sRoute, K8sRow, K8sState, K8sStatus } from "../k8s-state.js";
import { question } from "../k8s-state.js";
import { EditedLine } from "./prompt.js";
import { clock, cut } from "./text.js";

export interface K8sPanelProps {
  readonly state: K8sState;
  readonly rows: readonly K8sRow[];
  readonly now: number;
  readonly width: number;
  readonly height: number;
  readonly color: boolean;
}

/** Lines above the list: state, server and sync, counts, last error, and the line for the keys' answers. */
export const K8S_HEAD_LINES = 5;
/** Rows of the list in a panel of `height`: less the lines above, its header and its position line. */
export const k8sListRows = (height: number): number => Math.max(1, height - K8S_HEAD_LINES - 2);

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

const STATE_COLOR: Readonly<Record<K8sStatus["state"], string | undefined>> = {
  off: undefined,
  connecting: "yellow",
  syncing: "yellow",
  synced: "green",
  error: "red",
};

/** The module's state in four lines (the fifth is the keys'): switch and state, server and sync, objects,
 *  routes, problems and the last error. */
function statusLines(s: K8sStatus, now: number): string[] {
  const since = s.since ? ` since ${clock(s.since)} (${age(s.since, now)})` : "";
  const node = s.node ? ` · node ${s.node}` : "";
  const sync = s.lastSync ? `last sync ${clock(s.lastSync)} (${age(s.lastSync, now)} ago)` : "never synced";
  const o = s.objects;
  const lastError = s.errors.at(-1);
  return [
    `Kubernetes sync: ${s.enabled ? "on" : "off"} · ${s.state}${since}${node}`,
    `API server ${s.server ?? "(none yet)"} · ${sync}`,
    `${plural(o.services, "service")} · ${plural(o.endpointSlices, "endpoint slice")} · ${plural(o.nodes, "node")} · ${plural(o.pods, "pod")} · ${plural(o.namespaces, "namespace")}`,
    `${plural(s.routes, "route")} announced · ${plural(s.problems, "problem")} · ${
      s.lastError ? `last error${lastError ? ` ${clock(lastError.at)}` : ""}: ${s.lastError}` : "no errors"
    }`,
  ];
}

/** Prefix, rule and sources columns: as wide as their longest value in the list (sources at most 30), so
 *  the reason, the last, keeps what is left. */
function widths(rows: readonly K8sRow[]): [number, number, number] {
  const w: [number, number, number] = [7, 5, 8];
  for (const r of rows) {
    if (!("route" in r)) continue;
    const c = cellsOf(r.route);
    for (let i = 0; i < 3; i++) w[i] = Math.max(w[i], c[i].length + 1);
  }
  w[2] = Math.min(w[2], 30);
  return w;
}

const cellsOf = (x: K8sRoute) => [x.prefix, x.rule, sourcesText(x.sources) || "-"];

function rowText(r: K8sRow, ws: readonly number[], width: number): string {
  if ("problem" in r) return cut(`! ${formatSource(r.problem.source)}: ${r.problem.message}`, width);
  const cells = cellsOf(r.route);
  let s = "";
  for (let i = 0; i < ws.length; i++)
    s += cells[i].length >= ws[i] ? `${cells[i].slice(0, ws[i] - 2)}… ` : cells[i].padEnd(ws[i]);
  return cut(s + r.route.reason, width);
}

/** The line under the state: the question, the filter being typed, the last outcome, or the keys. */
function actionLine(state: K8sState, status: K8sStatus, width: number, color: boolean) {
  if (state.confirm)
    return (
      <Text bold color={color ? "yellow" : undefined}>
        {cut(question(state.confirm, status), width)}
      </Text>
    );
  if (state.filtering) return <EditedLine label="filter> " line={state.filter} />;
  if (state.busy) return <Text dimColor>{cut(`asking kbgpd to ${state.busy} the sync…`, width)}</Text>;
  if (state.message) {
    const tone = state.message.tone === "good" ? "green" : state.message.tone === "bad" ? "red" : undefined;
    return <Text color={color ? tone : undefined}>{cut(state.message.text, width)}</Text>;
  }
  if (state.filter.text)
    return <Text dimColor>{cut(`filter: ${state.filter.text}  (/ to change)`, width)}</Text>;
  return <Text dimColor>{cut(`e enable · d disable · / filter`, width)}</Text>;
}

export function K8sPanel({ state, rows, now, width, height, color }: K8sPanelProps) {
  const m = state.module;
  if (m.kind === "waiting")
    return <Text dimColor>{cut("asking kbgpd about its Kubernetes sync…", width)}</Text>;
  if (m.kind === "absent")
    return <Text>{cut("This kbgpd has no Kubernetes sync (k8s.status: method not found).", width)}</Text>;
  if (m.kind === "failed")
    return <Text color={color ? "red" : undefined}>{cut(`kbgpd: ${m.message}`, width)}</Text>;
  const s = m.status;
  if (!s.configured)
    return (
      <Text>{cut("The Kubernetes sync is not configured: kbgpd has no `kubernetes` section.", width)}</Text>
    );
  const [first, ...others] = statusLines(s, now);
  const page = k8sListRows(height);
  const shown = rows.slice(state.offset, state.offset + page);
  const ws = widths(rows);
  const empty =
    state.routes === null
      ? "asking kbgpd for the routes…"
      : rows.length === 0
        ? state.filter.text
          ? "no routes match the filter"
          : "no routes announced"
        : null;
  return (
    <Box flexDirection="column">
      <Text bold color={color ? STATE_COLOR[s.state] : undefined}>
        {cut(first, width)}
      </Text>
      {others.map((l, i) => (
        <Text key={l} color={color && i === 2 && s.lastError ? "red" : undefined}>
          {cut(l, width)}
        </Text>
      ))}
      {actionLine(state, s, width, color)}
      <Text bold>
        {cut(`${"Prefix".padEnd(ws[0])}${"Rule".padEnd(ws[1])}${"Sources".padEnd(ws[2])}Reason`, width)}
      </Text>
      {empty ? <Text dimColor>{empty}</Text> : null}
      {shown.map((r, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a screenful of rows, replaced as a whole
        <Text key={i} color={color && "problem" in r ? "yellow" : undefined}>
          {rowText(r, ws, width)}
        </Text>
      ))}
      {rows.length > shown.length ? (
        <Text dimColor>
          {cut(
            `rows ${state.offset + 1}–${state.offset + shown.length} of ${rows.length} (↑↓ PgUp/PgDn)`,
            width,
          )}
        </Text>
      ) : null}
    </Box>
  );
}
