/** Neighbors as `neighbor.list` gives them, for the shell's reducer and dashboard tests. */

import type { Neighbor } from "../../cli/shell/state.js";
import type { NeighborView } from "../../daemon/control/views.js";

export function neighborView(address: string, over: Partial<NeighborView> = {}): NeighborView {
  return {
    address,
    description: undefined,
    asn: 65002,
    routerId: null,
    hostname: null,
    state: "idle",
    adminDown: false,
    prefixLimitReached: false,
    upSince: null,
    downSince: null,
    uptimeSeconds: 0,
    establishedTransitions: 0,
    families: [],
    received: 0,
    accepted: 0,
    receivedByFamily: {},
    acceptedByFamily: {},
    advertisedByFamily: {},
    messages: { sent: {}, received: {} },
    lastError: null,
    lastNotification: null,
    ...over,
  } as NeighborView;
}

export const neighbor = (address: string, over: Partial<Neighbor> = {}): Neighbor => ({
  ...neighborView(address, over),
  flaps: 0,
  ...over,
});
