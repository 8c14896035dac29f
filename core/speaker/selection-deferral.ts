/**
 * RFC 4724 §4.1, the restarting speaker: after a graceful restart kbgpd defers route selection until every
 * graceful-restart peer has sent End-of-RIB for each family of its session, or the selection deferral timer
 * fires. kbgpd installs no forwarding state, so deferring selection means holding back what it advertises:
 * peers keep our pre-restart routes (stale) and see the new table once, complete, followed by End-of-RIB.
 * Peers without the capability and peers restarting themselves (their R bit) are not waited for.
 */
import type { FamilyKey } from "../wire/constants.js";
import type { Connection } from "./connection.js";
import type { Peer } from "./peer.js";

export class SelectionDeferral {
  /** Peers still awaited: the families without End-of-RIB, or null while the session is not up. */
  private readonly waiting = new Map<Peer, Set<FamilyKey> | null>();

  /** Wait for every peer that runs graceful restart with us and is not shut down. */
  expect(peers: Iterable<Peer>): void {
    for (const p of peers) if (p.config.gracefulRestart.enabled && !p.adminDown) this.waiting.set(p, null);
  }

  /**
   * A session came up: wait for End-of-RIB on its families, unless the peer cannot or need not send it
   * first; then say why it is not waited for.
   */
  established(p: Peer, c: Connection): string | null {
    if (!this.waiting.has(p)) return null;
    const gr = c.negotiated!.gracefulRestart;
    if (gr && !gr.restartState) {
      this.waiting.set(p, new Set(c.negotiated!.families));
      return null;
    }
    this.waiting.delete(p);
    return gr ? "it is restarting too (Restart State bit)" : "it has no graceful restart capability";
  }

  endOfRib(p: Peer, family: FamilyKey): void {
    const families = this.waiting.get(p);
    if (!families) return;
    families.delete(family);
    if (families.size === 0) this.waiting.delete(p);
  }

  /** The peer was shut down or removed from the configuration. */
  forget(p: Peer): void {
    this.waiting.delete(p);
  }

  get done(): boolean {
    return this.waiting.size === 0;
  }

  /** The neighbors still awaited, for logs and status. */
  pending(): string[] {
    return [...this.waiting.keys()].map((p) => p.id);
  }
}
