/** Small helpers shared by the speaker adapters to report routes in one normalised shape. */
import { isIPv6 } from "node:net";
import type { Family, Origin, Route } from "./types.js";

export function familyOfPrefix(prefix: string): Family {
  return prefix.includes(":") ? "ipv6" : "ipv4";
}

export function familyOfAddress(address: string): Family {
  return isIPv6(address) ? "ipv6" : "ipv4";
}

/** "65000:1" from the 32-bit community value. */
export function communityFromU32(v: number): string {
  return `${Math.floor(v / 65536)}:${v % 65536}`;
}

export function parseOrigin(s: string | number | undefined): Origin {
  if (s === 0) return "igp";
  if (s === 1) return "egp";
  if (s === 2) return "incomplete";
  const t = String(s ?? "").toLowerCase();
  if (t === "i" || t.startsWith("igp")) return "igp";
  if (t === "e" || t.startsWith("egp")) return "egp";
  return "incomplete";
}

const byCommunity = (a: string, b: string): number => {
  const x = a.split(":").map(Number);
  const y = b.split(":").map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
};

/** Fills the always-present fields, sorts communities, drops undefined optionals (so toEqual works). */
export function makeRoute(r: Partial<Route> & { prefix: string }): Route {
  const out: Route = {
    prefix: r.prefix,
    nextHop: r.nextHop ?? "",
    asPath: r.asPath ?? [],
    origin: r.origin ?? "igp",
    communities: [...(r.communities ?? [])].sort(byCommunity),
    largeCommunities: [...(r.largeCommunities ?? [])].sort(byCommunity),
  };
  if (r.med !== undefined) out.med = r.med;
  if (r.localPref !== undefined) out.localPref = r.localPref;
  if (r.pathId !== undefined) out.pathId = r.pathId;
  if (r.originatorId !== undefined) out.originatorId = r.originatorId;
  if (r.clusterList !== undefined) out.clusterList = r.clusterList;
  return out;
}

/** Deterministic order: by prefix, then path id. */
export function sortRoutes(routes: Route[]): Route[] {
  return routes.sort((a, b) =>
    a.prefix === b.prefix ? (a.pathId ?? 0) - (b.pathId ?? 0) : a.prefix < b.prefix ? -1 : 1,
  );
}

/** Validates the communities a test asks a speaker to attach. */
export function checkCommunities(prefix: string, communities: string[], large: string[]): void {
  for (const c of communities) {
    if (!/^\d+:\d+$/.test(c)) throw new Error(`${prefix}: community "${c}" is not ASN:VALUE`);
  }
  for (const c of large) {
    if (!/^\d+:\d+:\d+$/.test(c)) throw new Error(`${prefix}: large community "${c}" is not A:B:C`);
  }
}
