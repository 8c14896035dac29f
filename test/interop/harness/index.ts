/** Entry point of the interop harness: Lab, the four speakers and a factory by name. */
import { BirdPeer } from "./bird.js";
import { ExabgpPeer } from "./exabgp.js";
import { FrrPeer } from "./frr.js";
import { GobgpPeer } from "./gobgp.js";
import { KbgpdPeer } from "./kbgpd.js";
import type { Lab } from "./lab.js";
import type { BasePeer } from "./peer.js";
import type { PeerSpec, SpeakerKind } from "./types.js";

export { BirdPeer } from "./bird.js";
export { ExabgpPeer } from "./exabgp.js";
export { FrrPeer } from "./frr.js";
export { GobgpPeer } from "./gobgp.js";
export { KbgpdPeer } from "./kbgpd.js";
export { closeAllLabs, type Endpoint, Lab } from "./lab.js";
export { BasePeer, unsupported, waitForRoute, waitForWithdrawal } from "./peer.js";
export { requireBinary } from "./proc.js";
export type * from "./types.js";
export { sleep, waitUntil } from "./wait.js";

export function createPeer(kind: SpeakerKind, lab: Lab, spec: PeerSpec): BasePeer {
  switch (kind) {
    case "gobgp":
      return new GobgpPeer(lab, spec);
    case "bird":
      return new BirdPeer(lab, spec);
    case "frr":
      return new FrrPeer(lab, spec);
    case "exabgp":
      return new ExabgpPeer(lab, spec);
    case "kbgpd":
      return new KbgpdPeer(lab, spec);
  }
}
export { counter, createHop, type Hop, inNetns, liveNamespaces } from "./netns.js";
