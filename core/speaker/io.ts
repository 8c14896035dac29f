/**
 * The speaker's contract with the daemon: inputs (what happened: a connection, bytes, a timer, an
 * operator action) and outputs (what to do: connect, send, close, log). The daemon owns sockets and the
 * clock and does nothing but execute outputs and report inputs, so a recorded run of inputs replays
 * exactly in a test.
 *
 * Connection ids: the speaker numbers the connections it opens with odd numbers, the daemon numbers the
 * ones it accepts with even numbers, so both can be replayed.
 */
import type { RouteConfig, SpeakerConfig } from "../config/types.js";

/** What names an originated route: withdrawing needs nothing else. */
export type RouteId = Pick<RouteConfig, "prefix" | "identifier" | "neighbors">;

export interface Endpoint {
  readonly address: string;
  readonly port: number;
}

export type AdminAction = "shutdown" | "enable" | "reset" | "soft-reset-in" | "soft-reset-out";

export type Input =
  | { readonly kind: "start" }
  /** Time passed: timers whose deadline is reached fire. */
  | { readonly kind: "tick" }
  /** A TCP connection arrived on a listening socket. */
  | { readonly kind: "accepted"; readonly conn: number; readonly local: Endpoint; readonly remote: Endpoint }
  /** An outgoing connection (from a `connect` output) is up. */
  | { readonly kind: "connected"; readonly conn: number; readonly local: Endpoint }
  | { readonly kind: "connect-failed"; readonly conn: number; readonly reason: string }
  | { readonly kind: "data"; readonly conn: number; readonly bytes: Uint8Array }
  /** Everything handed over with `notify` has been written to the socket. */
  | { readonly kind: "drained"; readonly conn: number }
  | { readonly kind: "closed"; readonly conn: number; readonly reason: string }
  | {
      readonly kind: "admin";
      readonly neighbor: string;
      readonly action: AdminAction;
      readonly message?: string;
    }
  | { readonly kind: "reconfigure"; readonly config: SpeakerConfig }
  /** Originate routes on behalf of `source` ("api", "k8s"…): add or change them, withdraw them (by prefix,
   *  identifier and neighbors: core/config/route-key.ts), withdraw them all, or make them the whole set. */
  | {
      readonly kind: "routes";
      readonly source: string;
      readonly op: "add" | "replace";
      readonly routes: readonly RouteConfig[];
    }
  | {
      readonly kind: "routes";
      readonly source: string;
      readonly op: "remove";
      readonly routes: readonly RouteId[];
    }
  | { readonly kind: "routes"; readonly source: string; readonly op: "clear" }
  /**
   * Stop: NOTIFICATION Cease/Administrative Shutdown to every peer (or nothing, for a graceful restart).
   * `exiting`: the process ends right after, so the peers' routes are left in the RIBs instead of being
   * withdrawn one by one (1.7 s for a full table) from tables nobody reads again; a speaker stopped so must
   * not be started again.
   */
  | {
      readonly kind: "stop";
      readonly gracefulRestart: boolean;
      readonly message?: string;
      readonly exiting?: boolean;
    };

export type LogLevel = "debug" | "info" | "warn" | "error";

export type Output =
  | {
      readonly kind: "connect";
      readonly conn: number;
      readonly remote: Endpoint;
      readonly localAddress: string | null;
    }
  /** Write bytes; with `notify`, report `drained` once they are written. */
  | { readonly kind: "send"; readonly conn: number; readonly data: Uint8Array; readonly notify: boolean }
  /** Close after what was sent so far is flushed. */
  | { readonly kind: "close"; readonly conn: number }
  | {
      readonly kind: "log";
      readonly level: LogLevel;
      readonly msg: string;
      readonly neighbor?: string;
      readonly data?: Record<string, unknown>;
    };
