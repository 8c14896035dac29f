/**
 * What decoding and encoding depend on beyond the bytes: the capabilities both sides negotiated, and
 * whether the session is internal or external. One context per session (or per MRT record kind).
 */
import type { FamilyKey } from "./constants.js";

export interface CodecContext {
  /** RFC 6793: AS numbers in AS_PATH and AGGREGATOR are four octets. */
  readonly as4: boolean;
  /** RFC 7911: families whose NLRI carry path identifiers in this direction. */
  readonly addPath: ReadonlySet<FamilyKey>;
  /** RFC 8654: messages up to 65535 bytes. */
  readonly extendedMessage: boolean;
  /** RFC 8950: families whose next hop may be an IPv6 address although the NLRI is not. */
  readonly extendedNextHop: ReadonlySet<FamilyKey>;
  /** External session: LOCAL_PREF, ORIGINATOR_ID and CLUSTER_LIST are discarded (RFC 7606 §7.5, §7.9,
   *  §7.10). Undefined when unknown (MRT), which skips those checks. */
  readonly ebgp?: boolean;
  /** MRT TABLE_DUMP_V2 RIB entries (RFC 6396 §4.3.4) abbreviate MP_REACH_NLRI to its next hop. */
  readonly mrtRibEntry?: boolean;
}

const NONE: ReadonlySet<FamilyKey> = new Set();

export function codecContext(init: Partial<CodecContext> = {}): CodecContext {
  return { as4: true, addPath: NONE, extendedMessage: false, extendedNextHop: NONE, ...init };
}

/** A modern session before capabilities are known: 4-octet AS, no ADD-PATH, 4096-byte messages. */
export const DEFAULT_CONTEXT: CodecContext = codecContext();
