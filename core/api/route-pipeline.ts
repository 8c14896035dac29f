/**
 * Sending many route changes: consecutive adds (or deletes) share a request, a few requests are in flight at
 * once, and each change's outcome comes back in the order it was given (a request applies its valid routes
 * and names the refused ones by index) — what `kbgp global rib add -f`, `kbgp api` and kbgpd's helper
 * processes need to answer line by line without waiting a round trip per line. Where the requests go is the
 * caller's `RouteSender`: the control socket for the CLI (which answers requests on a connection in order,
 * so an add and a later delete of the same route apply in that order), the speaker itself inside kbgpd.
 */
import type { RouteText } from "./route-text.js";

/** What each queued item is told: null when it went through, else why not. */
export type Outcome<T> = (tag: T, error: string | null) => void;

export type RouteOp = "add" | "delete";

/** A route a request refused: its index in the request and why. */
export interface Refused {
  readonly index: number;
  readonly message: string;
}

/** Applies one request of route changes; resolves with the refused ones, rejects when nothing is known. */
export type RouteSender = (op: RouteOp, routes: RouteText[]) => Promise<readonly Refused[]>;

interface Batch<T> {
  readonly op: RouteOp;
  readonly routes: RouteText[];
  /** For each tag, how many of `routes` are its own (an ExaBGP line may carry several). */
  readonly items: { tag: T; count: number }[];
}

const BATCH = 2000;
const IN_FLIGHT = 4;

export class RoutePipeline<T> {
  private batch: Batch<T> | null = null;
  private readonly flying: Promise<void>[] = [];
  /** Settled in order: each batch's outcomes are reported after the previous batch's. */
  private tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly send: RouteSender,
    private readonly outcome: Outcome<T>,
  ) {}

  /** Queue routes for `op`; resolves when there is room for more (backpressure). */
  async push(op: RouteOp, routes: RouteText[], tag: T): Promise<void> {
    if (this.batch && (this.batch.op !== op || this.batch.routes.length + routes.length > BATCH))
      await this.flush();
    this.batch ??= { op, routes: [], items: [] };
    for (const r of routes) this.batch.routes.push(r);
    this.batch.items.push({ tag, count: routes.length });
    if (this.batch.routes.length >= BATCH) await this.flush();
  }

  /** Run something else in order with the routes (an ExaBGP `announce eor`, say). */
  async call(f: () => Promise<void>): Promise<void> {
    await this.flush();
    await this.tail;
    await f();
  }

  /** Send what is queued now (call when input pauses, so a line-by-line client is not kept waiting). */
  async flush(): Promise<void> {
    const b = this.batch;
    if (!b) return;
    this.batch = null;
    const sent = this.send(b.op, b.routes).catch((e: Error) => e.message);
    const done = this.tail.then(async () => this.report(b, await sent));
    this.tail = done;
    this.flying.push(done);
    if (this.flying.length >= IN_FLIGHT) await this.flying.shift();
  }

  async finish(): Promise<void> {
    await this.flush();
    await this.tail;
  }

  /** The daemon applies the valid routes of a request and lists the others: each item learns its own fate. */
  private report(b: Batch<T>, result: readonly Refused[] | string): void {
    if (typeof result === "string") {
      for (const it of b.items) this.outcome(it.tag, result);
      return;
    }
    const refused = new Map(result.map((r) => [r.index, r.message]));
    let at = 0;
    for (const it of b.items) {
      const problems: string[] = [];
      for (let i = at; i < at + it.count; i++) {
        const m = refused.get(i);
        if (m !== undefined) problems.push(it.count > 1 ? `${b.routes[i].prefix}: ${m}` : m);
      }
      at += it.count;
      this.outcome(it.tag, problems.length ? problems.join("; ") : null);
    }
  }
}
