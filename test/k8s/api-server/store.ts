/**
 * The storage under the API: what etcd and the watch cache are to kube-apiserver.
 *
 * Objects are JSON under a storage key (one per resource, "apps/daemonsets") and "namespace/name". One
 * counter numbers every write, across all resources, as etcd's revision does; an object's resourceVersion is
 * the number of the write that produced it, and a list's is the counter when it was read. Every write is
 * also kept in a bounded history (with the object before it), from which watches resume and lists at an
 * exact past version are rebuilt; versions older than the history are gone, and asking for them gives 410.
 *
 * The store knows nothing of HTTP, validation or defaulting (registry.ts); it does check resourceVersion
 * preconditions, the one thing that must happen in the same step as the write.
 */
import { tooOldResourceVersion } from "./status.js";
import { clone, type KubeObject, metaString } from "./types.js";

export type EventType = "ADDED" | "MODIFIED" | "DELETED";

export interface StoreEvent {
  readonly rv: number;
  readonly type: EventType;
  readonly storage: string;
  readonly namespace: string;
  /** The object after the write; for DELETED, the last state stamped with the deletion's version. */
  readonly object: KubeObject;
  /** The object before the write (MODIFIED and DELETED). */
  readonly previous?: KubeObject;
}

export type Listener = (event: StoreEvent) => void;

export class Store {
  private rv: number;
  private readonly tables = new Map<string, Map<string, KubeObject>>();
  private history: StoreEvent[] = [];
  /** Writes up to and including this version are no longer in the history. */
  private compactedThrough: number;
  private readonly listeners = new Set<Listener>();

  constructor(
    private readonly historyLimit: number,
    initialRv = 1,
  ) {
    this.rv = initialRv;
    this.compactedThrough = initialRv;
  }

  currentRv(): number {
    return this.rv;
  }

  /** The oldest version a watch may resume from or a list may be read at. */
  oldestRv(): number {
    return this.compactedThrough;
  }

  private table(storage: string): Map<string, KubeObject> {
    let t = this.tables.get(storage);
    if (!t) this.tables.set(storage, (t = new Map()));
    return t;
  }

  get(storage: string, namespace: string, name: string): KubeObject | undefined {
    const obj = this.tables.get(storage)?.get(`${namespace}/${name}`);
    return obj && clone(obj);
  }

  /** Objects in key order (namespace, then name), as etcd ranges return them; at `atRv`, the state after
   *  that write, rebuilt from the history (410 if it is older than the history). */
  list(storage: string, namespace: string | null, atRv?: number): KubeObject[] {
    const state = new Map(this.tables.get(storage));
    if (atRv !== undefined && atRv < this.rv) {
      if (atRv < this.compactedThrough) throw tooOldResourceVersion(atRv, this.compactedThrough);
      for (let i = this.history.length - 1; i >= 0 && this.history[i]!.rv > atRv; i--) {
        const e = this.history[i]!;
        if (e.storage !== storage) continue;
        const key = `${e.namespace}/${metaString(e.object, "name")}`;
        if (e.type === "ADDED") state.delete(key);
        else state.set(key, e.previous!);
      }
    }
    const keys = [...state.keys()].filter((k) => namespace === null || k.startsWith(`${namespace}/`)).sort();
    return keys.map((k) => clone(state.get(k)!));
  }

  /** Every stored object of every resource in a namespace (for deleting the namespace's contents). */
  storagesWithin(namespace: string): { storage: string; name: string }[] {
    const out: { storage: string; name: string }[] = [];
    for (const [storage, t] of this.tables) {
      for (const key of t.keys()) {
        if (key.startsWith(`${namespace}/`)) out.push({ storage, name: key.slice(namespace.length + 1) });
      }
    }
    return out;
  }

  /** Writes an object (created if absent); stamps and returns it with its new resourceVersion. */
  put(storage: string, namespace: string, obj: KubeObject): KubeObject {
    const name = metaString(obj, "name")!;
    const t = this.table(storage);
    const key = `${namespace}/${name}`;
    const previous = t.get(key);
    const stored = clone(obj);
    stored.metadata.resourceVersion = String(++this.rv);
    t.set(key, stored);
    this.record({
      rv: this.rv,
      type: previous ? "MODIFIED" : "ADDED",
      storage,
      namespace,
      object: stored,
      ...(previous ? { previous } : {}),
    });
    return clone(stored);
  }

  /** Removes an object; returns its last state stamped with the deletion's version, as a watch sees it. */
  remove(storage: string, namespace: string, name: string): KubeObject | undefined {
    const t = this.tables.get(storage);
    const previous = t?.get(`${namespace}/${name}`);
    if (!t || !previous) return undefined;
    t.delete(`${namespace}/${name}`);
    const gone = clone(previous);
    gone.metadata.resourceVersion = String(++this.rv);
    this.record({ rv: this.rv, type: "DELETED", storage, namespace, object: gone, previous });
    return clone(gone);
  }

  private record(event: StoreEvent): void {
    this.history.push(event);
    if (this.history.length > this.historyLimit) {
      const dropped = this.history.splice(0, this.history.length - this.historyLimit);
      this.compactedThrough = dropped[dropped.length - 1]!.rv;
    }
    for (const l of [...this.listeners]) l(event);
  }

  /** The writes after `rv`, oldest first; 410 if some of them are no longer kept. */
  eventsAfter(rv: number): StoreEvent[] {
    if (rv < this.compactedThrough) throw tooOldResourceVersion(rv, this.compactedThrough);
    const from = this.history.findIndex((e) => e.rv > rv);
    return from < 0 ? [] : this.history.slice(from);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Forgets the history, as etcd compaction does, and moves the counter on by one as the unrelated writes
   * of a real cluster (node leases renewing) would: every version handed out so far becomes too old to
   * resume a watch from or to list at.
   */
  compact(): void {
    this.history = [];
    this.rv++;
    this.compactedThrough = this.rv;
  }
}
