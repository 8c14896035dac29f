/**
 * Many raw BGP senders at once (the sessions bench, scenario 5): one RawSender per loopback address, each
 * connecting to the daemon under test from its own address (the daemon is passive towards them), each with
 * its own pre-encoded table written as soon as its session is Established. All run in this process: a
 * session's whole life here is an OPEN, a KEEPALIVE and a few 4096-byte UPDATEs, so even a few hundred of
 * them cost this process a fraction of a CPU second (the bench reports its own CPU beside the daemon's).
 *
 * A session that fails before it is Established (the connection refused, reset or closed: BIRD listens with a
 * backlog of 8, and SYNs beyond what its queue holds are dropped or answered with a reset) is tried again
 * 1 s later, as a BGP speaker's connect-retry timer would (set to 1 s, as the benches set the daemons'), and
 * counted; any end of a session after Established, before `close`, is a drop, kept with its reason.
 */
import type { Endpoint } from "../../test/interop/harness/lab.js";
import { sleep } from "../../test/interop/harness/wait.js";
import { RawSender, type RawSenderOptions } from "./raw-sender.js";

/** A BGP speaker's connect-retry timer, as the benches configure the daemons' (1 s). */
const RETRY_MS = 1000;

export interface PoolMember {
  /** Loopback address to connect from (also its BGP identifier). */
  address: string;
  /** UPDATEs to write once Established. */
  table: readonly Uint8Array[];
}

export class SenderPool {
  /** When each member's session reached Established (ms since the epoch), by index. */
  readonly establishedAt: (number | undefined)[];
  /** When each member's last UPDATE was handed to the kernel (ms since the epoch), by index. */
  readonly sentAt: (number | undefined)[];
  /** Sessions that failed before Established and were tried again, and why (how many times each). */
  retries = 0;
  readonly retryReasons = new Map<string, number>();
  private readonly senders: (RawSender | undefined)[];
  private readonly failures: string[] = [];
  private closed = false;

  private constructor(
    private readonly members: readonly PoolMember[],
    private readonly peer: Endpoint,
    private readonly opts: RawSenderOptions,
  ) {
    this.establishedAt = members.map(() => undefined);
    this.sentAt = members.map(() => undefined);
    this.senders = members.map(() => undefined);
  }

  /** Starts the members' connections, spread evenly over `spreadMs` (0: all at once); each runs until `close`
   *  or `deadlineMs` (epoch ms). */
  static start(
    members: readonly PoolMember[],
    peer: Endpoint,
    opts: RawSenderOptions,
    deadlineMs: number,
    spreadMs = 0,
  ): SenderPool {
    const pool = new SenderPool(members, peer, opts);
    members.forEach((_, i) => {
      pool
        .run(i, deadlineMs, members.length > 1 ? (spreadMs * i) / (members.length - 1) : 0)
        .catch((e: Error) => pool.failures.push(`${members[i]!.address}: ${e.message}`));
    });
    return pool;
  }

  private async run(i: number, deadlineMs: number, delayMs: number): Promise<void> {
    const m = this.members[i]!;
    if (delayMs > 0) await sleep(delayMs);
    for (let attempt = 0; !this.closed; attempt++) {
      const s = RawSender.connect(m.address, this.peer, this.opts);
      this.senders[i] = s;
      try {
        await s.established(Math.max(0, deadlineMs - Date.now()));
      } catch (e) {
        if (s.down !== undefined && Date.now() + RETRY_MS < deadlineMs && attempt < 1000) {
          this.retries++;
          this.retryReasons.set(s.down, (this.retryReasons.get(s.down) ?? 0) + 1);
          await sleep(RETRY_MS);
          continue;
        }
        throw e;
      }
      this.establishedAt[i] = s.establishedAt;
      await s.send(m.table, Math.max(0, deadlineMs - Date.now()));
      this.sentAt[i] = Date.now();
      return;
    }
  }

  /** How many sessions are Established. */
  get established(): number {
    return this.establishedAt.filter((t) => t !== undefined).length;
  }

  /** Sessions that failed or ended (a NOTIFICATION, a close, a timeout), each with its reason. */
  problems(): string[] {
    const ended = this.senders.flatMap((s, i) =>
      s?.down !== undefined && this.establishedAt[i] !== undefined
        ? [`${this.members[i]!.address}: ${s.down}`]
        : [],
    );
    return [...this.failures, ...ended];
  }

  close(): void {
    this.closed = true;
    for (const s of this.senders) s?.close();
  }
}
