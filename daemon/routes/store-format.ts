/**
 * The route store's files (see store.ts for the design): their names, header lines and operations, and
 * reading them back at open — a snapshot must be whole; a journal may end in one torn line, dropped.
 */
import * as fs from "node:fs";
import { join } from "node:path";

export const SNAPSHOT = "routes.snapshot";
export const JOURNAL = /^routes\.journal\.(0|[1-9]\d*)$/;
export const TMP = ".tmp";
const VERSION = 1;
/** Bytes read per chunk at open, and characters per write: big enough for throughput, small for memory. */
export const CHUNK = 1 << 20;

/** A damaged file, a misuse or an I/O failure; `path` is the file (or directory) concerned. */
export class RouteStoreError extends Error {
  override readonly name = "RouteStoreError";
  readonly path: string;
  /** 1-based line in `path`, or null when the problem is not about one line. */
  readonly line: number | null;

  constructor(message: string, path: string, line: number | null = null, cause?: unknown) {
    super(
      `${path}${line === null ? "" : `:${line}`}: ${message}`,
      cause === undefined ? undefined : { cause },
    );
    this.path = path;
    this.line = line;
  }
}

/** A torn or unparsable last journal line that open() dropped (the daemon may log it). */
export interface DroppedTail {
  readonly path: string;
  /** 1-based line number of the dropped line. */
  readonly line: number;
  readonly bytes: number;
}

export function journalPath(dir: string, generation: number): string {
  return join(dir, `routes.journal.${generation}`);
}

export function headerLine(kind: "routes.snapshot" | "routes.journal", generation: number): string {
  return `${JSON.stringify({ kbgp: kind, version: VERSION, generation })}\n`;
}

