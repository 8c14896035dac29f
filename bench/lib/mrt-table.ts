/**
 * A real table from an MRT file (RIPE's updates.et-header.2015.gz: the UPDATEs a collector took from one
 * peer after its session came up, i.e. that peer's full IPv4 table): the first peer's UPDATE bodies, read
 * with the project's own MRT reader (core/mrt), and those UPDATEs re-encoded in file order for an eBGP
 * session of the raw sender (raw-sender.ts): the sender's AS put in front of every AS_PATH (the receivers'
 * first-AS check), next hop 198.18.0.2, the attributes that do not cross an AS boundary (LOCAL_PREF,
 * ORIGINATOR_ID, CLUSTER_LIST; the collector's session is iBGP) left out, everything else kept, except what
 * RFC 7607 forbids (AS 0): an AGGREGATOR with AS 0 is left out, an announcement with AS 0 in its AS_PATH is
 * not sent (counted) — kbgpd follows RFC 7607, gobgpd 3.10 and BIRD 2.0.12 do not. The prefixes
 * a receiver must hold in the end are counted exactly by applying the same UPDATEs, withdrawals too, to a
 * set of prefixes.
 */
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { decodeBgp4mp, MrtRecordFramer } from "../../core/mrt/index.js";
import {
  AttrInterner,
  type AttrSet,
  codecContext,
  decodeUpdate,
  encodeAnnouncements,
  encodeAttributes,
  encodeWithdrawals,
  IPV4_UNICAST,
  NlriCursor,
  type PathAttributes,
  SegmentType,
  UpdateAction,
} from "../../core/wire/index.js";

/** 198.18.255.0/24 (benchmarking space), announced last. */
const SENTINEL_V4 = 0xc612ff00;

/** The UPDATE bodies (after the 19-byte header) of the first peer in an MRT file of BGP4MP messages, in
 *  file order, and that peer's AS. */
export function firstPeerUpdates(file: string): { peerAs: number; bodies: Uint8Array[] } {
  const bytes = gunzipSync(readFileSync(file));
  const bodies: Uint8Array[] = [];
  let peerAs = 0;
  new MrtRecordFramer().push(bytes, (r) => {
    if (r.type !== 16 && r.type !== 17) return;
    const m = decodeBgp4mp(r.subtype, r.body);
    if (typeof m === "string" || m.kind !== "message" || m.message[18] !== 2) return;
    peerAs ||= m.peerAs;
    if (m.peerAs === peerAs) bodies.push(m.message.subarray(19));
  });
  return { peerAs, bodies };
}

export interface RealTable {
  /** The peer whose UPDATEs these are (the MRT file's first). */
  peerAs: number;
  /** UPDATEs read from the file, and the prefixes they announce and withdraw (counted with repeats). */
  updatesRead: number;
  announced: number;
  withdrawn: number;
  /** Distinct attribute sets as sent (after the rewriting). */
  attributeSets: number;
  /** Distinct IPv4 prefixes announced and not withdrawn afterwards, plus the sentinel: what a receiver holds
   *  in the end. */
  finalPrefixes: number;
  /** The most prefixes held at any point of the replay before the sentinel: when it is below
   *  `finalPrefixes`, a receiver holding `finalPrefixes` has taken every UPDATE. */
  peakBeforeSentinel: number;
  /** Prefixes announced with AS 0 in their AS_PATH, left out (see encodeRealTable). */
  asZeroPrefixes: number;
  /** UPDATEs with anything else (IPv6 MP_REACH / MP_UNREACH, a faulty one): not sent, counted. */
  skipped: number;
  /** The UPDATEs to send, in file order, concatenated (each at most 4096 bytes). */
  messages: Buffer;
  messageCount: number;
  /** Every AS number in any AS_PATH (after the sender's was put in front): receivers must not be one. */
  asns: Set<number>;
}

/** The file's first-peer UPDATEs in order (the first `limit` of them, all by default), rewritten for an eBGP
 *  session from `senderAs` with IPv4 next hop `nextHop` (see the module comment). */
