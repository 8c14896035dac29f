/**
 * `monitor.start` and `monitor.stop` (docs/api.md): a subscription lives on the connection that asked for
 * it and ends with it.
 */
import type { Speaker } from "../../../core/speaker/speaker.js";
import type { K8sSync } from "../../k8s/sync.js";
import { accepts } from "../params.js";
import { type Method, RpcCode, RpcError, Stream } from "../server.js";
import type { MonitorClock } from "./counters.js";
import { MonitorHub } from "./hub.js";
import { MONITOR_PARAMS, monitorRequest } from "./topic.js";

/** Subscriptions one connection may hold at a time (the shell uses three). */
export const MAX_SUBSCRIPTIONS = 16;

export function monitorMethods(
  speaker: Speaker,
  clock: MonitorClock,
  k8s: K8sSync | null,
): Record<string, Method> {
  const hub = new MonitorHub(speaker, clock, k8s);
  return {
    "monitor.start": accepts(MONITOR_PARAMS, (params, call) => {
      const request = monitorRequest(params, speaker.peers);
      // Each subscription may queue maxPending events: their number per connection is bounded too.
      if (hub.countOn(call.socket) >= MAX_SUBSCRIPTIONS && !hub.find(call.socket, call.id))
        throw new RpcError(
          RpcCode.LIMIT,
          `at most ${MAX_SUBSCRIPTIONS} monitor subscriptions per connection: end one with monitor.stop`,
        );
      const { subscription, rows } = hub.subscribe(request, call.id, call.socket);
      call.socket.once("close", () => subscription.stop());
      return new Stream(
        rows,
        (count) => ({ snapshot: count }),
        () => subscription.start(),
      );
    }),
    "monitor.stop": accepts(["id"], (params, call) => {
      const s = hub.find(call.socket, params.id);
      if (!s)
        throw new RpcError(
          RpcCode.INVALID_PARAMS,
          `no monitor with id ${JSON.stringify(params.id)} on this connection`,
        );
      s.stop();
      return { ok: true, lastSeq: s.lastSeq };
    }),
  };
}
