/**
 * A growable big-endian byte writer. Length fields are written as placeholders and patched once the
 * enclosed content is known (`mark`/`patch16`), so messages are built in one pass without copies.
 */
export class ByteWriter {
  buf: Uint8Array;
  pos = 0;

  constructor(initialSize = 4096) {
    this.buf = new Uint8Array(initialSize);
  }

  reset(): this {
    this.pos = 0;
    return this;
  }

  private grow(need: number): void {
    let size = this.buf.length * 2;
    while (size < this.pos + need) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  ensure(n: number): void {
    if (this.pos + n > this.buf.length) this.grow(n);
  }

  u8(v: number): this {
    this.ensure(1);
    this.buf[this.pos++] = v;
    return this;
  }

  u16(v: number): this {
    this.ensure(2);
    const b = this.buf;
    b[this.pos++] = v >>> 8;
    b[this.pos++] = v;
    return this;
  }

  u24(v: number): this {
    this.ensure(3);
    const b = this.buf;
    b[this.pos++] = v >>> 16;
    b[this.pos++] = v >>> 8;
    b[this.pos++] = v;
    return this;
  }

  u32(v: number): this {
    this.ensure(4);
    const b = this.buf;
    b[this.pos++] = v >>> 24;
    b[this.pos++] = v >>> 16;
    b[this.pos++] = v >>> 8;
    b[this.pos++] = v;
    return this;
  }

  bytes(src: Uint8Array, start = 0, end = src.length): this {
    const n = end - start;
    this.ensure(n);
    this.buf.set(start === 0 && end === src.length ? src : src.subarray(start, end), this.pos);
    this.pos += n;
    return this;
  }

  fill(v: number, n: number): this {
    this.ensure(n);
    this.buf.fill(v, this.pos, this.pos + n);
    this.pos += n;
    return this;
  }

  /** Remember where a length field goes and skip `width` bytes for it. */
  mark(width: 1 | 2): number {
    const at = this.pos;
    this.ensure(width);
    this.pos += width;
    return at;
  }

  /** Write the number of bytes written since the field at `at` (excluding the field itself). */
  patchLength(at: number, width: 1 | 2): void {
    const len = this.pos - at - width;
    if (width === 1) this.buf[at] = len;
    else {
      this.buf[at] = len >>> 8;
      this.buf[at + 1] = len;
    }
  }

  patch16(at: number, v: number): void {
    this.buf[at] = v >>> 8;
    this.buf[at + 1] = v;
  }

  /** A copy of what was written: the writer's buffer is reused. */
  toBytes(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}

export const u16 = (b: Uint8Array, i: number): number => (b[i] << 8) | b[i + 1];
export const u24 = (b: Uint8Array, i: number): number => (b[i] << 16) | (b[i + 1] << 8) | b[i + 2];
export const u32 = (b: Uint8Array, i: number): number =>
  ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;
