/**
 * Sending: reconcile the destinations whose best path changed against what this session's Adj-RIB-Out
 * says was sent, and put only the differences on the wire — announcements grouped by exported attribute
 * set so each UPDATE carries as many prefixes as fit, withdrawals packed likewise. One batch per session is
 * in flight at a time: the next is built when the daemon reports the last one written, so a slow peer
 * holds back only its own queue.
 */

import type { Exporter } from "../policy/export.js";
import { type Exported, type SentPath, slotAt, slotCount } from "../rib/adj-rib-out.js";
import { type Destination, rankPaths, sendPathId } from "../rib/loc-rib.js";
import { type Path, sinceSeconds } from "../rib/path.js";
import { Afi, familyName } from "../wire/constants.js";
import type { Prefix } from "../wire/prefix.js";
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
  readonly prefixes: Prefix[];
  /** Each prefix's destination, for the one too large to send (its path is taken back out). */
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
  if (notify && conn.unwritten++ === 0 && conn.state === "established") ctx.watchSending(conn);
}

/** The prefix to encode for one of `d`'s paths: the destination itself without ADD-PATH (nothing to
 *  allocate per prefix per peer: encoding reads its `v4`), else a copy with the identifier. */
const withId = (d: Destination, pathId: number): Prefix =>
  pathId === 0 ? d : { afi: d.afi, length: d.length, v4: d.v4, addr: d.addr, pathId };

/** What one round of pumping may still reconcile, over every session: see `Speaker.pumpAll`. */
export interface PumpBudget {
  visits: number;
}

/**
 * Build and send the next batch for an established session, if it is not waiting for the last one. The
 * dirty destinations go first, then the family's walk over Loc-RIB, if one is under way. Each is reconciled
 * path by path: without ADD-PATH that is the best path alone; with it, up to the configured number of paths,
 * best first, each with its identifier (RFC 7911). A batch ends at BATCH_BYTES of UPDATEs or when the
 * budget is spent.
 */
