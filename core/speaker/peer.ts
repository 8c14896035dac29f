/**
 * A configured neighbor: its configuration, connections, Adj-RIB-In, counters and the session-level state
 * operators see (`kbgp neighbor`). A peer is also the `PathSource` of the paths it announces.
 */
import type { NeighborConfig } from "../config/types.js";
import { AdjRibIn, type RibInTally } from "../rib/adj-rib-in.js";
import type { LocRib } from "../rib/loc-rib.js";
import type { PathSource } from "../rib/path.js";
import type { FamilyKey } from "../wire/constants.js";
import { parseIp } from "../wire/ip.js";
import type { Connection } from "./connection.js";

/** RFC 4271 §8.2.2 states, as `kbgp neighbor` shows them. */
export type PeerState = "idle" | "connect" | "active" | "opensent" | "openconfirm" | "established";

export interface NotificationRecord {
  readonly direction: "sent" | "received";
  readonly code: number;
  readonly subcode: number;
  readonly message: string;
  readonly at: number;
}

/** Count a NOTIFICATION in `counts` (a peer's `notificationsSent` or `notificationsReceived`). */
export function countNotification(counts: Map<number, number>, code: number, subcode: number): void {
  const key = code * 256 + subcode;
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

/** Message counters per type, indexed by message type (1..5). */
export type MessageCounts = [number, number, number, number, number, number];

export class Peer implements PathSource {
  readonly local = false;
  readonly addressBytes: Uint8Array;
  config: NeighborConfig;
  /** Learned from the OPEN; before that, what the configuration implies. */
  peerAs: number;
  ebgp: boolean;
  routerId = 0;
  state: PeerState = "idle";
  readonly connections = new Set<Connection>();
  /** The established connection, if any. */
  session: Connection | null = null;
  readonly ribIn: AdjRibIn;
  /** Shut down by an operator (or configuration) until enabled. */
  adminDown = false;
  /** Stopped by its prefix limit (RFC 4486 §4): `Idle(PfxCt)`. */
  prefixLimitDown = false;
  /** Why this host cannot run the session (SpeakerOptions.unavailable): `Idle(Unavail)` while set. */
  unavailable: string | null = null;
  /** Incoming connections taken in the current window, and when it began (Speaker.screen's rate limit). */
  acceptWindowStart = Number.NEGATIVE_INFINITY;
  acceptsInWindow = 0;
  /** The prefix count passed the warning threshold this session (logged once). */
  prefixWarned = false;
  upSince: number | null = null;
  downSince: number;
  establishedCount = 0;
  /** Sessions lost since the last one that stayed up, for the reconnect back-off. */
  failures = 0;
  readonly sent: MessageCounts = [0, 0, 0, 0, 0, 0];
  readonly received: MessageCounts = [0, 0, 0, 0, 0, 0];
  lastError: string | null = null;
  lastNotification: NotificationRecord | null = null;
  /** NOTIFICATIONs sent and received, keyed `code * 256 + subcode` (a handful of keys; for metrics). */
  readonly notificationsSent = new Map<number, number>();
  readonly notificationsReceived = new Map<number, number>();
  /** Graceful restart (RFC 4724 §4.2): families whose paths are stale, waiting for End-of-RIB. */
  readonly staleFamilies = new Set<FamilyKey>();
  /** RFC 7606 AFI/SAFI disable: families ignored for the rest of the session. */
  readonly disabledFamilies = new Set<FamilyKey>();
  /** The peer's hostname from the FQDN capability, for display. */
  hostname: string | null = null;

  constructor(
    config: NeighborConfig,
    readonly localAs: number,
    now: number,
    locRib: LocRib,
    tally?: RibInTally,
  ) {
    this.ribIn = new AdjRibIn(this, locRib, tally);
    this.config = config;
    this.addressBytes = parseIp(config.address) ?? new Uint8Array(4);
    this.peerAs = typeof config.peerAs === "number" ? config.peerAs : localAs;
    this.ebgp = typeof config.peerAs === "number" ? config.peerAs !== localAs : config.peerAs === "external";
    this.downSince = now;
  }

  get id(): string {
    return this.config.address;
  }

  get rrClient(): boolean {
    return this.config.routeReflectorClient;
  }

  get learnedToEbgp(): boolean {
    return this.config.learnedToEbgp;
  }
}
