/**
 * Capabilities (RFC 5492) as values, with one descriptor per code: how to decode its value and how to
 * encode it. Unknown capabilities, and known ones whose value is not understood, stay raw so they can be
 * shown and ignored (RFC 5492 §3: never refuse a session over a capability we do not know).
 */
import { CapabilityCode } from "./constants.js";
import { ByteWriter, u16, u24, u32 } from "./writer.js";

export interface FamilyRef {
  readonly afi: number;
  readonly safi: number;
}

/** RFC 7911 §4 Send/Receive. */
export const AddPathMode = { RECEIVE: 1, SEND: 2, BOTH: 3 } as const;
export type AddPathMode = (typeof AddPathMode)[keyof typeof AddPathMode];

export type Capability =
  | { readonly kind: "multiprotocol"; readonly afi: number; readonly safi: number }
  | { readonly kind: "route-refresh" }
  | { readonly kind: "route-refresh-cisco" }
  | { readonly kind: "enhanced-route-refresh" }
  | { readonly kind: "extended-message" }
  | {
      readonly kind: "extended-next-hop";
      readonly entries: readonly {
        readonly afi: number;
        readonly safi: number;
        readonly nextHopAfi: number;
      }[];
    }
  | { readonly kind: "role"; readonly role: number }
  | {
      readonly kind: "graceful-restart";
      readonly restartState: boolean;
      readonly notification: boolean;
      readonly restartTime: number;
      readonly families: readonly (FamilyRef & { readonly forwarding: boolean })[];
    }
  | { readonly kind: "four-octet-as"; readonly asn: number }
  | { readonly kind: "add-path"; readonly families: readonly (FamilyRef & { readonly mode: AddPathMode })[] }
  | {
      readonly kind: "long-lived-graceful-restart";
      readonly families: readonly (FamilyRef & {
        readonly forwarding: boolean;
        readonly staleTime: number;
      })[];
    }
  | { readonly kind: "fqdn"; readonly hostname: string; readonly domain: string }
  | { readonly kind: "unknown"; readonly code: number; readonly value: Uint8Array };

export type CapabilityKind = Capability["kind"];
type Of<K extends CapabilityKind> = Extract<Capability, { kind: K }>;

const utf8 = new TextDecoder("utf-8", { fatal: false });
const utf8Encoder = new TextEncoder();

/** Decode one capability value; null means "not understood": keep it raw. */
function decodeValue(code: number, v: Uint8Array): Capability | null {
  const n = v.length;
  switch (code) {
    case CapabilityCode.MULTIPROTOCOL:
      // RFC 4760 §8: AFI, reserved octet, SAFI.
      return n === 4 ? { kind: "multiprotocol", afi: u16(v, 0), safi: v[3] } : null;
    case CapabilityCode.ROUTE_REFRESH:
      return n === 0 ? { kind: "route-refresh" } : null;
    case CapabilityCode.ROUTE_REFRESH_CISCO:
      return n === 0 ? { kind: "route-refresh-cisco" } : null;
    case CapabilityCode.ENHANCED_ROUTE_REFRESH:
      return n === 0 ? { kind: "enhanced-route-refresh" } : null;
    case CapabilityCode.EXTENDED_MESSAGE:
      return n === 0 ? { kind: "extended-message" } : null;
    case CapabilityCode.EXTENDED_NEXT_HOP: {
      // RFC 8950 §4: NLRI AFI (2), NLRI SAFI (2 octets here), next hop AFI (2).
      if (n === 0 || n % 6 !== 0) return null;
      const entries = [];
      for (let i = 0; i < n; i += 6)
        entries.push({ afi: u16(v, i), safi: u16(v, i + 2), nextHopAfi: u16(v, i + 4) });
      return { kind: "extended-next-hop", entries };
    }
    case CapabilityCode.ROLE:
      return n === 1 ? { kind: "role", role: v[0] } : null;
    case CapabilityCode.GRACEFUL_RESTART: {
      // RFC 4724 §3: R bit, RFC 8538 N bit, 12-bit restart time, then (AFI, SAFI, flags) tuples.
      if (n < 2 || (n - 2) % 4 !== 0) return null;
      const families = [];
      for (let i = 2; i < n; i += 4)
        families.push({ afi: u16(v, i), safi: v[i + 2], forwarding: (v[i + 3] & 0x80) !== 0 });
      return {
        kind: "graceful-restart",
        restartState: (v[0] & 0x80) !== 0,
        notification: (v[0] & 0x40) !== 0,
        restartTime: u16(v, 0) & 0x0fff,
        families,
      };
    }
    case CapabilityCode.FOUR_OCTET_AS:
      return n === 4 ? { kind: "four-octet-as", asn: u32(v, 0) } : null;
    case CapabilityCode.ADD_PATH: {
      if (n === 0 || n % 4 !== 0) return null;
      const families = [];
      for (let i = 0; i < n; i += 4) {
        const mode = v[i + 3];
        // RFC 7911 §4: any other Send/Receive value makes the capability not understood.
        if (mode < 1 || mode > 3) return null;
        families.push({ afi: u16(v, i), safi: v[i + 2], mode: mode as AddPathMode });
      }
      return { kind: "add-path", families };
    }
    case CapabilityCode.LONG_LIVED_GRACEFUL_RESTART: {
      // RFC 9494 §3.1: (AFI, SAFI, flags, 24-bit long-lived stale time) tuples.
      if (n % 7 !== 0) return null;
      const families = [];
      for (let i = 0; i < n; i += 7) {
        families.push({
          afi: u16(v, i),
          safi: v[i + 2],
          forwarding: (v[i + 3] & 0x80) !== 0,
          staleTime: u24(v, i + 4),
        });
      }
      return { kind: "long-lived-graceful-restart", families };
    }
    case CapabilityCode.FQDN: {
      // draft-walton-bgp-hostname-capability §3: length-prefixed hostname, then domain name.
      if (n < 1) return null;
      const hl = v[0];
      if (1 + hl > n) return null;
      const hostname = utf8.decode(v.subarray(1, 1 + hl));
      // Some speakers leave out the domain length altogether when there is no domain.
      if (1 + hl === n) return { kind: "fqdn", hostname, domain: "" };
      const dl = v[1 + hl];
      if (2 + hl + dl !== n) return null;
      return { kind: "fqdn", hostname, domain: utf8.decode(v.subarray(2 + hl, 2 + hl + dl)) };
    }
    default:
      return null;
  }
}

