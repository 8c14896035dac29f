/**
 * The capabilities of a session as `kbgp neighbor <addr>` shows them: one row per capability kind, whether
 * we advertised it, whether the peer did, and what each side said (families, restart time, modes).
 */
import {
  AddPathMode,
  type Capability,
  type CapabilityKind,
  familyKey,
  familyName,
} from "../../core/wire/index.js";

/** gobgp's names where it has one, in the order an OPEN usually carries them. */
const NAMES: Readonly<Record<CapabilityKind, string>> = {
  multiprotocol: "multiprotocol",
  "route-refresh": "route-refresh",
  "route-refresh-cisco": "route-refresh-cisco",
  "enhanced-route-refresh": "enhanced-route-refresh",
  "extended-message": "extended-message",
  "extended-next-hop": "extended-nexthop",
  role: "role",
  "graceful-restart": "graceful-restart",
  "four-octet-as": "4-octet-as",
  "add-path": "add-path",
  "long-lived-graceful-restart": "long-lived-graceful-restart",
  fqdn: "fqdn",
  unknown: "unknown",
};

const fam = (afi: number, safi: number) => familyName(familyKey(afi, safi));

function detail(c: Capability): string {
  switch (c.kind) {
    case "multiprotocol":
      return fam(c.afi, c.safi);
    case "extended-next-hop":
      return c.entries
        .map((e) => `${fam(e.afi, e.safi)} via ${e.nextHopAfi === 2 ? "ipv6" : "ipv4"}`)
        .join(", ");
    case "role":
      return ["provider", "rs", "rs-client", "customer", "peer"][c.role] ?? String(c.role);
    case "graceful-restart": {
      const bits = [c.restartState ? "R" : "", c.notification ? "N" : ""].filter(Boolean).join("");
      const fams = c.families.map((f) => `${fam(f.afi, f.safi)}${f.forwarding ? " (F)" : ""}`).join(", ");
      return `restart time ${c.restartTime}s${bits ? `, bits ${bits}` : ""}${fams ? `, ${fams}` : ""}`;
    }
    case "four-octet-as":
      return String(c.asn);
    case "add-path": {
      const mode = (m: number) =>
        m === AddPathMode.BOTH ? "send/receive" : m === AddPathMode.SEND ? "send" : "receive";
      return c.families.map((f) => `${fam(f.afi, f.safi)} ${mode(f.mode)}`).join(", ");
    }
    case "long-lived-graceful-restart":
      return c.families.map((f) => `${fam(f.afi, f.safi)} stale ${f.staleTime}s`).join(", ");
    case "fqdn":
      return c.domain ? `${c.hostname}.${c.domain}` : c.hostname;
    case "unknown":
      return `code ${c.code}`;
    default:
      return "";
  }
}

export interface CapabilityRow {
  name: string;
  advertised: boolean;
  received: boolean;
  local: string;
  remote: string;
}

/** One row per kind (unknown capabilities: per code), in the order we advertised, then the peer's extras. */
export function capabilityRows(local: readonly Capability[], remote: readonly Capability[]): CapabilityRow[] {
  const key = (c: Capability) => (c.kind === "unknown" ? `unknown:${c.code}` : c.kind);
  const rows = new Map<string, CapabilityRow>();
  const add = (c: Capability, side: "local" | "remote") => {
    const k = key(c);
    let r = rows.get(k);
    if (!r) {
      const name = c.kind === "unknown" ? `unknown(${c.code})` : NAMES[c.kind];
      rows.set(k, (r = { name, advertised: false, received: false, local: "", remote: "" }));
    }
    if (side === "local") r.advertised = true;
    else r.received = true;
    const d = detail(c);
    if (d) r[side] = r[side] ? `${r[side]}, ${d}` : d;
  };
  for (const c of local) add(c, "local");
  for (const c of remote) add(c, "remote");
  return [...rows.values()];
}
