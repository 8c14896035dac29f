/** KEEPALIVE (RFC 4271 §4.4): a bare header, built once. */
import { HEADER_LENGTH, MessageType } from "./constants.js";

export const KEEPALIVE: Uint8Array = (() => {
  const b = new Uint8Array(HEADER_LENGTH).fill(0xff);
  b[16] = 0;
  b[17] = HEADER_LENGTH;
  b[18] = MessageType.KEEPALIVE;
  return b;
})();
