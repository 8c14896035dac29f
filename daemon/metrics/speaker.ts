/**
 * The speaker's metrics (docs/metrics.md): sessions, route counts, messages, Loc-RIB and locally originated
 * routes. Every value is read at scrape time from counts the speaker already keeps for `kbgp neighbor` and
 * `global rib summary`, so a scrape costs O(peers × families + route sources), never O(routes), and nothing
 * is done per UPDATE for the sake of metrics.
 *
 * Names and labels follow the field: `peer` is the neighbor's address as configured (gobgp_exporter's
 * `name`, frr_exporter's and MetalLB's `peer`), `family` the configuration's family name (`ipv4-unicast`),
 * and `kbgp_peer_state` numbers the states as the BGP4-MIB's bgpPeerState does (RFC 4273), as
 * gobgp_exporter's `gobgp_peer_session_state` does too.
 */
import type { Registry } from "prom-client";
import { maxRoutesOf } from "../../core/config/types.js";
import type { Peer, PeerState } from "../../core/speaker/peer.js";
import type { Speaker } from "../../core/speaker/speaker.js";
import { type FamilyKey, familyName, MessageType } from "../../core/wire/index.js";
import { FAMILIES } from "../control/views.js";
import { snapshotCounter, snapshotGauge } from "./snapshot.js";

/** RFC 4273 (BGP4-MIB) bgpPeerState: idle(1), connect(2), active(3), opensent(4), openconfirm(5),
 *  established(6). */
export const PEER_STATE_NUMBER: Readonly<Record<PeerState, number>> = {
  idle: 1,
  connect: 2,
  active: 3,
  opensent: 4,
  openconfirm: 5,
  established: 6,
};

/** UPDATE's message type (RFC 4271 §4.1), the index into a peer's message counts. */
const UPDATE = MessageType.UPDATE;
const LOC_RIB_FAMILIES: readonly FamilyKey[] = Object.values(FAMILIES);

/**
 * The peer's AS for the `peer_asn` label: the configured number; ours for `internal`; for `external`, the AS
 * its OPEN gave once one has arrived, and "" before (the label changes once, when the first session comes up).
 */
export function peerAsnLabel(p: Peer): string {
  const configured = p.config.peerAs;
  if (typeof configured === "number") return String(configured);
  if (configured === "internal") return String(p.localAs);
  return p.routerId !== 0 ? String(p.peerAs) : "";
}

/** The families a peer's route counts are reported for: those configured, and any others it holds. */
function familiesOf(p: Peer, counts: ReadonlyMap<FamilyKey, number>): FamilyKey[] {
  const families = [...p.config.families];
  for (const f of counts.keys()) if (!families.includes(f)) families.push(f);
  return families;
}

