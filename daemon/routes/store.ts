/**
 * Routes injected through the control API, kept in the state directory so they survive a restart, a crash
 * or a SIGKILL. The store is a key → value log: the daemon holds the routes in memory and tells the store
 * every change; the store keeps no copy of its own (a full table is a million routes).
 *
 * Files in the directory:
 * - `routes.snapshot`: the whole state at some point, JSON lines: a header
 *   `{"kbgp":"routes.snapshot","version":1,"generation":G}`, one `[key,value]` line per entry, and a trailer
 *   `{"count":N}` (N entry lines) so a snapshot cut short is refused rather than read as fewer routes. It is
 *   only ever written as a temp file, fsync'd, renamed into place and the directory fsync'd: it is whole or
 *   absent (absent means generation 0, empty).
 * - `routes.journal.G`: the operations since the snapshot of generation G, one JSON line each, after a
 *   header `{"kbgp":"routes.journal","version":1,"generation":G}`: `{"op":"put","entries":[[k,v],…]}`,
 *   `{"op":"delete","keys":[…]}`, `{"op":"clear"}`. Appended, then fdatasync'd before the caller is told.
 *   A new journal is created as a temp file with its header and renamed in, so it never has a torn header.
 *
 * One operation is one line, so a batch is all or nothing. Operations made in one tick, and those made
 * while a write is in flight, share one write and one fdatasync (group commit) and resolve in order, so a
 * crash keeps a prefix of them: whole lines, then perhaps one cut short or left unparsable, which was never
 * acknowledged (its fdatasync had not returned). open() drops that last line and truncates the file, so
 * later appends start on a clean line. Damage anywhere else is not a crash artefact but lost data, so it is
 * an error naming the file and line, never skipped silently.
 *
 * Compaction (why generations rather than truncating one journal): appends keep coming while the snapshot
 * is written; in one journal they would sit behind operations the snapshot already holds, so truncating it
 * after the rename would lose them, and there would be no telling, after a crash, whether the journal
 * predates the snapshot or follows it. A generation in each file's name and header makes both explicit.
 * compact():
 *  1. at once (synchronously, before reading any entry) queues a switch: operations queued before it go
 *     to journal G, those after it to journal G+1, which is created (temp + rename + directory fsync)
 *     once G is durable;
 *  2. writes the caller's entries to `routes.snapshot.tmp` with header generation G+1, and fsyncs it;
 *  3. once journal G+1 exists, renames the temp file over `routes.snapshot` and fsyncs the directory;
 *  4. removes the journals older than G+1.
 * open() reads the snapshot (generation S), removes journals older than S (stale: already in the
 * snapshot), and replays journals S, S+1, … in order; they must be contiguous. A crash
 *  - before 3 leaves snapshot G + journals G, G+1: journal G+1 holds exactly the operations after G's
 *    last one, so the replay is the truth (a half-written temp snapshot is removed);
 *  - between 3 and 4 leaves snapshot G+1 + journals G, G+1: G is stale and ignored, G+1 is replayed;
 *  - after 4 is the plain case.
 * The snapshot may be fuzzy: the entries are read over several ticks while the caller keeps changing them.
 * That is harmless because every change after the switch is in journal G+1 and replaying an operation is
 * idempotent over any earlier state of its keys (put sets, delete removes, clear empties): a key untouched
 * since the switch has its right value in the snapshot, and a touched one gets its last value from G+1.
 *
 * Not here: interpreting values (opaque JSON, in practice `RouteText`), deciding when to compact (the
 * daemon reads `journalBytes`), logging (open() returns what it repaired; failures are `RouteStoreError`s).
 */
import * as fs from "node:fs";
import { join } from "node:path";
import {
  call,
  createJournalSync,
  encode,
  fsyncDir,
  writeAll,
  writeAllHandle,
  writeWhole,
} from "./durable-write.js";
import {
  CHUNK,
  type DroppedTail,
  headerLine,
  JOURNAL,
  journalPath,
  RouteStoreError,
  readSnapshot,
  replayJournal,
  SNAPSHOT,
  TMP,
} from "./store-format.js";

export { type DroppedTail, RouteStoreError };

/** Where a chunk is encoded (UTF-8 is at most 3 bytes per UTF-16 unit): a fresh Buffer per write costs more. */
const SCRATCH = 4 * CHUNK;

export type CompactStep = "snapshot-writing" | "snapshot-written" | "snapshot-renamed" | "journals-removed";

export interface RouteStoreOptions {
  /**
   * For crash tests: called at each step of a compaction, in order; the files are then as a crash at that
   * point would leave them (a partial temp snapshot, a complete one not yet renamed, the new snapshot next
   * to the stale journal, the final state).
   */
  readonly onCompactStep?: (step: CompactStep) => void | Promise<void>;
}

