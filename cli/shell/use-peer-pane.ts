/**
 * The peer pane's wiring: which neighbor it shows, and `kbgp neighbor ADDRESS`'s text for it (the one-shot
 * command's formatter), asked of kbgpd when the neighbor is chosen and again whenever the neighbors change.
 */
import { useEffect, useRef, useState } from "react";
import type { NeighborDetailView } from "../../daemon/control/views.js";
import type { Client } from "../client.js";
import { neighborDetail } from "../format/neighbors.js";

export interface PeerPane {
  readonly address: string | null;
  /** The address as the keys left it. */
  readonly current: () => string | null;
  readonly text: string | null;
  /** Show this neighbor (its text asked anew). */
  readonly show: (address: string | null) => void;
}

export function usePeerPane(
  /** kbgpd's client while the pane is on screen; null otherwise. */
  client: Client | null,
  /** Changes when the neighbors do: the reason to ask again. */
  neighbors: unknown,
  now: () => number,
): PeerPane {
  const [address, setAddress] = useState<string | null>(null);
  // The address as the keys left it (a key's handler may be from an earlier render).
  const shown = useRef(address);
  const [text, setText] = useState<string | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a change of the neighbors is the reason to ask again
  useEffect(() => {
    if (!address || !client) return;
    let live = true;
    client
      .call<NeighborDetailView>("neighbor.get", { neighbor: address })
      .then((d) => live && setText(neighborDetail(d, now())))
      .catch((e: Error) => live && setText(`kbgpd: ${e.message}`));
    return () => {
      live = false;
    };
  }, [address, client, neighbors, now]);
  const show = (a: string | null) => {
    if (a === shown.current) return;
    shown.current = a;
    setAddress(a);
    setText(null);
  };
  return { address, current: () => shown.current, text, show };
}
