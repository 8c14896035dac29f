/**
 * Recorded runs: the configuration, the jitter seed and every input with its time, as JSON lines. Since the
 * speaker is a function of exactly these, replaying a recording reproduces every output — a field problem
 * becomes a test. Byte arrays are written as base64.
 */
import type { SpeakerConfig } from "../config/types.js";
import type { Input, Output } from "./io.js";
import { Speaker } from "./speaker.js";

export interface RecordingHeader {
  readonly kbgpRecording: 1;
  readonly config: SpeakerConfig;
  readonly seed: number;
  readonly hostname: string;
  /** The run started as a graceful restart (absent in older recordings: false). */
  readonly restarting?: boolean;
}

export interface RecordedInput {
  readonly at: number;
  readonly input: Input;
}

/** mulberry32: a small seeded generator, so timer jitter replays. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What a recording holds instead of a password. */
export const REDACTED = "<redacted>";

export function toJsonLine(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, k, v) {
    // The holder's own value: a Node Buffer (what sockets deliver) has already become {type, data} via
    // its toJSON by the time `v` arrives.
    const raw = this[k];
    // A neighbor's TCP MD5 password stays out of recordings; the speaker never uses it, so replays match.
    if (k === "password" && typeof v === "string") return REDACTED;
    if (raw instanceof Uint8Array) return { $bytes: Buffer.from(raw).toString("base64") };
    return v === Infinity ? { $infinity: true } : v;
  });
}

export function fromJsonLine<T>(line: string): T {
  return JSON.parse(line, (_k, v) => {
    if (v && typeof v === "object" && typeof v.$bytes === "string")
      return new Uint8Array(Buffer.from(v.$bytes, "base64"));
    if (v && typeof v === "object" && v.$infinity === true) return Infinity;
    return v;
  }) as T;
}

/** Run a recording through a fresh speaker; the outputs of each input, in order. */
export function replay(header: RecordingHeader, inputs: readonly RecordedInput[]): Output[][] {
  const sp = new Speaker(header.config, {
    random: seededRandom(header.seed),
    hostname: header.hostname,
    restarting: header.restarting ?? false,
  });
  return inputs.map((r) => sp.handle(r.input, r.at));
}
