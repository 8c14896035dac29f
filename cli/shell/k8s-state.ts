/**
 * The Kubernetes panel's state and its reducer: what kbgpd says of its Kubernetes sync (k8s.status and the
 * monitor's `k8s` topic, docs/api.md), the routes it announces while the panel shows them, the confirm
 * step before enabling or disabling it, and the panel's filter and scroll position. Pure, like state.ts: the
 * hook (use-k8s.ts) turns kbgpd's answers and the keys into actions.
 */
import { formatSource } from "../../core/k8s/describe.js";
import type { ObjectProblem } from "../../core/k8s/types.js";
import type { K8sState as K8sModuleState, K8sRoute, K8sStatus } from "../../daemon/k8s/views.js";
import { prefixOrder } from "../format/address.js";
import { EMPTY_LINE, type Line } from "./line-editor.js";
import type { Tone } from "./state.js";

/** The daemon's own shapes (daemon/k8s/views.ts): `k8s.status`'s answer, and a route the module announces
 *  (`k8s.routes`, the `k8s-route` event). Types only: nothing of the daemon is bundled. */
export type { K8sModuleState, K8sRoute, K8sStatus };

export type K8sProblem = ObjectProblem;

/** What the panel knows of the module. */
export type K8sModule =
  | { readonly kind: "waiting" }
  /** An older kbgpd: no k8s.status ("method not found"). */
  | { readonly kind: "absent" }
  | { readonly kind: "failed"; readonly message: string }
  | { readonly kind: "known"; readonly status: K8sStatus };

export type Toggle = "enable" | "disable";

export interface K8sState {
  readonly module: K8sModule;
  /** The announced routes, sorted by prefix, while the panel is open; null until k8s.routes answers. */
  readonly routes: readonly K8sRoute[] | null;
  readonly problems: readonly K8sProblem[];
  /** A toggle asked for and waiting for y/n. */
  readonly confirm: Toggle | null;
  /** A toggle sent and not answered yet. */
  readonly busy: Toggle | null;
  /** The last toggle's outcome, or why the keys did nothing. */
  readonly message: { readonly tone: Tone; readonly text: string } | null;
  readonly filter: Line;
  /** The filter line takes the keys (after `/`, until Enter or Esc). */
  readonly filtering: boolean;
  /** First row of the list on screen. */
  readonly offset: number;
}

export type K8sAction =
  | { type: "module"; module: K8sModule }
  | { type: "status"; status: K8sStatus }
  | { type: "routes"; routes: readonly K8sRoute[]; problems: readonly K8sProblem[] }
  | { type: "routes-closed" }
  | { type: "route-event"; op: "announce" | "withdraw"; route: K8sRoute }
  | { type: "ask"; toggle: Toggle }
  | { type: "answer"; yes: boolean }
  | { type: "toggled"; status: K8sStatus }
  | { type: "toggle-failed"; message: string }
  | { type: "filter"; line: Line; filtering: boolean }
  | { type: "scroll"; offset: number };

export const INITIAL_K8S: K8sState = {
  module: { kind: "waiting" },
  routes: null,
  problems: [],
  confirm: null,
  busy: null,
  message: null,
  filter: EMPTY_LINE,
  filtering: false,
  offset: 0,
};

/** `Service ns/name`, `Node name`. */

/** The question the confirm step asks. */
export function question(toggle: Toggle, status: K8sStatus): string {
  const n = status.routes;
  return toggle === "disable"
    ? `disable the Kubernetes sync and withdraw its ${n} route${n === 1 ? "" : "s"}? y/n`
    : "enable the Kubernetes sync and announce the routes it derives? y/n";
}

/** Insert or replace `r` in a list sorted by prefix; remove it for a withdrawal. */
function applyRoute(list: readonly K8sRoute[], op: "announce" | "withdraw", r: K8sRoute): K8sRoute[] {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (prefixOrder(list[mid].prefix, r.prefix) < 0) lo = mid + 1;
    else hi = mid;
  }
  const here = list[lo]?.prefix === r.prefix;
  const out = list.slice();
  if (op === "withdraw") {
    if (here) out.splice(lo, 1);
  } else out.splice(lo, here ? 1 : 0, r);
  return out;
}

