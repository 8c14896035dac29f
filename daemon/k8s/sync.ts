/**
 * The Kubernetes sync (docs/kubernetes.md): informers keep a copy of the cluster; after each burst of changes
 * the desired routes are derived from it (core/k8s) and only the difference with what the module announced
 * goes to the speaker, under the route source "k8s" — so nothing injected by hand or by config is touched,
 * and `disable` withdraws exactly the module's routes.
 *
 * An API server that goes away does not withdraw anything: the caches keep their last state, the routes stay,
 * and the informers retry with backoff (state `error` meanwhile). Routes change only on what the cluster
 * says, never on not hearing from it.
 */

import { compareProblems } from "../../core/k8s/candidates.js";
import { derive } from "../../core/k8s/desired-routes.js";
import { diffRoutes } from "../../core/k8s/diff.js";
import { derivePeering } from "../../core/k8s/peering.js";
import type { PeeringApplied } from "../../core/k8s/peering-config.js";
import type {
  DesiredPeer,
  DesiredRoute,
  KubernetesConfig,
  ObjectProblem,
  Peering,
} from "../../core/k8s/types.js";
import type { Input } from "../../core/speaker/io.js";
import { familyName, formatPrefix } from "../../core/wire/index.js";
import type { Logger } from "../log.js";
import type { K8sMetrics } from "../metrics/k8s.js";
import { errorText } from "./error-text.js";
import type { EventRecorder } from "./events.js";
import type { Informers } from "./informers.js";
import { readToggle, writeToggle } from "./toggle.js";
import {
  type K8sPeers,
  type K8sRoute,
  type K8sState,
  type K8sStatus,
  k8sRoute,
  NO_OBJECTS,
  type PeeringView,
} from "./views.js";

/** Changes within this long of each other are derived once: a rollout touches many objects at once. */
const SETTLE_MS = 30;
/** Status events at most this often (a churning cluster changes `lastSync` on every derivation). */
const STATUS_EVERY_MS = 250;
const KEPT_ERRORS = 10;
/** The route source the module's routes go under (core/speaker/origination.ts). */
const K8S_SOURCE = "k8s";

export type K8sEvent =
  | { readonly kind: "k8s-status"; readonly status: K8sStatus }
  | { readonly kind: "k8s-route"; readonly op: "announce" | "withdraw"; readonly route: K8sRoute };

export interface K8sSyncDeps {
  readonly dispatch: (input: Input) => void;
  /** The sync's metrics, registered on the first call: only a kbgpd configured for the sync has them. */
  readonly metrics: () => K8sMetrics;
  /** Holds kbgpd's readiness (`/readyz`) back with a reason, or releases it (null). */
  readonly ready: (problem: string | null) => void;
  readonly logger: Logger;
  readonly stateDir: string;
  /** `global.asn` of the configuration file: the AS of every node without an AS annotation. */
  readonly clusterAsn: () => number;
  /** Applies what the cluster says about peering (null: nothing, the module is off) to the speaker; returns
   *  the peers configured and those left out. */
  readonly peering: (p: Peering | null) => PeeringApplied;
  readonly now: () => number;
}

/** `k8s.enable` without a `kubernetes` section: a typed refusal the control API turns into an error. */
export class NotConfigured extends Error {
  constructor() {
    super("no kubernetes section in the configuration: add one (docs/kubernetes.md) and reload");
  }
}

/** Settings that need new informers when they change; the rest apply with a new derivation. */
const connectionOf = (c: KubernetesConfig) =>
  JSON.stringify([c.kubeconfig, c.announce.pods, c.podWatch, c.podWatch === "node" ? c.nodeName : null]);

export class K8sSync {
  private enabled: boolean;
  private informers: Informers | null = null;
  /** Kept past `halt` so the withdrawals of a disable are recorded too. */
  private recorder: EventRecorder | null = null;
  private server: string | null = null;
  private state: K8sState = "off";
  private since: number | null = null;
  private lastSync: number | null = null;
  private lastError: string | null = null;
  private readonly errors: { at: number; message: string }[] = [];
  private announced: readonly DesiredRoute[] = [];
  private problems: readonly ObjectProblem[] = [];
  private drained: readonly string[] = [];
  private peering: Peering | null = null;
  private peers: readonly DesiredPeer[] = [];
  private settle: NodeJS.Timeout | null = null;
  /** Counts starts and halts, so a start still loading its module knows it was overtaken. */
  private runs = 0;
  private statusTimer: NodeJS.Timeout | null = null;
  private statusSentAt = 0;
  private readonly listeners = new Set<(e: K8sEvent) => void>();
  private registered: K8sMetrics | null = null;