export interface OpenedRouteStore {
  readonly store: RouteStore;
  /** The state on disk: snapshot plus journals replayed. The store keeps no reference to it. */
  readonly entries: Map<string, unknown>;
  readonly dropped: DroppedTail | null;
}

interface Waiter {
  resolve(): void;
  reject(error: RouteStoreError): void;
}

/** Queued work for the journal writer: a group of lines (one write + one fdatasync), or a switch. */
type Item =
  | { kind: "write"; lines: string[]; waiters: Waiter[] }
  | { kind: "switch"; generation: number; waiters: Waiter[] };

interface CurrentJournal {
  fd: number;
  path: string;
  generation: number;
  /** Bytes durable in the file, header included: where the next write goes. */
  size: number;
  headerBytes: number;
}

interface OlderJournal {
  readonly path: string;
  readonly generation: number;
  readonly bytes: number;
}

export class RouteStore {
  private readonly dir: string;
  private readonly onCompactStep: RouteStoreOptions["onCompactStep"];
  private current: CurrentJournal;
  /** Journals still needed because no snapshot covers them yet (a compaction is running or failed). */
  private older: OlderJournal[];
  /** Highest journal generation created or queued. */
  private lastGeneration: number;
  private readonly queue: Item[] = [];
  private pumping = false;
  /** The pump's encoding buffer: one write is in flight at a time. */
  private readonly scratch = Buffer.allocUnsafe(SCRATCH);
  /** A failed journal write or sync: the file's tail is unknown, so every later append fails too. */
  private failure: RouteStoreError | null = null;
  private compacting: Promise<void> | null = null;
  private closing: Promise<void> | null = null;

  private constructor(
    dir: string,
    current: CurrentJournal,
    older: OlderJournal[],
    options: RouteStoreOptions,
  ) {
    this.dir = dir;
    this.current = current;
    this.older = older;
    this.lastGeneration = current.generation;
    this.onCompactStep = options.onCompactStep;
  }

  /**
   * Open (create) the store in `dir` and return the state it holds. Synchronous: it runs once at start-up,
   * before the daemon has anything else to do. Throws a `RouteStoreError` for a damaged file.
   */
  static open(dir: string, options: RouteStoreOptions = {}): OpenedRouteStore {
    return io(dir, () => {
      fs.mkdirSync(dir, { recursive: true });
      const names = fs.readdirSync(dir);
      // Temp files are unfinished work of a crashed run: never the truth (they are renamed when done).
      for (const name of names) {
        if (name.endsWith(TMP) && (name === SNAPSHOT + TMP || JOURNAL.test(name.slice(0, -TMP.length)))) {
          fs.rmSync(join(dir, name), { force: true });
        }
      }
      const entries = new Map<string, unknown>();
      const snapshotPath = join(dir, SNAPSHOT);
      const base = names.includes(SNAPSHOT) ? readSnapshot(snapshotPath, entries) : 0;
      const generations: number[] = [];
      for (const name of names) {
        const m = JOURNAL.exec(name);
        if (!m) continue;
        const generation = Number(m[1]);
        // Older than the snapshot: already in it (a crash between rename and removal).
        if (generation < base) fs.rmSync(join(dir, name), { force: true });
        else generations.push(generation);
      }
      generations.sort((a, b) => a - b);
      if (generations.length === 0) {
        if (base !== 0) throw new RouteStoreError("its journal is missing", journalPath(dir, base));
        createJournalSync(dir, 0);
        generations.push(0);
      }
      generations.forEach((generation, i) => {
        if (generation !== base + i) throw new RouteStoreError("is missing", journalPath(dir, base + i));
      });

      const older: OlderJournal[] = [];
      let dropped: DroppedTail | null = null;
      for (const [i, generation] of generations.entries()) {
        const path = journalPath(dir, generation);
        const last = i === generations.length - 1;
        const fd = fs.openSync(path, last ? "r+" : "r");
        let keep = false;
        try {
          const read = replayJournal(fd, path, generation, entries, last);
          if (!last) {
            older.push({ path, generation, bytes: read.end - read.headerBytes });
            continue;
          }
          if (read.dropped) {
            // Repair now, so the next append starts on a clean line.
            fs.ftruncateSync(fd, read.end);
            fs.fsyncSync(fd);
            dropped = read.dropped;
          }
          const current = { fd, path, generation, size: read.end, headerBytes: read.headerBytes };
          keep = true;
          return { store: new RouteStore(dir, current, older, options), entries, dropped };
        } finally {
          if (!keep) fs.closeSync(fd);
        }
      }
      throw new RouteStoreError("no journal", dir); // unreachable: there is at least one
    });
  }

