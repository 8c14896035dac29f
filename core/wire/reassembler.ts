/**
 * Cuts a byte stream into length-prefixed units (BGP messages, MRT records). Units wholly inside a chunk
 * are handed out as views of it; only a unit split across chunks is assembled, in a buffer of exactly its
 * size. The unit format is given by `measure`: the total length of the unit whose header starts at b[p],
 * or an error, which ends the stream.
 */
import { plainBytes } from "./bytes.js";

export type Measure<E> = (b: Uint8Array, p: number) => number | E;
export type Emit = (b: Uint8Array, start: number, length: number) => void;

export class Reassembler<E> {
  private partial: Uint8Array | null = null;
  private filled = 0;
  private failed: E | null = null;

  constructor(
    private readonly headerLength: number,
    private readonly measure: Measure<E>,
  ) {}

  /** Bytes held for an incomplete unit. */
  get buffered(): number {
    return this.partial ? this.filled : 0;
  }

  /** Feed one chunk. Returns the error that ends the stream, or null. */
  push(input: Uint8Array, emit: Emit): E | null {
    if (this.failed !== null) return this.failed;
    const chunk = plainBytes(input);
    const n = chunk.length;
    let p = 0;
    if (this.partial) {
      p = this.fill(chunk, emit);
      if (p < 0 || this.partial) return this.failed;
    }
    while (n - p >= this.headerLength) {
      const len = this.measure(chunk, p);
      if (typeof len !== "number") return (this.failed = len);
      if (p + len > n) break;
      emit(chunk, p, len);
      p += len;
    }
    if (p < n) {
      const rest = n - p;
      // The header is complete (and was measured above) when rest reaches it.
      this.partial = new Uint8Array(
        rest >= this.headerLength ? (this.measure(chunk, p) as number) : this.headerLength,
      );
      this.partial.set(chunk.subarray(p));
      this.filled = rest;
    }
    return null;
  }

  /** Continue the partial unit with the start of `chunk`; returns bytes used, or -1 on error. */
  private fill(chunk: Uint8Array, emit: Emit): number {
    let buf = this.partial!;
    let p = 0;
    if (this.filled < this.headerLength) {
      p = Math.min(this.headerLength - this.filled, chunk.length);
      buf.set(chunk.subarray(0, p), this.filled);
      this.filled += p;
      if (this.filled < this.headerLength) return p;
      const len = this.measure(buf, 0);
      if (typeof len !== "number") {
        this.failed = len;
        this.partial = null;
        return -1;
      }
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
      emit(buf, 0, buf.length);
    }
    return p;
  }
}
