/**
 * The live neighbor table: gobgp's columns plus what an operator at 3 a.m. wants beside them (advertised,
 * flaps, last error), one row per neighbor, the highlighted one inverse. Fits 80 columns: the last error
 * takes whatever width is left and is cut, never wrapped. A column is widened for a value longer than its
 * usual width (an IPv6 address, a 4-byte AS, days of uptime), never cut: a cut value reads as another one.
 */
import { Box, Text } from "ink";
import { stateLabel, upDown } from "../../format/neighbors.js";
import type { Neighbor } from "../state.js";

/** Each column's usual width, blank included. */
const COLUMNS = [
  ["Peer", 16],
  ["AS", 7],
  ["Up/Down", 11],
  ["State", 12],
  ["Rcvd", 8],
  ["Accd", 8],
  ["Adv", 7],
  ["Flaps", 6],
] as const;

const advertised = (n: Neighbor) => Object.values(n.advertisedByFamily).reduce((a, b) => a + b, 0);

function cells(n: Neighbor, now: number): string[] {
  return [
    n.address,
    String(n.asn),
    upDown(n, now),
    stateLabel(n),
    String(n.received),
    String(n.accepted),
    String(advertised(n)),
    String(n.flaps),
  ];
}

const pad = (s: string, w: number, right: boolean) => (right ? `${s.padStart(w - 1)} ` : s.padEnd(w));

/** The columns' widths: the usual ones, or one more than the longest value. */
const widths = (rows: readonly (readonly string[])[]) =>
  COLUMNS.map(([, w], i) => Math.max(w, ...rows.map((r) => r[i].length + 1)));

/** Numbers right-aligned, names left. */
const RIGHT = new Set(["AS", "Rcvd", "Accd", "Adv", "Flaps"]);

function row(values: readonly string[], lastError: string, width: number, ws: readonly number[]): string {
  const line = values.map((v, i) => pad(v, ws[i], RIGHT.has(COLUMNS[i][0]))).join("") + lastError;
  return line.length > width ? `${line.slice(0, Math.max(0, width - 1))}…` : line;
}

export interface DashboardProps {
  readonly neighbors: readonly Neighbor[];
  readonly selected: number;
  readonly now: number;
  readonly width: number;
  /** Rows available for neighbors. */
  readonly height: number;
  readonly color: boolean;
}

const STATE_COLOR: Readonly<Record<string, string>> = { established: "green" };

export function NeighborDashboard({ neighbors, selected, now, width, height, color }: DashboardProps) {
  const rows = Math.max(1, height);
  // Keep the highlight in sight: scroll the window over long lists.
  const first = Math.max(0, Math.min(selected - rows + 1, neighbors.length - rows, selected));
  const shown = neighbors.slice(first, first + rows);
  const header = COLUMNS.map(([t]) => t);
  const ws = widths([header, ...neighbors.map((n) => cells(n, now))]);
  return (
    <Box flexDirection="column">
      <Text bold>{row(header, "Last error", width, ws)}</Text>
      {neighbors.length === 0 ? <Text dimColor>no neighbors configured</Text> : null}
      {shown.map((n, i) => {
        const isSelected = first + i === selected;
        const tone = color ? (STATE_COLOR[n.state] ?? (n.adminDown ? "yellow" : "red")) : undefined;
        return (
          <Text key={n.address} inverse={isSelected} color={tone}>
            {row(cells(n, now), n.lastError ?? "", width, ws)}
          </Text>
        );
      })}
      {neighbors.length > shown.length ? (
        <Text dimColor>
          {`${first + 1}–${first + shown.length} of ${neighbors.length} neighbors (PgUp/PgDn move)`}
        </Text>
      ) : null}
    </Box>
  );
}
