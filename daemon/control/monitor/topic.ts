/**
 * What a `monitor.start` request asks for (docs/api.md): the topic and its filters, whether to begin with
 * the current state, and how far behind the subscriber may fall. Checked here so the hub only ever sees
 * valid requests.
 */
import type { Peer } from "../../../core/speaker/peer.js";
import type { FamilyKey } from "../../../core/wire/constants.js";
import { RpcCode, RpcError } from "../server.js";
import { FAMILIES } from "../views.js";

export type Topic =
  /** Loc-RIB best paths: a prefix's new best path, or its removal. */
  | { readonly kind: "rib"; readonly family: FamilyKey | null }
  /** One neighbor's accepted (post-policy) Adj-RIB-In paths, per prefix and path identifier. */
  | { readonly kind: "adj-in"; readonly neighbor: string; readonly family: FamilyKey | null }
  /**
   * Neighbor state: one neighbor, or all; with `counters`, also their route and UPDATE counts, sampled once
   * a second (counters.ts).
   */
  | { readonly kind: "neighbor"; readonly neighbor: string | null; readonly counters: boolean }
  /** The Kubernetes sync: its status, and each route it announces or withdraws. */
  | { readonly kind: "k8s" };

export interface MonitorRequest {
  readonly topic: Topic;
  /** Start with the current state (streamed as `rows`). */
  readonly current: boolean;
  /** Events kbgpd holds for this subscriber before giving up on it. */
  readonly maxPending: number;
}

/** Every parameter `monitor.start` takes (any other is refused). */
export const MONITOR_PARAMS = ["topic", "family", "neighbor", "current", "counters", "maxPending"] as const;

export const DEFAULT_MAX_PENDING = 100_000;
export const MAX_MAX_PENDING = 1_000_000;

const bad = (message: string) => new RpcError(RpcCode.INVALID_PARAMS, message);

function familyOf(params: Record<string, unknown>): FamilyKey | null {
  const f = params.family;
  if (f === undefined) return null;
  if (typeof f === "string" && Object.hasOwn(FAMILIES, f)) return FAMILIES[f];
  throw bad(`family must be one of ${Object.keys(FAMILIES).join(", ")}`);
}

function neighborOf(params: Record<string, unknown>, peers: ReadonlyMap<string, Peer>): string | null {
  const n = params.neighbor;
  if (n === undefined) return null;
  if (typeof n !== "string" || !peers.has(n)) throw bad(`no neighbor ${String(n)}`);
  return n;
}

export function monitorRequest(
  params: Record<string, unknown>,
  peers: ReadonlyMap<string, Peer>,
): MonitorRequest {
  const { current = false, maxPending = DEFAULT_MAX_PENDING } = params;
  if (typeof current !== "boolean") throw bad("current must be true or false");
  if (
    typeof maxPending !== "number" ||
    !Number.isInteger(maxPending) ||
    maxPending < 1 ||
    maxPending > MAX_MAX_PENDING
  )
    throw bad(`maxPending must be a whole number from 1 to ${MAX_MAX_PENDING}`);
  const neighbor = neighborOf(params, peers);
  const counters = params.counters;
  if (counters !== undefined && typeof counters !== "boolean") throw bad("counters must be true or false");
  const noCounters = () => {
    if (counters !== undefined)
      throw bad("counters is only for topic neighbor (the neighbors' route and UPDATE counts)");
  };
  let topic: Topic;
  switch (params.topic) {
    case "rib":
      noCounters();
      if (neighbor !== null) throw bad("topic rib takes no neighbor (adj-in is one neighbor's routes)");
      topic = { kind: "rib", family: familyOf(params) };
      break;
    case "adj-in":
      noCounters();
      if (neighbor === null) throw bad("topic adj-in needs a neighbor");
      topic = { kind: "adj-in", neighbor, family: familyOf(params) };
      break;
    case "neighbor":
      if (params.family !== undefined) throw bad("topic neighbor takes no family");
      topic = { kind: "neighbor", neighbor, counters: counters === true };
      break;
    case "k8s":
      noCounters();
      if (neighbor !== null || params.family !== undefined)
        throw bad("topic k8s takes no neighbor or family");
      topic = { kind: "k8s" };
      break;
    default:
      throw bad("topic must be rib, adj-in, neighbor or k8s");
  }
  return { topic, current, maxPending };
}
