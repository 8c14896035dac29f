/**
 * The route view: one screenful of the Loc-RIB in gobgp's columns, fetched from kbgpd for exactly the rows
 * on screen (route-window.ts), so a million routes scroll in constant memory. The filter line above it
 * narrows by prefix, AS or community as it is typed; one route (all its paths' lines) is highlighted in
 * inverse video, and Enter opens it in detail.
 */
import { Box, Text } from "ink";
import { thousands } from "../change-tally.js";
import type { Line } from "../line-editor.js";
import { type RouteRow, rowsThatFit } from "../route-window.js";
import { EditedLine } from "./prompt.js";

export interface RouteViewProps {
  /** The destinations from `offset` on, each with its table lines. */
  readonly rows: readonly RouteRow[];
  readonly offset: number;
  /** The highlighted route's position among all that match; null: none. */
  readonly cursor: number | null;
  /** Rows matching the filter; null until kbgpd has said. */
  readonly total: number | null;
  readonly filter: Line;
  readonly error: string | null;
  readonly width: number;
  readonly height: number;
}

const WIDTHS = [3, 20, 17, 17, 10] as const;

function tableLine(cells: readonly string[], width: number): string {
  let s = "";
  for (let i = 0; i < WIDTHS.length; i++) {
    const c = cells[i] ?? "";
    s += c.length >= WIDTHS[i] ? `${c.slice(0, WIDTHS[i] - 1)}…` : c.padEnd(WIDTHS[i]);
  }
  s += cells[WIDTHS.length] ?? "";
  return s.length > width ? `${s.slice(0, width - 1)}…` : s;
}

/** Lines the table may take: the view's height less the filter line, the header and an error line. */
export const tableBudget = (height: number, error = false): number =>
  Math.max(1, height - 2 - (error ? 1 : 0));

export function RouteView({ rows, offset, cursor, total, filter, error, width, height }: RouteViewProps) {
  const budget = tableBudget(height, !!error);
  const shown = rows.slice(0, rowsThatFit(rows, budget));
  const where =
    total === null
      ? "counting…"
      : total === 0
        ? "no routes match"
        : `rows ${thousands(offset + 1)}–${thousands(Math.min(total, offset + shown.length))} of ${thousands(total)}`;
  const lines = shown.flatMap((r, i) => r.lines.map((l) => ({ l, on: offset + i === cursor })));
  return (
    <Box flexDirection="column">
      <EditedLine label="filter> " line={filter} after={<Text dimColor>{`  ${where}`}</Text>} />
      {error ? <Text color="red">{error.slice(0, width)}</Text> : null}
      <Text bold>{tableLine(["", "Network", "Next Hop", "AS_PATH", "Age", "Attrs"], width)}</Text>
      {lines.slice(0, budget).map(({ l, on }, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a screenful of rows, replaced as a whole
        <Text key={i} inverse={on}>
          {tableLine(l, width)}
        </Text>
      ))}
    </Box>
  );
}
