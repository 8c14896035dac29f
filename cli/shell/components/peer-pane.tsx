/** One neighbor in detail: `kbgp neighbor ADDRESS`'s own text, cut to the rows the screen has. */
import { Box, Text } from "ink";

export function PeerPane({
  address,
  text,
  height,
}: {
  address: string | null;
  text: string | null;
  height: number;
}) {
  if (!address) return <Text dimColor>no neighbor selected: PgUp/PgDn on the dashboard, then Enter</Text>;
  if (text === null) return <Text dimColor>{`asking kbgpd about ${address}…`}</Text>;
  const lines = text.split("\n");
  const shown = lines.slice(0, Math.max(1, height));
  return (
    <Box flexDirection="column">
      {shown.map((l, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: lines of a fixed text, in order
        <Text key={i} wrap="truncate">
          {l || " "}
        </Text>
      ))}
      {lines.length > shown.length ? (
        <Text dimColor>{`… ${lines.length - shown.length} more lines: run 'neighbor ${address}'`}</Text>
      ) : null}
    </Box>
  );
}