export function encodeRealTable(
  file: string,
  senderAs: number,
  nextHop: string,
  limit = Infinity,
): RealTable {
  const { peerAs, bodies: all } = firstPeerUpdates(file);
  const bodies = all.slice(0, limit);
  const ctx = codecContext({ as4: true, extendedMessage: true });
  const interner = new AttrInterner();
  const opts = { maxLength: 4096, addPath: false };
  const rewritten = new Map<AttrSet, Uint8Array | null>();
  const distinct = new Set<string>();
  const asns = new Set<number>();
  const held = new Set<number>();
  const cursor = new NlriCursor();
  // IPv4 prefix as one number: address × 64 + length (exact below 2^53).
  const key = () => cursor.v4 * 64 + cursor.length;
  const out: Uint8Array[] = [];
  let announced = 0;
  let withdrawn = 0;
  let skipped = 0;
  let peak = 0;
  let asZeroPrefixes = 0;
  for (const body of bodies) {
    const u = decodeUpdate(body, ctx, interner);
    if (u.action !== UpdateAction.NONE || u.mpReach || u.mpUnreach || (u.nlri && !u.attrs)) {
      skipped++;
      continue;
    }
    if (u.withdrawn) {
      cursor.reset(u.withdrawn);
      while (cursor.next()) {
        withdrawn++;
        held.delete(key());
      }
      out.push(...encodeWithdrawals(IPV4_UNICAST, u.withdrawn, opts));
    }
    if (u.nlri && u.attrs) {
      let attrs = rewritten.get(u.attrs);
      if (attrs === undefined) {
        const { localPref, originatorId, clusterList, aggregator, ...rest } = u.attrs.decoded();
        const a: PathAttributes = rest;
        // AGGREGATOR with AS 0: RFC 7607 says to discard it (kbgpd does, gobgpd and BIRD keep it).
        if (aggregator && aggregator.asn !== 0) a.aggregator = aggregator;
        const path = a.asPath ?? [];
        a.asPath =
          path[0]?.type === SegmentType.AS_SEQUENCE && path[0].asns.length < 255
            ? [{ type: SegmentType.AS_SEQUENCE, asns: [senderAs, ...path[0].asns] }, ...path.slice(1)]
            : [{ type: SegmentType.AS_SEQUENCE, asns: [senderAs] }, ...path];
        a.nextHop = nextHop;
        // AS 0 in an AS_PATH: RFC 7607 makes the UPDATE treat-as-withdraw (kbgpd does so; gobgpd and BIRD
        // accept it), so such announcements are left out and counted, for one workload and one count for all.
        if (a.asPath.some((s) => s.asns.includes(0))) attrs = null;
        else {
          for (const s of a.asPath) for (const n of s.asns) asns.add(n);
          attrs = encodeAttributes(a);
          distinct.add(Buffer.from(attrs).toString("latin1"));
        }
        rewritten.set(u.attrs, attrs);
      }
      if (attrs === null) {
        cursor.reset(u.nlri);
        while (cursor.next()) asZeroPrefixes++;
        continue;
      }
      cursor.reset(u.nlri);
      while (cursor.next()) {
        announced++;
        held.add(key());
      }
      const e = encodeAnnouncements(IPV4_UNICAST, attrs, null, u.nlri, opts);
      if (e.unsent.length) throw new Error(`real table: ${e.unsent.length} prefixes do not fit an UPDATE`);
      out.push(...e.messages);
      peak = Math.max(peak, held.size);
    }
  }
  // The sentinel: one more prefix after everything else, with the last attribute set. UPDATEs are taken in
  // order, so a receiver that holds it has processed all before it, which a count that may pass the final
  // one on its way (re-announcements, withdrawals) could not tell.
  const sentinel = SENTINEL_V4 * 64 + 24;
  if (held.has(sentinel)) throw new Error("real table: the sentinel prefix is in the table");
  held.add(sentinel);
  const last = [...rewritten.values()].filter((a) => a !== null).at(-1);
  if (!last) throw new Error("real table: no announcements");
  const nlri = Uint8Array.of(24, SENTINEL_V4 >>> 24, (SENTINEL_V4 >>> 16) & 255, (SENTINEL_V4 >>> 8) & 255);
  out.push(
    ...encodeAnnouncements(
      IPV4_UNICAST,
      last,
      null,
      { afi: 1, safi: 1, addPath: false, bytes: nlri, count: 1 },
      opts,
    ).messages,
  );
  return {
    peerAs,
    updatesRead: bodies.length,
    announced,
    withdrawn,
    attributeSets: distinct.size,
    finalPrefixes: held.size,
    peakBeforeSentinel: peak,
    asZeroPrefixes,
    skipped,
    messages: Buffer.concat(out),
    messageCount: out.length,
    asns,
  };
}
