/**
 * The prompt line with its cursor (inverse video, so it shows without colour), the completion candidates
 * above it when Tab could not choose, and what is running while a command runs.
 */
import { Box, Text } from "ink";
import type { Line } from "../line-editor.js";

export interface PromptProps {
  readonly line: Line;
  readonly running: string | null;
  readonly candidates: readonly string[];
  readonly width: number;
}

export function Prompt({ line, running, candidates, width }: PromptProps) {
  if (running) return <Text dimColor>{`running: ${running}  (Ctrl-C stops it)`.slice(0, width)}</Text>;
  const at = line.cursor;
  const under = line.text[at] ?? " ";
  return (
    <Box flexDirection="column">
      {candidates.length ? <Text dimColor>{candidates.join("  ").slice(0, width * 2)}</Text> : null}
      <Text>
        <Text bold>kbgp&gt; </Text>
        {line.text.slice(0, at)}
        <Text inverse>{under}</Text>
        {line.text.slice(at + 1)}
      </Text>
    </Box>
  );
}
