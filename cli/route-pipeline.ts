/**
 * Sending many route changes over one connection: consecutive adds (or deletes) share a request, a few
 * requests are in flight at once, and each change's outcome comes back in the order it was given (the
 * daemon applies a request's valid routes and names the refused ones by index) — what
 * `kbgp global rib add -f` and `kbgp api` need to answer line by line without waiting a round trip per line.
 * The daemon answers requests on a connection in order, so an add and a later delete of the same route
 * apply in that order.
 */
import type { RouteText } from "../core/api/route-text.js";
import type { Client } from "./client.js";

/** What each queued item is told: null when it went through, else why not. */
export type Outcome<T> = (tag: T, error: string | null) => void;

type Method = "rib.add" | "rib.delete";

interface Batch<T> {
  readonly method: Method;
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
    private readonly client: Client,
    private readonly outcome: Outcome<T>,
  ) {}

  /** Queue routes for `method`; resolves when there is room for more (backpressure). */
  async push(method: Method, routes: RouteText[], tag: T): Promise<void> {
    if (this.batch && (this.batch.method !== method || this.batch.routes.length + routes.length > BATCH))
      await this.flush();
    this.batch ??= { method, routes: [], items: [] };
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
    const sent = this.client.call<{ refused: Refused[] }>(b.method, { routes: b.routes }).then(
      (r) => r.refused,
      (e: Error) => e.message,
    );
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
  private report(b: Batch<T>, result: Refused[] | string): void {
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

interface Refused {
  readonly index: number;
  readonly message: string;
}