  constructor(
    private config: KubernetesConfig | null,
    private readonly deps: K8sSyncDeps,
  ) {
    this.enabled = readToggle(deps.stateDir) ?? config?.enabled ?? false;
    if (config) this.metrics();
  }

  /** Registered (and told where to read) on first use. */
  private metrics(): K8sMetrics {
    if (this.registered) return this.registered;
    const m = this.deps.metrics();
    this.registered = m;
    m.setSource({
      up: () => this.state === "synced",
      announcedRoutes: () => {
        const by = new Map<DesiredRoute["rule"], number>();
        for (const d of this.announced) by.set(d.rule, (by.get(d.rule) ?? 0) + 1);
        return by;
      },
    });
    return m;
  }

  /** Start watching if configured and enabled. */
  start(): void {
    if (this.config && this.enabled) void this.run(this.config);
  }

  private async run(c: KubernetesConfig): Promise<void> {
    const run = ++this.runs;
    this.setState("connecting");
    // A rolling update waits for each node's sync before taking the next node's speaker away.
    this.deps.ready("Kubernetes informers not synced yet");
    const { EventRecorder, Informers, loadKubeConfig } = await import("./connection.js");
    // Disabled, reconfigured or stopped while the module loaded: that later call decides.
    if (run !== this.runs) return;
    try {
      const kc = loadKubeConfig(c.kubeconfig);
      this.server = kc.getCurrentCluster()?.server ?? null;
      this.recorder = new EventRecorder(kc, c.nodeName, this.deps.logger, this.deps.now);
      const pods = !c.announce.pods
        ? ({ scope: "none" } as const)
        : c.podWatch === "node"
          ? ({ scope: "node", node: c.nodeName } as const)
          : ({ scope: "cluster" } as const);
      this.informers = new Informers(kc, pods, {
        changed: () => this.changed(),
        error: (kind, message) => this.failed(`${kind}: ${message}`),
      });
    } catch (e) {
      this.setState("error");
      this.failed(errorText(e));
      return;
    }
    this.deps.logger.log("info", `kubernetes: watching ${this.server} as node ${c.nodeName}`);
    this.informers.start();
  }

  private changed(): void {
    if (this.settle) return;
    this.settle = setTimeout(() => {
      this.settle = null;
      this.sync();
    }, SETTLE_MS);
    this.settle.unref();
  }

  private sync(): void {
    const inf = this.informers;
    const c = this.config;
    if (!inf || !c) return;
    if (!inf.synced) {
      this.setState(inf.progress.listed > 0 ? "syncing" : this.state === "error" ? "error" : "connecting");
      return;
    }
    const timed = this.metrics().startSync();
    try {
      const cluster = inf.cluster();
      const peering = derivePeering(cluster.nodes, c.nodeName, c.peering, this.deps.clusterAsn());
      const applied = this.applyPeering(peering);
      // The routes' AS-path prepends use the AS the speaker runs in: this node's annotation's, if it has one.
      const d = derive(cluster, c.nodeName, c, { asn: peering.asn ?? this.deps.clusterAsn() });
      // Before apply: a withdrawal's Event says the node is drained when it is.
      this.drained = d.drained;
      this.apply(d.routes);
      this.problems = [...d.problems, ...peering.problems, ...applied.problems].sort(compareProblems);
      this.lastSync = this.deps.now();
      this.setState(inf.failing ? "error" : "synced");
      this.deps.ready(null);
    } catch (e) {
      // A bug in the derivation must not take the daemon down; the routes announced stay as they were.
      this.failed(`deriving the routes: ${(e as Error).stack ?? String(e)}`);
    }
    timed();
    this.statusChanged();
  }

