/** Import policy in isolation: the next hop sanity check (RFC 4271 §6.3) on UPDATEs as peers send them. */
import { describe, expect, it } from "vitest";
import { type ImportPeer, importReason } from "../../core/policy/import.js";
import type { Keyed } from "../../core/rib/prefix-map.js";
import {
  codecContext,
  decodeUpdate,
  IPV4_UNICAST,
  parseIp,
  parseIpv4Number,
  UpdateAction,
} from "../../core/wire/index.js";

const PEER: ImportPeer = {
  localAs: 65100,
  routerId: parseIpv4Number("10.0.0.1")!,
  clusterId: parseIpv4Number("10.0.0.1")!,
  ebgp: true,
  peerAs: 65001,
  importReject: [],
};
const KEY: Keyed = {
  afi: 1,
  length: 24,
  v4: parseIpv4Number("198.51.100.0")!,
  addr: parseIp("198.51.100.0")!,
};
/** With extended next hop (RFC 8950) negotiated for IPv4 unicast. */
const CTX = codecContext({ ebgp: true, extendedNextHop: new Set([IPV4_UNICAST]) });

const ORIGIN_AND_PATH = [0x40, 1, 1, 0, 0x40, 2, 6, 2, 1, 0, 0, 0xfd, 0xe9]; // IGP, AS_PATH 65001
const NLRI = [24, 198, 51, 100]; // 198.51.100.0/24

/** 198.51.100.0/24 with `nextHop` in NEXT_HOP (classic) or in MP_REACH_NLRI. */
function update(nextHop: string, mp: boolean): Uint8Array {
  const nh = [...parseIp(nextHop)!];
  const attrs = mp
    ? [...ORIGIN_AND_PATH, 0x80, 14, 5 + nh.length + NLRI.length, 0, 1, 1, nh.length, ...nh, 0, ...NLRI]
    : [...ORIGIN_AND_PATH, 0x40, 3, 4, ...nh];
  return Uint8Array.from([0, 0, attrs.length >> 8, attrs.length & 0xff, ...attrs, ...(mp ? [] : NLRI)]);
}

function verdict(nextHop: string, mp: boolean): string | null {
  const u = decodeUpdate(update(nextHop, mp), CTX);
  expect(u.action).toBe(UpdateAction.NONE);
  return importReason(PEER, KEY, u.attrs!, u.mpReach ? u.mpReach.nextHop : null);
}

describe("next hop sanity (RFC 4271 §6.3)", () => {
  it("rejects an unusable IPv4 next hop in NEXT_HOP", () => {
    expect(verdict("0.0.0.0", false)).toBe("unusable next hop 0.0.0.0");
    expect(verdict("224.0.0.5", false)).toBe("unusable next hop 224.0.0.5");
    expect(verdict("198.18.0.4", false)).toBeNull();
  });

  it("rejects the same IPv4 next hops in MP_REACH_NLRI (how BIRD sends IPv4 routes with RFC 8950 on)", () => {
    expect(verdict("0.0.0.0", true)).toBe("unusable next hop 0.0.0.0");
    expect(verdict("224.0.0.5", true)).toBe("unusable next hop 224.0.0.5");
    expect(verdict("240.0.0.1", true)).toBe("unusable next hop 240.0.0.1");
    expect(verdict("198.18.0.4", true)).toBeNull();
  });

  it("accepts an IPv4 route with an IPv6 next hop (RFC 8950)", () => {
    expect(verdict("2001:db8:ffff::2", true)).toBeNull();
  });
});
