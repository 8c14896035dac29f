/** Reading a speaker's RIBs in tests, as plain values. */
import type { Speaker } from "../../core/speaker/speaker.js";
import {
  type Afi,
  formatAsPath,
  formatIp,
  formatIpv4Number,
  formatPrefix,
  IPV4_UNICAST,
  IPV6_UNICAST,
} from "../../core/wire/index.js";

export interface RouteView {
  prefix: string;
  from: string;
  asPath: string;
  nextHop: string;
  localPref?: number;
  med?: number;
  communities?: number[];
  originatorId?: string;
  clusterList?: string[];
  reason: string;
  stale: boolean;
  paths: number;
}

export function locRib(sp: Speaker, family = IPV4_UNICAST): RouteView[] {
  const out: RouteView[] = [];
  for (const d of sp.locRib.table(family).values((family >>> 8) as Afi)) {
    const b = d.best;
    if (!b) continue;
    const a = b.attrs.decoded();
    out.push({
      prefix: formatPrefix({ afi: d.afi, length: d.length, addr: d.addr }),
      from: b.source.id,
      asPath: a.asPath ? formatAsPath(a.asPath) : "",
      nextHop: b.nextHop
        ? formatIp(b.nextHop, 0, b.nextHop.length === 32 ? 16 : b.nextHop.length)
        : b.attrs.nextHop >= 0
          ? formatIpv4Number(b.attrs.nextHop)
          : "",
      ...(a.localPref !== undefined ? { localPref: a.localPref } : {}),
      ...(a.med !== undefined ? { med: a.med } : {}),
      ...(a.communities ? { communities: a.communities } : {}),
      ...(a.originatorId ? { originatorId: a.originatorId } : {}),
      ...(a.clusterList ? { clusterList: a.clusterList } : {}),
      reason: d.reason,
      stale: b.stale,
      paths: d.paths.length,
    });
  }
  return out.sort((x, y) => x.prefix.localeCompare(y.prefix));
}

export const v6 = (sp: Speaker) => locRib(sp, IPV6_UNICAST);

export function state(sp: Speaker, neighbor: string): string {
  return sp.peers.get(neighbor)?.state ?? "none";
}
