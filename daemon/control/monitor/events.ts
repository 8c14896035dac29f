/**
 * Monitor events and snapshot rows as clients see them (docs/api.md, `monitor.start`). An event is queued
 * as references (the paths are immutable) and rendered to JSON once, when the first subscriber sends it;
 * every subscriber shares that text and puts its own sequence number in front.
 */
import type { Path } from "../../../core/rib/path.js";
import type { Keyed } from "../../../core/rib/prefix-map.js";
import type { Peer } from "../../../core/speaker/peer.js";
import { type FamilyKey, familyName, formatPrefix } from "../../../core/wire/index.js";
import type { K8sEvent } from "../../k8s/sync.js";
import { type NeighborCounters, pathFields } from "../views.js";

/** A route change: in the Loc-RIB (the best path) or in one neighbor's Adj-RIB-In (`neighbor`). */
export interface RouteEvent {
  readonly kind: "route" | "withdraw";
  readonly at: number;
  readonly family: FamilyKey;
  readonly prefix: Keyed;
  /** The new path, or for a withdrawal the one that went (for display). */
  readonly path: Path;
  readonly neighbor: string | null;
  text?: string;
}

export interface NeighborEvent {
  readonly kind: "neighbor";
  readonly at: number;
  /** Copied when it happened: the peer object changes on. */
  readonly view: NeighborState;
  text?: string;
}

export interface NeighborRemovedEvent {
  readonly kind: "neighbor-removed";
  readonly at: number;
  readonly address: string;
  text?: string;
}

/** A neighbor's route and UPDATE counts, sampled (counters.ts): only subscriptions that asked get these. */
export interface NeighborCountersEvent {
  readonly kind: "neighbor-counters";
  readonly at: number;
  readonly address: string;
  readonly counters: NeighborCounters;
  text?: string;
}

/** The Kubernetes sync's status, or a route it announced or withdrew (daemon/k8s/sync.ts). */
export interface K8sMonitorEvent {
  readonly kind: "k8s";
  readonly at: number;
  readonly event: K8sEvent;
  text?: string;
}

export type MonitorEvent =
  | RouteEvent
  | NeighborEvent
  | NeighborRemovedEvent
  | NeighborCountersEvent
  | K8sMonitorEvent;

/** A route row: a snapshot row as it is, an event with `at` added. */
export function routeView(
  kind: RouteEvent["kind"],
  family: FamilyKey,
  prefix: Keyed,
  path: Path,
  neighbor: string | null,
) {
  return {
    kind,
    family: familyName(family),
    ...(neighbor ? { neighbor } : {}),
    prefix: formatPrefix({ afi: prefix.afi, length: prefix.length, addr: prefix.addr }),
    path: pathFields(path),
  };
}

/** A neighbor's state as monitors see it (a subset of `neighbor.get`). */
export function neighborState(p: Peer) {
  return {
    kind: "neighbor" as const,
    address: p.id,
    state: p.state,
    adminDown: p.adminDown,
    prefixLimitReached: p.prefixLimitDown,
    lastError: p.lastError,
  };
}
export type NeighborState = ReturnType<typeof neighborState>;

function view(e: MonitorEvent): object {
  switch (e.kind) {
    case "neighbor":
      return { ...e.view, at: e.at };
    case "neighbor-removed":
      return { kind: e.kind, address: e.address, at: e.at };
    case "neighbor-counters":
      return { kind: e.kind, address: e.address, ...e.counters, at: e.at };
    case "k8s":
      return { ...e.event, at: e.at };
    default:
      return { ...routeView(e.kind, e.family, e.prefix, e.path, e.neighbor), at: e.at };
  }
}

/** The event as a JSON object without its sequence number; made once. */
export function eventJson(e: MonitorEvent): string {
  e.text ??= JSON.stringify(view(e));
  return e.text;
}

/** The shapes as clients see them (the CLI imports these types only). */
export type RouteRow = ReturnType<typeof routeView>;
/** A snapshot row. */
export type MonitorRow = RouteRow | NeighborState | K8sStatusRow;
export type K8sStatusRow = Extract<K8sEvent, { kind: "k8s-status" }>;
type Numbered<T> = T & { readonly id: string | number | null; readonly seq: number; readonly at: number };
/** The params of a `monitor` notification: an event, or the last word to a subscriber that fell behind. */
export type MonitorNotice =
  | Numbered<RouteRow>
  | Numbered<NeighborState>
  | Numbered<{ readonly kind: "neighbor-removed"; readonly address: string }>
  | Numbered<{ readonly kind: "neighbor-counters"; readonly address: string } & NeighborCounters>
  | Numbered<K8sEvent>
  | {
      readonly id: string | number | null;
      readonly kind: "overflow";
      readonly lastSeq: number;
      readonly lost: number;
    };
