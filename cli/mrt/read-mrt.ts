/**
 * Streams an MRT file (plain, gzip or bzip2, detected from the first bytes; "-" for standard input) into
 * records, chunk by chunk, in constant memory. Records are views valid only during the callback.
 */
import { createReadStream } from "node:fs";
import { PassThrough, Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import unbzip2 from "unbzip2-stream";
import { type MrtRecord, MrtRecordFramer } from "../../core/mrt/index.js";

export interface ReadResult {
  readonly records: number;
  /** Why reading stopped early (corrupt or truncated input), or null. */
  readonly error: string | null;
}

/** The decompressed byte stream of `path`. */
async function openDecompressed(path: string): Promise<AsyncIterable<Buffer>> {
  const raw = (
    path === "-" ? process.stdin : createReadStream(path, { highWaterMark: 256 * 1024 })
  ) as Readable;
  // Peek at the first chunk to tell the compression, then put it back in front of the rest.
  const it: AsyncIterator<Buffer> = raw[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done) return Readable.from([]);
  const head: Buffer = first.value;
  const whole = Readable.from(
    (async function* () {
      yield head;
      for (let next = await it.next(); !next.done; next = await it.next()) yield next.value;
    })(),
  );
  if (head[0] === 0x1f && head[1] === 0x8b) return whole.pipe(createGunzip({ chunkSize: 256 * 1024 }));
  if (head[0] === 0x42 && head[1] === 0x5a && head[2] === 0x68)
    return whole.pipe(unbzip2()).pipe(new PassThrough());
  return whole;
}

/**
 * Call `onRecord` for each record, and `onChunk` after each decompressed chunk (a point where the caller
 * may flush output and wait for backpressure; returning false stops reading).
 */
export async function readMrt(
  path: string,
  onRecord: (r: MrtRecord) => void,
  onChunk: () => Promise<boolean | undefined> | boolean | undefined = () => true,
): Promise<ReadResult> {
  const framer = new MrtRecordFramer();
  let error: string | null = null;
  // Only failures of the byte stream (missing file, corrupt compression) are reported as read errors;
  // an exception from the callback is a bug and propagates as one.
  const cannotRead = (e: unknown) =>
    `cannot read ${path === "-" ? "standard input" : path}: ${(e as Error).message}`;
  let chunks: AsyncIterator<Buffer>;
  try {
    chunks = (await openDecompressed(path))[Symbol.asyncIterator]();
  } catch (e) {
    return { records: 0, error: cannotRead(e) };
  }
  for (;;) {
    let next: IteratorResult<Buffer>;
    try {
      next = await chunks.next();
    } catch (e) {
      error = cannotRead(e);
      break;
    }
    if (next.done) break;
    error = framer.push(next.value, onRecord);
    if ((await onChunk()) === false || error) {
      await chunks.return?.();
      return { records: framer.count, error };
    }
  }
  return { records: framer.count, error: error ?? framer.end() };
}
