/** The keys, always on screen, shortened to the terminal's width. */
import { Text } from "ink";
import type { View } from "../state.js";

/** What is on screen: a view, the route view's detail pane, the Kubernetes panel's filter being typed, or
 *  the panel with no module to switch (an older kbgpd, or not configured). */
export type KeyMode = View | "route-detail" | "k8s-filter" | "k8s-none";

const VIEWS = "Alt-1/2/3/4 neighbors/peer/routes/k8s";
const KEYS: Readonly<Record<KeyMode, string>> = {
  neighbors: `Tab complete · ↑↓ history · PgUp/PgDn select · Enter on empty line: peer · ${VIEWS} · ? help · Ctrl-C stop/quit · q/Ctrl-D quit`,
  peer: `Esc back · Tab complete · ↑↓ history · PgUp/PgDn other peer · ${VIEWS} · ? help · Ctrl-C stop/quit · q/Ctrl-D quit`,
  routes: `filter: PREFIX | as N | community C · ↑↓ PgUp/PgDn Home/End move · Enter detail · Esc back · ${VIEWS} · Ctrl-C/Ctrl-D quit`,
  "route-detail": `↑↓ PgUp/PgDn Home/End scroll · Esc back to the routes · ${VIEWS} · Ctrl-C/Ctrl-D quit`,
  "k8s-filter": `filter: words of prefix, rule, source or reason · Enter keep it · Esc clear it · Ctrl-C/Ctrl-D quit`,
  "k8s-none": `Esc back · ${VIEWS} · q/Ctrl-C/Ctrl-D quit`,
  k8s: `e enable · d disable · / filter · ↑↓ PgUp/PgDn scroll · Esc back · ${VIEWS} · q/Ctrl-C/Ctrl-D quit`,
};

export function KeyMap({ view, width }: { view: KeyMode; width: number }) {
  const text = KEYS[view];
  return <Text dimColor>{text.length > width ? `${text.slice(0, width - 1)}…` : text}</Text>;
}
