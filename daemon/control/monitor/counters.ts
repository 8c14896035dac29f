/**
 * `neighbor-counters` events (docs/api.md, `monitor.start` with `counters: true`): each neighbor's route
 * and UPDATE counts, sampled once a second and sent only for the neighbors whose numbers moved. Sampling
 * rather than observing keeps the cost O(neighbors) per second whatever the route churn — a neighbor
 * sending a million routes yields about one event a second carrying the latest numbers — and costs the
 * speaker nothing: the counts are ones it keeps anyway (views.ts `neighborCounters`).
 */
import type { Peer } from "../../../core/speaker/peer.js";
import type { Speaker } from "../../../core/speaker/speaker.js";
import { type NeighborCounters, neighborCounters } from "../views.js";
import type { NeighborCountersEvent } from "./events.js";

/** The daemon's clock (daemon/runtime.ts), so tests can drive the sampling without real time. */
export interface MonitorClock {
  now(): number;
  /** Call `run` every `ms` until the returned function is called; never keeps the process alive. */
  every(ms: number, run: () => void): () => void;
}

/** How often counters are sampled: at most one event per neighbor per this long. */
const COUNTERS_INTERVAL_MS = 1000;

const ZERO: NeighborCounters = {
  received: 0,
  accepted: 0,
  advertised: 0,
  updatesReceived: 0,
  updatesSent: 0,
};

const same = (a: NeighborCounters, b: NeighborCounters) =>
  a.received === b.received &&
  a.accepted === b.accepted &&
  a.advertised === b.advertised &&
  a.updatesReceived === b.updatesReceived &&
  a.updatesSent === b.updatesSent;

/** One subscription's sampler: it owns a timer from construction until `stop`. */
export class CounterFeed {
  /**
   * The numbers last sent (or seen at subscription) per peer object: a neighbor configured again is a new
   * peer and starts from zero, and a removed one drops out at the next sample.
   */
  private last = new Map<Peer, NeighborCounters>();
  private readonly cancel: () => void;

  constructor(
    private readonly speaker: Speaker,
    /** One neighbor's address, or null for all. */
    private readonly neighbor: string | null,
    private readonly clock: MonitorClock,
    private readonly push: (e: NeighborCountersEvent) => void,
  ) {
    // The numbers as they are now are the baseline: the first event says what changed since subscribing.
    for (const p of this.peers()) this.last.set(p, neighborCounters(p));
    this.cancel = clock.every(COUNTERS_INTERVAL_MS, () => this.sample());
  }

  stop(): void {
    this.cancel();
  }

  private *peers(): IterableIterator<Peer> {
    if (this.neighbor === null) yield* this.speaker.peers.values();
    else {
      const p = this.speaker.peers.get(this.neighbor);
      if (p) yield p;
    }
  }

  /** Compare every neighbor's numbers with the last sent, and send those that moved. */
  private sample(): void {
    const at = this.clock.now();
    const next = new Map<Peer, NeighborCounters>();
    for (const p of this.peers()) {
      const before = this.last.get(p) ?? ZERO;
      const now = neighborCounters(p);
      if (same(before, now)) next.set(p, before);
      else {
        next.set(p, now);
        this.push({ kind: "neighbor-counters", at, address: p.id, counters: now });
      }
    }
    this.last = next;
  }
}