/** Register the speaker's metrics in `registry`; they read `speaker` whenever the registry is scraped. */
export function registerSpeakerMetrics(registry: Registry, speaker: Speaker): void {
  const peers = () => speaker.peers.values();

  snapshotGauge(registry, {
    name: "kbgp_peer_up",
    help: "Whether the BGP session with the peer is Established (1) or not (0).",
    labelNames: ["peer", "peer_asn"],
    fill: (put) => {
      for (const p of peers())
        put({ peer: p.id, peer_asn: peerAsnLabel(p) }, p.state === "established" ? 1 : 0);
    },
  });
  snapshotGauge(registry, {
    name: "kbgp_peer_state",
    help: "The session's state as the BGP4-MIB numbers it: 1 idle, 2 connect, 3 active, 4 opensent, 5 openconfirm, 6 established.",
    labelNames: ["peer"],
    fill: (put) => {
      for (const p of peers()) put({ peer: p.id }, PEER_STATE_NUMBER[p.state]);
    },
  });
  snapshotGauge(registry, {
    name: "kbgp_peer_admin_down",
    help: "Whether the peer is shut down by configuration or an operator (1) or not (0).",
    labelNames: ["peer"],
    fill: (put) => {
      for (const p of peers()) put({ peer: p.id }, p.adminDown ? 1 : 0);
    },
  });
  snapshotCounter(registry, {
    name: "kbgp_peer_flaps_total",
    help: "Established sessions with the peer that went down.",
    labelNames: ["peer"],
    fill: (put) => {
      for (const p of peers()) put({ peer: p.id }, p.establishedCount - (p.state === "established" ? 1 : 0));
    },
  });

  snapshotCounter(registry, {
    name: "kbgp_connections_refused_total",
    help: "Incoming BGP connections closed at once, by reason: unconfigured (not a neighbor), down, unavailable (a session this kbgpd cannot run), established (a session is up), rate (more than 20 from one neighbor in 10 s).",
    labelNames: ["reason"],
    fill: (put) => {
      for (const [reason, n] of Object.entries(speaker.refused)) put({ reason }, n);
    },
  });

  snapshotGauge(registry, {
    name: "kbgp_peer_max_prefixes",
    help: "The peer's prefix limit (max-prefix; eBGP peers have one by default); absent for a peer without one.",
    labelNames: ["peer"],
    fill: (put) => {
      for (const p of peers()) if (p.config.maxPrefix) put({ peer: p.id }, p.config.maxPrefix.limit);
    },
  });
  snapshotGauge(registry, {
    name: "kbgp_rib_in_paths",
    help: "Paths held in all Adj-RIB-Ins together, filtered ones included: what global max-routes bounds.",
    labelNames: [],
    fill: (put) => put({}, speaker.ribInTally.paths),
  });
  snapshotGauge(registry, {
    name: "kbgp_rib_in_paths_limit",
    help: "global max-routes: the route guard's limit on kbgp_rib_in_paths; absent when off.",
    labelNames: [],
    fill: (put) => {
      const max = maxRoutesOf(speaker.global);
      if (max !== null) put({}, max);
    },
  });

  snapshotGauge(registry, {
    name: "kbgp_received_routes",
    help: "Paths the peer announced that are held in its Adj-RIB-In, before import policy.",
    labelNames: ["peer", "family"],
    fill: (put) => {
      for (const p of peers()) {
        const counts = p.ribIn.received;
        for (const f of familiesOf(p, counts)) put({ peer: p.id, family: familyName(f) }, counts.get(f) ?? 0);
      }
    },
  });
  snapshotGauge(registry, {
    name: "kbgp_accepted_routes",
    help: "Paths from the peer that import policy accepted (candidates in the Loc-RIB).",
    labelNames: ["peer", "family"],
    fill: (put) => {
      for (const p of peers()) {
        const counts = p.ribIn.accepted;
        for (const f of familiesOf(p, counts)) put({ peer: p.id, family: familyName(f) }, counts.get(f) ?? 0);
      }
    },
  });
  snapshotGauge(registry, {
    name: "kbgp_advertised_routes",
    help: "Paths advertised to the peer on the current session (its Adj-RIB-Out); 0 while it is down.",
    labelNames: ["peer", "family"],
    fill: (put) => {
      for (const p of peers()) {
        const out = p.session?.ribOut;
        for (const f of p.config.families) put({ peer: p.id, family: familyName(f) }, out?.count(f) ?? 0);
      }
    },
  });

  snapshotCounter(registry, {
    name: "kbgp_updates_received_total",
    help: "UPDATE messages received from the peer.",
    labelNames: ["peer"],
    fill: (put) => {
      for (const p of peers()) put({ peer: p.id }, p.received[UPDATE]);
    },
  });
  snapshotCounter(registry, {
    name: "kbgp_updates_sent_total",
    help: "UPDATE messages sent to the peer.",
    labelNames: ["peer"],
    fill: (put) => {
      for (const p of peers()) put({ peer: p.id }, p.sent[UPDATE]);
    },
  });
  for (const direction of ["sent", "received"] as const) {
    const field = direction === "sent" ? "notificationsSent" : "notificationsReceived";
    snapshotCounter(registry, {
      name: `kbgp_notifications_${direction}_total`,
      help: `NOTIFICATION messages ${direction === "sent" ? "sent to" : "received from"} the peer, by error code and subcode (RFC 4271 §4.5, IANA BGP Error Codes).`,
      labelNames: ["peer", "code", "subcode"],
      fill: (put) => {
        for (const p of peers())
          for (const [key, n] of p[field]) put({ peer: p.id, code: key >>> 8, subcode: key & 0xff }, n);
      },
    });
  }

  snapshotGauge(registry, {
    name: "kbgp_loc_rib_routes",
    help: "Destinations (prefixes) in the Loc-RIB.",
    labelNames: ["family"],
    fill: (put) => {
      for (const f of LOC_RIB_FAMILIES) put({ family: familyName(f) }, speaker.locRib.count(f));
    },
  });
  snapshotGauge(registry, {
    name: "kbgp_loc_rib_paths",
    help: "Paths in the Loc-RIB, over all its destinations (learnt and local).",
    labelNames: ["family"],
    fill: (put) => {
      for (const f of LOC_RIB_FAMILIES) put({ family: familyName(f) }, speaker.locRib.pathCount(f));
    },
  });
  snapshotGauge(registry, {
    name: "kbgp_local_routes",
    help: "Routes kbgpd originates, by who asked for them: config, api, k8s, process:<name>, healthcheck:<name>.",
    labelNames: ["source"],
    fill: (put) => {
      for (const [source, n] of speaker.originator.counts()) put({ source }, n);
    },
  });
}
