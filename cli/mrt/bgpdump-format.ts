/**
 * `kbgp mrt dump` text output: the one-line-per-route format of `bgpdump -m`, so existing scripts and diffs
 * keep working. The rules follow bgpdump 1.6's printing code; where bgpdump's output depends on a defect
 * (see docs/mrt.md) kbgp prints the correct value instead.
 */
import type { MrtItem, RibPath } from "../../core/mrt/index.js";
import { TableDumpV2Subtype as S } from "../../core/mrt/index.js";
import {
  type AttrSet,
  formatAsPath,
  formatIpv4,
  formatIpv4Number,
  NlriCursor,
  type NlriList,
  type UpdateMessage,
} from "../../core/wire/index.js";

/**
 * IPv6 text as bgpdump writes it: like RFC 5952, except that even a single zero group is compressed to
 * `::` (leftmost longest run), and IPv4-mapped/-compatible addresses keep the dotted quad.
 */
export function formatIpv6Bgpdump(b: Uint8Array, off = 0): string {
  let zeros12 = true;
  for (let i = 0; i < 10; i++) if (b[off + i] !== 0) zeros12 = false;
  if (zeros12 && b[off + 10] === 0xff && b[off + 11] === 0xff) return `::ffff:${formatIpv4(b, off + 12)}`;
  if (zeros12 && b[off + 10] === 0 && b[off + 11] === 0) {
    const last = ((b[off + 12] << 24) | (b[off + 13] << 16) | (b[off + 14] << 8) | b[off + 15]) >>> 0;
    if (last > 1) return `::${formatIpv4(b, off + 12)}`;
  }
  const w: number[] = [];
  for (let i = 0; i < 8; i++) w.push((b[off + 2 * i] << 8) | b[off + 2 * i + 1]);
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (w[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && w[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best < 0) return w.map((x) => x.toString(16)).join(":");
  const head = w
    .slice(0, best)
    .map((x) => x.toString(16))
    .join(":");
  const tail = w
    .slice(best + bestLen)
    .map((x) => x.toString(16))
    .join(":");
  return `${head}::${tail}`;
}

const ip = (b: Uint8Array): string => (b.length === 4 ? formatIpv4(b) : formatIpv6Bgpdump(b));

const ORIGINS = ["IGP", "EGP", "INCOMPLETE"];
/** bgpdump names only these three well-known communities. */
const COMMUNITY_NAMES = new Map([
  [0xffffff01, "no-export"],
  [0xffffff02, "no-advertise"],
  [0xffffff03, "local-AS"],
]);
const NO_NEXT_HOP = "255.255.255.255";

/** The fields after the next hop: `lp|med|communities|AG|aggregator|`. */
function tailFields(set: AttrSet | null): string {
  if (!set) return "0|0||NAG||";
  const a = set.decoded();
  const comms = (a.communities ?? [])
    .map((c) => COMMUNITY_NAMES.get(c) ?? `${c >>> 16}:${c & 0xffff}`)
    .join(" ");
  const agg =
    a.aggregator && a.aggregator.address !== NO_NEXT_HOP ? `${a.aggregator.asn} ${a.aggregator.address}` : "";
  return `${a.localPref ?? 0}|${a.med ?? 0}|${comms}|${a.atomicAggregate ? "AG" : "NAG"}|${agg}|`;
}

function pathFields(set: AttrSet | null): string {
  if (!set) return "|INCOMPLETE";
  const a = set.decoded();
  return `${a.asPath ? formatAsPath(a.asPath) : ""}|${ORIGINS[a.origin ?? 2]}`;
}

/** Next hop from an MP_REACH next-hop field: IPv4, or the global IPv6 address of a 16/32-byte field. */
function mpNextHop(nh: Uint8Array): string {
  return nh.length === 4 ? formatIpv4(nh) : formatIpv6Bgpdump(nh, 0);
}

function time(item: MrtItem): string {
  const r = item.record;
  return r.microseconds >= 0 ? `${r.timestamp}.${String(r.microseconds).padStart(6, "0")}` : `${r.timestamp}`;
}

const cursor = new NlriCursor();

function prefixLines(
  list: NlriList | null,
  lead: string,
  addPath: boolean,
  rest: string,
  out: string[],
): void {
  if (!list || list.count <= 0) return;
  cursor.reset(list);
  const v4 = list.afi === 1;
  while (cursor.next()) {
    const p = `${v4 ? formatIpv4Number(cursor.v4) : formatIpv6Bgpdump(cursor.addr)}/${cursor.length}`;
    out.push(`${lead}${p}${addPath ? `|${cursor.pathId}` : ""}${rest}`);
  }
}

function updateLines(item: Extract<MrtItem, { kind: "update" }>, out: string[]): void {
  const { bgp, update } = item;
  const et = item.record.microseconds >= 0;
  const label = `BGP4MP${et ? "_ET" : ""}${bgp.local ? "_LOCAL" : ""}${bgp.addPath ? "_AP" : ""}`;
  const head = `${label}|${time(item)}|`;
  const peer = `${ip(bgp.peerAddress)}|${bgp.peerAs}|`;
  // bgpdump's order: withdrawn routes, MP_UNREACH, NLRI, MP_REACH.
  prefixLines(update.withdrawn, `${head}W|${peer}`, bgp.addPath, "", out);
  prefixLines(update.mpUnreach, `${head}W|${peer}`, bgp.addPath, "", out);
  const u: UpdateMessage = update;
  const attrs = u.attrs;
  const path = pathFields(attrs);
  const tail = tailFields(attrs);
  if (u.nlri) {
    const nh = attrs && attrs.nextHop >= 0 ? formatIpv4Number(attrs.nextHop) : NO_NEXT_HOP;
    prefixLines(u.nlri, `${head}A|${peer}`, bgp.addPath, `|${path}|${nh}|${tail}`, out);
  }
  if (u.mpReach)
    prefixLines(
      u.mpReach.nlri,
      `${head}A|${peer}`,
      bgp.addPath,
      `|${path}|${mpNextHop(u.mpReach.nextHop)}|${tail}`,
      out,
    );
}

function ribNextHop(p: RibPath): string {
  const mp = p.attributes.mpNextHop;
  if (mp && (mp.length === 4 || mp.length === 16 || mp.length === 32)) return mpNextHop(mp);
  const set = p.attributes.attrs;
  return set && set.nextHop >= 0 ? formatIpv4Number(set.nextHop) : NO_NEXT_HOP;
}

/** bgpdump prints TABLE_DUMP_V2 RIB records only for the unicast subtypes. */
const PRINTED_RIB_SUBTYPES = new Set<number>([
  S.RIB_IPV4_UNICAST,
  S.RIB_IPV6_UNICAST,
  S.RIB_IPV4_UNICAST_ADDPATH,
  S.RIB_IPV6_UNICAST_ADDPATH,
]);

function ribLines(item: Extract<MrtItem, { kind: "rib" }>, out: string[]): void {
  if (item.source === "TABLE_DUMP2" && !PRINTED_RIB_SUBTYPES.has(item.record.subtype)) return;
  const label = item.source === "TABLE_DUMP" ? "TABLE_DUMP" : item.addPath ? "TABLE_DUMP2_AP" : "TABLE_DUMP2";
  const prefix = `${ip(item.prefix.addr)}/${item.prefix.length}`;
  for (const p of item.paths) {
    const set = p.attributes.attrs;
    const id = item.addPath ? `${p.pathId}|` : "";
    out.push(
      `${label}|${item.record.timestamp}|B|${ip(p.peer.address)}|${p.peer.asn}|${prefix}|${id}${pathFields(set)}|${ribNextHop(p)}|${tailFields(set)}`,
    );
  }
}

/** The lines bgpdump -m prints for one item (none for most non-route items). */
export function bgpdumpLines(item: MrtItem, out: string[]): void {
  switch (item.kind) {
    case "update":
      updateLines(item, out);
      return;
    case "rib":
      ribLines(item, out);
      return;
    case "state": {
      const s = item.state;
      const label = item.record.microseconds >= 0 ? "BGP4MP_ET" : "BGP4MP";
      out.push(`${label}|${time(item)}|STATE|${ip(s.peerAddress)}|${s.peerAs}|${s.oldState}|${s.newState}`);
      return;
    }
    default:
      return;
  }
}
