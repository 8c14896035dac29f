/**
 * A received UPDATE into Adj-RIB-In and Loc-RIB: RFC 7606 actions applied (treat-as-withdraw keeps the
 * session), families not negotiated ignored (RFC 4760 §7), import policy deciding accept or filter, and
 * End-of-RIB ending graceful-restart staleness (RFC 4724 §4.2). Interned attribute sets are reference
 * counted by the Adj-RIB-In paths that hold them.
 */

import { type ImportPeer, importReason, pathReason, prefixReason } from "../policy/import.js";
import type { Destination } from "../rib/loc-rib.js";
import { newPath, type Path, refiltered } from "../rib/path.js";
import { type Keyed, type PrefixKey, v6Key } from "../rib/prefix-map.js";
import type { AttrSet } from "../wire/attr-set.js";
import { type Afi, familyKey, familyName, IPV4_UNICAST } from "../wire/constants.js";
import { UPDATE_ACTION_NAMES, UpdateAction } from "../wire/errors.js";
import { NlriCursor, type NlriList } from "../wire/nlri.js";
import { endOfRibFamily, type UpdateMessage } from "../wire/update.js";
import type { SpeakerContext } from "./context.js";
import type { Peer } from "./peer.js";

const cursor = new NlriCursor();
/** The cursor's address as IPv4 bytes: the cursor writes every prefix into the same array, so one view
 *  serves them all (a `subarray` per prefix was an object per prefix for the collector). */
const cursorV4 = cursor.addr.subarray(0, 4);
/** The prefix being processed, as a key (reused: PrefixMap and RIBs copy what they keep). `v6`: its IPv6
 *  key string, built once here for the two to four lookups and inserts of the prefix in Adj-RIB-In and
 *  Loc-RIB rather than by each. */
const key: { afi: Afi; length: number; v4: number; addr: Uint8Array; v6: string | undefined } = {
  afi: 1 as Afi,
  length: 0,
  v4: 0,
  addr: new Uint8Array(16),
  v6: undefined,
};

function keyFromCursor(afi: Afi): PrefixKey {
  key.afi = afi;
  key.length = cursor.length;
  key.v4 = cursor.v4;
  key.addr = afi === 1 ? cursorV4 : cursor.addr;
  key.v6 = afi === 1 ? undefined : v6Key(cursor.addr, cursor.length);
  return key;
}

/** Take the peer's path (prefix, pathId) out of its Adj-RIB-In, and out of Loc-RIB when it was accepted
 *  there, releasing its attributes; returns it, or null when there was none. */
function takeReceived(
  ctx: SpeakerContext,
  peer: Peer,
  family: number,
  k: PrefixKey,
  pathId: number,
): Path | null {
  const accepted = peer.ribIn.acceptedAt(ctx.locRib.get(family, k), pathId);
  const old = accepted ?? peer.ribIn.takeRejected(family, k, pathId);
  if (!old) return null;
  if (accepted) {
    const d = ctx.locRib.remove(family, k, peer, pathId);
    if (d) ctx.changed(d);
  }
  peer.ribIn.count(family, old, -1);
  ctx.interner.release(old.attrs);
  return old;
}

function withdraw(ctx: SpeakerContext, peer: Peer, family: number, list: NlriList): void {
  cursor.reset(list);
  while (cursor.next()) takeReceived(ctx, peer, family, keyFromCursor(list.afi as Afi), cursor.pathId);
}

function importPolicy(ctx: SpeakerContext, peer: Peer): ImportPeer {
  const g = ctx.global;
  return {
    localAs: g.asn,
    routerId: g.routerId,
    clusterId: g.clusterId,
    ebgp: peer.ebgp,
    peerAs: peer.peerAs,
    importReject: peer.config.importReject,
  };
}

function announce(
  ctx: SpeakerContext,
  peer: Peer,
  family: number,
  list: NlriList,
  attrs: AttrSet,
  nextHop: Uint8Array | null,
): void {
  const policy = importPolicy(ctx, peer);
  // The UPDATE's prefixes share one accepted path object (per path ID): a path is its source, attributes,
  // next hop and time, all the same for them, and nothing is per prefix but the table entry that holds it.
  // `stale`, the one field ever written, is set for all of a peer's paths of a family at once. A full table
  // then costs one path object per UPDATE, not per prefix (80 bytes per prefix).
  let shared: Path | null = null;
  const byPath = pathReason(policy, attrs, nextHop);
  // Counted for the whole UPDATE at the end: nothing reads the counts until it is applied.
  let receivedBy = 0;
  let acceptedBy = 0;
  cursor.reset(list);
  while (cursor.next()) {
    const k = keyFromCursor(list.afi as Afi);
    const filtered = byPath ?? prefixReason(policy, k);
    let path: Path;
    if (filtered !== null) path = newPath(peer, cursor.pathId, attrs, nextHop, ctx.now, filtered);
    else if (shared !== null && shared.pathId === cursor.pathId) path = shared;
    else path = shared = newPath(peer, cursor.pathId, attrs, nextHop, ctx.now);
    // One lookup: the prefix's destination holds the peer's accepted path; a rejected one is apart.
    const found = ctx.locRib.get(family, k);
    const accepted = peer.ribIn.acceptedAt(found, cursor.pathId);
    const old = accepted ?? peer.ribIn.takeRejected(family, k, cursor.pathId);
    ctx.interner.retain(attrs);
    if (old) {
      receivedBy--;
      if (old.filtered === null) acceptedBy--;
      ctx.interner.release(old.attrs);
    }
    receivedBy++;
    if (filtered === null) acceptedBy++;
    if (filtered === null) {
      // Replaces the accepted one, if any.
      const d = ctx.locRib.upsertAt(family, k, path, found);
      if (d) ctx.changed(d);
    } else {
      peer.ribIn.putRejected(family, k, path);
      if (accepted) {
        const d = ctx.locRib.remove(family, k, peer, accepted.pathId);
        if (d) ctx.changed(d);
      }
    }
  }
  peer.ribIn.countBy(family, receivedBy, acceptedBy);
}

