/**
 * Kubernetes Events on the objects behind the routes: `kubectl describe service web` shows
 * "Announced 203.0.113.10/32 from node-a (loadbalancer-ip)" and later "Withdrawn …", as MetalLB's speaker
 * does. Events are a courtesy, never in the way: posted in the background, at most RATE a second (a pod
 * rollout may move hundreds of routes; the rest are dropped, not queued), and a failure (no RBAC for events,
 * an API server away) is logged once and not again.
 */
import { CoreV1Api, type KubeConfig } from "@kubernetes/client-node";
import type { RouteSource } from "../../core/k8s/types.js";
import type { Logger } from "../log.js";
import { errorText } from "./error-text.js";

const RATE = 10;
const BURST = 50;

export interface EventNotice {
  readonly source: RouteSource;
  /** The object's uid, so `kubectl describe` finds the Event; null when the cache no longer has it. */
  readonly uid: string | null;
  readonly reason: "Announced" | "Withdrawn";
  readonly message: string;
}

export class EventRecorder {
  private readonly api: CoreV1Api;
  private tokens = BURST;
  private refilledAt: number;
  private warned = false;

  constructor(
    kc: KubeConfig,
    private readonly node: string,
    private readonly logger: Logger,
    private readonly now: () => number,
  ) {
    this.api = kc.makeApiClient(CoreV1Api);
    this.refilledAt = now();
  }

  record(n: EventNotice): void {
    const t = this.now();
    this.tokens = Math.min(BURST, this.tokens + ((t - this.refilledAt) / 1000) * RATE);
    this.refilledAt = t;
    if (this.tokens < 1) return;
    this.tokens--;
    void this.post(n, new Date(t));
  }

  private async post(n: EventNotice, at: Date): Promise<void> {
    // Events live in the object's namespace; a Node's (cluster-scoped) go to "default", as kubelet's do.
    const namespace = n.source.namespace ?? "default";
    try {
      await this.api.createNamespacedEvent({
        namespace,
        body: {
          metadata: { generateName: `${n.source.name}.kbgp-`, namespace },
          involvedObject: {
            apiVersion: "v1",
            kind: n.source.kind,
            name: n.source.name,
            ...(n.source.namespace ? { namespace: n.source.namespace } : {}),
            ...(n.uid ? { uid: n.uid } : {}),
          },
          reason: n.reason,
          message: n.message,
          type: "Normal",
          source: { component: "kbgp", host: this.node },
          reportingComponent: "kbgp.io/speaker",
          reportingInstance: this.node,
          firstTimestamp: at,
          lastTimestamp: at,
          count: 1,
        },
      });
    } catch (e) {
      if (!this.warned) {
        this.warned = true;
        this.logger.log(
          "warn",
          `kubernetes: cannot post Events (further failures are not logged): ${errorText(e)}`,
        );
      }
    }
  }
}
