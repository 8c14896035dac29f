/**
 * The 19-byte message header (RFC 4271 §4.1): a marker of sixteen 0xff bytes, the total length, the type.
 * `checkHeader` applies the §6.1 checks, including each type's minimum length and RFC 8654 §4's rule that
 * OPEN and KEEPALIVE never exceed 4096 bytes.
 */
import { HEADER_LENGTH, MAX_MESSAGE_LENGTH, MessageType } from "./constants.js";
import { type BgpError, bgpError, ErrorCode, HeaderSubcode } from "./errors.js";
import type { ByteWriter } from "./writer.js";

/** RFC 4271 §4.2-§4.5, RFC 2918 §3: smallest legal total length per message type. */
const MIN_LENGTH = [0, 29, 23, 21, 19, 23];

/** Check the header at b[off]; returns the error, or null when the header is acceptable.
 *  `maxLength` is 4096, or 65535 once Extended Messages are negotiated. */
export function checkHeader(b: Uint8Array, off: number, maxLength: number): BgpError | null {
  for (let i = 0; i < 16; i++) {
    if (b[off + i] !== 0xff) {
      return bgpError(
        ErrorCode.MESSAGE_HEADER,
        HeaderSubcode.CONNECTION_NOT_SYNCHRONIZED,
        "marker is not all ones",
      );
    }
  }
  const length = (b[off + 16] << 8) | b[off + 17];
  const type = b[off + 18];
  if (type < MessageType.OPEN || type > MessageType.ROUTE_REFRESH) {
    return bgpError(
      ErrorCode.MESSAGE_HEADER,
      HeaderSubcode.BAD_MESSAGE_TYPE,
      `unknown message type ${type}`,
      Uint8Array.of(type),
    );
  }
  const max = type === MessageType.OPEN || type === MessageType.KEEPALIVE ? MAX_MESSAGE_LENGTH : maxLength;
  if (
    length < MIN_LENGTH[type] ||
    length > max ||
    (type === MessageType.KEEPALIVE && length !== HEADER_LENGTH)
  ) {
    return bgpError(
      ErrorCode.MESSAGE_HEADER,
      HeaderSubcode.BAD_MESSAGE_LENGTH,
      `bad length ${length} for message type ${type}`,
      Uint8Array.of(length >>> 8, length & 0xff),
    );
  }
  return null;
}

/** Start a message: marker, a length placeholder, the type. Returns the offset of the message start for
 *  `finishMessage`. */
export function beginMessage(w: ByteWriter, type: MessageType): number {
  const start = w.pos;
  w.fill(0xff, 16).u16(0).u8(type);
  return start;
}

export function finishMessage(w: ByteWriter, start: number): void {
  w.patch16(start + 16, w.pos - start);
}
