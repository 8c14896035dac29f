/**
 * The OPEN we send to a neighbor (capabilities from its configuration, RFC 5492) and the session-level
 * checks on the OPEN it sends (RFC 4271 §6.2 peer AS, RFC 6286 §2.2 identifier).
 */
import type { GlobalConfig, NeighborConfig } from "../config/types.js";
import type { Capability } from "../wire/capabilities.js";
import { IPV4_UNICAST, MessageType } from "../wire/constants.js";
import { type BgpError, bgpError, ErrorCode, OpenSubcode } from "../wire/errors.js";
import { type OpenMessage, openAsn } from "../wire/open.js";

export interface OpenOptions {
  /** This process restarted and kept its routes' forwarding (RFC 4724 §3 Restart State). */
  readonly restarting: boolean;
  readonly hostname: string;
}

export function localOpen(g: GlobalConfig, n: NeighborConfig, o: OpenOptions): OpenMessage {
  const caps: Capability[] = n.families.map((f) => ({ kind: "multiprotocol", afi: f >>> 8, safi: f & 0xff }));
  caps.push(
    { kind: "route-refresh" },
    { kind: "enhanced-route-refresh" },
    { kind: "four-octet-as", asn: g.asn },
  );
  caps.push({ kind: "extended-message" });
  const gr = n.gracefulRestart;
  if (gr.enabled) {
    caps.push({
      kind: "graceful-restart",
      restartState: o.restarting,
      // RFC 8538: we understand Hard Reset, so a NOTIFICATION need not end graceful restart.
      notification: true,
      restartTime: gr.restartTime,
      // A helper-only speaker preserves nothing. Otherwise the node keeps forwarding while kbgpd restarts
      // (kbgpd does not program the data plane), so the F bit is set (RFC 4724 §3).
      families: gr.helperOnly
        ? []
        : n.families.map((f) => ({ afi: f >>> 8, safi: f & 0xff, forwarding: true })),
    });
  }
  if (n.addPath.receive || n.addPath.send > 0) {
    const mode = (n.addPath.receive ? 1 : 0) | (n.addPath.send > 0 ? 2 : 0);
    caps.push({
      kind: "add-path",
      families: n.families.map((f) => ({ afi: f >>> 8, safi: f & 0xff, mode: mode as 1 | 2 | 3 })),
    });
  }
  if (n.extendedNextHop && n.families.includes(IPV4_UNICAST)) {
    caps.push({ kind: "extended-next-hop", entries: [{ afi: 1, safi: 1, nextHopAfi: 2 }] });
  }
  if (o.hostname) caps.push({ kind: "fqdn", hostname: o.hostname, domain: "" });
  return {
    type: MessageType.OPEN,
    version: 4,
    myAs: g.asn > 0xffff ? 23456 : g.asn,
    holdTime: n.holdTime,
    bgpId: g.routerId,
    capabilities: caps,
  };
}

/** Whether the peer's OPEN is acceptable for this neighbor; the NOTIFICATION to send when not. */
export function checkRemoteOpen(g: GlobalConfig, n: NeighborConfig, remote: OpenMessage): BgpError | null {
  const asn = openAsn(remote);
  const want = n.peerAs;
  // RFC 7607 §2: a peer AS of zero is refused with Bad Peer AS whatever the neighbor accepts ("external"
  // would otherwise let it in).
  const ok =
    asn !== 0 && (want === "internal" ? asn === g.asn : want === "external" ? asn !== g.asn : asn === want);
  if (!ok) {
    const expected =
      want === "internal"
        ? `${g.asn} (internal)`
        : want === "external"
          ? `not ${g.asn} (external)`
          : `${want}`;
    return bgpError(
      ErrorCode.OPEN_MESSAGE,
      OpenSubcode.BAD_PEER_AS,
      `peer AS ${asn}, expected ${expected}`,
      Uint8Array.of((remote.myAs >>> 8) & 0xff, remote.myAs & 0xff),
    );
  }
  // RFC 6286 §2.2: an internal peer must not use our identifier.
  if (asn === g.asn && remote.bgpId === g.routerId) {
    return bgpError(
      ErrorCode.OPEN_MESSAGE,
      OpenSubcode.BAD_BGP_IDENTIFIER,
      "internal peer uses our BGP identifier",
    );
  }
  return null;
}
