/**
 * Every configured health check: started with kbgpd, reconciled on reload (added ones start at init,
 * removed ones stop with their routes withdrawn, changed ones keep their state and take the new settings),
 * stopped together when kbgpd stops (their routes go with the sessions).
 */
import type { HealthcheckConfig } from "../../core/config/helpers.js";
import { reconcile } from "../reconcile.js";
import { HealthcheckRunner, type HealthcheckStatus, type HealthDeps } from "./runner.js";

export class Healthchecks {
  private readonly runners = new Map<string, HealthcheckRunner>();

  constructor(private readonly deps: HealthDeps) {}

  apply(configs: readonly HealthcheckConfig[]): void {
    reconcile(this.runners, configs, {
      configOf: (r) => r.config,
      add: (c) => {
        const r = new HealthcheckRunner(c, this.deps);
        r.start();
        return r;
      },
      remove: (r) => void r.stop(true),
      change: (r, c) => {
        r.update(c);
        return r;
      },
    });
  }

  status(): HealthcheckStatus[] {
    return [...this.runners.values()].map((r) => r.view());
  }

  /** kbgpd is exiting without a stop (a crash): synchronous, from the process's `exit` event. */
  kill(): void {
    for (const r of this.runners.values()) r.kill();
  }

  async stop(): Promise<void> {
    await Promise.all([...this.runners.values()].map((r) => r.stop(false)));
  }
}
