/**
 * One client-node ListWatch per watched kind, kept running: client-node relists by itself after 410 Gone and
 * rewatches after a watch ends, but stops for good on any other error — here it is started again after a
 * backoff (0.5 s doubling to 30 s, reset once a list succeeds). Changes are reported, not applied: the
 * caller derives from the caches once all kinds have listed.
 */
import { type KubeConfig, type KubernetesObject, ListWatch, Watch } from "@kubernetes/client-node";
import type { ClusterState, RouteSource } from "../../core/k8s/types.js";
import { errorText } from "./error-text.js";
import { type PodWatch, type Resource, type ResourceName, resources } from "./resources.js";
import { NO_OBJECTS } from "./views.js";

const FIRST_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 30_000;

export interface InformerEvents {
  /** Something in a cache changed (or a kind listed for the first time). */
  readonly changed: () => void;
  readonly error: (kind: ResourceName, message: string) => void;
}

interface Running {
  readonly resource: Resource;
  readonly watch: ListWatch<KubernetesObject>;
  listed: boolean;
  backoff: number;
  retry: NodeJS.Timeout | null;
  /** Failures so far, and whether the last attempt failed (cleared once a start gets through). */
  failures: number;
  failing: boolean;
}

export class Informers {
  private readonly running: Running[];
  private stopped = false;

  constructor(
    kc: KubeConfig,
    pods: PodWatch,
    private readonly events: InformerEvents,
  ) {
    const watch = new Watch(kc);
    this.running = resources(kc, pods).map((resource) => {
      const list = async () => {
        const result = await resource.list();
        // The caches take the items right after this returns; a change is reported on a later tick.
        r.listed = true;
        r.backoff = FIRST_BACKOFF_MS;
        queueMicrotask(() => this.events.changed());
        return result;
      };
      const watcher = new ListWatch(resource.path, watch, list, false, undefined, resource.fieldSelector);
      const r: Running = {
        resource,
        watch: watcher,
        listed: false,
        backoff: FIRST_BACKOFF_MS,
        retry: null,
        failures: 0,
        failing: false,
      };
      const changed = () => this.events.changed();
      watcher.on("add", changed);
      watcher.on("update", changed);
      watcher.on("delete", changed);
      watcher.on("error", (e) => this.failed(r, e));
      return r;
    });
  }

  start(): void {
    for (const r of this.running) void this.begin(r);
  }

  /** List (if needed) and watch; a start that gets through without a failure clears `failing`. */
  private async begin(r: Running): Promise<void> {
    const failures = r.failures;
    await r.watch.start();
    if (r.failures === failures && r.failing && !this.stopped) {
      r.failing = false;
      this.events.changed();
    }
  }

  private failed(r: Running, e: unknown): void {
    if (this.stopped) return;
    r.failures++;
    r.failing = true;
    this.events.error(r.resource.name, errorText(e));
    r.retry = setTimeout(() => {
      r.retry = null;
      if (!this.stopped) void this.begin(r);
    }, r.backoff);
    r.retry.unref();
    r.backoff = Math.min(r.backoff * 2, MAX_BACKOFF_MS);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const r of this.running) if (r.retry) clearTimeout(r.retry);
    await Promise.all(this.running.map((r) => r.watch.stop()));
  }

  /** Every kind has listed at least once: the caches hold the whole cluster. */
  get synced(): boolean {
    return this.running.every((r) => r.listed);
  }

  /** Some kind's last attempt failed (its retry is pending or under way). */
  get failing(): boolean {
    return this.running.some((r) => r.failing);
  }

  /** How many kinds have listed, of how many. */
  get progress(): { listed: number; of: number } {
    return { listed: this.running.filter((r) => r.listed).length, of: this.running.length };
  }

  /** The caches as the derivation reads them; kinds not watched are empty. */
  cluster(): ClusterState {
    const of = (name: ResourceName) => this.running.find((r) => r.resource.name === name)?.watch.list() ?? [];
    return {
      services: of("services"),
      endpointSlices: of("endpointSlices"),
      nodes: of("nodes"),
      pods: of("pods"),
      namespaces: of("namespaces"),
    } as ClusterState;
  }

  /** The uid of a route's source object, from the cache. */
  uidOf(source: RouteSource): string | null {
    const KINDS = { Service: "services", Node: "nodes", Pod: "pods", Namespace: "namespaces" } as const;
    const name: ResourceName = KINDS[source.kind];
    const r = this.running.find((x) => x.resource.name === name);
    return r?.watch.get(source.name, source.namespace ?? undefined)?.metadata?.uid ?? null;
  }

  counts(): Record<ResourceName, number> {
    const c = { ...NO_OBJECTS };
    for (const r of this.running) c[r.resource.name] = r.watch.list().length;
    return c;
  }
}
