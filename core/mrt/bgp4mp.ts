/**
 * BGP4MP and BGP4MP_ET (RFC 6396 §4.4): BGP messages and FSM state changes as a collector recorded them,
 * with the peer and local addresses and AS numbers; RFC 8050 adds the ADD-PATH message subtypes.
 */
import { Afi } from "../wire/index.js";
import { Bgp4mpSubtype as S } from "./constants.js";

interface Endpoints {
  readonly peerAs: number;
  readonly localAs: number;
  readonly ifIndex: number;
  readonly afi: number;
  /** 4 or 16 bytes; views of the record, like `message`. */
  readonly peerAddress: Uint8Array;
  readonly localAddress: Uint8Array;
}

export interface Bgp4mpMessage extends Endpoints {
  readonly kind: "message";
  /** AS numbers in the message are 4 octets (the _AS4 subtypes). */
  readonly as4: boolean;
  /** NLRI carry path identifiers (RFC 8050 §3). */
  readonly addPath: boolean;
  /** Sent by the local side rather than received (the _LOCAL subtypes). */
  readonly local: boolean;
  /** The whole BGP message, header included. */
  readonly message: Uint8Array;
}

export interface Bgp4mpStateChange extends Endpoints {
  readonly kind: "state";
  readonly oldState: number;
  readonly newState: number;
}

const u16 = (b: Uint8Array, i: number) => (b[i] << 8) | b[i + 1];
const u32 = (b: Uint8Array, i: number) =>
  ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;

const MESSAGE_FLAGS: Record<number, { as4: boolean; addPath: boolean; local: boolean }> = {
  [S.MESSAGE]: { as4: false, addPath: false, local: false },
  [S.MESSAGE_AS4]: { as4: true, addPath: false, local: false },
  [S.MESSAGE_LOCAL]: { as4: false, addPath: false, local: true },
  [S.MESSAGE_AS4_LOCAL]: { as4: true, addPath: false, local: true },
  [S.MESSAGE_ADDPATH]: { as4: false, addPath: true, local: false },
  [S.MESSAGE_AS4_ADDPATH]: { as4: true, addPath: true, local: false },
  [S.MESSAGE_LOCAL_ADDPATH]: { as4: false, addPath: true, local: true },
  [S.MESSAGE_AS4_LOCAL_ADDPATH]: { as4: true, addPath: true, local: true },
};

/** Decode a BGP4MP/BGP4MP_ET body; an error message when malformed or of an unknown subtype. */
export function decodeBgp4mp(subtype: number, b: Uint8Array): Bgp4mpMessage | Bgp4mpStateChange | string {
  const flags = MESSAGE_FLAGS[subtype];
  const state = subtype === S.STATE_CHANGE || subtype === S.STATE_CHANGE_AS4;
  if (!flags && !state) return `unsupported BGP4MP subtype ${subtype}`;
  const asLen = (flags ? flags.as4 : subtype === S.STATE_CHANGE_AS4) ? 4 : 2;
  const head = 2 * asLen + 4;
  if (b.length < head) return "BGP4MP record too short";
  const peerAs = asLen === 4 ? u32(b, 0) : u16(b, 0);
  const localAs = asLen === 4 ? u32(b, asLen) : u16(b, asLen);
  const ifIndex = u16(b, 2 * asLen);
  const afi = u16(b, 2 * asLen + 2);
  if (afi !== Afi.IPV4 && afi !== Afi.IPV6) return `BGP4MP address family ${afi} is not IPv4 or IPv6`;
  const alen = afi === Afi.IPV4 ? 4 : 16;
  const p = head + 2 * alen;
  if (b.length < p) return "BGP4MP addresses overrun the record";
  // Views, like the message: items are transient, and copying would cost an ArrayBuffer each.
  const peerAddress = b.subarray(head, head + alen);
  const localAddress = b.subarray(head + alen, p);
  if (state) {
    if (b.length < p + 4) return "BGP4MP state change too short";
    const [oldState, newState] = [u16(b, p), u16(b, p + 2)];
    return { kind: "state", peerAs, localAs, ifIndex, afi, peerAddress, localAddress, oldState, newState };
  }
  // Built field by field: object spreads here cost more than the rest of the header parsing.
  const { as4, addPath, local } = flags!;
  const message = b.subarray(p);
  return {
    kind: "message",
    peerAs,
    localAs,
    ifIndex,
    afi,
    peerAddress,
    localAddress,
    as4,
    addPath,
    local,
    message,
  };
}
