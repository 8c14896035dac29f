/**
 * OPEN (RFC 4271 §4.2) with its optional parameters: capabilities (RFC 5492) in one or more parameters,
 * and the extended parameter length of RFC 9072 when they do not fit in 255 bytes. Decoding applies the
 * §6.2 checks that need nothing but the message; peer AS and identifier collisions are session rules.
 */

import { type Capability, decodeCapability, findCapability, writeCapability } from "./capabilities.js";
import { AS_TRANS, MessageType } from "./constants.js";
import { bgpError, type Decoded, ErrorCode, fail, OpenSubcode, ok } from "./errors.js";
import { beginMessage, finishMessage } from "./header.js";
import { ByteWriter, u16, u32 } from "./writer.js";

export interface OpenMessage {
  readonly type: typeof MessageType.OPEN;
  readonly version: number;
  /** The 2-octet "My Autonomous System" field: AS_TRANS when the real AS needs four octets. */
  readonly myAs: number;
  readonly holdTime: number;
  /** BGP Identifier as an unsigned 32-bit number. */
  readonly bgpId: number;
  readonly capabilities: readonly Capability[];
}

const PARAM_CAPABILITIES = 2;
/** RFC 9072 §2 */
const PARAM_EXTENDED_LENGTH = 255;

/** The speaker's AS: the 4-octet AS capability when present (RFC 6793 §4.1), else My Autonomous System. */
export function openAsn(open: OpenMessage): number {
  return findCapability(open.capabilities, "four-octet-as")?.asn ?? open.myAs;
}

const openError = (subcode: number, reason: string, data?: Uint8Array) =>
  bgpError(ErrorCode.OPEN_MESSAGE, subcode, reason, data);

export function decodeOpen(body: Uint8Array): Decoded<OpenMessage> {
  if (body.length < 10) return fail(bgpError(ErrorCode.MESSAGE_HEADER, 2, "OPEN too short"));
  const version = body[0];
  // RFC 4271 §6.2: the data names the version we support.
  if (version !== 4)
    return fail(
      openError(OpenSubcode.UNSUPPORTED_VERSION, `unsupported version ${version}`, Uint8Array.of(0, 4)),
    );
  const myAs = u16(body, 1);
  const holdTime = u16(body, 3);
  if (holdTime === 1 || holdTime === 2)
    return fail(openError(OpenSubcode.UNACCEPTABLE_HOLD_TIME, `hold time ${holdTime}`));
  const bgpId = u32(body, 5);
  // RFC 6286 §2.2
  if (bgpId === 0) return fail(openError(OpenSubcode.BAD_BGP_IDENTIFIER, "BGP identifier is zero"));

  let p = 10;
  let end = 10 + body[9];
  let wide = false;
  // RFC 9072 §2: a non-zero length followed by parameter type 255 announces 2-octet lengths.
  if (body[9] !== 0 && body.length > 10 && body[10] === PARAM_EXTENDED_LENGTH) {
    if (body.length < 13) return fail(openError(0, "truncated extended optional parameters length"));
    wide = true;
    p = 13;
    end = 13 + u16(body, 11);
  }
  if (end !== body.length) return fail(openError(0, "optional parameters length does not match the message"));

  const capabilities: Capability[] = [];
  while (p < end) {
    const hdr = wide ? 3 : 2;
    if (end - p < hdr) return fail(openError(0, "truncated optional parameter"));
    const type = body[p];
    const len = wide ? u16(body, p + 1) : body[p + 1];
    const vs = p + hdr;
    const ve = vs + len;
    if (ve > end) return fail(openError(0, "optional parameter overruns the message"));
    if (type !== PARAM_CAPABILITIES) {
      return fail(
        openError(OpenSubcode.UNSUPPORTED_OPTIONAL_PARAMETER, `unsupported optional parameter ${type}`),
      );
    }
    for (let c = vs; c < ve; ) {
      if (ve - c < 2) return fail(openError(0, "truncated capability"));
      const code = body[c];
      const clen = body[c + 1];
      if (c + 2 + clen > ve) return fail(openError(0, `capability ${code} overruns its parameter`));
      capabilities.push(decodeCapability(code, body.subarray(c + 2, c + 2 + clen)));
      c += 2 + clen;
    }
    p = ve;
  }
  return ok({ type: MessageType.OPEN, version, myAs, holdTime, bgpId, capabilities });
}

export interface OpenParams {
  readonly asn: number;
  readonly holdTime: number;
  readonly bgpId: number;
  readonly capabilities: readonly Capability[];
}

/** Build an OPEN. `asn` above 65535 goes out as AS_TRANS (RFC 6793 §4.1); the caller includes the
 *  4-octet AS capability. All capabilities travel in one parameter, in RFC 9072 form if over 255 bytes. */
export function encodeOpen(o: OpenParams): Uint8Array {
  const caps = new ByteWriter(256);
  for (const c of o.capabilities) writeCapability(caps, c);
  const w = new ByteWriter(64 + caps.pos);
  const start = beginMessage(w, MessageType.OPEN);
  w.u8(4)
    .u16(o.asn > 0xffff ? AS_TRANS : o.asn)
    .u16(o.holdTime)
    .u32(o.bgpId);
  if (caps.pos === 0) w.u8(0);
  else if (caps.pos + 2 <= 255)
    w.u8(caps.pos + 2)
      .u8(PARAM_CAPABILITIES)
      .u8(caps.pos)
      .bytes(caps.buf, 0, caps.pos);
  else {
    w.u8(255)
      .u8(PARAM_EXTENDED_LENGTH)
      .u16(caps.pos + 3);
    w.u8(PARAM_CAPABILITIES).u16(caps.pos).bytes(caps.buf, 0, caps.pos);
  }
  finishMessage(w, start);
  return w.toBytes();
}