export function decodeCapability(code: number, value: Uint8Array): Capability {
  return decodeValue(code, value) ?? { kind: "unknown", code, value: value.slice() };
}

/** The wire code of a capability. */
export function capabilityCode(c: Capability): number {
  switch (c.kind) {
    case "multiprotocol":
      return CapabilityCode.MULTIPROTOCOL;
    case "route-refresh":
      return CapabilityCode.ROUTE_REFRESH;
    case "route-refresh-cisco":
      return CapabilityCode.ROUTE_REFRESH_CISCO;
    case "enhanced-route-refresh":
      return CapabilityCode.ENHANCED_ROUTE_REFRESH;
    case "extended-message":
      return CapabilityCode.EXTENDED_MESSAGE;
    case "extended-next-hop":
      return CapabilityCode.EXTENDED_NEXT_HOP;
    case "role":
      return CapabilityCode.ROLE;
    case "graceful-restart":
      return CapabilityCode.GRACEFUL_RESTART;
    case "four-octet-as":
      return CapabilityCode.FOUR_OCTET_AS;
    case "add-path":
      return CapabilityCode.ADD_PATH;
    case "long-lived-graceful-restart":
      return CapabilityCode.LONG_LIVED_GRACEFUL_RESTART;
    case "fqdn":
      return CapabilityCode.FQDN;
    case "unknown":
      return c.code;
  }
}

/** Truncate UTF-8 text to at most `max` bytes without splitting a character. */
export function utf8Bytes(text: string, max: number): Uint8Array {
  const b = utf8Encoder.encode(text);
  if (b.length <= max) return b;
  let end = max;
  while (end > 0 && (b[end] & 0xc0) === 0x80) end--;
  return b.slice(0, end);
}

function writeValue(w: ByteWriter, c: Capability): void {
  switch (c.kind) {
    case "multiprotocol":
      w.u16(c.afi).u8(0).u8(c.safi);
      return;
    case "extended-next-hop":
      for (const e of c.entries) w.u16(e.afi).u16(e.safi).u16(e.nextHopAfi);
      return;
    case "role":
      w.u8(c.role);
      return;
    case "graceful-restart":
      w.u16((c.restartState ? 0x8000 : 0) | (c.notification ? 0x4000 : 0) | (c.restartTime & 0x0fff));
      for (const f of c.families)
        w.u16(f.afi)
          .u8(f.safi)
          .u8(f.forwarding ? 0x80 : 0);
      return;
    case "four-octet-as":
      w.u32(c.asn);
      return;
    case "add-path":
      for (const f of c.families) w.u16(f.afi).u8(f.safi).u8(f.mode);
      return;
    case "long-lived-graceful-restart":
      for (const f of c.families)
        w.u16(f.afi)
          .u8(f.safi)
          .u8(f.forwarding ? 0x80 : 0)
          .u24(f.staleTime);
      return;
    case "fqdn": {
      // Both names and their two length octets share one 255-byte capability value: the hostname wins.
      const h = utf8Bytes(c.hostname, 253);
      const d = utf8Bytes(c.domain, 253 - h.length);
      w.u8(h.length).bytes(h).u8(d.length).bytes(d);
      return;
    }
    case "unknown":
      w.bytes(c.value);
      return;
    default:
      return; // the empty capabilities
  }
}

/** Write code, length, value. A value over 255 bytes (more than 63 ADD-PATH families, say) cannot be
 *  expressed (RFC 5492 §4); that is a configuration error the caller must not reach. */
export function writeCapability(w: ByteWriter, c: Capability): void {
  w.u8(capabilityCode(c));
  const at = w.mark(1);
  writeValue(w, c);
  if (w.pos - at - 1 > 255) throw new RangeError(`capability ${c.kind} is longer than 255 bytes`);
  w.patchLength(at, 1);
}

export function encodeCapability(c: Capability): Uint8Array {
  const w = new ByteWriter(64);
  writeCapability(w, c);
  return w.toBytes();
}

export function findCapability<K extends CapabilityKind>(
  caps: readonly Capability[],
  kind: K,
): Of<K> | undefined {
  // RFC 4724 §3 says the last GR instance wins; for the others duplicates are identical in practice.
  let found: Of<K> | undefined;
  for (const c of caps) if (c.kind === kind) found = c as Of<K>;
  return found;
}

export function findCapabilities<K extends CapabilityKind>(caps: readonly Capability[], kind: K): Of<K>[] {
  return caps.filter((c): c is Of<K> => c.kind === kind);
}
