/**
 * Sending: reconcile the destinations whose best path changed against what this session's Adj-RIB-Out
 * says was sent, and put only the differences on the wire — announcements grouped by exported attribute
 * set so each UPDATE carries as many prefixes as fit, withdrawals packed likewise. One batch per session is
 * in flight at a time: the next is built when the daemon reports the last one written, so a slow peer
 * holds back only its own queue.
 */
import type { Exported } from "../rib/adj-rib-out.js";
import type { Destination } from "../rib/loc-rib.js";
import { Afi, familyName } from "../wire/constants.js";
import { encodeRouteRefresh, RefreshSubtype } from "../wire/route-refresh.js";
import { encodeAnnouncements, encodeEndOfRib, encodeWithdrawals } from "../wire/update-encode.js";
import type { Connection } from "./connection.js";
import type { SpeakerContext } from "./context.js";
import type { Peer } from "./peer.js";

/** UPDATE bytes per batch: large enough to keep a fast peer busy, small enough to bound memory. */
const BATCH_BYTES = 256 * 1024;

const sameBytes = (a: Uint8Array | null, b: Uint8Array | null) =>
  a === b || (a !== null && b !== null && a.length === b.length && a.every((x, i) => x === b[i]));

interface Group {
  readonly exported: Exported;
  readonly nextHop: Uint8Array | null;
  readonly dests: Destination[];
}

export function send(
  ctx: SpeakerContext,
  peer: Peer,
  conn: Connection,
  data: Uint8Array,
  notify = false,
): void {
  peer.sent[data[18]]++;
  ctx.emit({ kind: "send", conn: conn.id, data, notify });
}

/** Build and send the next batch for an established session, if it is not waiting for the last one. */
export function pump(ctx: SpeakerContext, peer: Peer, conn: Connection): void {
  const out = conn.ribOut;
  const neg = conn.negotiated;
  if (!out || !neg || conn.awaitingDrain || conn.state !== "established") return;
  const messages: Uint8Array[] = [];
  let bytes = 0;
  for (const family of neg.families) {
    const dirty = out.dirty.get(family);
    const groups = new Map<Exported, Map<string, Group>>();
    const withdrawn: Destination[] = [];
    // RFC 7911: with ADD-PATH send negotiated every prefix carries a path identifier. Only the best path
    // is sent (identifier 1) for now.
    const addPath = neg.addPathSend.has(family);
    const opts = { maxLength: neg.maxSendLength, addPath };
    const withId = (d: Destination) =>
      addPath ? { afi: d.afi, length: d.length, addr: d.addr, pathId: 1 } : d;
    let estimate = 0;
    if (dirty) {
      for (const d of dirty) {
        if (bytes + estimate > BATCH_BYTES) break;
        dirty.delete(d);
        const result = d.best ? conn.exporter!.export(family, d.best) : "no route";
        const sent = out.sent(family, d);
        if (typeof result === "string") {
          if (sent) {
            out.table(family).delete(sent);
            withdrawn.push(d);
            estimate += 6;
          }
          continue;
        }
        if (sent && sent.exported === result.exported && sameBytes(sent.nextHop, result.nextHop)) continue;
        const nhKey = result.nextHop ? result.nextHop.join(".") : "";
        let byNh = groups.get(result.exported);
        if (!byNh) groups.set(result.exported, (byNh = new Map()));
        let g = byNh.get(nhKey);
        if (!g) {
          byNh.set(nhKey, (g = { exported: result.exported, nextHop: result.nextHop, dests: [] }));
          estimate += result.exported.bytes.length + 30;
        }
        g.dests.push(d);
        estimate += d.afi === Afi.IPV4 ? 5 : 17;
        out.table(family).set({
          family,
          afi: d.afi,
          length: d.length,
          v4: d.v4,
          addr: d.addr,
          exported: result.exported,
          nextHop: result.nextHop,
          since: ctx.now,
        });
      }
    }
    for (const m of encodeWithdrawals(family, withdrawn.map(withId), opts)) messages.push(m);
    for (const byNh of groups.values()) {
      for (const g of byNh.values()) {
        const enc = encodeAnnouncements(family, g.exported.bytes, g.nextHop, g.dests.map(withId), opts);
        for (const m of enc.messages) messages.push(m);
        for (const i of enc.unsent) {
          // RFC 4271 §9.2: a route that does not fit in one UPDATE is not advertised.
          out.table(family).delete(g.dests[i]);
          ctx.log("warn", `route too large to send: ${familyName(family)} prefix not advertised`, peer.id);
        }
      }
    }
    bytes += estimate;
    if (!dirty || dirty.size === 0) {
      // RFC 4724 §4: End-of-RIB once the initial table is out; RFC 7313 §4: EoRR after a refresh.
      if (!conn.endOfRibSent.has(family)) {
        conn.endOfRibSent.add(family);
        messages.push(encodeEndOfRib(family));
      }
      if (conn.refreshing.delete(family))
        messages.push(encodeRouteRefresh(family >>> 8, family & 0xff, RefreshSubtype.EORR));
    }
  }
  for (let i = 0; i < messages.length; i++) {
    const last = i === messages.length - 1;
    send(ctx, peer, conn, messages[i], last);
  }
  if (messages.length > 0) conn.awaitingDrain = true;
}
