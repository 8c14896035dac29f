/**
 * The event log: session changes, the daemon going and coming back, and the route and Kubernetes changes'
 * summaries, written once above the live view with Ink's <Static> so the terminal's own scrollback keeps
 * them. Each batch of entries gets its own <Static> (keyed by its first entry), and entries already written
 * are never handed over again: the state can then drop them, so a long session keeps no log in memory.
 */
import { Static, Text } from "ink";
import { useEffect, useRef } from "react";
import type { LogEntry, Tone } from "../state.js";
import { clock } from "./text.js";

const TONE_COLOR: Readonly<Record<Tone, string | undefined>> = { info: undefined, good: "green", bad: "red" };

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
  const batch = useRef(0);
  const fresh = entries.filter((e) => e.id > written.current);
  const last = fresh.length ? fresh[fresh.length - 1].id : 0;
  if (fresh.length) batch.current = fresh[0].id;
  useEffect(() => {
    if (last > written.current) {
      written.current = last;
      onWritten(last);
    }
  }, [last, onWritten]);
  // A <Static> stays mounted, empty between batches: Ink keeps a reference to the last one it created and
  // reads its layout on every render, and removing it frees that node under the reference (yoga memory read
  // after it is freed: garbage sizes, once a frame of 2^33 rows).
  return (
    <Static key={batch.current} items={fresh}>
      {(e) => (
        <Text key={e.id} color={color ? TONE_COLOR[e.tone] : undefined}>
          <Text dimColor>{clock(e.at)} </Text>
          {e.text}
        </Text>
      )}
    </Static>
  );
}