  /** Set these keys to these values. Values must be JSON values; they are written as `JSON.stringify` does. */
  put(entries: Iterable<readonly [string, unknown]>): Promise<void> {
    const list = Array.isArray(entries) ? (entries as (readonly [string, unknown])[]) : Array.from(entries);
    if (list.length === 0) return this.append(null);
    // Checked here: a bad key written to the journal would make the store unopenable.
    for (const entry of list) {
      if (!Array.isArray(entry) || entry.length !== 2 || typeof entry[0] !== "string") {
        return Promise.reject(
          new RouteStoreError("put: every entry must be a [string key, value] pair", this.dir),
        );
      }
    }
    let line: string;
    try {
      line = `${JSON.stringify({ op: "put", entries: list })}\n`;
    } catch (e) {
      return Promise.reject(new RouteStoreError("put: a value is not JSON", this.dir, null, e));
    }
    return this.append(line);
  }

  /** Remove these keys (absent ones are no error). */
  delete(keys: Iterable<string>): Promise<void> {
    const list = Array.isArray(keys) ? (keys as string[]) : Array.from(keys);
    if (list.length === 0) return this.append(null);
    for (const key of list) {
      if (typeof key !== "string")
        return Promise.reject(new RouteStoreError("delete: keys are strings", this.dir));
    }
    return this.append(`${JSON.stringify({ op: "delete", keys: list })}\n`);
  }

  /** Remove every key. */
  clear(): Promise<void> {
    return this.append('{"op":"clear"}\n');
  }

  /** Bytes of operations in the journals since the snapshot (written ones): the caller decides when to compact. */
  get journalBytes(): number {
    let bytes = this.current.size - this.current.headerBytes;
    for (const j of this.older) bytes += j.bytes;
    return bytes;
  }

  /**
   * Write `entries` as the new snapshot and drop the journals it covers. `entries` must already reflect every
   * put/delete/clear called before compact() (change your map in the same synchronous step as the call); it
   * is read after compact() returns, over several ticks, so pass a live view (a Map) and keep calling
   * put/delete/clear for every change meanwhile: those go to the new journal and are replayed over it.
   * Values must not be mutated in place. One compaction at a time; a failed one leaves the store usable.
   */
  compact(entries: Iterable<readonly [string, unknown]>): Promise<void> {
    const refused = this.refusal();
    if (refused) return Promise.reject(refused);
    if (this.compacting)
      return Promise.reject(new RouteStoreError("a compaction is already running", this.dir));
    const generation = ++this.lastGeneration;
    // The switch is queued now, before any entry is read: the boundary the fuzzy snapshot relies on.
    const switched = this.enqueue({ kind: "switch", generation, waiters: [] });
    switched.catch(() => {}); // observed below; this only keeps an early failure from being "unhandled"
    const run = this.writeSnapshot(generation, entries, switched).finally(() => {
      this.compacting = null;
    });
    this.compacting = run;
    return run;
  }

