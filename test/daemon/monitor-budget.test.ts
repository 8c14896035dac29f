/**
 * The events all monitor subscriptions queue together are bounded (PendingBudget), not only each one's:
 * the subscriber whose event would pass the total is dropped with its overflow notice, the others go on,
 * and what a subscription queued is given back when it is sent or the subscription ends.
 */
import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import type { MonitorEvent } from "../../daemon/control/monitor/events.js";
import { type Outlet, PendingBudget, Subscription } from "../../daemon/control/monitor/subscription.js";
import type { Topic } from "../../daemon/control/monitor/topic.js";

/** A socket that is full until `drain`. */
class FullOutlet extends EventEmitter implements Outlet {
  text = "";
  destroyed = false;
  full = true;
  write(text: string): boolean {
    this.text += text;
    return !this.full;
  }
}

const topic: Topic = { kind: "neighbor", neighbor: null, counters: false };
const event = (n: number): MonitorEvent => ({ kind: "neighbor-removed", at: n, address: `192.0.2.${n}` });
const tick = () => new Promise((r) => setImmediate(r));

describe("the pending budget of all subscriptions", () => {
  it("drops the subscriber that passes the total, keeps the others, and is given back", async () => {
    const budget = new PendingBudget(5);
    const outs = [new FullOutlet(), new FullOutlet()];
    const [a, b] = outs.map((o, i) => new Subscription(i, topic, o, 100, () => {}, budget));
    a.start();
    b.start();
    // The first event of each is written (and fills the socket); the rest wait.
    a.push(event(1));
    b.push(event(1));
    await tick();
    for (let i = 2; i <= 4; i++) a.push(event(i));
    for (let i = 2; i <= 3; i++) b.push(event(i));
    expect([a.pending, b.pending, budget.total]).toEqual([3, 2, 5]);
    // Each is far below its own maxPending (100): the total decides.
    b.push(event(4));
    expect([a.closed, b.closed, budget.total]).toEqual([false, true, 3]);
    expect(outs[1].text).toContain('"kind":"overflow","lastSeq":1,"lost":3');
    // a's socket drains: what it sent is given back.
    outs[0].full = false;
    outs[0].emit("drain");
    expect([a.pending, budget.total]).toEqual([0, 0]);
    a.push(event(5));
    a.stop();
    expect(budget.total).toBe(0);
  });
});
