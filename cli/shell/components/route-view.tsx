/**
 * The route view: one screenful of the Loc-RIB in gobgp's columns, fetched from kbgpd for exactly the rows
 * on screen (route-window.ts), so a million routes scroll in constant memory. The filter line above it
 * narrows by prefix, AS or community as it is typed.
 */
import { Box, Text } from "ink";
import type { Line } from "../line-editor.js";
import { EditedLine } from "./prompt.js";

export interface RouteViewProps {
  /** Table lines on screen: marker, prefix, next hop, AS_PATH, age, Attrs. */
  readonly lines: readonly (readonly string[])[];
  readonly offset: number;
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

const count = (n: number) => n.toLocaleString("en-US");

export function RouteView({ lines, offset, total, filter, error, width, height }: RouteViewProps) {
  const shown = lines.slice(0, Math.max(1, height - 2));
  const where =
    total === null
      ? "counting…"
      : total === 0
        ? "no routes match"
        : `rows ${count(offset + 1)}–${count(Math.min(total, offset + shown.length))} of ${count(total)}`;
  return (
    <Box flexDirection="column">
      <EditedLine label="filter> " line={filter} after={<Text dimColor>{`  ${where}`}</Text>} />
      {error ? <Text color="red">{error.slice(0, width)}</Text> : null}
      <Text bold>{tableLine(["", "Network", "Next Hop", "AS_PATH", "Age", "Attrs"], width)}</Text>
      {shown.map((l, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a screenful of rows, replaced as a whole
        <Text key={i}>{tableLine(l, width)}</Text>
      ))}
    </Box>
  );
}
