/**
 * A route as text: what the control API's `rib.add` takes, what `kbgp global rib add`, `-f` files and the
 * ExaBGP text API are turned into, and what the state directory keeps. The keys are those of a `routes`
 * entry in the configuration file (docs/config.md), so one validator serves the file and the API; values
 * stay text until the daemon checks them, and a mistake is reported against the route that made it.
 */
export interface RouteText {
  /** "192.0.2.0/24", "2001:db8::/32"; host bits must be clear. */
  prefix: string;
  /** "self" (the default: our address on each session) or an address; an IPv6 prefix needs IPv6. */
  "next-hop"?: string;
  origin?: "igp" | "egp" | "incomplete";
  /** "65010 65011 {65020,65021}": AS_SEQUENCE numbers, an AS_SET in braces. */
  "as-path"?: string;
  med?: number;
  "local-pref"?: number;
  /** "65000:1", or a well-known name: "no-export", "no-advertise", "no-export-subconfed", "blackhole"… */
  communities?: string[];
  /** "65000:1:2". */
  "large-communities"?: string[];
  /** "target:65000:1", "origin:192.0.2.1:7", or "0x" and 16 hex digits. */
  "extended-communities"?: string[];
  /** Our own path identifier (RFC 7911), so one prefix can be announced as several paths; default 0. */
  identifier?: number;
  /** Announce only to these neighbors (addresses), as ExaBGP's `neighbor <ip> announce`; default: all. */
  neighbors?: string[];
}

export const ORIGIN_WORDS = ["igp", "egp", "incomplete"] as const;