  /** Send the speaker only what changed, and tell the monitors. */
  private apply(next: readonly DesiredRoute[]): void {
    const { announce, withdraw } = diffRoutes(this.announced, next);
    const before = this.announced;
    this.announced = next;
    if (withdraw.length)
      this.deps.dispatch({
        kind: "routes",
        source: K8S_SOURCE,
        op: "remove",
        routes: withdraw.map((d) => d.route),
      });
    if (announce.length)
      this.deps.dispatch({
        kind: "routes",
        source: K8S_SOURCE,
        op: "add",
        routes: announce.map((d) => d.route),
      });
    this.recordEvents(before, announce, withdraw);
    if (this.listeners.size === 0) return;
    for (const d of withdraw) this.emit({ kind: "k8s-route", op: "withdraw", route: k8sRoute(d) });
    for (const d of announce) this.emit({ kind: "k8s-route", op: "announce", route: k8sRoute(d) });
  }

  /** Events on the objects whose prefixes came or went (a changed attribute is not worth one). */
  private recordEvents(
    before: readonly DesiredRoute[],
    announce: readonly DesiredRoute[],
    withdraw: readonly DesiredRoute[],
  ): void {
    const rec = this.recorder;
    const node = this.config?.nodeName ?? "";
    if (!rec || (announce.length === 0 && withdraw.length === 0)) return;
    const had = new Set(before.map((d) => formatPrefix(d.route.prefix)));
    const post = (d: DesiredRoute, reason: "Announced" | "Withdrawn") => {
      const prefix = formatPrefix(d.route.prefix);
      if (reason === "Announced" && had.has(prefix)) return;
      // A withdrawal's cause is what is no longer there; only a drain is worth naming.
      const why =
        reason === "Announced"
          ? `announced by kbgp on ${node} (${d.rule}: ${d.reason})`
          : `withdrawn by kbgp on ${node}${this.drained.length ? ` (node drained: ${this.drained.join(", ")})` : ""}`;
      for (const source of d.sources)
        rec.record({
          source,
          uid: this.informers?.uidOf(source) ?? null,
          reason,
          message: `${prefix} ${why}`,
        });
    };
    const still = new Set(announce.map((d) => formatPrefix(d.route.prefix)));
    for (const d of withdraw) if (!still.has(formatPrefix(d.route.prefix))) post(d, "Withdrawn");
    for (const d of announce) post(d, "Announced");
  }

  private withdrawAll(): void {
    if (this.announced.length === 0) return;
    this.apply([]);
  }

  /** The module off: its routes withdrawn, then its peers removed. */
  private retire(): void {
    this.withdrawAll();
    if (this.peering) this.applyPeering(null);
  }

  /** Hand the speaker the cluster's peering; the daemon reconfigures it only when something changed. */
  private applyPeering(p: Peering | null): PeeringApplied {
    this.peering = p;
    const applied = this.deps.peering(p);
    this.peers = applied.peers;
    return applied;
  }

  private failed(message: string): void {
    const at = this.deps.now();
    this.metrics().reconcileError();
    this.lastError = message;
    this.errors.push({ at, message });
    if (this.errors.length > KEPT_ERRORS) this.errors.shift();
    this.deps.logger.log("warn", `kubernetes: ${message}`);
    if (this.state !== "off") this.setState("error");
    this.statusChanged();
  }

  private setState(s: K8sState): void {
    if (s === this.state) return;
    this.state = s;
    this.since = this.deps.now();
    this.statusChanged();
  }

  private async halt(): Promise<void> {
    this.runs++;
    if (this.settle) clearTimeout(this.settle);
    this.settle = null;
    const inf = this.informers;
    this.informers = null;
    this.server = null;
    await inf?.stop();
  }

  /** `kbgp k8s enable`: start (again), re-derive, re-announce. The choice survives a restart. */
  async enable(): Promise<K8sStatus> {
    if (!this.config) throw new NotConfigured();
    await writeToggle(this.deps.stateDir, true);
    if (!this.enabled) {
      this.enabled = true;
      this.deps.logger.log("info", "kubernetes: sync enabled");
      void this.run(this.config);
    }
    return this.status();
  }