/** Remove the peer's paths of `family` (all, or only the stale ones). */
export function purgePaths(ctx: SpeakerContext, peer: Peer, family: number, onlyStale: boolean): number {
  let n = 0;
  for (const r of peer.ribIn.routes(family)) {
    if (onlyStale && !r.path.stale) continue;
    if (takeReceived(ctx, peer, family, r.prefix, r.path.pathId)) n++;
  }
  return n;
}

/** Mark the peer's paths of `family` stale (graceful restart, enhanced route refresh), filtered ones too:
 *  else those would never be purged, and would count against the route guard forever. */
export function markStale(peer: Peer, family: number): void {
  for (const r of peer.ribIn.routes(family)) r.path.stale = true;
}

/**
 * Apply an UPDATE from an established peer. `negotiated` are the session's families. Returns the family
 * an End-of-RIB marked, or -1.
 */
export function applyUpdate(
  ctx: SpeakerContext,
  peer: Peer,
  u: UpdateMessage,
  negotiated: readonly number[],
): number {
  for (const p of u.problems) {
    ctx.log("warn", `UPDATE problem: ${p.error.reason} (${UPDATE_ACTION_NAMES[p.action]})`, peer.id, {
      attrType: p.attrType,
    });
  }
  const eor = endOfRibFamily(u);
  if (eor >= 0) return eor;
  const usable = (f: number) => negotiated.includes(f) && !peer.disabledFamilies.has(f);
  if (u.action === UpdateAction.AFI_SAFI_DISABLE) {
    // RFC 4760 §7: drop the family's routes from this peer and ignore it for the rest of the session.
    for (const p of u.problems) {
      if (p.family !== undefined && !peer.disabledFamilies.has(p.family)) {
        peer.disabledFamilies.add(p.family);
        purgePaths(ctx, peer, p.family, false);
        ctx.log(
          "warn",
          `disabled ${familyName(p.family)} for this session (RFC 7606 AFI/SAFI disable)`,
          peer.id,
        );
      }
    }
  }
  if (u.withdrawn && usable(IPV4_UNICAST)) withdraw(ctx, peer, IPV4_UNICAST, u.withdrawn);
  if (u.mpUnreach && u.mpUnreach.count > 0) {
    const f = familyKey(u.mpUnreach.afi, u.mpUnreach.safi);
    if (usable(f)) withdraw(ctx, peer, f, u.mpUnreach);
  }
  const reach = u.mpReach && u.mpReach.nlri.count > 0 ? u.mpReach : null;
  const reachFamily = reach ? familyKey(reach.nlri.afi, reach.nlri.safi) : -1;
  if (u.action === UpdateAction.TREAT_AS_WITHDRAW || !u.attrs) {
    // RFC 7606 §2: the announced routes are withdrawn, the session stays.
    if (u.nlri && usable(IPV4_UNICAST)) withdraw(ctx, peer, IPV4_UNICAST, u.nlri);
    if (reach && usable(reachFamily)) withdraw(ctx, peer, reachFamily, reach.nlri);
    return -1;
  }
  if (u.nlri && usable(IPV4_UNICAST)) announce(ctx, peer, IPV4_UNICAST, u.nlri, u.attrs, null);
  if (reach && usable(reachFamily))
    announce(ctx, peer, reachFamily, reach.nlri, u.attrs, reach.nextHop.slice());
  ctx.interner.dropIfUnused(u.attrs);
  return -1;
}

/**
 * Apply import policy again to everything the peer sent (kept before policy in Adj-RIB-In): after the
 * policy changed, or as a soft reset in when the peer cannot refresh (RFC 2918 not negotiated).
 */
export function reimport(ctx: SpeakerContext, peer: Peer): number {
  const policy = importPolicy(ctx, peer);
  let changed = 0;
  for (const family of peer.ribIn.families()) {
    // Judged first, changed after: a change moves paths between Loc-RIB and the rejected table.
    const moves: [Keyed, Path, string | null][] = [];
    for (const { prefix, path } of peer.ribIn.routes(family)) {
      const filtered = importReason(policy, prefix, path.attrs, path.nextHop);
      if (filtered !== path.filtered) moves.push([prefix, path, filtered]);
    }
    for (const [k, old, filtered] of moves) {
      changed++;
      // A path waiting to be announced again still waits, accepted or filtered now.
      const path = refiltered(old, filtered);
      peer.ribIn.count(family, old, -1);
      peer.ribIn.count(family, path, 1);
      let d: Destination | null;
      if (filtered === null) {
        peer.ribIn.takeRejected(family, k, old.pathId);
        d = ctx.locRib.upsert(family, k, path);
      } else {
        peer.ribIn.putRejected(family, k, path);
        d = ctx.locRib.remove(family, k, peer, old.pathId);
      }
      if (d) ctx.changed(d);
    }
  }
  return changed;
}
