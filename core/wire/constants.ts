/**
 * Protocol numbers shared by every part of the wire codec: message types, address families, path
 * attribute type codes and flags, capability codes. Values come from the IANA BGP registries; each group
 * names the RFC that defines it.
 */

/** RFC 4271 §4.1 message header; RFC 2918 adds ROUTE-REFRESH. */
export const MessageType = {
  OPEN: 1,
  UPDATE: 2,
  NOTIFICATION: 3,
  KEEPALIVE: 4,
  ROUTE_REFRESH: 5,
} as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

export const HEADER_LENGTH = 19;
/** RFC 4271 §4.1 */
export const MAX_MESSAGE_LENGTH = 4096;
/** RFC 8654 §4 */
export const MAX_EXTENDED_MESSAGE_LENGTH = 65535;

export const Afi = { IPV4: 1, IPV6: 2 } as const;
export type Afi = (typeof Afi)[keyof typeof Afi];
export const Safi = { UNICAST: 1, MULTICAST: 2, MPLS_LABEL: 4, FLOWSPEC: 133 } as const;

/** A family packed as one number, `afi << 8 | safi`, so it can key maps and switch statements cheaply. */
export type FamilyKey = number;
export const familyKey = (afi: number, safi: number): FamilyKey => (afi << 8) | safi;
export const IPV4_UNICAST: FamilyKey = familyKey(Afi.IPV4, Safi.UNICAST);
export const IPV6_UNICAST: FamilyKey = familyKey(Afi.IPV6, Safi.UNICAST);

export function familyName(key: FamilyKey): string {
  if (key === IPV4_UNICAST) return "ipv4-unicast";
  if (key === IPV6_UNICAST) return "ipv6-unicast";
  return `afi${key >>> 8}-safi${key & 0xff}`;
}

/** RFC 4271 §4.3 attribute flags. */
export const AttrFlag = {
  OPTIONAL: 0x80,
  TRANSITIVE: 0x40,
  PARTIAL: 0x20,
  EXTENDED_LENGTH: 0x10,
} as const;

/** Path attribute type codes (IANA "BGP Path Attributes"). */
export const AttrType = {
  ORIGIN: 1,
  AS_PATH: 2,
  NEXT_HOP: 3,
  MULTI_EXIT_DISC: 4,
  LOCAL_PREF: 5,
  ATOMIC_AGGREGATE: 6,
  AGGREGATOR: 7,
  COMMUNITIES: 8,
  ORIGINATOR_ID: 9,
  CLUSTER_LIST: 10,
  MP_REACH_NLRI: 14,
  MP_UNREACH_NLRI: 15,
  EXTENDED_COMMUNITIES: 16,
  AS4_PATH: 17,
  AS4_AGGREGATOR: 18,
  LARGE_COMMUNITIES: 32,
} as const;
export type AttrType = (typeof AttrType)[keyof typeof AttrType];

/** RFC 4271 §4.3 ORIGIN values. */
export const Origin = { IGP: 0, EGP: 1, INCOMPLETE: 2 } as const;
export type Origin = (typeof Origin)[keyof typeof Origin];
export const ORIGIN_NAMES = ["igp", "egp", "incomplete"] as const;

/** AS_PATH segment types: RFC 4271 §4.3 and RFC 5065 §3 (confederations). */
export const SegmentType = {
  AS_SET: 1,
  AS_SEQUENCE: 2,
  AS_CONFED_SEQUENCE: 3,
  AS_CONFED_SET: 4,
} as const;
export type SegmentType = (typeof SegmentType)[keyof typeof SegmentType];

/** RFC 6793 §9 */
export const AS_TRANS = 23456;

/** Capability codes (IANA "Capability Codes"). */
export const CapabilityCode = {
  MULTIPROTOCOL: 1, // RFC 4760
  ROUTE_REFRESH: 2, // RFC 2918
  EXTENDED_NEXT_HOP: 5, // RFC 8950
  EXTENDED_MESSAGE: 6, // RFC 8654
  ROLE: 9, // RFC 9234
  GRACEFUL_RESTART: 64, // RFC 4724
  FOUR_OCTET_AS: 65, // RFC 6793
  ADD_PATH: 69, // RFC 7911
  ENHANCED_ROUTE_REFRESH: 70, // RFC 7313
  LONG_LIVED_GRACEFUL_RESTART: 71, // RFC 9494
  FQDN: 73, // draft-walton-bgp-hostname-capability
  ROUTE_REFRESH_CISCO: 128, // pre-standard route refresh, still sent by some speakers
} as const;
export type CapabilityCode = (typeof CapabilityCode)[keyof typeof CapabilityCode];
