/** fast-check arbitraries for RouteText values, shared by the gobgp and ExaBGP syntax round trips. */
import fc from "fast-check";
import { u16, u32 } from "../helpers/arbitraries.js";

const asn = fc.integer({ min: 1, max: 0xffffffff });
/** "65001 {65002,65003}": numbers and AS_SETs. */
const asPath = fc
  .array(
    fc.oneof(
      asn.map(String),
      fc.array(asn, { minLength: 1, maxLength: 3 }).map((s) => `{${s.join(",")}}`),
    ),
    { maxLength: 6 },
  )
  .map((segments) => segments.join(" "));
const v4prefix = fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 32 })).map(([a, l]) => `${a}/${l}`);
const v6prefix = fc.tuple(fc.ipV6(), fc.integer({ min: 0, max: 128 })).map(([a, l]) => `${a}/${l}`);
/** IPv4 or IPv6, host bits not necessarily clear (the syntaxes leave that to the daemon). */
const prefix = fc.oneof(v4prefix, v6prefix);
const nextHop = fc.oneof(fc.constant("self"), fc.ipV4(), fc.ipV6());
const origin = fc.constantFrom("igp", "egp", "incomplete");
/** X:Y, or a well-known name: these five and `names`. */
export const community = (...names: string[]) =>
  fc.oneof(
    fc.tuple(u16, u16).map(([a, b]) => `${a}:${b}`),
    fc.constantFrom("no-export", "no-advertise", "no-export-subconfed", "blackhole", "no-peer", ...names),
  );
export const largeCommunity = fc.tuple(u32, u32, u32).map((p) => p.join(":"));
/** target: and origin: with an AS or an IPv4 address, or any of `more`. */
export const extCommunity = (...more: fc.Arbitrary<string>[]) =>
  fc.oneof(
    fc.tuple(fc.constantFrom("target", "origin"), u16, u32).map((p) => p.join(":")),
    fc.tuple(fc.constantFrom("target", "origin"), fc.ipV4(), u16).map((p) => p.join(":")),
    ...more,
  );

/** fc.record fields for the keys both syntaxes write alike; the lists and neighbors vary between them. */
export const routeFields = {
  prefix,
  "next-hop": nextHop,
  origin,
  "as-path": asPath,
  med: u32,
  "local-pref": u32,
  identifier: u32,
};
