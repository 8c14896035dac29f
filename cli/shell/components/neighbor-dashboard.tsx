/**
 * The live neighbor table: gobgp's columns plus what an operator at 3 a.m. wants beside them (advertised,
 * flaps, last error), one row per neighbor, the highlighted one inverse. Fits 80 columns: the last error
 * takes whatever width is left and is cut, never wrapped.
 */
import { Box, Text } from "ink";
import { stateLabel, upDown } from "../../format/neighbors.js";
import type { Neighbor } from "../state.js";

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
const FIXED = COLUMNS.reduce((n, [, w]) => n + w, 0);

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

const pad = (s: string, w: number, right: boolean) => {
  const t = s.length >= w ? `${s.slice(0, w - 1)} ` : s;
  return right ? `${t.trimEnd().padStart(w - 1)} ` : t.padEnd(w);
};

/** Numbers right-aligned, names left. */
const RIGHT = new Set(["AS", "Rcvd", "Accd", "Adv", "Flaps"]);

function row(values: readonly string[], lastError: string, width: number): string {
  const fixed = values.map((v, i) => pad(v, COLUMNS[i][1], RIGHT.has(COLUMNS[i][0]))).join("");
  const room = Math.max(0, width - FIXED);
  return `${fixed}${lastError.length > room ? `${lastError.slice(0, Math.max(0, room - 1))}…` : lastError}`;
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
  const shown = neighbors.slice(Math.max(0, first), Math.max(0, first) + rows);
  return (
    <Box flexDirection="column">
      <Text bold>
        {row(
          COLUMNS.map(([t]) => t),
          "Last error",
          width,
        )}
      </Text>
      {neighbors.length === 0 ? <Text dimColor>no neighbors configured</Text> : null}
      {shown.map((n, i) => {
        const isSelected = first + i === selected;
        const tone = color ? (STATE_COLOR[n.state] ?? (n.adminDown ? "yellow" : "red")) : undefined;
        return (
          <Text key={n.address} inverse={isSelected} color={tone}>
            {row(cells(n, now), n.lastError ?? "", width)}
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
