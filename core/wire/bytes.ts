/**
 * Node hands out Buffers; a Buffer's `subarray` constructs another Buffer through JavaScript and costs
 * several times a plain typed-array view. Decoders take one plain view per chunk and slice that.
 */
export function plainBytes(b: Uint8Array): Uint8Array {
  return Object.getPrototypeOf(b) === Uint8Array.prototype
    ? b
    : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}