/** Why `e` or `d` cannot do anything now, or null when it can. */
function cannotToggle(s: K8sState, t: Toggle): string | null {
  if (s.module.kind === "absent") return "this kbgpd has no Kubernetes sync";
  if (s.module.kind !== "known") return "kbgpd has not said how its Kubernetes sync is yet";
  if (!s.module.status.configured) return "the Kubernetes sync is not configured in kbgpd";
  if (s.busy) return `still waiting for kbgpd to ${s.busy} the sync`;
  if ((t === "enable") === s.module.status.enabled) return `the Kubernetes sync is already ${t}d`;
  return null;
}

export function reduceK8s(s: K8sState, a: K8sAction): K8sState {
  switch (a.type) {
    case "module":
      return { ...s, module: a.module, ...(a.module.kind === "known" ? {} : { confirm: null, busy: null }) };
    case "status":
      return { ...s, module: { kind: "known", status: a.status } };
    case "routes":
      return {
        ...s,
        routes: [...a.routes].sort((x, y) => prefixOrder(x.prefix, y.prefix)),
        problems: a.problems,
      };
    case "routes-closed":
      return { ...s, routes: null, problems: [], offset: 0 };
    case "route-event":
      return s.routes ? { ...s, routes: applyRoute(s.routes, a.op, a.route) } : s;
    case "ask": {
      const why = cannotToggle(s, a.toggle);
      return why
        ? { ...s, confirm: null, message: { tone: "info", text: why } }
        : { ...s, confirm: a.toggle, message: null };
    }
    case "answer":
      if (!s.confirm) return s;
      return a.yes
        ? { ...s, confirm: null, busy: s.confirm, message: null }
        : { ...s, confirm: null, message: { tone: "info", text: `left as it was: not ${s.confirm}d` } };
    case "toggled":
      return {
        ...s,
        module: { kind: "known", status: a.status },
        busy: null,
        message: {
          tone: "good",
          text: `kbgpd ${a.status.enabled ? "enabled" : "disabled"} the Kubernetes sync`,
        },
      };
    case "toggle-failed":
      return { ...s, busy: null, message: { tone: "bad", text: `kbgpd: ${a.message}` } };
    case "filter":
      return {
        ...s,
        filter: a.line,
        filtering: a.filtering,
        offset: a.line.text === s.filter.text ? s.offset : 0,
      };
    case "scroll":
      return { ...s, offset: Math.max(0, a.offset) };
  }
}

/** A row of the list: a route, or a problem the derivation found. */
export type K8sRow = { readonly route: K8sRoute } | { readonly problem: K8sProblem };

/** The list's rows, routes then problems, those matching every word of the filter (case aside). */
export function k8sRows(s: K8sState): K8sRow[] {
  const words = s.filter.text.toLowerCase().split(/\s+/).filter(Boolean);
  const keep = (text: string) => {
    const t = text.toLowerCase();
    return words.every((w) => t.includes(w));
  };
  const rows: K8sRow[] = [];
  for (const r of s.routes ?? [])
    if (keep(`${r.prefix} ${r.rule} ${r.sources.map(formatSource).join(" ")} ${r.reason}`))
      rows.push({ route: r });
  for (const p of s.problems) if (keep(`${formatSource(p.source)} ${p.message}`)) rows.push({ problem: p });
  return rows;
}

/** The event log's line for a status change worth one: the switch, or the module's state. */
export function statusChange(
  before: K8sStatus | null,
  after: K8sStatus,
): { tone: Tone; text: string } | null {
  if (before && before.enabled !== after.enabled)
    return { tone: "info", text: `Kubernetes sync ${after.enabled ? "enabled" : "disabled"}` };
  if (!before || before.state === after.state) return null;
  const why = after.state === "error" && after.lastError ? `: ${after.lastError}` : "";
  const tone: Tone = after.state === "synced" ? "good" : after.state === "error" ? "bad" : "info";
  return { tone, text: `Kubernetes sync ${before.state} → ${after.state}${why}` };
}
