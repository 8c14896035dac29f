/**
 * One subscriber's stream of events (docs/api.md, `monitor.start`): each event numbered by `seq`, 1, 2, 3…
 * with no gaps, written as the socket takes them. Events wait in a queue while the snapshot streams and
 * while the socket is full; a subscriber that falls `maxPending` events behind is dropped rather than
 * letting its queue grow without bound: the queue is freed, one last `overflow` notification says how far
 * it got (`lastSeq`) and how many events were dropped (`lost`), and no more events come for it. The client
 * knows it missed something and can subscribe again, with the current state.
 */
import { eventJson, type MonitorEvent } from "./events.js";
import type { Topic } from "./topic.js";

/** Where the lines go: the client's socket (a fake in tests). */
export interface Outlet {
  /** False when the buffer is full: wait for `drain`. */
  write(text: string): boolean;
  once(event: "drain", listener: () => void): unknown;
  readonly destroyed: boolean;
}

/**
 * Events queued by all the subscriptions of one kbgpd together. `maxPending` bounds each subscriber; this
 * bounds their sum, which would otherwise grow with the number of subscribers.
 */
export class PendingBudget {
  total = 0;
  constructor(readonly max: number) {}
}

/** Events are written in batches of about this many characters. */
const BATCH_CHARS = 64 * 1024;

export class Subscription {
  /** Events waiting: while the snapshot streams, or while the socket is full. */
  private queue: (MonitorEvent | undefined)[] = [];
  /** The next event to send; events before it were sent or dropped. */
  private head = 0;
  /** Lines made but not yet handed to the socket (at most about BATCH_CHARS). */
  private batch = "";
  /** The sequence number of the last event made into a line. */
  private seq = 0;
  /** The snapshot and the response are out: events may follow. */
  private started = false;
  private ended = false;
  private awaitingDrain = false;
  private writeQueued = false;
  /** The overflow notification, when it could not be sent yet (the snapshot was still streaming). */
  private notice: string | null = null;
  /** `{"jsonrpc":"2.0","method":"monitor","params":{"id":…,` — every line starts so. */
  private readonly lead: string;

  constructor(
    readonly id: string | number | null,
    readonly topic: Topic,
    readonly out: Outlet,
    private readonly maxPending: number,
    private readonly onEnd: (s: Subscription) => void,
    private readonly budget = new PendingBudget(Number.POSITIVE_INFINITY),
  ) {
    this.lead = `{"jsonrpc":"2.0","method":"monitor","params":{"id":${JSON.stringify(id)},`;
  }

  /** Events waiting to be sent. */
  get pending(): number {
    return this.queue.length - this.head;
  }

  get lastSeq(): number {
    return this.seq;
  }

  get closed(): boolean {
    return this.ended;
  }

  /**
   * An event for this subscriber (the hub has matched the topic). While the socket takes what it is given,
   * the event becomes a line at once, so a burst of changes from one input (a peer's table withdrawn)
   * reaches a fast reader in full; only what the socket refuses waits, and counts against `maxPending`.
   */
  push(e: MonitorEvent): void {
    if (this.ended) return;
    if (this.started && !this.awaitingDrain && this.pending === 0) return this.add(e);
    // Past its own limit, or the one all subscribers share: the subscriber whose event does not fit goes.
    if (this.pending >= this.maxPending || this.budget.total >= this.budget.max) return this.overflow();
    this.queue.push(e);
    this.budget.total++;
  }

  /** The response to `monitor.start` is written: send what waited, then events as they come. */
  start(): void {
    this.started = true;
    if (this.notice) this.out.write(this.notice);
    else this.sendQueued();
  }

  /** The rows of a snapshot, for as long as the subscription lasts (an overflow cuts it short). */
  *whileOpen(rows: Iterable<object>): IterableIterator<object> {
    for (const r of rows) {
      if (this.ended) return;
      yield r;
    }
  }

  /** End: the client asked, or its connection closed. */
  stop(): void {
    if (this.ended) return;
    this.write();
    this.ended = true;
    this.budget.total -= this.pending;
    this.queue = [];
    this.head = 0;
    this.batch = "";
    this.onEnd(this);
  }

  private overflow(): void {
    const lost = this.pending + 1;
    this.notice = `${this.lead}"kind":"overflow","lastSeq":${this.seq},"lost":${lost}}}\n`;
    this.stop();
    if (this.started && !this.out.destroyed) this.out.write(this.notice);
  }

  /** Make the event a line; hand a full batch to the socket, the rest once this input is handled. */
  private add(e: MonitorEvent): void {
    this.seq++;
    this.batch += `${this.lead}"seq":${this.seq},${eventJson(e).slice(1)}}\n`;
    if (this.batch.length >= BATCH_CHARS) this.write();
    else if (!this.writeQueued) {
      this.writeQueued = true;
      queueMicrotask(() => {
        this.writeQueued = false;
        this.write();
      });
    }
  }

  private write(): void {
    if (this.batch === "" || this.ended || this.out.destroyed) return;
    const ok = this.out.write(this.batch);
    this.batch = "";
    if (ok) return;
    this.awaitingDrain = true;
    this.out.once("drain", () => {
      this.awaitingDrain = false;
      this.sendQueued();
    });
  }

  /** Send waiting events while the socket takes them. */
  private sendQueued(): void {
    while (this.head < this.queue.length && !this.awaitingDrain && !this.ended) {
      const e = this.queue[this.head]!;
      this.queue[this.head++] = undefined;
      this.budget.total--;
      this.add(e);
    }
    this.write();
    // Give the sent part of the queue back.
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }
}
