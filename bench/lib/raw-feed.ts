/**
 * A receiver under test (kbgpd, gobgpd or BIRD, from ingest-daemons.ts) fed by the raw sender
 * (raw-sender.ts) over one loopback session: start both, wait for Established, and wait until the receiver
 * holds a given number of prefixes, with its O(1) probe at the receiver's own interval. Every wait is
 * bounded; the session ending or a daemon exiting ends it at once with the reason.
 */
import type { Endpoint, Lab } from "../../test/interop/harness/lab.js";
import { sleep, waitUntil } from "../../test/interop/harness/wait.js";
import { now } from "./bench-run.js";
import {
  NEXT_HOP_4,
  type Receiver,
  type ReceiverName,
  type ReceiverOptions,
  SENDER_AS,
  startReceiver,
} from "./ingest-daemons.js";
import { encodeV4Routes, RawSender, type V4Routes } from "./raw-sender.js";

/** Probe intervals: cheap probes often; `gobgp neighbor` costs ~20 ms of CPU on a 2-CPU machine, and
 *  gobgpd takes tens of seconds, so a quarter second is well under 1 % of its time. */
export const PROBE_INTERVAL_MS: Record<ReceiverName, number> = { kbgpd: 50, gobgpd: 250, bird: 50 };

/** The benches' /24s from prefix `first` on, as the raw sender announces them (AS_PATH 65002, next hop
 *  198.18.0.2, as the BIRD sender of the ingest bench). */
export const senderRoutes = (first: number, n: number): V4Routes =>
  encodeV4Routes(first, n, SENDER_AS, NEXT_HOP_4);

export interface Fed {
  sender: RawSender;
  receiver: Receiver;
  /** Where the receiver listens (downstream peers connect there). */
  receiverAt: Endpoint;
  /** Why the run cannot go on (a daemon exited, the session ended), or undefined. */
  broken(): string | undefined;
}

/** Reserves two loopback endpoints, starts the raw sender listening on one, then the receiver on the other
 *  (with its metrics listener when `metrics`, kbgpd only), and waits for the session. `onStarted` hears of
 *  each part as soon as it runs, so that a failure further on still stops it (stopFed). */
export async function startFed(
  name: ReceiverName,
  lab: Lab,
  root: string,
  opts: Pick<ReceiverOptions, "downstream" | "asn" | "senderAs"> & { metrics?: boolean },
  onStarted: (f: Partial<Fed>) => void,
): Promise<Fed> {
  const senderAt = await lab.endpoint();
  const receiverAt = await lab.endpoint();
  const { metrics, ...ropts }: ReceiverOptions & { metrics?: boolean } = { ...opts };
  if (metrics && name === "kbgpd")
    ropts.httpListen = { address: receiverAt.address, port: await lab.port(receiverAt.address) };
  const sender = await RawSender.listen(senderAt, receiverAt.address, { asn: opts.senderAs ?? SENDER_AS });
  onStarted({ sender });
  const receiver = await startReceiver(name, lab, root, receiverAt, senderAt, ropts);
  onStarted({ sender, receiver });
  const broken = (): string | undefined =>
    !receiver.daemon.running
      ? `${name} ${receiver.daemon.exitDescription}\n${receiver.daemon.logTail()}`
      : sender.down !== undefined
        ? `the session to ${name} ended: ${sender.down}\n${receiver.daemon.logTail()}`
        : undefined;
  await sender.established(30_000).catch((e: Error) => {
    throw new Error(`${e.message}\n${receiver.daemon.logTail()}`);
  });
  // The receiver may take a moment more to say so on its control socket.
  await waitUntil(
    `${name} to report the session Established`,
    async () => (await receiver.probe()).established,
    {
      timeoutMs: 30_000,
      intervalMs: 50,
      abort: broken,
    },
  );
  return { sender, receiver, receiverAt, broken };
}

/** Sends `messages` (a table's announcements) and waits until the receiver holds `count` prefixes; the
 *  seconds that took. Throws when it takes longer than `capSeconds`. */
export async function loadTable(
  f: Fed,
  messages: Buffer[],
  count: number,
  capSeconds: number,
): Promise<number> {
  const t0 = now();
  await f.sender.send(messages, capSeconds * 1000);
  const loaded = await waitCount(f, count, t0 + capSeconds);
  if (loaded === null)
    throw new Error(`${f.receiver.name} did not take the ${count} prefixes within ${capSeconds} s`);
  return loaded - t0;
}

/** Polls the receiver until it holds `count` prefixes; the time (on `now()`'s clock) of the probe that saw
 *  it, or null when `deadline` passed first. `onProbe` sees every count. */
export async function waitCount(
  fed: Fed,
  count: number,
  deadline: number,
  onProbe?: (count: number, at: number) => void,
): Promise<number | null> {
  const interval = PROBE_INTERVAL_MS[fed.receiver.name];
  for (;;) {
    const why = fed.broken();
    if (why) throw new Error(why);
    let held = -1;
    try {
      held = (await fed.receiver.probe()).count;
    } catch {
      // a probe that timed out under load: try again
    }
    const at = now();
    if (held >= 0) onProbe?.(held, at);
    if (held === count) return at;
    if (at > deadline) return null;
    await sleep(interval);
  }
}

/** Stops what startFed started: the receiver gracefully, then the sender, then the lab. */
export async function stopFed(f: Partial<Fed>, lab: Lab, log: (msg: string) => void): Promise<void> {
  f.receiver?.close();
  await f.receiver?.daemon.terminate(10_000).catch(() => undefined);
  f.sender?.close();
  await lab.close().catch((e) => log(`lab teardown: ${e instanceof Error ? e.message : e}`));
}
