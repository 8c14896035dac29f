/**
 * What /healthz and /readyz answer (docs/metrics.md).
 *
 * Readiness is a list of named conditions, each met or waiting with a reason: kbgpd's own (`bgp-listener`,
 * `control-socket`, `running`) and any a module adds (`health.require("k8s", "informers not synced")`).
 * Ready when every one is met; otherwise the first unmet one's reason is the one-line answer.
 *
 * Liveness is narrower on purpose: a liveness failure gets the pod killed, and with it every BGP session, so
 * it fails only when kbgpd cannot recover by itself. An event loop that does not answer at all is caught by
 * the probe's own timeout; `live` adds checks the daemon can make while answering (its timers being served).
 */

export interface Check {
  readonly name: string;
  /** null when met; otherwise why not, in a few words. */
  readonly problem: string | null;
}

export class Health {
  private readonly conditions = new Map<string, string | null>();

  /** `live` returns why kbgpd is not alive (it never recovers from that by itself), or null. */
  constructor(private readonly live: () => string | null = () => null) {}

  /** Add or change a readiness condition: `problem` null when it is met, else why not. */
  set(name: string, problem: string | null): void {
    this.conditions.set(name, problem);
  }

  /** Add a readiness condition that is not met yet (kept in the order added, for /readyz?verbose). */
  require(name: string, problem: string): void {
    this.set(name, problem);
  }

  /** Remove a condition (a module that was turned off no longer holds readiness back). */
  drop(name: string): void {
    this.conditions.delete(name);
  }

  readiness(): { readonly ready: boolean; readonly checks: readonly Check[] } {
    const checks = [...this.conditions].map(([name, problem]) => ({ name, problem }));
    return { ready: checks.every((c) => c.problem === null), checks };
  }

  /** null when alive, else why not. */
  liveness(): string | null {
    return this.live();
  }
}
