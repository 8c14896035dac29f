/** Building resolved configurations for speaker tests, with test-friendly defaults (fast retries). */
import type { GlobalConfig, NeighborConfig, RouteConfig, SpeakerConfig } from "../../core/config/types.js";
import { IPV4_UNICAST, IPV6_UNICAST, parseIpv4Number, parsePrefix } from "../../core/wire/index.js";

const GR = { enabled: true, restartTime: 120, helperOnly: false, staleTime: 360 };

export function neighbor(
  address: string,
  peerAs: NeighborConfig["peerAs"],
  more: Partial<NeighborConfig> = {},
): NeighborConfig {
  return {
    address,
    description: "",
    peerAs,
    port: 179,
    localAddress: null,
    passive: false,
    password: null,
    shutdown: false,
    holdTime: 90,
    keepalive: 30,
    connectRetry: 5,
    families: [IPV4_UNICAST, IPV6_UNICAST],
    nextHopSelf: false,
    nextHopIpv4: null,
    nextHopIpv6: null,
    routeReflectorClient: false,
    asPathPrepend: 0,
    communities: [],
    largeCommunities: [],
    importReject: [],
    maxPrefix: null,
    gracefulRestart: GR,
    addPath: { receive: false, send: 0 },
    extendedNextHop: false,
    ebgpMultihop: null,
    ttlSecurity: null,
    learnedToEbgp: true,
    group: null,
    ...more,
  };
}

export function route(prefix: string, more: Partial<RouteConfig> = {}): RouteConfig {
  const p = parsePrefix(prefix);
  if (!p) throw new Error(`bad prefix ${prefix}`);
  return {
    prefix: p,
    nextHop: null,
    origin: 0,
    asPath: [],
    med: null,
    localPref: null,
    communities: [],
    largeCommunities: [],
    extCommunities: [],
    identifier: 0,
    neighbors: null,
    ...more,
  };
}

export function speakerConfig(
  asn: number,
  routerId: string,
  neighbors: NeighborConfig[],
  routes: RouteConfig[] = [],
  global: Partial<GlobalConfig> = {},
): SpeakerConfig {
  const id = parseIpv4Number(routerId)!;
  return {
    global: {
      asn,
      routerId: id,
      listenAddresses: [],
      port: 179,
      clusterId: id,
      gracefulRestart: { ...GR, selectionDeferral: 360 },
      ...global,
    },
    neighbors,
    routes,
  };
}
