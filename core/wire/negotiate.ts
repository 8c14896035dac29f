/**
 * What two OPENs agree on (RFC 5492 §3: a capability applies only when both sides advertised it), and the
 * codec settings that follow: the receive context and the send options. Direction matters for ADD-PATH
 * (RFC 7911 §5), Extended Messages (RFC 8654 §4/§6) and the extended next hop (RFC 8950 §4).
 */

import { AddPathMode, type Capability, findCapabilities, findCapability } from "./capabilities.js";
import {
  type FamilyKey,
  familyKey,
  IPV4_UNICAST,
  MAX_EXTENDED_MESSAGE_LENGTH,
  MAX_MESSAGE_LENGTH,
} from "./constants.js";
import { type CodecContext, codecContext } from "./context.js";
import { type OpenMessage, openAsn } from "./open.js";

export interface Negotiated {
  readonly peerAsn: number;
  readonly peerBgpId: number;
  /** min(ours, theirs) (RFC 4271 §4.2); 0 disables keepalives and the hold timer. */
  readonly holdTime: number;
  readonly as4: boolean;
  /** Families both sides advertised; IPv4 unicast is implied by a side that sent no multiprotocol
   *  capability at all (RFC 4760 §8). */
  readonly families: readonly FamilyKey[];
  readonly routeRefresh: boolean;
  readonly enhancedRouteRefresh: boolean;
  /** Families for which we receive, and for which we send, path identifiers. */
  readonly addPathReceive: ReadonlySet<FamilyKey>;
  readonly addPathSend: ReadonlySet<FamilyKey>;
  /** Largest message we accept (we advertised Extended Messages) and may send (the peer did). */
  readonly maxReceiveLength: number;
  readonly maxSendLength: number;
  /** Families whose routes we may send with an IPv6 next hop (the peer advertised it). */
  readonly extendedNextHopSend: ReadonlySet<FamilyKey>;
  /** The peer's graceful-restart capability, if any. */
  readonly gracefulRestart?: Extract<Capability, { kind: "graceful-restart" }>;
  readonly longLivedGracefulRestart?: Extract<Capability, { kind: "long-lived-graceful-restart" }>;
  readonly hostname?: string;
  readonly domain?: string;
  /** Decoding context for messages from the peer. */
  readonly receive: CodecContext;
}

function advertisedFamilies(caps: readonly Capability[]): FamilyKey[] {
  const mp = findCapabilities(caps, "multiprotocol");
  return mp.length === 0 ? [IPV4_UNICAST] : mp.map((c) => familyKey(c.afi, c.safi));
}

function addPathModes(caps: readonly Capability[]): Map<FamilyKey, number> {
  const m = new Map<FamilyKey, number>();
  for (const c of findCapabilities(caps, "add-path"))
    for (const f of c.families) m.set(familyKey(f.afi, f.safi), f.mode);
  return m;
}

function extendedNextHops(caps: readonly Capability[]): Set<FamilyKey> {
  const s = new Set<FamilyKey>();
  for (const c of findCapabilities(caps, "extended-next-hop")) {
    for (const e of c.entries) if (e.nextHopAfi === 2) s.add(familyKey(e.afi, e.safi));
  }
  return s;
}

const has = (caps: readonly Capability[], kind: Capability["kind"]) => caps.some((c) => c.kind === kind);

export function negotiate(local: OpenMessage, remote: OpenMessage, ebgp: boolean): Negotiated {
  const lc = local.capabilities;
  const rc = remote.capabilities;
  const theirs = new Set(advertisedFamilies(rc));
  const families = advertisedFamilies(lc).filter((f) => theirs.has(f));
  const as4 = has(lc, "four-octet-as") && has(rc, "four-octet-as");

  const ourAddPath = addPathModes(lc);
  const theirAddPath = addPathModes(rc);
  const addPathReceive = new Set<FamilyKey>();
  const addPathSend = new Set<FamilyKey>();
  for (const [fam, mine] of ourAddPath) {
    const peer = theirAddPath.get(fam) ?? 0;
    if (mine & AddPathMode.RECEIVE && peer & AddPathMode.SEND) addPathReceive.add(fam);
    if (mine & AddPathMode.SEND && peer & AddPathMode.RECEIVE) addPathSend.add(fam);
  }
  const ourEnh = extendedNextHops(lc);
  const theirEnh = extendedNextHops(rc);
  const fqdn = findCapability(rc, "fqdn");
  const gr = findCapability(rc, "graceful-restart");
  // RFC 9494 §4.1: LLGR without GR is disregarded.
  const llgr = gr ? findCapability(rc, "long-lived-graceful-restart") : undefined;
  const maxReceiveLength = has(lc, "extended-message") ? MAX_EXTENDED_MESSAGE_LENGTH : MAX_MESSAGE_LENGTH;

  return {
    peerAsn: openAsn(remote),
    peerBgpId: remote.bgpId,
    holdTime: Math.min(local.holdTime, remote.holdTime),
    as4,
    families,
    routeRefresh:
      (has(lc, "route-refresh") || has(lc, "route-refresh-cisco")) &&
      (has(rc, "route-refresh") || has(rc, "route-refresh-cisco")),
    enhancedRouteRefresh: has(lc, "enhanced-route-refresh") && has(rc, "enhanced-route-refresh"),
    addPathReceive,
    addPathSend,
    maxReceiveLength,
    maxSendLength: has(rc, "extended-message") ? MAX_EXTENDED_MESSAGE_LENGTH : MAX_MESSAGE_LENGTH,
    extendedNextHopSend: new Set([...theirEnh].filter((f) => ourEnh.has(f))),
    ...(gr ? { gracefulRestart: gr } : {}),
    ...(llgr ? { longLivedGracefulRestart: llgr } : {}),
    ...(fqdn ? { hostname: fqdn.hostname, domain: fqdn.domain } : {}),
    receive: codecContext({
      as4,
      addPath: addPathReceive,
      extendedMessage: maxReceiveLength > MAX_MESSAGE_LENGTH,
      extendedNextHop: ourEnh,
      ebgp,
    }),
  };
}
