/**
 * fast-check arbitraries for the wire codec's values: prefixes, path attributes, capabilities,
 * NOTIFICATION fields and shutdown text. Each produces values the encoders accept as they are (no host
 * bits, capability values within one length octet, unknown attributes the scanner does not validate).
 */
import fc from "fast-check";
import {
  Afi,
  type AsPathSegment,
  type Capability,
  CapabilityCode,
  type LargeCommunity,
  maskInPlace,
  type PathAttributes,
  type Prefix,
  type RawAttribute,
  SegmentType,
} from "../../core/wire/index.js";

export const u8 = fc.integer({ min: 0, max: 0xff });
export const u16 = fc.integer({ min: 0, max: 0xffff });
export const u24 = fc.integer({ min: 0, max: 0xffffff });
export const u32 = fc.integer({ min: 0, max: 0xffffffff });

/**
 * `min..max` elements made by repeating a random pattern of up to 16. Long values built this way shrink
 * quickly (fast-check shrinks the length as one integer instead of trying element after element), which
 * keeps a failing property's report to seconds.
 */
export function repeated<T>(elem: fc.Arbitrary<T>, min: number, max: number): fc.Arbitrary<T[]> {
  return fc
    .tuple(fc.integer({ min, max }), fc.array(elem, { minLength: 1, maxLength: 16 }))
    .map(([n, pattern]) => Array.from({ length: n }, (_, i) => pattern[i % pattern.length]));
}

/** Up to `max` bytes: mostly short and fully random, sometimes long (repeated pattern). */
export function bytes(max: number): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.uint8Array({ maxLength: Math.min(max, 32) }) },
    { weight: 1, arbitrary: repeated(u8, 0, max).map((b) => Uint8Array.from(b)) },
  );
}

/** A list of up to `max`: mostly short, sometimes long enough to need an extended-length attribute. */
export function list<T>(elem: fc.Arbitrary<T>, max: number): fc.Arbitrary<T[]> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.array(elem, { maxLength: 6 }) },
    { weight: 1, arbitrary: repeated(elem, 0, max) },
  );
}

/** Dotted-quad IPv4 text, as the attribute decoder formats it (no leading zeros). */
export const ipv4Text: fc.Arbitrary<string> = fc.tuple(u8, u8, u8, u8).map((b) => b.join("."));

// ---------------------------------------------------------------------------------------------- prefixes

export interface PrefixOptions {
  /** Give every prefix a path identifier (ADD-PATH); without it none has one. */
  readonly pathId?: boolean;
  /** Smallest prefix length (default 0). */
  readonly minLength?: number;
}

/** A prefix of the family with host bits cleared, biased toward short and full lengths. */
export function prefixArb(afi: Afi, opts: PrefixOptions = {}): fc.Arbitrary<Prefix> {
  const bits = afi === Afi.IPV4 ? 32 : 128;
  const length = fc.oneof(
    fc.integer({ min: opts.minLength ?? 0, max: bits }),
    fc.constantFrom(
      ...[0, 8, 16, 24, 32, 48, 64, 127, 128].filter((l) => l <= bits && l >= (opts.minLength ?? 0)),
    ),
  );
  const random = fc.uint8Array({ minLength: bits / 8, maxLength: bits / 8 });
  // IPv6 also in ::/96 and ::ffff:0:0/96, whose text form is dotted (IPv4-compatible and -mapped).
  const dotted = fc
    .tuple(fc.constantFrom(0, 0xffff), fc.uint8Array({ minLength: 4, maxLength: 4 }))
    .map(([w5, v4]) => Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, w5 >>> 8, w5 & 0xff, ...v4]));
  const bytes =
    afi === Afi.IPV4 ? random : fc.oneof({ weight: 7, arbitrary: random }, { weight: 1, arbitrary: dotted });
  const base = fc
    .tuple(length, bytes)
    .map(([l, b]): Prefix => ({ afi, length: l, addr: maskInPlace(b.slice(), l) }));
  if (!opts.pathId) return base;
  return fc.tuple(base, u32).map(([p, pathId]): Prefix => ({ ...p, pathId }));
}

export const ipv4Prefix = (opts?: PrefixOptions): fc.Arbitrary<Prefix> => prefixArb(Afi.IPV4, opts);
export const ipv6Prefix = (opts?: PrefixOptions): fc.Arbitrary<Prefix> => prefixArb(Afi.IPV6, opts);

// ------------------------------------------------------------------------------------------ path attributes

/** An ASN, biased toward the 2-octet range, AS_TRANS and the 2/4-octet boundary. */
export const asn: fc.Arbitrary<number> = fc.oneof(
  u32,
  u16,
  fc.constantFrom(0, 23456, 65535, 65536, 4200000000, 0xffffffff),
);
export const asn2: fc.Arbitrary<number> = fc.oneof(u16, fc.constantFrom(0, 23456, 65535));

