/**
 * What the speaker tells a monitor (the control API's `monitor.start`, docs/api.md): Loc-RIB path and
 * best-path changes, and neighbor changes. The daemon attaches one observer while anybody subscribes and
 * detaches it when the last one leaves.
 *
 * Why an observer and not a kind of output:
 * - Outputs are what the daemon must do (connect, send, close, log), and a replay compares them; a
 *   monitor event changes nothing outside and would only make every recording depend on whether somebody
 *   was watching.
 * - The observer is called in the middle of `handle()`, at the moment of the change, on the one thread
 *   that changes the RIBs. The daemon can therefore register a subscription and copy the table in one
 *   synchronous step between two inputs, and every later change reaches that subscription: a snapshot plus
 *   the events after it is the exact state, by construction.
 * - Events carry references to the (immutable) paths rather than rendered copies, so the daemon renders
 *   only what it actually sends.
 * - With nobody subscribed the observer is null: the RIB pays one null check per change and allocates
 *   nothing (bench/rib-update.ts measures it).
 * The shape follows BIRD's protocol hooks (a table notifies whoever attached), so core stays free of I/O:
 * the observer is injected like the random generator is.
 */
import type { RibObserver } from "../rib/loc-rib.js";
import type { Peer } from "./peer.js";

export interface SpeakerObserver extends RibObserver {
  /** A neighbor was added, or its state (RFC 4271 §8.2.2), `adminDown` or `prefixLimitDown` changed. When
   *  it goes down, `lastError` already says why. */
  neighborChanged(p: Peer): void;
  /** A neighbor was removed from the configuration (its paths are withdrawn before this call). */
  neighborRemoved(p: Peer): void;
}
