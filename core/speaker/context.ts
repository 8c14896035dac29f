/** What the speaker's parts share: configuration, Loc-RIB, the interner, timers, and output. */
import type { GlobalConfig } from "../config/types.js";
import type { Destination, LocRib } from "../rib/loc-rib.js";
import type { AttrInterner } from "../wire/attr-set.js";
import type { Connection } from "./connection.js";
import type { Deadlines } from "./deadlines.js";
import type { LogLevel, Output } from "./io.js";

export interface SpeakerContext {
  readonly global: GlobalConfig;
  readonly locRib: LocRib;
  readonly interner: AttrInterner;
  readonly timers: Deadlines;
  /** The time of the input being handled (ms). */
  readonly now: number;
  emit(o: Output): void;
  log(level: LogLevel, msg: string, neighbor?: string, data?: Record<string, unknown>): void;
  /** A best path changed: every session that carries the family must reconcile it. */
  changed(d: Destination): void;
  /** Something was sent on an established connection with nothing else unwritten: start its Send Hold
   *  Timer (RFC 9687). */
  watchSending(c: Connection): void;
}