  /**
   * Wait for queued operations and a running compaction, then close the journal. Operations called after
   * close() are refused. Resolves even if the store had failed (the failure was reported to those operations).
   */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    const drained = this.failure ? Promise.resolve() : this.append(null);
    this.closing = (async () => {
      await drained.catch(() => {});
      await this.compacting?.catch(() => {});
      await call<void>((cb) => fs.close(this.current.fd, cb)).catch((e: unknown) => {
        throw wrap(e, this.current.path, "cannot close");
      });
    })();
    return this.closing;
  }

  private refusal(): RouteStoreError | null {
    if (this.failure) return this.failure;
    if (this.closing) return new RouteStoreError("the store is closed", this.dir);
    return null;
  }

  /** Queue a line (null: no data, only a place in the order) with the operations of the same tick. */
  private append(line: string | null): Promise<void> {
    const refused = this.refusal();
    if (refused) return Promise.reject(refused);
    const item = this.queue.at(-1);
    // The last queued item is never the one being written (the pump takes it out first): join it.
    if (item?.kind === "write") {
      if (line !== null) item.lines.push(line);
      return wait(item);
    }
    return this.enqueue({ kind: "write", lines: line === null ? [] : [line], waiters: [] });
  }

  private enqueue(item: Item): Promise<void> {
    this.queue.push(item);
    const done = wait(item);
    if (!this.pumping) {
      this.pumping = true;
      // Not now: the rest of this tick's operations join the same write and fdatasync (group commit).
      queueMicrotask(() => void this.pump());
    }
    return done;
  }

  /** The only journal writer: items in order, one at a time; what arrives meanwhile forms the next group. */
  private async pump(): Promise<void> {
    while (this.queue.length > 0) {
      const item = this.queue.shift()!;
      try {
        if (item.kind === "write") await this.write(item.lines);
        else await this.switchJournal(item.generation);
        for (const w of item.waiters) w.resolve();
      } catch (e) {
        const failure = wrap(e, this.current.path, "cannot append to the journal");
        this.failure = failure;
        for (const w of item.waiters) w.reject(failure);
        for (const rest of this.queue.splice(0)) for (const w of rest.waiters) w.reject(failure);
      }
    }
    this.pumping = false;
  }

  private async write(lines: string[]): Promise<void> {
    if (lines.length === 0) return;
    const j = this.current;
    let position = j.size;
    for (let i = 0; i < lines.length; ) {
      let text = lines[i++]!;
      while (i < lines.length && text.length < CHUNK) text += lines[i++];
      const buffer = encode(text, this.scratch);
      await writeAll(j.fd, buffer, position);
      position += buffer.length;
    }
    // fdatasync covers the data and the file size, which is what reading it back needs.
    await call<void>((cb) => fs.fdatasync(j.fd, cb));
    j.size = position;
  }

  /** Everything queued before this is durable in the current journal (the pump runs in order). */
  private async switchJournal(generation: number): Promise<void> {
    const path = journalPath(this.dir, generation);
    const header = headerLine("routes.journal", generation);
    await writeWhole(path, header);
    await fsyncDir(this.dir);
    const fd = await call<number>((cb) => fs.open(path, "r+", cb));
    const old = this.current;
    this.current = { fd, path, generation, size: header.length, headerBytes: header.length };
    this.older.push({ path: old.path, generation: old.generation, bytes: old.size - old.headerBytes });
    await call<void>((cb) => fs.close(old.fd, cb));
  }

  private async writeSnapshot(
    generation: number,
    entries: Iterable<readonly [string, unknown]>,
    switched: Promise<void>,
  ): Promise<void> {
    const path = join(this.dir, SNAPSHOT);
    const tmp = path + TMP;
    try {
      const fh = await fs.promises.open(tmp, "w");
      const scratch = Buffer.allocUnsafe(SCRATCH);
      try {
        let position = await writeAllHandle(
          fh,
          encode(headerLine("routes.snapshot", generation), scratch),
          0,
        );
        await this.step("snapshot-writing");
        let count = 0;
        let text = "";
        for (const [key, value] of entries) {
          text += `${JSON.stringify([key, value])}\n`;
          count++;
          if (text.length >= CHUNK) {
            position += await writeAllHandle(fh, encode(text, scratch), position);
            text = "";
          }
        }
        text += `{"count":${count}}\n`;
        await writeAllHandle(fh, encode(text, scratch), position);
        await fh.sync();
      } finally {
        await fh.close();
      }
      // The operations after the switch must have a durable home before this snapshot becomes the truth.
      await switched;
      await this.step("snapshot-written");
      await fs.promises.rename(tmp, path);
    } catch (e) {
      await fs.promises.rm(tmp, { force: true }).catch(() => {});
      throw wrap(e, tmp, "cannot write the snapshot");
    }
    try {
      await fsyncDir(this.dir);
    } catch (e) {
      // The rename may or may not survive a crash; both states are consistent, so keep the old journals.
      throw wrap(e, this.dir, "cannot sync the directory after installing the snapshot");
    }
    await this.step("snapshot-renamed");
    // Stale now: a crash before this is harmless (open() removes them), so a failure here is not fatal.
    const stale = this.older.filter((j) => j.generation < generation);
    this.older = this.older.filter((j) => j.generation >= generation);
    for (const j of stale) await fs.promises.rm(j.path, { force: true }).catch(() => {});
    await this.step("journals-removed");
  }

  private async step(step: CompactStep): Promise<void> {
    await this.onCompactStep?.(step);
  }
}

function wait(item: Item): Promise<void> {
  return new Promise((resolve, reject) => item.waiters.push({ resolve, reject }));
}

function wrap(e: unknown, path: string, what: string): RouteStoreError {
  if (e instanceof RouteStoreError) return e;
  return new RouteStoreError(`${what}: ${e instanceof Error ? e.message : String(e)}`, path, null, e);
}

/** Run open()'s file work, turning a system error into a RouteStoreError. */
function io<T>(dir: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw wrap(
      e,
      typeof (e as { path?: unknown }).path === "string" ? (e as { path: string }).path : dir,
      "I/O",
    );
  }
}
