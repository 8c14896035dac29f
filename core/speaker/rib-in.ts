/**
 * A received UPDATE into Adj-RIB-In and Loc-RIB: RFC 7606 actions applied (treat-as-withdraw keeps the
 * session), families not negotiated ignored (RFC 4760 §7), import policy deciding accept or filter, and
 * End-of-RIB ending graceful-restart staleness (RFC 4724 §4.2). Interned attribute sets are reference
 * counted by the Adj-RIB-In paths that hold them.
 */

import { type ImportPeer, importReason } from "../policy/import.js";
import { newPath, type Path, refiltered } from "../rib/path.js";
import { type PrefixKey, v6Key } from "../rib/prefix-map.js";
import type { AttrSet } from "../wire/attr-set.js";
import { type Afi, familyKey, familyName, IPV4_UNICAST } from "../wire/constants.js";
import { UPDATE_ACTION_NAMES, UpdateAction } from "../wire/errors.js";
import { NlriCursor, type NlriList } from "../wire/nlri.js";
import { endOfRibFamily, type UpdateMessage } from "../wire/update.js";
import type { SpeakerContext } from "./context.js";
import type { Peer } from "./peer.js";

const cursor = new NlriCursor();
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
  key.addr = afi === 1 ? cursor.addr.subarray(0, 4) : cursor.addr;
  key.v6 = afi === 1 ? undefined : v6Key(cursor.addr, cursor.length);
  return key;
}

/** Drop a received path: release its attributes and, when accepted, take it out of Loc-RIB. */
export function dropReceived(ctx: SpeakerContext, peer: Peer, family: number, k: PrefixKey, old: Path): void {
  ctx.interner.release(old.attrs);
  if (old.filtered === null) {
    const d = ctx.locRib.remove(family, k, peer, old.pathId);
    if (d) ctx.changed(d);
  }
}

function withdraw(ctx: SpeakerContext, peer: Peer, family: number, list: NlriList): void {
  cursor.reset(list);
  while (cursor.next()) {
    const k = keyFromCursor(list.afi as Afi);
    const old = peer.ribIn.take(family, k, cursor.pathId);
    if (old) dropReceived(ctx, peer, family, k, old);
  }
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
  cursor.reset(list);
  while (cursor.next()) {
    const k = keyFromCursor(list.afi as Afi);
    const filtered = importReason(policy, k, attrs, nextHop);
    const path = newPath(peer, cursor.pathId, attrs, nextHop, ctx.now, filtered);
    ctx.interner.retain(attrs);
    const old = peer.ribIn.put(family, k, path);
    if (old) ctx.interner.release(old.attrs);
    if (filtered === null) {
      const d = ctx.locRib.upsert(family, k, path);
      if (d) ctx.changed(d);
    } else if (old && old.filtered === null) {
      const d = ctx.locRib.remove(family, k, peer, old.pathId);
      if (d) ctx.changed(d);
    }
  }
}

/** Remove the peer's paths of `family` (all, or only the stale ones). */
export function purgePaths(ctx: SpeakerContext, peer: Peer, family: number, onlyStale: boolean): number {
  let n = 0;
  for (const e of [...peer.ribIn.entries(family)]) {
    for (const p of [...e.paths]) {
      if (onlyStale && !p.stale) continue;
      const old = peer.ribIn.take(family, e, p.pathId);
      if (old) {
        dropReceived(ctx, peer, family, e, old);
        n++;
      }
    }
  }
  return n;
}

/** Mark the peer's paths of `family` stale (graceful restart, enhanced route refresh), filtered ones too:
 *  else those would never be purged, and would count against the route guard forever. */
export function markStale(peer: Peer, family: number): void {
  for (const e of peer.ribIn.entries(family)) for (const p of e.paths) p.stale = true;
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
    for (const e of [...peer.ribIn.entries(family)]) {
      for (const old of [...e.paths]) {
        const filtered = importReason(policy, e, old.attrs, old.nextHop);
        if (filtered === old.filtered) continue;
        changed++;
        // A path waiting to be announced again still waits, accepted or filtered now.
        const path = refiltered(old, filtered);
        peer.ribIn.put(family, e, path);
        const d =
          filtered === null
            ? ctx.locRib.upsert(family, e, path)
            : ctx.locRib.remove(family, e, peer, old.pathId);
        if (d) ctx.changed(d);
      }
    }
  }
  return changed;
}
