/**
 * A monitor stream on a connection of its own (the route changes, the Kubernetes sync), beside the daemon
 * link's: a burst of a million route events then never queues in front of a neighbor going down, and the
 * requests that must be ordered with a stream (k8s.routes with the k8s topic) go on its connection. The
 * daemon link says whether kbgpd is there; a feed is opened while it is, and tries again a second after
 * losing its connection.
 */
import { Client } from "../client.js";

const RETRY_MS = 1000;

/** An overflow notice (docs/api.md, "Slow readers"): the subscription was dropped. */
export interface Overflow {
  readonly kind: "overflow";
  readonly lastSeq: number;
  readonly lost: number;
}

export class Feed {
  private client: Client | null = null;
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;

  /**
   * `setup` subscribes on the new connection (listeners first, then `monitor.start`); a failure closes it
   * and is handed to `failed`, which says whether to try again.
   */
  constructor(
    private readonly socket: string,
    private readonly setup: (c: Client) => Promise<void>,
    private readonly failed: (e: Error) => boolean = () => true,
  ) {}

  start(): this {
    void this.connect();
    return this;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.client?.close();
    this.client = null;
  }

  /** The feed's connection while it is up, for requests ordered with its stream. */
  get current(): Client | null {
    return this.client;
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    let c: Client;
    try {
      c = await Client.connect(this.socket);
    } catch {
      return this.retry();
    }
    if (this.stopped) return c.close();
    this.client = c;
    void c.ended.then(() => {
      if (this.client !== c) return;
      this.client = null;
      this.retry();
    });
    try {
      await this.setup(c);
    } catch (e) {
      if (this.client === c) this.client = null;
      c.close();
      if (this.failed(e as Error)) this.retry();
    }
  }

  private retry(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.connect(), RETRY_MS);
  }
}
