/**
 * Cuts a TCP byte stream into BGP messages (RFC 4271 §4.1), checking each header (§6.1, RFC 8654). After a
 * header error the framer stops: RFC 4271 §6.1 requires closing the connection.
 */
import { HEADER_LENGTH, MAX_MESSAGE_LENGTH } from "./constants.js";
import type { BgpError } from "./errors.js";
import { checkHeader } from "./header.js";
import { Reassembler } from "./reassembler.js";

/** Receives each message: its type and body (the bytes after the header, a view valid during the call
 *  unless copied). */
export type MessageSink = (type: number, body: Uint8Array) => void;

export class MessageFramer {
  /** 4096, raised to 65535 when RFC 8654 Extended Messages are negotiated. */
  maxLength = MAX_MESSAGE_LENGTH;
  private readonly stream = new Reassembler<BgpError>(
    HEADER_LENGTH,
    (b, p) => checkHeader(b, p, this.maxLength) ?? (b[p + 16] << 8) | b[p + 17],
  );

  /** Bytes held for an incomplete message. */
  get buffered(): number {
    return this.stream.buffered;
  }

  /** Feed one chunk. Returns the header error that ends the stream, or null. */
  push(chunk: Uint8Array, sink: MessageSink): BgpError | null {
    return this.stream.push(chunk, (b, p, len) => sink(b[p + 18], b.subarray(p + HEADER_LENGTH, p + len)));
  }
}
