/**
 * Cuts a byte stream into MRT records (RFC 6396 §2): a 12-byte header (timestamp, type, subtype, 32-bit
 * length), plus for the _ET types a microsecond field that the length includes (§3). Whole records are
 * handed out as views of the chunk; only a record split across chunks is assembled. Record lengths are
 * 32-bit (records over 64 KiB exist in real dumps); an absurd length is refused instead of allocated.
 */
import { plainBytes } from "../wire/index.js";
import { hasMicroseconds } from "./constants.js";

export interface MrtRecord {
  readonly timestamp: number;
  /** Microseconds for _ET records, else -1. */
  readonly microseconds: number;
  readonly type: number;
  readonly subtype: number;
  /** The message field: a view of the input, valid during the callback unless copied. */
  readonly body: Uint8Array;
}

export type MrtRecordSink = (record: MrtRecord) => void;

/** Far larger than any real record, small enough to refuse garbage instead of allocating it. */
export const MAX_RECORD_LENGTH = 64 * 1024 * 1024;
const HEADER = 12;

const u32 = (b: Uint8Array, i: number) =>
  ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;

export class MrtRecordFramer {
  /** Records handed out so far. */
  count = 0;
  private partial: Uint8Array | null = null;
  private filled = 0;
  private error: string | null = null;

  /** Feed a chunk. Returns an error message when the stream cannot be framed any further. */
  push(input: Uint8Array, sink: MrtRecordSink): string | null {
    if (this.error) return this.error;
    const chunk = plainBytes(input);
    let p = 0;
    if (this.partial) {
      p = this.fill(chunk, sink);
      if (p < 0) return this.error;
      if (this.partial) return null;
    }
    while (chunk.length - p >= HEADER) {
      const len = this.recordLength(chunk, p);
      if (len < 0) return this.error;
      if (p + len > chunk.length) break;
      this.emit(chunk, p, len, sink);
      p += len;
    }
    if (p < chunk.length) {
      const rest = chunk.length - p;
      this.partial = new Uint8Array(rest >= HEADER ? this.recordLength(chunk, p) : HEADER);
      this.partial.set(chunk.subarray(p));
      this.filled = rest;
    }
    return null;
  }

  /** At the end of input: an error when a record was cut short. */
  end(): string | null {
    return this.partial
      ? `truncated MRT record at end of input (${this.filled} bytes of ${this.partial.length})`
      : null;
  }

  /** Whole record length (header included) from the header at b[p]; -1 with `error` set when impossible. */
  private recordLength(b: Uint8Array, p: number): number {
    const type = (b[p + 4] << 8) | b[p + 5];
    const len = u32(b, p + 8);
    if (len > MAX_RECORD_LENGTH) this.error = `MRT record length ${len} is implausible`;
    else if (hasMicroseconds(type) && len < 4)
      this.error = `MRT record of type ${type} is shorter than its microseconds`;
    else return HEADER + len;
    return -1;
  }

  /** Continue the partial record with the start of `chunk`; returns bytes used, or -1 on error. */
  private fill(chunk: Uint8Array, sink: MrtRecordSink): number {
    let buf = this.partial!;
    let p = 0;
    if (this.filled < HEADER) {
      p = Math.min(HEADER - this.filled, chunk.length);
      buf.set(chunk.subarray(0, p), this.filled);
      this.filled += p;
      if (this.filled < HEADER) return p;
      const len = this.recordLength(buf, 0);
      if (len < 0) return -1;
      const header = buf;
      buf = this.partial = new Uint8Array(len);
      buf.set(header);
    }
    const take = Math.min(buf.length - this.filled, chunk.length - p);
    buf.set(chunk.subarray(p, p + take), this.filled);
    this.filled += take;
    p += take;
    if (this.filled === buf.length) {
      this.partial = null;
      this.emit(buf, 0, buf.length, sink);
    }
    return p;
  }

  private emit(b: Uint8Array, p: number, len: number, sink: MrtRecordSink): void {
    const type = (b[p + 4] << 8) | b[p + 5];
    const et = hasMicroseconds(type);
    this.count++;
    sink({
      timestamp: u32(b, p),
      microseconds: et ? u32(b, p + HEADER) : -1,
      type,
      subtype: (b[p + 6] << 8) | b[p + 7],
      body: b.subarray(p + HEADER + (et ? 4 : 0), p + len),
    });
  }
}