  /** `kbgp k8s disable`: stop watching and withdraw exactly the module's routes. */
  async disable(): Promise<K8sStatus> {
    if (!this.config) throw new NotConfigured();
    await writeToggle(this.deps.stateDir, false);
    if (this.enabled) {
      this.enabled = false;
      this.deps.ready(null);
      await this.halt();
      this.retire();
      this.setState("off");
      this.deps.logger.log("info", "kubernetes: sync disabled; its routes are withdrawn");
    }
    return this.status();
  }

  /** A reloaded configuration: applied live, new informers only when how to reach the cluster changed. */
  async reconfigure(next: KubernetesConfig | null): Promise<void> {
    const before = this.config;
    this.config = next;
    if (!next) {
      this.deps.ready(null);
      await this.halt();
      this.retire();
      this.setState("off");
      return;
    }
    if (!before) {
      this.enabled = readToggle(this.deps.stateDir) ?? next.enabled;
      this.metrics();
    }
    if (!this.enabled) return;
    if (!before || !this.informers || connectionOf(before) !== connectionOf(next)) {
      await this.halt();
      void this.run(next);
    } else this.changed();
  }

  /**
   * kbgpd is stopping. `withdraw`: take the module's routes back first (peers move the traffic before the
   * sessions close); otherwise (graceful restart) leave them for the peers to keep as stale.
   */
  async stop(withdraw: boolean): Promise<void> {
    await this.halt();
    if (withdraw) this.withdrawAll();
    if (this.statusTimer) clearTimeout(this.statusTimer);
  }

  status(): K8sStatus {
    return {
      configured: this.config !== null,
      enabled: this.config !== null && this.enabled,
      state: this.state,
      node: this.config?.nodeName ?? null,
      server: this.server,
      since: this.since,
      lastSync: this.lastSync,
      objects: this.informers?.counts() ?? NO_OBJECTS,
      routes: this.announced.length,
      peering: this.peeringView(),
      problems: this.problems.length,
      drained: this.drained,
      drainAction: this.config?.drain.action === "deprefer" ? "de-preferred" : "withdrawn",
      lastError: this.lastError,
      errors: [...this.errors],
    };
  }

  /** The routes the module announces (or only `prefix`'s), and the problems found in the cluster's objects. */
  routes(prefix?: string): { routes: K8sRoute[]; problems: readonly ObjectProblem[] } {
    const routes =
      prefix === undefined
        ? this.announced
        : this.announced.filter((d) => formatPrefix(d.route.prefix) === prefix);
    return { routes: routes.map(k8sRoute), problems: this.problems };
  }

  private peeringView(): PeeringView {
    const p = this.peering;
    return {
      peers: this.peers.length,
      asn: p?.asn ?? null,
      routeReflector: p?.routeReflector ?? null,
      listenAddresses: p?.listenAddresses ?? null,
      importReject: p?.importReject.length ?? 0,
    };
  }

  /** The peers the cluster asks for and kbgpd configured (with their session state, from `state`), and the
   *  problems found in the cluster's objects. */
  peersView(state: (address: string) => string | null): K8sPeers {
    return {
      peers: this.peers.map((p) => ({
        ...p,
        password: p.password !== null,
        families: p.families.map(familyName),
        state: state(p.address),
      })),
      problems: this.problems,
    };
  }

  // --- monitor topic `k8s` ------------------------------------------------------------------------------

  listen(f: (e: K8sEvent) => void): () => void {
    this.listeners.add(f);
    return () => this.listeners.delete(f);
  }

  private emit(e: K8sEvent): void {
    for (const f of this.listeners) f(e);
  }

  /** A status event now, or when STATUS_EVERY_MS has passed since the last one. */
  private statusChanged(): void {
    if (this.listeners.size === 0 || this.statusTimer) return;
    const wait = this.statusSentAt + STATUS_EVERY_MS - this.deps.now();
    const send = () => {
      this.statusTimer = null;
      this.statusSentAt = this.deps.now();
      this.emit({ kind: "k8s-status", status: this.status() });
    };
    if (wait <= 0) send();
    else {
      this.statusTimer = setTimeout(send, wait);
      this.statusTimer.unref();
    }
  }
}
