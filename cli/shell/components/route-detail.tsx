/**
 * One route in detail (route-detail.ts's lines): every path of a prefix with where it came from and all its
 * attributes, scrolled when it is taller than the screen, asked of kbgpd again when the prefix changes.
 */
import { Box, Text } from "ink";
import { cut } from "./text.js";

export interface RouteDetailProps {
  readonly prefix: string;
  /** Null while kbgpd is asked the first time. */
  readonly lines: readonly string[] | null;
  readonly offset: number;
  readonly error: string | null;
  readonly width: number;
  readonly height: number;
}

export function RouteDetail({ prefix, lines, offset, error, width, height }: RouteDetailProps) {
  if (lines === null)
    return (
      <Text dimColor>
        {error ? cut(`${prefix}: kbgpd: ${error}`, width) : `asking kbgpd about ${prefix}…`}
      </Text>
    );
  const [heading, ...body] = lines;
  const rows = Math.max(1, height - 2 - (error ? 1 : 0));
  const shown = body.slice(offset, offset + rows);
  return (
    <Box flexDirection="column">
      <Text bold>{cut(heading, width)}</Text>
      {error ? <Text color="red">{cut(`kbgpd: ${error}`, width)}</Text> : null}
      {shown.map((l, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: lines of one text, replaced as a whole
        <Text key={i}>{cut(l, width) || " "}</Text>
      ))}
      {body.length > shown.length ? (
        <Text dimColor>
          {cut(`lines ${offset + 1}–${offset + shown.length} of ${body.length} (↑↓ PgUp/PgDn scroll)`, width)}
        </Text>
      ) : null}
    </Box>
  );
}
