/**
 * Every configured helper process: started with kbgpd, reconciled on reload (added ones started, removed
 * ones stopped with their routes withdrawn, changed ones restarted, unchanged ones left running), stopped
 * together when kbgpd stops.
 */
import type { ProcessConfig } from "../../core/config/helpers.js";
import { reconcile } from "../reconcile.js";
import { type HelperDeps, HelperProcess, type HelperStatus } from "./helper.js";

export class ProcessSupervisor {
  private readonly helpers = new Map<string, HelperProcess>();
  /** Helpers a reload is still stopping, so kbgpd's own stop waits for them too. */
  private readonly leaving = new Set<Promise<void>>();

  constructor(private readonly deps: HelperDeps) {}

  apply(configs: readonly ProcessConfig[]): void {
    reconcile(this.helpers, configs, {
      configOf: (h) => h.config,
      add: (c) => {
        const h = new HelperProcess(c, this.deps);
        h.start();
        return h;
      },
      remove: (h) => void this.retire(h),
      change: (old, c) => {
        // The new one starts once the old one is gone, so two never run (or announce) at once.
        const h = new HelperProcess(c, this.deps);
        void this.retire(old).then(() => h.start());
        return h;
      },
    });
  }

  private retire(h: HelperProcess): Promise<void> {
    const p = h.stop(true).finally(() => this.leaving.delete(p));
    this.leaving.add(p);
    return p;
  }

  status(): HelperStatus[] {
    return [...this.helpers.values()].map((h) => h.status());
  }

  /** kbgpd is exiting without a stop (a crash): synchronous, from the process's `exit` event. */
  kill(): void {
    for (const h of this.helpers.values()) h.kill();
  }

  /** kbgpd stops: every helper ends (SIGTERM, then SIGKILL); their routes go with the sessions. */
  async stop(): Promise<void> {
    await Promise.all([...[...this.helpers.values()].map((h) => h.stop(false)), ...this.leaving]);
  }
}
