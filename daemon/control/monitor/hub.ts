/**
 * The monitor hub: the speaker's observer while anybody subscribes (core/speaker/observer.ts), fanning each
 * change out to the subscriptions whose topic it matches. It attaches itself when the first subscription
 * starts and detaches when the last one ends, so without subscribers the speaker pays nothing.
 */
import type { Destination } from "../../../core/rib/loc-rib.js";
import type { Path } from "../../../core/rib/path.js";
import type { SpeakerObserver } from "../../../core/speaker/observer.js";
import type { Peer } from "../../../core/speaker/peer.js";
import type { Speaker } from "../../../core/speaker/speaker.js";
import type { K8sEvent, K8sSync } from "../../k8s/sync.js";
import { CounterFeed, type MonitorClock } from "./counters.js";
import { type MonitorEvent, neighborState, type RouteEvent } from "./events.js";
import { takeSnapshot } from "./snapshot.js";
import { type Outlet, PendingBudget, Subscription } from "./subscription.js";
import { MAX_MAX_PENDING, type MonitorRequest, type Topic } from "./topic.js";

/** Events queued by all subscriptions together: twice what one subscriber may ask for. */
export const MAX_TOTAL_PENDING = 2 * MAX_MAX_PENDING;

export class MonitorHub implements SpeakerObserver {
  private readonly rib = new Set<Subscription>();
  private readonly adjIn = new Set<Subscription>();
  private readonly neighbors = new Set<Subscription>();
  private readonly k8sSubs = new Set<Subscription>();
  /** Listening to the Kubernetes sync while anybody subscribes to topic k8s. */
  private k8sOff: (() => void) | null = null;
  /** Each outlet's subscriptions by request id, for `monitor.stop`. */
  private readonly byOutlet = new Map<Outlet, Map<unknown, Subscription>>();
  /** The counter samplers of `neighbor` subscriptions with `counters`; each ends with its subscription. */
  private readonly feeds = new Map<Subscription, CounterFeed>();

  constructor(
    private readonly speaker: Speaker,
    private readonly clock: MonitorClock,
    private readonly k8s: K8sSync | null,
    /** Events all subscriptions may queue together (docs/api.md, `monitor.start`). */
    private readonly budget = new PendingBudget(MAX_TOTAL_PENDING),
  ) {}

  /**
   * Copy the current state (if asked) and start receiving changes, in one synchronous step: nothing can
   * change in between, so the snapshot plus the events that follow are exactly the state.
   */
  subscribe(
    request: MonitorRequest,
    id: string | number | null,
    out: Outlet,
  ): { subscription: Subscription; rows: Iterable<object> } {
    const rows = request.current ? takeSnapshot(this.speaker, this.k8s, request.topic) : [];
    const s = new Subscription(
      id,
      request.topic,
      out,
      request.maxPending,
      (x) => this.remove(x),
      this.budget,
    );
    // A request id names one subscription per connection: a new one with the same id replaces the old.
    this.find(out, id)?.stop();
    this.set(s.topic).add(s);
    let mine = this.byOutlet.get(out);
    if (!mine) this.byOutlet.set(out, (mine = new Map()));
    mine.set(id, s);
    // The counters' baseline is taken in the same step as the snapshot.
    if (s.topic.kind === "neighbor" && s.topic.counters)
      this.feeds.set(s, new CounterFeed(this.speaker, s.topic.neighbor, this.clock, (e) => s.push(e)));
    if (s.topic.kind === "k8s") this.k8sOff ??= this.k8s?.listen((e) => this.k8sEvent(e)) ?? null;
    else this.speaker.observe(this);
    return { subscription: s, rows: s.whileOpen(rows) };
  }

  /** Subscriptions open on `out`. */
  countOn(out: Outlet): number {
    return this.byOutlet.get(out)?.size ?? 0;
  }

  find(out: Outlet, id: unknown): Subscription | undefined {
    return this.byOutlet.get(out)?.get(id);
  }

  get size(): number {
    return this.speakerSize + this.k8sSubs.size;
  }

  /** Subscriptions the speaker's changes go to. */
  private get speakerSize(): number {
    return this.rib.size + this.adjIn.size + this.neighbors.size;
  }

  private set(t: Topic): Set<Subscription> {
    switch (t.kind) {
      case "rib":
        return this.rib;
      case "adj-in":
        return this.adjIn;
      case "neighbor":
        return this.neighbors;
      case "k8s":
        return this.k8sSubs;
    }
  }

  private k8sEvent(event: K8sEvent): void {
    const e: MonitorEvent = { kind: "k8s", at: this.clock.now(), event };
    for (const s of this.k8sSubs) s.push(e);
  }

  private remove(s: Subscription): void {
    this.set(s.topic).delete(s);
    this.feeds.get(s)?.stop();
    this.feeds.delete(s);
    const mine = this.byOutlet.get(s.out);
    if (mine?.get(s.id) === s) mine.delete(s.id);
    if (mine?.size === 0) this.byOutlet.delete(s.out);
    if (this.speakerSize === 0) this.speaker.observe(null);
    if (this.k8sSubs.size === 0) {
      this.k8sOff?.();
      this.k8sOff = null;
    }
  }

  // --- SpeakerObserver -----------------------------------------------------------------------------------

  pathChanged(d: Destination, before: Path | null, after: Path | null): void {
    if (this.adjIn.size === 0) return;
    const path = (after ?? before)!;
    let e: RouteEvent | null = null;
    for (const s of this.adjIn) {
      const t = s.topic as Extract<Topic, { kind: "adj-in" }>;
      if (t.neighbor !== path.source.id || (t.family !== null && t.family !== d.family)) continue;
      e ??= {
        kind: after ? "route" : "withdraw",
        at: this.speaker.now,
        family: d.family,
        prefix: d,
        path,
        neighbor: t.neighbor,
      };
      s.push(e);
    }
  }

  bestChanged(d: Destination, before: Path | null): void {
    if (this.rib.size === 0) return;
    let e: RouteEvent | null = null;
    for (const s of this.rib) {
      const t = s.topic as Extract<Topic, { kind: "rib" }>;
      if (t.family !== null && t.family !== d.family) continue;
      e ??= {
        kind: d.best ? "route" : "withdraw",
        at: this.speaker.now,
        family: d.family,
        prefix: d,
        path: (d.best ?? before)!,
        neighbor: null,
      };
      s.push(e);
    }
  }

  neighborChanged(p: Peer): void {
    this.neighborEvent(p, () => ({ kind: "neighbor", at: this.speaker.now, view: neighborState(p) }));
  }

  neighborRemoved(p: Peer): void {
    this.neighborEvent(p, () => ({ kind: "neighbor-removed", at: this.speaker.now, address: p.id }));
  }

  private neighborEvent(p: Peer, make: () => MonitorEvent): void {
    let e: MonitorEvent | null = null;
    for (const s of this.neighbors) {
      const t = s.topic as Extract<Topic, { kind: "neighbor" }>;
      if (t.neighbor !== null && t.neighbor !== p.id) continue;
      e ??= make();
      s.push(e);
    }
  }
}
