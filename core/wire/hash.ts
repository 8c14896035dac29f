/**
 * MurmurHash3 (x86, 32-bit) over a byte range, folded to 30 bits so the result stays a V8 small integer
 * and keys a Map without boxing. Used to intern attribute sets without building key strings.
 */
export function hashBytes(b: Uint8Array, start: number, end: number): number {
  let h = (end - start) ^ 0x9747b28c;
  let i = start;
  const stop = end - ((end - start) & 3);
  for (; i < stop; i += 4) {
    let k = b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const tail = end - stop;
  if (tail > 0) {
    let k = b[i];
    if (tail > 1) k ^= b[i + 1] << 8;
    if (tail > 2) k ^= b[i + 2] << 16;
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
  }
  h ^= end - start;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h & 0x3fffffff;
}
