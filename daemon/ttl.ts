/**
 * The IP TTL (IPv6: hop limit) side of a neighbor's transport: what `ebgp-multihop` and `ttl-security` ask
 * of its sockets, and of the listeners that accept its connections. Set through the native addon
 * (daemon/native/tcp_md5.c: IP_TTL/IP_MINTTL, IPV6_UNICAST_HOPS/IPV6_MINHOPCOUNT); nothing here knows BGP.
 */
import type { NeighborConfig } from "../core/config/types.js";
import type { TcpMd5Addon } from "./native/tcp-md5.js";

/** RFC 5082 §3: a GTSM speaker sends with the largest TTL, so one hop away it arrives as 254. */
export const GTSM_TTL = 255;

/** What one neighbor's sockets send with and the lowest TTL they accept (0: any). */
export interface TtlPolicy {
  readonly ttl: number;
  readonly minTtl: number;
  /** For messages: "TTL security" or "eBGP multihop TTL". */
  readonly what: string;
}

/**
 * `ttl-security: N` (FRR's `ttl-security hops N`): send with 255, accept only TTL >= 256 - N, i.e. a peer at
 * most N hops away (RFC 5082 §3: 1 = directly connected; each router on the way takes one off the peer's
 * 255, loopback takes none). `ebgp-multihop: T`: send with T, accept anything. Neither: null, the
 * system's default TTL (64 on Linux) and no check.
 */
export function ttlPolicy(n: Pick<NeighborConfig, "ebgpMultihop" | "ttlSecurity">): TtlPolicy | null {
  if (n.ttlSecurity !== null)
    return { ttl: GTSM_TTL, minTtl: GTSM_TTL + 1 - n.ttlSecurity, what: "TTL security" };
  if (n.ebgpMultihop !== null) return { ttl: n.ebgpMultihop, minTtl: 0, what: "eBGP multihop TTL" };
  return null;
}

/** What a listener of one family needs, from the policies of that family's neighbors. */
export interface ListenerTtl {
  /** 255 when a GTSM neighbor may connect: the kernel answers its SYN from the listener, with the
   *  listener's TTL, and the peer's own minimum drops a SYN-ACK sent with 64; else -1 (the default). */
  readonly ttl: number;
  /** When every neighbor of the family uses TTL security, the least minimum among them, so a SYN from too
   *  far is dropped before the handshake; else 0 (each accepted socket gets its own minimum at accept). */
  readonly minTtl: number;
}

/** A listener (or socket) left at the system's TTL, checking nothing. */
export const NO_TTL: ListenerTtl = { ttl: -1, minTtl: 0 };

export function listenerTtl(policies: readonly (TtlPolicy | null)[]): ListenerTtl {
  const gtsm = policies.filter((p) => p !== null && p.minTtl > 0) as TtlPolicy[];
  // The one object meaning "the system's defaults", so callers can compare by identity.
  if (gtsm.length === 0) return NO_TTL;
  return {
    ttl: gtsm.length > 0 ? GTSM_TTL : -1,
    minTtl: gtsm.length > 0 && gtsm.length === policies.length ? Math.min(...gtsm.map((p) => p.minTtl)) : 0,
  };
}

/** Set both on a socket; null, or why not (the addon's error). */
export function applyTtl(
  addon: TcpMd5Addon,
  fd: number,
  ttl: { readonly ttl: number; readonly minTtl: number },
): string | null {
  try {
    addon.setTtl(fd, ttl.ttl);
    addon.setMinTtl(fd, ttl.minTtl);
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

/** The file descriptor under a net.Socket or net.Server (Node keeps it on the private handle), or -1. */
export function fdOf(handleOwner: object): number {
  return (handleOwner as { _handle?: { fd?: number } })._handle?.fd ?? -1;
}