/** The generation of a header line, or an error message. */
function parseHeader(text: string, kind: string): number | string {
  let h: unknown;
  try {
    h = JSON.parse(text);
  } catch {
    return `not a ${kind} header`;
  }
  if (!isRecord(h) || h.kbgp !== kind) return `not a ${kind} header`;
  if (h.version !== VERSION) return `${kind} version ${String(h.version)} is not supported (${VERSION} is)`;
  if (!Number.isSafeInteger(h.generation) || (h.generation as number) < 0) return "bad generation in header";
  return h.generation as number;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

interface Line {
  readonly text: string;
  /** 1-based. */
  readonly number: number;
  /** Byte offsets: start of the line, and just after its newline (or the end of the file). */
  readonly start: number;
  readonly end: number;
  /** False for a last line without its newline: a write cut short. */
  readonly terminated: boolean;
}

/** Every line of the file, in chunks (a journal can be larger than a string may be), with byte offsets. */
function* lines(fd: number): Generator<Line> {
  const chunk = Buffer.allocUnsafe(CHUNK);
  let parts: Buffer[] = [];
  let position = 0;
  let start = 0;
  let number = 0;
  for (;;) {
    const n = fs.readSync(fd, chunk, 0, chunk.length, position);
    if (n === 0) break;
    const view = chunk.subarray(0, n);
    let from = 0;
    for (let nl = view.indexOf(10); nl !== -1; nl = view.indexOf(10, from)) {
      const piece = view.subarray(from, nl);
      const text = (parts.length === 0 ? piece : Buffer.concat([...parts, piece])).toString("utf8");
      parts = [];
      const end = position + nl + 1;
      yield { text, number: ++number, start, end, terminated: true };
      start = end;
      from = nl + 1;
    }
    if (from < n) parts.push(Buffer.from(view.subarray(from))); // a copy: the chunk is reused
    position += n;
  }
  if (position > start) {
    yield {
      text: Buffer.concat(parts).toString("utf8"),
      number: ++number,
      start,
      end: position,
      terminated: false,
    };
  }
}

/** Read a snapshot into `entries`; returns its generation. Any damage is an error: it was written whole. */
export function readSnapshot(path: string, entries: Map<string, unknown>): number {
  const fd = fs.openSync(path, "r");
  try {
    let generation = -1;
    let count = -1;
    let listed = 0;
    for (const line of lines(fd)) {
      const fail = (message: string) => new RouteStoreError(message, path, line.number);
      if (!line.terminated) throw fail("line cut short");
      if (count >= 0) throw fail("text after the trailer");
      if (line.number === 1) {
        const h = parseHeader(line.text, "routes.snapshot");
        if (typeof h === "string") throw fail(h);
        generation = h;
        continue;
      }
      let v: unknown;
      try {
        v = JSON.parse(line.text);
      } catch {
        throw fail("not JSON");
      }
      if (Array.isArray(v) && v.length === 2 && typeof v[0] === "string") {
        entries.set(v[0], v[1]); // a key listed twice (it changed while being read): the later line is newer
        listed++;
      } else if (isRecord(v) && typeof v.count === "number") {
        if (v.count !== listed) throw fail(`trailer says ${v.count} entries, the file has ${listed}`);
        count = v.count;
      } else throw fail("not a [key, value] entry");
    }
    if (generation < 0) throw new RouteStoreError("empty snapshot", path);
    if (count < 0) throw new RouteStoreError("snapshot ends without its trailer", path);
    return generation;
  } finally {
    fs.closeSync(fd);
  }
}

export interface JournalRead {
  /** Byte length of the good part: where a torn tail is cut. */
  readonly end: number;
  readonly headerBytes: number;
  readonly dropped: DroppedTail | null;
}

/**
 * Apply a journal's operations to `entries`. A bad line is never applied; it is an error once another line
 * follows it, and the torn tail to drop if it is the last line of the last journal (`tornTailAllowed`).
 */
export function replayJournal(
  fd: number,
  path: string,
  generation: number,
  entries: Map<string, unknown>,
  tornTailAllowed: boolean,
): JournalRead {
  let end = 0;
  let headerBytes = 0;
  let bad: { line: Line; message: string } | null = null;
  for (const line of lines(fd)) {
    if (bad) throw new RouteStoreError(bad.message, path, bad.line.number);
    if (line.number === 1) {
      // Journals are renamed in with their header, so it is never torn.
      const h = line.terminated ? parseHeader(line.text, "routes.journal") : "header cut short";
      if (typeof h === "string") throw new RouteStoreError(h, path, 1);
      if (h !== generation) throw new RouteStoreError(`header says generation ${h}`, path, 1);
      end = headerBytes = line.end;
      continue;
    }
    if (!line.terminated) {
      bad = { line, message: "line cut short" };
      continue;
    }
    let op: unknown;
    try {
      op = JSON.parse(line.text);
    } catch {
      bad = { line, message: "not JSON" };
      continue;
    }
    // A line that parses was written whole: a wrong shape is never a crash artefact, so always an error.
    const problem = applyOp(op, entries);
    if (problem) throw new RouteStoreError(problem, path, line.number);
    end = line.end;
  }
  if (headerBytes === 0) throw new RouteStoreError("empty journal (no header)", path);
  if (!bad) return { end, headerBytes, dropped: null };
  if (!tornTailAllowed) throw new RouteStoreError(bad.message, path, bad.line.number);
  return { end, headerBytes, dropped: { path, line: bad.line.number, bytes: bad.line.end - bad.line.start } };
}

/** Check an operation whole, then apply it: a bad one changes nothing. Returns a problem, or null. */
function applyOp(op: unknown, entries: Map<string, unknown>): string | null {
  if (!isRecord(op)) return "not an operation";
  switch (op.op) {
    case "put": {
      const list = op.entries;
      if (!Array.isArray(list)) return "put without entries";
      for (const e of list)
        if (!Array.isArray(e) || e.length !== 2 || typeof e[0] !== "string") return "bad put entry";
      for (const [key, value] of list as [string, unknown][]) entries.set(key, value);
      return null;
    }
    case "delete": {
      const keys = op.keys;
      if (!Array.isArray(keys) || !keys.every((k) => typeof k === "string"))
        return "delete without string keys";
      for (const key of keys as string[]) entries.delete(key);
      return null;
    }
    case "clear":
      entries.clear();
      return null;
    default:
      return `unknown operation ${JSON.stringify(op.op)}`;
  }
}
