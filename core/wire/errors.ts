/**
 * Errors as values. A protocol error is the NOTIFICATION it would cause (code, subcode, data) plus a short
 * machine-readable reason; RFC 7606 outcomes of UPDATE decoding are an action ordered by severity.
 * Nothing in the decoder throws: every fault becomes one of these.
 */

/** NOTIFICATION error codes: RFC 4271 §4.5, RFC 7313 §5 (code 7). */
export const ErrorCode = {
  MESSAGE_HEADER: 1,
  OPEN_MESSAGE: 2,
  UPDATE_MESSAGE: 3,
  HOLD_TIMER_EXPIRED: 4,
  FSM: 5,
  CEASE: 6,
  ROUTE_REFRESH: 7,
  /** RFC 9687 */
  SEND_HOLD_TIMER_EXPIRED: 8,
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** RFC 4271 §6.1 */
export const HeaderSubcode = {
  CONNECTION_NOT_SYNCHRONIZED: 1,
  BAD_MESSAGE_LENGTH: 2,
  BAD_MESSAGE_TYPE: 3,
} as const;

/** RFC 4271 §6.2, RFC 5492 §5 (7), RFC 9234 §4.2 (11) */
export const OpenSubcode = {
  UNSUPPORTED_VERSION: 1,
  BAD_PEER_AS: 2,
  BAD_BGP_IDENTIFIER: 3,
  UNSUPPORTED_OPTIONAL_PARAMETER: 4,
  UNACCEPTABLE_HOLD_TIME: 6,
  UNSUPPORTED_CAPABILITY: 7,
  ROLE_MISMATCH: 11,
} as const;

/** RFC 4271 §6.3 */
export const UpdateSubcode = {
  MALFORMED_ATTRIBUTE_LIST: 1,
  UNRECOGNIZED_WELL_KNOWN_ATTRIBUTE: 2,
  MISSING_WELL_KNOWN_ATTRIBUTE: 3,
  ATTRIBUTE_FLAGS_ERROR: 4,
  ATTRIBUTE_LENGTH_ERROR: 5,
  INVALID_ORIGIN: 6,
  INVALID_NEXT_HOP: 8,
  OPTIONAL_ATTRIBUTE_ERROR: 9,
  INVALID_NETWORK_FIELD: 10,
  MALFORMED_AS_PATH: 11,
} as const;

/** RFC 6608 §4 */
export const FsmSubcode = {
  UNSPECIFIED: 0,
  UNEXPECTED_IN_OPENSENT: 1,
  UNEXPECTED_IN_OPENCONFIRM: 2,
  UNEXPECTED_IN_ESTABLISHED: 3,
} as const;

/** RFC 4486 §4, RFC 8538 §3 (9), RFC 9384 (10) */
export const CeaseSubcode = {
  MAX_PREFIXES: 1,
  ADMINISTRATIVE_SHUTDOWN: 2,
  PEER_DECONFIGURED: 3,
  ADMINISTRATIVE_RESET: 4,
  CONNECTION_REJECTED: 5,
  OTHER_CONFIGURATION_CHANGE: 6,
  CONNECTION_COLLISION: 7,
  OUT_OF_RESOURCES: 8,
  HARD_RESET: 9,
  BFD_DOWN: 10,
} as const;

/** RFC 7313 §5 */
export const RouteRefreshSubcode = { INVALID_MESSAGE_LENGTH: 1 } as const;

/** A protocol error: the NOTIFICATION that reports it, and why, for logs and the CLI. */
export interface BgpError {
  readonly code: number;
  readonly subcode: number;
  readonly data: Uint8Array;
  readonly reason: string;
}

const EMPTY = new Uint8Array(0);

export function bgpError(code: number, subcode: number, reason: string, data: Uint8Array = EMPTY): BgpError {
  return { code, subcode, data, reason };
}

/** Result of decoding one message: the message, or the error it causes. */
export type Decoded<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: BgpError };

export const ok = <T>(value: T): Decoded<T> => ({ ok: true, value });
export const fail = <T>(error: BgpError): Decoded<T> => ({ ok: false, error });

/**
 * RFC 7606 §2 approaches, ordered by severity so the strongest of several problems is `Math.max`.
 * NONE: nothing wrong. ATTRIBUTE_DISCARD: the attribute was dropped, the routes stand.
 * TREAT_AS_WITHDRAW: the UPDATE's routes are withdrawn. AFI_SAFI_DISABLE and SESSION_RESET: the UPDATE
 * could not be parsed far enough to know its routes; the NOTIFICATION is in `UpdateProblem.error`.
 */
export const UpdateAction = {
  NONE: 0,
  ATTRIBUTE_DISCARD: 1,
  TREAT_AS_WITHDRAW: 2,
  AFI_SAFI_DISABLE: 3,
  SESSION_RESET: 4,
} as const;
export type UpdateAction = (typeof UpdateAction)[keyof typeof UpdateAction];
export const UPDATE_ACTION_NAMES = [
  "none",
  "attribute-discard",
  "treat-as-withdraw",
  "afi-safi-disable",
  "session-reset",
] as const;

/** One thing wrong with an UPDATE: which attribute (0 when none), what RFC 7606 says to do, and the
 *  NOTIFICATION RFC 4271 §6.3 associates with it (sent only when the action is a session reset). */
export interface UpdateProblem {
  readonly action: UpdateAction;
  readonly attrType: number;
  readonly error: BgpError;
  /** The address family concerned, for AFI_SAFI_DISABLE (`afi << 8 | safi`). */
  readonly family?: number;
}
