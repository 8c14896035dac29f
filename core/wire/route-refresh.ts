/**
 * ROUTE-REFRESH (RFC 2918 §3) and its Enhanced Route Refresh subtypes (RFC 7313 §3.2): a normal request,
 * Beginning of Route Refresh and End of Route Refresh. Subtype-0 messages may carry ORF entries
 * (RFC 5291), kept raw.
 */
import { HEADER_LENGTH, MessageType } from "./constants.js";
import { bgpError, type Decoded, ErrorCode, fail, ok, RouteRefreshSubcode } from "./errors.js";
import { beginMessage, finishMessage } from "./header.js";
import { ByteWriter, u16 } from "./writer.js";

export const RefreshSubtype = { NORMAL: 0, BORR: 1, EORR: 2 } as const;
export type RefreshSubtype = (typeof RefreshSubtype)[keyof typeof RefreshSubtype];

export interface RouteRefreshMessage {
  readonly type: typeof MessageType.ROUTE_REFRESH;
  readonly afi: number;
  readonly safi: number;
  /** 0 normal, 1 BoRR, 2 EoRR; RFC 7313 §5 says to ignore other values. */
  readonly subtype: number;
  /** ORF entries following a normal request (RFC 5291), raw. */
  readonly orf?: Uint8Array;
}

/** `enhanced`: the peer advertised Enhanced Route Refresh, which brings the §5 length rule. */
export function decodeRouteRefresh(body: Uint8Array, enhanced: boolean): Decoded<RouteRefreshMessage> {
  if (body.length < 4) return fail(bgpError(ErrorCode.MESSAGE_HEADER, 2, "ROUTE-REFRESH too short"));
  const subtype = body[2];
  // RFC 7313 §5: BoRR/EoRR are exactly four octets; the data is the whole offending message.
  if (enhanced && (subtype === RefreshSubtype.BORR || subtype === RefreshSubtype.EORR) && body.length !== 4) {
    const whole = new ByteWriter(HEADER_LENGTH + body.length);
    const start = beginMessage(whole, MessageType.ROUTE_REFRESH);
    whole.bytes(body);
    finishMessage(whole, start);
    return fail(
      bgpError(
        ErrorCode.ROUTE_REFRESH,
        RouteRefreshSubcode.INVALID_MESSAGE_LENGTH,
        "BoRR/EoRR length is not 4",
        whole.toBytes(),
      ),
    );
  }
  const msg = { type: MessageType.ROUTE_REFRESH, afi: u16(body, 0), safi: body[3], subtype } as const;
  return ok(body.length > 4 ? { ...msg, orf: body.slice(4) } : msg);
}

export function encodeRouteRefresh(
  afi: number,
  safi: number,
  subtype: number = RefreshSubtype.NORMAL,
): Uint8Array {
  const w = new ByteWriter(HEADER_LENGTH + 4);
  const start = beginMessage(w, MessageType.ROUTE_REFRESH);
  w.u16(afi).u8(subtype).u8(safi);
  finishMessage(w, start);
  return w.toBytes();
}
