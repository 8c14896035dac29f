/**
 * kbgpd's metrics registry (docs/metrics.md): the speaker's metrics, the daemon's own (build, configuration
 * reloads), Node's process metrics (prom-client's defaults: CPU, memory, heap, GC, event loop lag), and, when
 * the Kubernetes sync asks for them, its metrics (./k8s.ts). One registry per kbgpd, not prom-client's global
 * one, so tests can run several side by side.
 */
import { collectDefaultMetrics, Gauge, Registry } from "prom-client";
import type { Speaker } from "../../core/speaker/speaker.js";
import { type K8sMetrics, k8sMetrics } from "./k8s.js";
import { registerSpeakerMetrics } from "./speaker.js";

export { type K8sMetrics, type K8sMetricsSource, k8sMetrics, ROUTE_RULES } from "./k8s.js";

export class DaemonMetrics {
  readonly registry = new Registry();
  private readonly reloadOk: Gauge;
  private readonly reloadAt: Gauge;

  constructor(speaker: Speaker, version: string) {
    const registers = [this.registry];
    // Node's own: process_cpu_seconds_total, process_resident_memory_bytes, nodejs_heap_*, nodejs_gc_*,
    // nodejs_eventloop_lag_* (from perf_hooks.monitorEventLoopDelay, sampled every 10 ms).
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 10 });
    new Gauge({
      name: "kbgp_build_info",
      help: "Always 1; the labels say which kbgpd runs on which Node.js.",
      labelNames: ["version", "nodejs_version"],
      registers,
    }).set({ version, nodejs_version: process.versions.node }, 1);
    // As Prometheus and Alertmanager name theirs, so the usual alert on a failed reload carries over.
    this.reloadOk = new Gauge({
      name: "kbgp_config_last_reload_successful",
      help: "Whether the last configuration reload (SIGHUP, config.reload) succeeded (1) or was refused (0).",
      registers,
    });
    this.reloadAt = new Gauge({
      name: "kbgp_config_last_reload_success_timestamp_seconds",
      help: "When the configuration was last loaded successfully (Unix time): start-up or reload.",
      registers,
    });
    this.configLoaded(true);
    registerSpeakerMetrics(this.registry, speaker);
  }

  /** A configuration was read: at start-up (always a success, or kbgpd would not run) or on reload. */
  configLoaded(ok: boolean): void {
    this.reloadOk.set(ok ? 1 : 0);
    if (ok) this.reloadAt.set(Date.now() / 1000);
  }

  /** The Kubernetes sync's metrics, registered on first use. */
  k8s(): K8sMetrics {
    return k8sMetrics(this.registry);
  }
}
