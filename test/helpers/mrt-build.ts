/** Building MRT records by hand for tests (RFC 6396 layouts). */
import { parseIp } from "../../core/wire/index.js";
import { concat as cat } from "./hex.js";

const u16 = (v: number) => Uint8Array.of(v >>> 8, v & 0xff);
const u32 = (v: number) => Uint8Array.of(v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
const ip = (s: string) => parseIp(s)!;

export { cat, u16, u32 };

/** One record: header (with microseconds for type 17), then body. */
export function record(
  ts: number,
  type: number,
  subtype: number,
  body: Uint8Array,
  usec?: number,
): Uint8Array {
  const et = usec !== undefined;
  return cat(
    u32(ts),
    u16(type),
    u16(subtype),
    u32(body.length + (et ? 4 : 0)),
    et ? u32(usec) : new Uint8Array(0),
    body,
  );
}

/** BGP4MP_MESSAGE(_AS4) with an IPv4 or IPv6 header around a whole BGP message. */
export function bgp4mpMessage(opts: {
  ts: number;
  message: Uint8Array;
  as4?: boolean;
  peer?: string;
  local?: string;
  peerAs?: number;
  localAs?: number;
  usec?: number;
}): Uint8Array {
  const as4 = opts.as4 ?? true;
  const peer = ip(opts.peer ?? "10.0.0.1");
  const local = ip(opts.local ?? "10.0.0.2");
  const asn = (v: number) => (as4 ? u32(v) : u16(v));
  const body = cat(
    asn(opts.peerAs ?? 65001),
    asn(opts.localAs ?? 65000),
    u16(0),
    u16(peer.length === 4 ? 1 : 2),
    peer,
    local,
    opts.message,
  );
  return record(opts.ts, opts.usec === undefined ? 16 : 17, as4 ? 4 : 1, body, opts.usec);
}

export function bgp4mpState(ts: number, oldState: number, newState: number, usec?: number): Uint8Array {
  const body = cat(
    u16(65001),
    u16(65000),
    u16(0),
    u16(1),
    ip("10.0.0.1"),
    ip("10.0.0.2"),
    u16(oldState),
    u16(newState),
  );
  return record(ts, usec === undefined ? 16 : 17, 0, body, usec);
}

/** TABLE_DUMP (v1), IPv4: one prefix, one peer, 2-octet AS. */
export function tableDumpV1(
  ts: number,
  prefix: string,
  len: number,
  peer: string,
  peerAs: number,
  attrs: Uint8Array,
) {
  const body = cat(
    u16(0),
    u16(1),
    ip(prefix),
    Uint8Array.of(len, 1),
    u32(ts),
    ip(peer),
    u16(peerAs),
    u16(attrs.length),
    attrs,
  );
  return record(ts, 12, 1, body);
}

/** TABLE_DUMP_V2 PEER_INDEX_TABLE with IPv4 peers and 4-octet AS numbers. */
export function peerIndex(ts: number, peers: { ip: string; asn: number }[]): Uint8Array {
  const entries = peers.map((p) => cat(Uint8Array.of(0x02), u32(0x01020304), ip(p.ip), u32(p.asn)));
  return record(ts, 13, 1, cat(u32(0x0a000001), u16(0), u16(peers.length), ...entries));
}

/** TABLE_DUMP_V2 RIB_IPV4_UNICAST (2) or RIB_IPV6_UNICAST (4). */
export function ribRecord(
  ts: number,
  prefix: string,
  len: number,
  entries: { peer: number; attrs: Uint8Array }[],
) {
  const addr = ip(prefix);
  const v4 = addr.length === 4;
  const pbytes = addr.subarray(0, (len + 7) >>> 3);
  const es = entries.map((e) => cat(u16(e.peer), u32(ts), u16(e.attrs.length), e.attrs));
  return record(ts, 13, v4 ? 2 : 4, cat(u32(7), Uint8Array.of(len), pbytes, u16(entries.length), ...es));
}
