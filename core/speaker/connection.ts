/**
 * One TCP connection to a neighbor and its protocol state (RFC 4271 §8.2.2: OpenSent → OpenConfirm →
 * Established). A neighbor can have two at once — one it opened, one we accepted — until collision
 * detection (§6.8) keeps one.
 */

import type { Exporter } from "../policy/export.js";
import type { AdjRibOut } from "../rib/adj-rib-out.js";
import type { FamilyKey } from "../wire/constants.js";
import { MessageFramer } from "../wire/framer.js";
import type { Negotiated } from "../wire/negotiate.js";
import type { OpenMessage } from "../wire/open.js";
import type { Endpoint } from "./io.js";

export type ConnState = "connecting" | "opensent" | "openconfirm" | "established" | "closed";

export class Connection {
  state: ConnState = "connecting";
  readonly framer = new MessageFramer();
  local: Endpoint | null = null;
  /** The OPEN we sent on this connection, and the one received. */
  localOpen: OpenMessage | null = null;
  remoteOpen: OpenMessage | null = null;
  negotiated: Negotiated | null = null;
  /** Established only: what was sent and what is left to send. */
  ribOut: AdjRibOut | null = null;
  exporter: Exporter | null = null;
  /** The keepalive interval in use (before jitter), once the hold time is negotiated; 0 for none. */
  keepaliveSeconds = 0;
  /** Sends made with `notify` that the daemon has not yet reported written. */
  unwritten = 0;
  /** Families whose initial table went out, followed by End-of-RIB (RFC 4724 §4). */
  readonly endOfRibSent = new Set<FamilyKey>();
  /** Families being refreshed with Enhanced Route Refresh: EoRR follows the re-sent table (RFC 7313). */
  readonly refreshing = new Set<FamilyKey>();

  constructor(
    readonly id: number,
    readonly direction: "in" | "out",
    readonly remote: Endpoint,
  ) {}

  /** Waiting for the daemon to report what was sent written (backpressure): one batch in flight at most. */
  get awaitingDrain(): boolean {
    return this.unwritten > 0;
  }

  get open(): boolean {
    return this.state !== "closed";
  }
}
