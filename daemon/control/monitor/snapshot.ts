/**
 * The current state of a topic, copied in one synchronous step when a subscription starts, so that it and
 * the events after it add up exactly (core/speaker/observer.ts). What is copied is references — a
 * destination or Adj-RIB-In entry and the path it held — two pointers per route, never rendered rows; the
 * rows are rendered while they stream out. Paths are immutable, so the references still show the state of
 * that moment after the tables have moved on.
 */
import type { Path } from "../../../core/rib/path.js";
import type { Keyed } from "../../../core/rib/prefix-map.js";
import type { Peer } from "../../../core/speaker/peer.js";
import type { Speaker } from "../../../core/speaker/speaker.js";
import type { Afi, FamilyKey } from "../../../core/wire/constants.js";
import type { K8sSync } from "../../k8s/sync.js";
import { FAMILIES } from "../views.js";
import { neighborState, routeView } from "./events.js";
import type { Topic } from "./topic.js";

/** The families a filter selects, in the order `rib.list` would show them. */
export function familiesOf(filter: FamilyKey | null): FamilyKey[] {
  return filter === null ? Object.values(FAMILIES) : [filter];
}

/** Routes copied as two parallel lists (where, and the path), one family after the other. */
class RouteCopy {
  private readonly prefixes: Keyed[] = [];
  private readonly paths: Path[] = [];
  /** Each family and the index its routes end at. */
  private readonly ends: [FamilyKey, number][] = [];

  family(f: FamilyKey, routes: Iterable<[Keyed, Path]>): void {
    for (const [prefix, path] of routes) {
      this.prefixes.push(prefix);
      this.paths.push(path);
    }
    this.ends.push([f, this.paths.length]);
  }

  *rows(neighbor: string | null) {
    let i = 0;
    for (const [f, end] of this.ends)
      for (; i < end; i++) yield routeView("route", f, this.prefixes[i], this.paths[i], neighbor);
  }
}

function* bestPaths(speaker: Speaker, f: FamilyKey): IterableIterator<[Keyed, Path]> {
  for (const d of speaker.locRib.table(f).values((f >>> 8) as Afi)) if (d.best) yield [d, d.best];
}

function* acceptedPaths(peer: Peer, f: FamilyKey): IterableIterator<[Keyed, Path]> {
  for (const r of peer.ribIn.routes(f)) if (r.path.filtered === null) yield [r.prefix, r.path];
}

/** Copy the topic's current state now; render its rows later, as they are read. */
export function takeSnapshot(speaker: Speaker, k8s: K8sSync | null, topic: Topic): Iterable<object> {
  switch (topic.kind) {
    case "rib": {
      const copy = new RouteCopy();
      for (const f of familiesOf(topic.family)) copy.family(f, bestPaths(speaker, f));
      return copy.rows(null);
    }
    case "adj-in": {
      const copy = new RouteCopy();
      const peer = speaker.peers.get(topic.neighbor);
      if (peer) for (const f of familiesOf(topic.family)) copy.family(f, acceptedPaths(peer, f));
      return copy.rows(topic.neighbor);
    }
    case "neighbor": {
      const peers = [...speaker.peers.values()].filter(
        (p) => topic.neighbor === null || p.id === topic.neighbor,
      );
      return peers.map(neighborState);
    }
    case "k8s":
      return k8s ? [{ kind: "k8s-status", status: k8s.status() }] : [];
  }
}
