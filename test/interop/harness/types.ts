/** The interface every third-party BGP speaker in the interop lab implements (gobgpd, BIRD 2, FRR bgpd,
 *  ExaBGP), so that tests can pair any of them with each other or, later, with kbgpd. */

export type Family = "ipv4" | "ipv6";
export type Origin = "igp" | "egp" | "incomplete";

export interface NeighborSpec {
  /** The neighbor's transport address (127.x.y.z or ::1) and the port it listens on. */
  address: string;
  port: number;
  asn: number;
  /** Never open the TCP connection to this neighbor; only accept it. */
  passive?: boolean;
  /** TCP MD5 signature password (RFC 2385) for the session. */
  password?: string;
  /** TTL security (GTSM, RFC 5082) as FRR's `ttl-security hops N`: send with TTL 255, accept only from at
   *  most N hops away (FRR: `ttl-security hops N`; BIRD: `ttl security on` with `multihop N`; kbgpd). */
  ttlSecurity?: number;
  /** eBGP multihop: send with this TTL (FRR: `ebgp-multihop N`; BIRD: `multihop N`; kbgpd). */
  ebgpMultihop?: number;
  /** Address families negotiated with this neighbor; default: the family of `address`. */
  families?: Family[];
  routeReflectorClient?: boolean;
  /** Advertise the Graceful Restart capability (RFC 4724) with this restart time, for every family. */
  gracefulRestart?: { restartTime: number };
  /** Negotiate ADD-PATH (RFC 7911) send and receive for every family. */
  addPath?: boolean;
  /** Tear the session down when the neighbor sends more prefixes than this. */
  maxPrefix?: number;
  /** Proposed hold time in seconds (keepalive = hold / 3). */
  hold?: number;
  /** Negotiate RFC 8950 extended next hop for IPv4 unicast (IPv4 routes with an IPv6 next hop). gobgpd
   *  advertises it for IPv4 unicast whatever this says (see README). */
  extendedNextHop?: boolean;
}

export interface PeerSpec {
  routerId: string;
  asn: number;
  /** Transport address the speaker listens on and connects from: 127.x.y.z or ::1. */
  address: string;
  port: number;
  neighbors: NeighborSpec[];
  /** Next hop put on routes this speaker sends (see README); default 198.18.0.<n>, n unique in the lab. */
  nextHopV4?: string;
  /** Default 2001:db8:ffff::<n>. */
  nextHopV6?: string;
}

export interface Route {
  prefix: string;
  nextHop: string;
  asPath: number[];
  origin: Origin;
  med?: number;
  localPref?: number;
  /** "65000:1", sorted. */
  communities: string[];
  /** "65000:1:2", sorted. */
  largeCommunities: string[];
  /** ADD-PATH path identifier, where the speaker reports it. */
  pathId?: number;
  /** RFC 4456 attributes of a reflected route, where the speaker reports them. */
  originatorId?: string;
  clusterList?: string[];
}

/** What announce() takes: a prefix plus whatever attributes the test cares about. asPath is the path the
 *  route is originated with; a speaker prepends its own AS when sending to an eBGP neighbor. */
export type Announcement = Partial<Route> & { prefix: string };

export type SessionState =
  | "established"
  | "idle"
  | "connect"
  | "active"
  | "opensent"
  | "openconfirm"
  | string;

export type SpeakerKind = "gobgp" | "bird" | "frr" | "exabgp" | "kbgpd";

export interface Peer {
  readonly kind: SpeakerKind;
  readonly spec: Readonly<PeerSpec>;
  /** Writes the configuration, starts the daemon and waits until its control interface answers. */
  start(): Promise<void>;
  /** Graceful stop: SIGTERM, the daemon's own shutdown (gobgpd, BIRD, FRR send a CEASE, ExaBGP just closes;
   *  see README), then SIGKILL after 5 s if needed. */
  stop(): Promise<void>;
  /** SIGKILL to the whole process group: no NOTIFICATION, no FIN handshake beyond the kernel's. */
  kill(): Promise<void>;
  /** Lower-case FSM state of the session with the neighbor at `neighbor` (its address, or address:port). */
  sessionState(neighbor: string): Promise<SessionState>;
  waitEstablished(neighbor: string, timeoutMs?: number): Promise<void>;
  announce(route: Announcement): Promise<void>;
  withdraw(prefix: string): Promise<void>;
  /** Routes learned from that neighbor, as the speaker itself reports them. */
  received(neighbor: string, family: Family): Promise<Route[]>;
  /** Best routes of the speaker's Loc-RIB for the family. */
  rib(family: Family): Promise<Route[]>;
  /** Many routes at once (one reconfiguration where the speaker needs one per change). */
  announceMany(routes: Announcement[]): Promise<void>;
  /** Ask the neighbor to send its routes again (ROUTE-REFRESH). */
  softResetIn(neighbor: string): Promise<void>;
  /** Last lines of the daemon's own log (stdout + stderr), for failure messages. */
  logTail(lines?: number): string;
}
