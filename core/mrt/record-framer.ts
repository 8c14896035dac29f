/**
 * Cuts a byte stream into MRT records (RFC 6396 §2): a 12-byte header (timestamp, type, subtype, 32-bit
 * length), plus for the _ET types a microsecond field that the length includes (§3). Record lengths are
 * 32-bit (records over 64 KiB exist in real dumps); an absurd length is refused instead of allocated.
 */
import { Reassembler } from "../wire/index.js";
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
  private readonly stream = new Reassembler<string>(HEADER, (b, p) => {
    const type = (b[p + 4] << 8) | b[p + 5];
    const len = u32(b, p + 8);
    if (len > MAX_RECORD_LENGTH) return `MRT record length ${len} is implausible`;
    if (hasMicroseconds(type) && len < 4)
      return `MRT record of type ${type} is shorter than its microseconds`;
    return HEADER + len;
  });

  /** Feed a chunk. Returns an error message when the stream cannot be framed any further. */
  push(chunk: Uint8Array, sink: MrtRecordSink): string | null {
    return this.stream.push(chunk, (b, p, len) => {
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
    });
  }

  /** At the end of input: an error when a record was cut short. */
  end(): string | null {
    const held = this.stream.buffered;
    return held > 0 ? `truncated MRT record at end of input (${held} bytes)` : null;
  }
}
