/**
 * Writing files so that they are whole after a crash: temp file, fsync, rename, directory fsync; and
 * writes that loop until every byte is in.
 */
import * as fs from "node:fs";
import { headerLine, journalPath, TMP } from "./store-format.js";

/** A new journal, at open, the same way switchJournal makes one: temp file, fsync, rename, directory fsync. */
export function createJournalSync(dir: string, generation: number): void {
  const path = journalPath(dir, generation);
  const fd = fs.openSync(path + TMP, "w");
  try {
    fs.writeSync(fd, headerLine("routes.journal", generation));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(path + TMP, path);
  const d = fs.openSync(dir, "r");
  try {
    fs.fsyncSync(d);
  } finally {
    fs.closeSync(d);
  }
}

/** `path` with exactly `text`, appearing whole: temp file, fsync, rename (the caller fsyncs the directory). */
export async function writeWhole(path: string, text: string): Promise<void> {
  const fh = await fs.promises.open(path + TMP, "w");
  try {
    await writeAllHandle(fh, Buffer.from(text, "utf8"), 0);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await fs.promises.rename(path + TMP, path);
}

/** A rename or a new file is durable only once its directory is fsync'd. */
export async function fsyncDir(dir: string): Promise<void> {
  const fh = await fs.promises.open(dir, "r");
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** write(2) may write less than asked: loop until all of it is in. */
export function writeAll(fd: number, buffer: Buffer, position: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const from = (offset: number): void =>
      fs.write(fd, buffer, offset, buffer.length - offset, position + offset, (err, n) => {
        if (err) reject(err);
        else if (offset + n < buffer.length) from(offset + n);
        else resolve();
      });
    from(0);
  });
}

/** `text` as UTF-8, in `scratch` when it surely fits, else in a new buffer. */
export function encode(text: string, scratch: Buffer): Buffer {
  if (text.length * 3 <= scratch.length) return scratch.subarray(0, scratch.write(text, 0, "utf8"));
  return Buffer.from(text, "utf8");
}

/** Returns the bytes written. */
export async function writeAllHandle(
  fh: fs.promises.FileHandle,
  buffer: Buffer,
  position: number,
): Promise<number> {
  for (let offset = 0; offset < buffer.length; ) {
    const { bytesWritten } = await fh.write(buffer, offset, buffer.length - offset, position + offset);
    offset += bytesWritten;
  }
  return buffer.length;
}

export function call<T>(f: (cb: (err: NodeJS.ErrnoException | null, value: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => f((err, value) => (err ? reject(err) : resolve(value))));
}
