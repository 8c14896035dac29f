/** Raw HTTP against the test API server, a bounded watch-stream reader and a bounded poll, for the tests. */
import type { ApiServer, JsonObject } from "./api-server/index.js";

export interface Reply {
  readonly status: number;
  readonly contentType: string;
  readonly body: JsonObject;
}

export async function call(
  api: ApiServer,
  method: string,
  path: string,
  body?: unknown,
  contentType = "application/json",
  accept = "application/json",
): Promise<Reply> {
  const res = await fetch(api.url + path, {
    method,
    headers: { "Content-Type": contentType, Accept: accept },
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
    signal: AbortSignal.timeout(5000),
  });
  const text = await res.text();
  return { status: res.status, contentType: res.headers.get("content-type") ?? "", body: JSON.parse(text) };
}

export interface WatchEvent {
  readonly type: string;
  readonly object: JsonObject & { metadata: JsonObject };
}

export interface WatchStream {
  readonly events: WatchEvent[];
  /** Resolves once the server ended the stream. */
  readonly ended: Promise<void>;
  /** Waits until `n` events have arrived (rejects after `timeoutMs`). */
  next(n: number, timeoutMs?: number): Promise<WatchEvent[]>;
  close(): void;
}

/** Opens a watch (the path should carry `watch=true`) and collects its events. */
export async function openWatch(api: ApiServer, path: string): Promise<WatchStream> {
  const abort = new AbortController();
  const res = await fetch(api.url + path, { signal: abort.signal });
  if (res.status !== 200 || !res.body) throw new Error(`watch ${path}: HTTP ${res.status}`);
  const events: WatchEvent[] = [];
  let wake: (() => void) | undefined;
  const ended = (async () => {
    const decoder = new TextDecoder();
    let buffer = "";
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let nl: number;
        while ((nl = buffer.indexOf("\n")) >= 0) {
          events.push(JSON.parse(buffer.slice(0, nl)) as WatchEvent);
          buffer = buffer.slice(nl + 1);
          wake?.();
        }
      }
    } catch {
      // aborted by close()
    }
    wake?.();
  })();
  let done = false;
  void ended.then(() => (done = true));
  return {
    events,
    ended,
    next: async (n, timeoutMs = 3000) => {
      const deadline = Date.now() + timeoutMs;
      while (events.length < n) {
        if (done) throw new Error(`watch ${path} ended after ${events.length} events, wanted ${n}`);
        const left = deadline - Date.now();
        if (left <= 0)
          throw new Error(`watch ${path}: ${events.length} events after ${timeoutMs} ms, wanted ${n}`);
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, Math.min(left, 100));
        });
      }
      return events.slice(0, n);
    },
    close: () => abort.abort(),
  };
}

/** Polls `probe` until it returns true; throws after `timeoutMs` naming `what` (a function: described as
 *  things stand at the timeout). */
export async function waitFor(
  what: string | (() => string),
  probe: () => boolean,
  timeoutMs = 3000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${typeof what === "string" ? what : what()}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export const service = (name: string, namespace = "default", extra: JsonObject = {}): JsonObject => ({
  apiVersion: "v1",
  kind: "Service",
  metadata: { name, namespace },
  spec: { ports: [{ name: "http", port: 80 }] },
  ...extra,
});

/** A write being made, and when the API server stored it. */
export interface TimedWrite {
  /** Settles once `act` has (rejects as it did). */
  readonly done: Promise<unknown>;
  /** performance.now() when `written` first held, or undefined. */
  readonly at: () => number | undefined;
  /** What `act` failed with, for a wait to give up on. */
  readonly failed: () => string | undefined;
}

/**
 * Runs `act` (an API write or a kubectl run) while polling `written` every 2 ms, so a latency can be measured
 * from the moment the API server stored the change rather than from kubectl's start-up.
 */
export function timedWrite(act: () => Promise<unknown> | undefined, written: () => boolean): TimedWrite {
  let t0: number | undefined;
  let failed: string | undefined;
  const mark = () => {
    if (t0 === undefined && written()) t0 = performance.now();
  };
  const marker = setInterval(mark, 2);
  const done = Promise.resolve()
    .then(act)
    .catch((e: unknown) => {
      failed = e instanceof Error ? e.message : String(e);
      throw e;
    })
    .finally(() => {
      mark();
      clearInterval(marker);
    });
  return { done, at: () => t0, failed: () => failed };
}
