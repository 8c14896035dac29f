/**
 * Cuts a TCP byte stream into BGP messages. Whole messages inside a chunk are handed out as views of that
 * chunk (no copy); only a message split across chunks is assembled, in a buffer of exactly its size.
 * After a header error the framer stops: RFC 4271 §6.1 requires closing the connection.
 */

import { plainBytes } from "./bytes.js";
import { HEADER_LENGTH, MAX_MESSAGE_LENGTH } from "./constants.js";
import type { BgpError } from "./errors.js";
import { checkHeader } from "./header.js";

/** Receives each message: its type and body (the bytes after the header, a view valid during the call
 *  unless copied). */
export type MessageSink = (type: number, body: Uint8Array) => void;

export class MessageFramer {
  /** 4096, raised to 65535 when RFC 8654 Extended Messages are negotiated. */
  maxLength = MAX_MESSAGE_LENGTH;
  private partial: Uint8Array | null = null;
  private filled = 0;
  private failed: BgpError | null = null;

  /** Bytes held for an incomplete message. */
  get buffered(): number {
    return this.partial ? this.filled : 0;
  }

  /** Feed one chunk. Returns the header error that ends the stream, or null. */
  push(input: Uint8Array, sink: MessageSink): BgpError | null {
    if (this.failed) return this.failed;
    const chunk = plainBytes(input);
    let p = 0;
    const n = chunk.length;
    if (this.partial) {
      p = this.fillPartial(chunk, sink);
      if (p < 0) return this.failed;
      if (this.partial) return null;
    }
    while (n - p >= HEADER_LENGTH) {
      const err = checkHeader(chunk, p, this.maxLength);
      if (err) return (this.failed = err);
      const len = (chunk[p + 16] << 8) | chunk[p + 17];
      if (p + len > n) break;
      sink(chunk[p + 18], chunk.subarray(p + HEADER_LENGTH, p + len));
      p += len;
    }
    if (p < n) this.keep(chunk, p);
    return null;
  }

  private keep(chunk: Uint8Array, p: number): void {
    const rest = chunk.length - p;
    const size = rest >= HEADER_LENGTH ? (chunk[p + 16] << 8) | chunk[p + 17] : HEADER_LENGTH;
    this.partial = new Uint8Array(size);
    this.partial.set(chunk.subarray(p));
    this.filled = rest;
  }

  /** Continue the partial message with the start of `chunk`; returns how much of the chunk it used, or -1
   *  on a header error. */
  private fillPartial(chunk: Uint8Array, sink: MessageSink): number {
    let buf = this.partial!;
    let p = 0;
    if (this.filled < HEADER_LENGTH) {
      const take = Math.min(HEADER_LENGTH - this.filled, chunk.length);
      buf.set(chunk.subarray(0, take), this.filled);
      this.filled += take;
      p = take;
      if (this.filled < HEADER_LENGTH) return p;
      const err = checkHeader(buf, 0, this.maxLength);
      if (err) {
        this.failed = err;
        this.partial = null;
        return -1;
      }
      const len = (buf[16] << 8) | buf[17];
      if (len > HEADER_LENGTH) {
        const whole = new Uint8Array(len);
        whole.set(buf);
        buf = this.partial = whole;
      }
    }
    const take = Math.min(buf.length - this.filled, chunk.length - p);
    buf.set(chunk.subarray(p, p + take), this.filled);
    this.filled += take;
    p += take;
    if (this.filled === buf.length) {
      this.partial = null;
      sink(buf[18], buf.subarray(HEADER_LENGTH));
    }
    return p;
  }
}
