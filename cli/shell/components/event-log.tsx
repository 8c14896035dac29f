/**
 * The event log: session changes and the daemon going and coming back, written once above the live view with Ink's <Static> so the terminal's own scrollback keeps them. Each
 * batch of entries gets its own <Static> (keyed by its first entry), and entries already written are never
 * handed over again: the state can then drop them, so a long session keeps no log in memory.
 */
import { Static, Text } from "ink";
import { useEffect, useRef } from "react";
import type { LogEntry, Tone } from "../state.js";

const TONE_COLOR: Readonly<Record<Tone, string | undefined>> = { info: undefined, good: "green", bad: "red" };

const clock = (ms: number) => new Date(ms).toTimeString().slice(0, 8);

export function EventLog({
  entries,
  color,
  onWritten,
}: {
  entries: readonly LogEntry[];
  color: boolean;
  onWritten: (upTo: number) => void;
}) {
  const written = useRef(0);
  const fresh = entries.filter((e) => e.id > written.current);
  const last = fresh.length ? fresh[fresh.length - 1].id : 0;
  useEffect(() => {
    if (last > written.current) {
      written.current = last;
      onWritten(last);
    }
  }, [last, onWritten]);
  if (fresh.length === 0) return null;
  return (
    <Static key={fresh[0].id} items={fresh}>
      {(e) => (
        <Text key={e.id} color={color ? TONE_COLOR[e.tone] : undefined}>
          <Text dimColor>{clock(e.at)} </Text>
          {e.text}
        </Text>
      )}
    </Static>
  );
}