/** 1..300 ASNs: long enough that segments over 255 ASNs (split on the wire) come up. */
const segmentAsns = (a: fc.Arbitrary<number>): fc.Arbitrary<number[]> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.array(a, { minLength: 1, maxLength: 8 }) },
    { weight: 1, arbitrary: repeated(a, 1, 300) },
    { weight: 1, arbitrary: repeated(a, 250, 300) },
  );

export interface AsPathOptions {
  /** ASNs of the leading confederation segments (default: any 4-octet ASN). */
  readonly confedAsn?: fc.Arbitrary<number>;
  readonly maxSegments?: number;
}

/** An AS path: optional *leading* AS_CONFED_SEQUENCE/AS_CONFED_SET segments, then AS_SEQUENCE/AS_SET
 *  segments of 1..300 ASNs each. May be empty. */
export function asPathArb(opts: AsPathOptions = {}): fc.Arbitrary<AsPathSegment[]> {
  // RFC 7607 §2: AS 0 makes an AS_PATH malformed, so a valid path never holds it.
  const seg = (types: SegmentType[], a: fc.Arbitrary<number>) =>
    fc.record({
      type: fc.constantFrom(...types),
      asns: segmentAsns(a.filter((x) => x !== 0)),
    }) as fc.Arbitrary<AsPathSegment>;
  const confedSeg = seg([SegmentType.AS_CONFED_SEQUENCE, SegmentType.AS_CONFED_SET], opts.confedAsn ?? asn);
  const confed = fc.array(confedSeg, { maxLength: 2 });
  const rest = fc.array(seg([SegmentType.AS_SEQUENCE, SegmentType.AS_SET], asn), {
    maxLength: opts.maxSegments ?? 3,
  });
  return fc.tuple(fc.oneof(fc.constant([]), confed), rest).map(([c, r]) => [...c, ...r]);
}

/** Attribute type codes the scanner and decoder treat as unknown: not 1-18 (RFC 4271, 4456, 4760, 4360,
 *  6793 and the unassigned 11-13), not 25 (RFC 5701) and 35 (RFC 9234) whose lengths the scanner checks,
 *  not 32 (RFC 8092). */
export const unknownAttrType: fc.Arbitrary<number> = fc
  .oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0, 19, 24, 26, 31, 33, 34, 36, 128, 255))
  .filter((t) => !((t >= 1 && t <= 18) || t === 25 || t === 32 || t === 35));

export interface RawAttributeOptions {
  /** Longest value; over 255 bytes the attribute needs the extended-length form (default 40). */
  readonly maxValue?: number;
}

/** An unknown optional attribute, transitive or not (Partial set on some transitive ones), with the
 *  extended-length bit clear. */
export function rawAttributeArb(opts: RawAttributeOptions = {}): fc.Arbitrary<RawAttribute> {
  const flags = fc.constantFrom(0x80, 0xc0, 0xe0);
  return fc.record({
    flags,
    type: unknownAttrType,
    value: bytes(opts.maxValue ?? 40),
  });
}

export const largeCommunity: fc.Arbitrary<LargeCommunity> = fc.tuple(u32, u32, u32);

export interface PathAttributesOptions extends AsPathOptions {
  /** Always include NEXT_HOP (needed to announce classic IPv4 NLRI); otherwise it is optional. */
  readonly nextHop?: boolean;
  /** Longest value of an unknown attribute. */
  readonly maxUnknownValue?: number;
}

/**
 * Path attributes with ORIGIN and AS_PATH always present (an UPDATE announcing routes needs them) and
 * every other attribute optional. Lists may be empty: the encoder leaves empty lists out.
 */
export function pathAttributesArb(opts: PathAttributesOptions = {}): fc.Arbitrary<PathAttributes> {
  const optional = {
    nextHop: ipv4Text,
    med: u32,
    localPref: u32,
    atomicAggregate: fc.constant(true),
    // RFC 7607 §2: AS 0 makes AGGREGATOR malformed too (discarded on a session).
    aggregator: fc.record({ asn: asn.filter((x) => x !== 0), address: ipv4Text }),
    communities: list(fc.oneof(u32, fc.constantFrom(0xffffff01, 0xffff0000)), 80),
    originatorId: ipv4Text,
    clusterList: list(ipv4Text, 70),
    extCommunities: list(fc.uint8Array({ minLength: 8, maxLength: 8 }), 40),
    largeCommunities: list(largeCommunity, 25),
    unknown: fc.uniqueArray(rawAttributeArb({ maxValue: opts.maxUnknownValue ?? 40 }), {
      maxLength: 4,
      selector: (u) => u.type,
    }),
  };
  return fc
    .tuple(
      fc.record({ origin: fc.constantFrom(0, 1, 2) as fc.Arbitrary<0 | 1 | 2>, asPath: asPathArb(opts) }),
      fc.record(optional, { requiredKeys: opts.nextHop ? ["nextHop"] : [] }),
    )
    .map(([m, o]): PathAttributes => ({ ...m, ...o }));
}

