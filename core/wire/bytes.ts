/**
 * Node hands out Buffers; a Buffer's `subarray` constructs another Buffer through JavaScript and costs
 * several times a plain typed-array view. Decoders take one plain view per chunk and slice that.
 */
export function plainBytes(b: Uint8Array): Uint8Array {
  return Object.getPrototypeOf(b) === Uint8Array.prototype
    ? b
    : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/**
 * Copies of small byte ranges carved out of shared 64 KiB slabs. Each `slice()` of a typed array allocates
 * its own ArrayBuffer, which V8 tracks as external memory: tens of thousands of them (one per interned
 * attribute set) cost more in garbage collection than the decoding itself. A slab lives while any copy
 * in it does.
 */
export class ByteSlab {
  private slab = new Uint8Array(0);
  private used = 0;

  constructor(private readonly size = 64 * 1024) {}

  copy(b: Uint8Array, start: number, end: number): Uint8Array {
    const n = end - start;
    if (n > this.size >>> 4) return b.slice(start, end);
    if (this.used + n > this.slab.length) {
      this.slab = new Uint8Array(this.size);
      this.used = 0;
    }
    const at = this.used;
    this.slab.set(b.subarray(start, end), at);
    this.used += n;
    return this.slab.subarray(at, at + n);
  }
}
