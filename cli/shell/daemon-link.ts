/**
 * The shell's standing connection to kbgpd: hello, the neighbor list, then the neighbor monitor stream
 * (state changes as they happen, and counters at most once a second while they move). When kbgpd goes
 * away it says so and tries again, after a quarter of a second at first and then every few seconds, until it
 * is back;
 * nothing here polls a healthy daemon.
 */
import type { NeighborView } from "../../daemon/control/views.js";
import { Client } from "../client.js";
import type { Action, NeighborEvent } from "./state.js";

const RETRY_MS = [250, 500, 1000, 2000, 3000];

/** The counters event of the neighbor topic (`counters: true`, docs/api.md). */
interface CountersEvent {
  readonly kind: "neighbor-counters";
  readonly address: string;
}

export class DaemonLink {
  private client: Client | null = null;
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly socket: string,
    private readonly dispatch: (a: Action) => void,
    private readonly now: () => number = Date.now,
  ) {}

  start(): void {
    void this.connect(0);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.client?.close();
  }

  /** The live client, for lookups (completion): null while kbgpd is away. */
  get current(): Client | null {
    return this.client;
  }

  private async connect(attempt: number): Promise<void> {
    if (this.stopped) return;
    this.dispatch({ type: "connecting", attempt });
    let c: Client;
    try {
      c = await Client.connect(this.socket);
    } catch (e) {
      // The status bar names the socket already: "cannot reach kbgpd at PATH: " would say it twice.
      this.lost((e as Error).message.replace(/^cannot reach kbgpd at [^:]*: /, ""), attempt);
      return;
    }
    try {
      const hello = await c.call<{ version: string }>("session.hello");
      const { neighbors } = await c.call<{ neighbors: NeighborView[] }>("neighbor.list");
      c.on("monitor", (p) => this.event(c, p as NeighborEvent | CountersEvent));
      await c.call("monitor.start", { topic: "neighbor", counters: true });
      if (this.stopped) return c.close();
      this.client = c;
      this.dispatch({ type: "connected", version: hello.version, neighbors, at: this.now() });
      void c.ended.then((e) => {
        if (this.client !== c) return;
        this.client = null;
        this.lost(e.message.replace(/^lost kbgpd at [^:]*: /, ""), 0);
      });
    } catch (e) {
      c.close();
      this.lost((e as Error).message, attempt);
    }
  }

  private lost(reason: string, attempt: number): void {
    if (this.stopped) return;
    this.dispatch({ type: "lost", reason, at: this.now() });
    const wait = RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)];
    this.timer = setTimeout(() => void this.connect(attempt + 1), wait);
  }

  /**
   * A state change or removal is shown at once; every event also brings the neighbor list anew (counters,
   * and anything unknown, only that): a list answered before a removal can be applied after it (its answer
   * settles a promise, the event is dispatched at once), and would put the neighbor back but for the next.
   */
  private event(c: Client, e: NeighborEvent | CountersEvent): void {
    if (e.kind === "neighbor" || e.kind === "neighbor-removed")
      this.dispatch({ type: "neighbor-event", event: e });
    this.refresh(c);
  }

  private refreshing = false;
  private again = false;

  /** One `neighbor.list` at a time: events during one bring exactly one more after it, however many. */
  private refresh(c: Client): void {
    if (this.refreshing) {
      this.again = true;
      return;
    }
    this.refreshing = true;
    void c
      .call<{ neighbors: NeighborView[] }>("neighbor.list")
      .then(({ neighbors }) => this.dispatch({ type: "neighbors", neighbors }))
      .catch(() => {})
      .finally(() => {
        this.refreshing = false;
        if (this.again && this.client === c) {
          this.again = false;
          this.refresh(c);
        }
      });
  }
}
