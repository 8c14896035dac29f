/**
 * The prompt line with its cursor (inverse video, so it shows without colour), the completion candidates
 * above it when Tab could not choose, and what is running while a command runs.
 */
import { Box, Text } from "ink";
import type { ReactNode } from "react";
import type { Line } from "../line-editor.js";

export interface PromptProps {
  readonly line: Line;
  readonly running: string | null;
  readonly candidates: readonly string[];
  readonly width: number;
}

/**
 * The candidates, as many as two lines of the width hold, "…" for the rest: cut here, never wrapped, so
 * the screen's rows add up (a cut by characters let the terminal's word wrap make three lines of two).
 */
function candidateLines(candidates: readonly string[], width: number): string[] {
  const w = Math.max(2, width);
  const fit = (s: string) => (s.length > w ? `${s.slice(0, w - 1)}…` : s);
  const lines = [""];
  for (const c of candidates.map(fit)) {
    const last = lines[lines.length - 1];
    const joined = last ? `${last}  ${c}` : c;
    if (joined.length <= w) lines[lines.length - 1] = joined;
    else if (lines.length < 2) lines.push(c);
    else {
      lines[1] = `${last}  …`.length <= w ? `${last}  …` : `${last.slice(0, w - 1)}…`;
      break;
    }
  }
  return lines;
}

/** A label and an edited line with its cursor in inverse video (seen without colour), then `after`. */
export function EditedLine({ label, line, after }: { label: string; line: Line; after?: ReactNode }) {
  const at = line.cursor;
  return (
    <Text>
      <Text bold>{label}</Text>
      {line.text.slice(0, at)}
      <Text inverse>{line.text[at] ?? " "}</Text>
      {line.text.slice(at + 1)}
      {after}
    </Text>
  );
}

export function Prompt({ line, running, candidates, width }: PromptProps) {
  if (running) return <Text dimColor>{`running: ${running}  (Ctrl-C stops it)`.slice(0, width)}</Text>;
  return (
    <Box flexDirection="column">
      {candidates.length
        ? candidateLines(candidates, width).map((l) => (
            <Text key={l} dimColor>
              {l}
            </Text>
          ))
        : null}
      <EditedLine label="kbgp> " line={line} />
    </Box>
  );
}
