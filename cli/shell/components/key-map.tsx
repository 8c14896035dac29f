/** The keys, always on screen, shortened to the terminal's width. */
import { Text } from "ink";
import type { View } from "../state.js";

const VIEWS = "Alt-1/2/3/4 neighbors/peer/routes/k8s";
const KEYS: Readonly<Record<View, string>> = {
  neighbors: `Tab complete · ↑↓ history · PgUp/PgDn select · Enter on empty line: peer · ${VIEWS} · ? help · Ctrl-C stop/quit · q/Ctrl-D quit`,
  peer: `Esc back · Tab complete · ↑↓ history · PgUp/PgDn other peer · ${VIEWS} · ? help · Ctrl-C stop/quit · q/Ctrl-D quit`,
  routes: `filter: PREFIX | as N | community C · ↑↓ PgUp/PgDn Home/End scroll · Esc back · ${VIEWS} · Ctrl-C/Ctrl-D quit`,
  k8s: `Esc back · ${VIEWS} · ? help · Ctrl-C stop/quit · q/Ctrl-D quit`,
};

export function KeyMap({ view, width }: { view: View; width: number }) {
  const text = KEYS[view];
  return <Text dimColor>{text.length > width ? `${text.slice(0, width - 1)}…` : text}</Text>;
}