// ------------------------------------------------------------------------------------------- capabilities

const KNOWN_CAPABILITY_CODES: ReadonlySet<number> = new Set(Object.values(CapabilityCode));

const family = fc.record({ afi: u16, safi: u8 });

/** One character: ASCII, any code point (astral ones included, never a lone surrogate, which would not
 *  survive UTF-8), or one of a few 2-, 3- and 4-byte characters. */
const char = fc.oneof(
  fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 1 }),
  fc.string({ unit: "binary", minLength: 1, maxLength: 1 }),
  fc.constantFrom("é", "€", "😀", "中"),
);

/** Text of up to `maxChars` characters, for FQDN names and shutdown communications. */
export function utf8Text(maxChars: number): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 2, arbitrary: fc.array(char, { maxLength: Math.min(maxChars, 24) }).map((c) => c.join("")) },
    { weight: 1, arbitrary: repeated(char, 0, maxChars).map((c) => c.join("")) },
  );
}

export interface CapabilityOptions {
  /** Longest FQDN hostname and domain, in characters (default 20). */
  readonly fqdnChars?: number;
}

/** Every capability kind, each with a value that fits one capability length octet. */
export function capabilityArb(opts: CapabilityOptions = {}): fc.Arbitrary<Capability> {
  const fqdnChars = opts.fqdnChars ?? 20;
  return fc.oneof(
    fc.record({ kind: fc.constant("multiprotocol" as const), afi: u16, safi: u8 }),
    fc.constant({ kind: "route-refresh" as const }),
    fc.constant({ kind: "route-refresh-cisco" as const }),
    fc.constant({ kind: "enhanced-route-refresh" as const }),
    fc.constant({ kind: "extended-message" as const }),
    fc.record({
      kind: fc.constant("extended-next-hop" as const),
      entries: fc.array(fc.record({ afi: u16, safi: u16, nextHopAfi: u16 }), {
        minLength: 1,
        maxLength: 42,
        size: "max",
      }),
    }),
    fc.record({ kind: fc.constant("role" as const), role: u8 }),
    fc.record({
      kind: fc.constant("graceful-restart" as const),
      restartState: fc.boolean(),
      notification: fc.boolean(),
      restartTime: u16,
      families: fc.array(fc.record({ afi: u16, safi: u8, forwarding: fc.boolean() }), {
        maxLength: 63,
        size: "max",
      }),
    }),
    fc.record({ kind: fc.constant("four-octet-as" as const), asn }),
    fc.record({
      kind: fc.constant("add-path" as const),
      families: fc.array(
        fc
          .tuple(family, fc.constantFrom(1, 2, 3) as fc.Arbitrary<1 | 2 | 3>)
          .map(([f, mode]) => ({ ...f, mode })),
        { minLength: 1, maxLength: 63, size: "max" },
      ),
    }),
    fc.record({
      kind: fc.constant("long-lived-graceful-restart" as const),
      families: fc.array(fc.record({ afi: u16, safi: u8, forwarding: fc.boolean(), staleTime: u24 }), {
        maxLength: 36,
        size: "max",
      }),
    }),
    fc.record({
      kind: fc.constant("fqdn" as const),
      hostname: utf8Text(fqdnChars),
      domain: utf8Text(fqdnChars),
    }),
    fc.record({
      kind: fc.constant("unknown" as const),
      code: u8.filter((c) => !KNOWN_CAPABILITY_CODES.has(c)),
      value: bytes(255),
    }),
  );
}

// ------------------------------------------------------------------------------------------- NOTIFICATION

export interface NotificationFields {
  readonly code: number;
  readonly subcode: number;
  readonly data: Uint8Array;
}

/** Any code/subcode, including the structured ones (Cease/2, Cease/4, Cease/9), and data up to 4075
 *  bytes (a 4096-byte message). */
export const notificationArb: fc.Arbitrary<NotificationFields> = fc.record({
  code: fc.oneof(fc.integer({ min: 1, max: 7 }), u8),
  subcode: fc.oneof(fc.integer({ min: 0, max: 11 }), u8),
  data: bytes(4096 - 21),
});

/** Shutdown communication text: short, and long enough (in bytes) to be cut at 255. */
export const shutdownText: fc.Arbitrary<string> = fc.oneof(utf8Text(40), utf8Text(300));