export function pump(ctx: SpeakerContext, peer: Peer, conn: Connection, budget: PumpBudget): void {
  const out = conn.ribOut;
  const neg = conn.negotiated;
  if (!out || !neg || conn.awaitingDrain || conn.state !== "established") return;
  const messages: Uint8Array[] = [];
  let bytes = 0;
  for (const family of neg.families) {
    const dirty = out.dirty.get(family);
    const addPath = neg.addPathSend.has(family);
    const limit = addPath ? Math.max(1, peer.config.addPath.send) : 1;
    const groups = new Map<Exported, Map<string, Group>>();
    const withdrawn: Prefix[] = [];
    const opts = { maxLength: neg.maxSendLength, addPath };
    const eligible = (p: Path) => !p.source.onlyTo || p.source.onlyTo.has(peer.id);
    const since = sinceSeconds(ctx.now);
    let last: SentPath | null = null;
    let lastGroup: Group | null = null;
    let exportedPath: Path | null = null;
    let exportedAs: ReturnType<Exporter["export"]> = "";
    let estimate = 0;
    let fromDirty = dirty && dirty.size > 0 ? dirty.values() : null;
    let walk = out.walking(family);
    for (;;) {
      if (bytes + estimate > BATCH_BYTES || budget.visits <= 0) break;
      let d: Destination | undefined;
      let resend = false;
      if (fromDirty) {
        const r = fromDirty.next();
        if (r.done) fromDirty = null;
        else dirty!.delete((d = r.value));
      }
      if (d === undefined && walk !== undefined) {
        const r = walk.destinations.next();
        if (r.done) {
          out.endWalk(family);
          walk = undefined;
        } else {
          d = r.value;
          resend = walk.resend;
        }
      }
      if (d === undefined) break;
      budget.visits--;
      const desired: SentPath[] = [];
      for (const p of rankPaths(d, limit, eligible)) {
        // The prefixes of one received UPDATE share their path, and routes originated alike share
        // attributes, and they come one after another: export once per run of paths alike — export reads
        // only a path's source, attributes and next hop (within this synchronous batch, where neither
        // policy nor path can change).
        if (
          exportedPath === null ||
          (p !== exportedPath &&
            (p.attrs !== exportedPath.attrs ||
              p.source !== exportedPath.source ||
              p.nextHop !== exportedPath.nextHop))
        )
          exportedAs = conn.exporter!.export(family, (exportedPath = p));
        const r = exportedAs;
        if (typeof r === "string") continue;
        const pathId = addPath ? sendPathId(d, p) : 0;
        // One object for a run of prefixes sent alike (the prefixes of one received UPDATE, mostly): the
        // Adj-RIB-Out holds it per prefix, 56 bytes per prefix per peer otherwise.
        if (
          last === null ||
          last.exported !== r.exported ||
          last.nextHop !== r.nextHop ||
          last.pathId !== pathId
        )
          last = { pathId, exported: r.exported, nextHop: r.nextHop, since, owner: out };
        desired.push(last);
      }
      const sent = out.sent(d);
      const nSent = slotCount(sent);
      for (let i = 0; i < nSent; i++) {
        const o = slotAt(sent!, i);
        if (!desired.some((x) => x.pathId === o.pathId)) {
          withdrawn.push(withId(d, o.pathId));
          estimate += 10;
        }
      }
      const kept: SentPath[] = [];
      for (const x of desired) {
        let o: SentPath | undefined;
        for (let i = 0; i < nSent && o === undefined; i++)
          if (slotAt(sent!, i).pathId === x.pathId) o = slotAt(sent!, i);
        if (o && !resend && o.exported === x.exported && sameBytes(o.nextHop, x.nextHop)) {
          kept.push(o);
          continue;
        }
        // Runs of prefixes go to the same group: ask the maps only when the group changes.
        let g: Group | null = lastGroup;
        if (g === null || g.exported !== x.exported || g.nextHop !== x.nextHop) {
          const nhKey = x.nextHop ? x.nextHop.join(".") : "";
          let byNh = groups.get(x.exported);
          if (!byNh) groups.set(x.exported, (byNh = new Map()));
          g = byNh.get(nhKey) ?? null;
          if (!g) {
            byNh.set(nhKey, (g = { exported: x.exported, nextHop: x.nextHop, prefixes: [], dests: [] }));
            estimate += x.exported.bytes.length + 30;
          }
          lastGroup = g;
        }
        g.prefixes.push(withId(d, x.pathId));
        g.dests.push(d);
        estimate += d.afi === Afi.IPV4 ? 9 : 21;
        kept.push(x);
      }
      if (kept.length > 0) out.put(d, kept);
      else if (sent) out.remove(d);
    }
    for (const m of encodeWithdrawals(family, withdrawn, opts)) messages.push(m);
    for (const byNh of groups.values()) {
      for (const g of byNh.values()) {
        const enc = encodeAnnouncements(family, g.exported.bytes, g.nextHop, g.prefixes, opts);
        for (const m of enc.messages) messages.push(m);
        for (const i of enc.unsent) {
          // RFC 4271 §9.2: a route that does not fit in one UPDATE is not advertised.
          const d = g.dests[i];
          const pathId = g.prefixes[i].pathId ?? 0;
          const had = out.sent(d);
          const left: SentPath[] = [];
          for (let j = 0; j < slotCount(had); j++)
            if (slotAt(had!, j).pathId !== pathId) left.push(slotAt(had!, j));
          if (left.length > 0) out.put(d, left);
          else out.remove(d);
          ctx.log(
            "warn",
            `route too large to send: a ${familyName(family)} prefix was not advertised`,
            peer.id,
          );
        }
      }
    }
    bytes += estimate;
    if (!out.pending(family)) {
      // RFC 4724 §4: End-of-RIB once the initial table is out; RFC 7313 §4: EoRR after a refresh.
      if (!conn.endOfRibSent.has(family)) {
        conn.endOfRibSent.add(family);
        messages.push(encodeEndOfRib(family));
      }
      if (conn.refreshing.delete(family))
        messages.push(encodeRouteRefresh(family >>> 8, family & 0xff, RefreshSubtype.EORR));
    }
  }
  for (let i = 0; i < messages.length; i++) send(ctx, peer, conn, messages[i], i === messages.length - 1);
}
