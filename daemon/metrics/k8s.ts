/**
 * The Kubernetes sync's metrics (docs/metrics.md), for daemon/k8s to feed. The module owns the numbers; this
 * file owns the names, so the dashboard contract is in one place:
 *
 *   const m = k8sMetrics(metrics.registry);      // once; the same object on every call for a registry
 *   m.setSource({ up: () => …, announcedRoutes: () => … });   // read at each scrape; null when stopped
 *   const done = m.startSync(); …; done();        // one pass: informer state → desired routes → applied
 *   m.reconcileError();                           // a pass (or applying its result) failed
 *
 * Nothing is registered until `k8sMetrics` is first called, so a kbgpd without the module shows no kbgp_k8s_*
 * series and no alert on `kbgp_k8s_up == 0` fires where Kubernetes is not used.
 */
import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import type { RouteRule } from "../../core/k8s/types.js";
import { snapshotGauge } from "./snapshot.js";

/** Every rule, so each has a series (0 when it announces nothing) and a dashboard can stack them. */
export const ROUTE_RULES = [
  "loadbalancer-ip",
  "external-ip",
  "cluster-ip",
  "pod-cidr",
  "pod-ip",
] as const satisfies readonly RouteRule[];

/** What the module is doing now, read at scrape time. */
export interface K8sMetricsSource {
  /** Connected to the API server with its informers synced (1), or not (0). */
  up(): boolean;
  /** How many routes the module announces now, by the rule that produced them. */
  announcedRoutes(): Iterable<readonly [rule: RouteRule, routes: number]>;
}

export interface K8sMetrics {
  /** What `kbgp_k8s_up` and `kbgp_k8s_announced_routes` read; null while the module is stopped (up 0,
   *  every rule 0). */
  setSource(source: K8sMetricsSource | null): void;
  /** Start timing one sync pass; the returned function ends it, records it and returns its seconds. */
  startSync(): () => number;
  /** Count a failed pass, or a failure applying its result. */
  reconcileError(): void;
}

/** Seconds: a pass over a small cluster takes a millisecond; a relist of a large one, seconds. */
const SYNC_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const created = new WeakMap<Registry, K8sMetrics>();

/** The Kubernetes sync's metrics in `registry`, registered on the first call. */
export function k8sMetrics(registry: Registry): K8sMetrics {
  const existing = created.get(registry);
  if (existing) return existing;
  let source: K8sMetricsSource | null = null;
  const registers = [registry];
  const duration = new Histogram({
    name: "kbgp_k8s_sync_duration_seconds",
    help: "Time one sync pass took: cluster objects to desired routes, diffed and applied to the speaker.",
    buckets: SYNC_BUCKETS,
    registers,
  });
  const lastSync = new Gauge({
    name: "kbgp_k8s_last_sync_timestamp_seconds",
    help: "When the last sync pass ended (Unix time); 0 before the first.",
    registers,
  });
  const errors = new Counter({
    name: "kbgp_k8s_reconcile_errors_total",
    help: "Sync passes that failed, or whose result could not be applied.",
    registers,
  });
  snapshotGauge(registry, {
    name: "kbgp_k8s_up",
    help: "Whether the Kubernetes sync is running, connected to the API server with its informers synced (1), or not (0).",
    labelNames: [],
    fill: (put) => put({}, source?.up() ? 1 : 0),
  });
  snapshotGauge(registry, {
    name: "kbgp_k8s_announced_routes",
    help: "Routes the Kubernetes sync announces, by the rule that produced them.",
    labelNames: ["rule"],
    fill: (put) => {
      // Every rule has a series; a later put for the same rule replaces its 0.
      for (const rule of ROUTE_RULES) put({ rule }, 0);
      if (source) for (const [rule, n] of source.announcedRoutes()) put({ rule }, n);
    },
  });
  const observeSync = (seconds: number) => {
    duration.observe(seconds);
    lastSync.set(Date.now() / 1000);
  };
  const m: K8sMetrics = {
    setSource: (s) => {
      source = s;
    },
    startSync: () => {
      const start = process.hrtime.bigint();
      return () => {
        const seconds = Number(process.hrtime.bigint() - start) / 1e9;
        observeSync(seconds);
        return seconds;
      };
    },
    reconcileError: () => errors.inc(),
  };
  created.set(registry, m);
  return m;
}
