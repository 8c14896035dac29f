/** What the four speaker adapters share: spec defaults, neighbor lookup, the daemon's life cycle, the set of
 *  routes the test announced, and waitEstablished. */
import { join } from "node:path";
import { DAEMON_LIFETIME_SEC, type Lab } from "./lab.js";
import { Daemon, requireBinary } from "./proc.js";
import { checkCommunities, familyOfAddress, familyOfPrefix, makeRoute } from "./routes.js";
import type {
  Announcement,
  Family,
  NeighborSpec,
  Peer,
  PeerSpec,
  Route,
  SessionState,
  SpeakerKind,
} from "./types.js";
import { waitUntil } from "./wait.js";

export interface ResolvedNeighbor extends NeighborSpec {
  families: Family[];
  /** 0-based position in spec.neighbors (names config blocks). */
  index: number;
  ebgp: boolean;
}

export interface ResolvedSpec extends PeerSpec {
  nextHopV4: string;
  nextHopV6: string;
}

/** The unsupported-feature error every adapter throws, so tests see one recognisable message. */
export function unsupported(kind: SpeakerKind, what: string): Error {
  return new Error(`${kind}: ${what} is not supported by this speaker (see test/interop/README.md)`);
}

export abstract class BasePeer implements Peer {
  readonly spec: ResolvedSpec;
  readonly neighbors: ResolvedNeighbor[];
  /** 1-based index of this peer in its lab. */
  protected readonly index: number;
  /** This peer's own directory inside the lab directory. */
  protected readonly dir: string;
  protected daemon: Daemon | undefined;
  /** Routes announced through this harness (prefix → paths), re-applied after a restart where the speaker
   *  keeps them only in memory. */
  protected readonly announced = new Map<string, Route[]>();

  constructor(
    readonly kind: SpeakerKind,
    protected readonly lab: Lab,
    spec: PeerSpec,
  ) {
    this.index = lab.register(this);
    this.spec = {
      ...spec,
      nextHopV4: spec.nextHopV4 ?? `198.18.0.${this.index}`,
      nextHopV6: spec.nextHopV6 ?? `2001:db8:ffff::${this.index}`,
    };
    this.neighbors = spec.neighbors.map((n, index) => ({
      ...n,
      families: n.families ?? [familyOfAddress(n.address)],
      index,
      ebgp: n.asn !== spec.asn,
    }));
    this.dir = lab.subdir(`${kind}-${this.index}`);
  }

  /** [binary path, Debian package] pairs checked before every start. */
  protected abstract binaries(): [string, string][];
  protected abstract writeConfig(): void;
  protected abstract launch(): Daemon;
  /** True once the control interface answers. */
  protected abstract ready(): Promise<boolean>;
  /** Called after start() found the daemon ready. */
  protected async afterStart(): Promise<void> {}

  abstract sessionState(neighbor: string): Promise<SessionState>;
  abstract announce(route: Announcement): Promise<void>;
  abstract withdraw(prefix: string): Promise<void>;
  abstract received(neighbor: string, family: Family): Promise<Route[]>;
  abstract rib(family: Family): Promise<Route[]>;
  abstract softResetIn(neighbor: string): Promise<void>;

  async announceMany(routes: Announcement[]): Promise<void> {
    for (const r of routes) await this.announce(r);
  }

  async start(): Promise<void> {
    if (this.daemon?.running) throw new Error(`${this.kind} ${this.spec.address}: already running`);
    for (const [path, pkg] of this.binaries()) requireBinary(path, pkg);
    this.writeConfig();
    const daemon = this.launch();
    this.daemon = daemon;
    await waitUntil(
      `${this.kind} at ${this.spec.address}:${this.spec.port} to answer on its control interface`,
      () => this.ready(),
      {
        timeoutMs: 20_000,
        abort: () => (daemon.running ? undefined : `${this.kind} ${daemon.exitDescription}`),
        detail: () => this.logTail(),
      },
    );
    await this.afterStart();
  }

  async stop(): Promise<void> {
    await this.daemon?.terminate();
  }

  async kill(): Promise<void> {
    await this.daemon?.kill();
  }

  async waitEstablished(neighbor: string, timeoutMs = 30_000): Promise<void> {
    this.neighbor(neighbor);
    let last = "";
    await waitUntil(
      `${this.kind} ${this.spec.address}:${this.spec.port} -> ${neighbor} Established`,
      async () => {
        last = await this.sessionState(neighbor);
        return last === "established";
      },
      {
        timeoutMs,
        intervalMs: 250,
        abort: () =>
          this.daemon && !this.daemon.running ? `${this.kind} ${this.daemon.exitDescription}` : undefined,
        detail: () => `state: ${last}\n${this.logTail()}`,
      },
    );
  }

  logTail(lines = 40): string {
    return this.daemon ? this.daemon.logTail(lines) : "(not started)";
  }

  /** Finds a neighbor by "address", "address:port" or "[v6]:port". */
  neighbor(id: string): ResolvedNeighbor {
    const matches = this.neighbors.filter(
      (n) => n.address === id || `${n.address}:${n.port}` === id || `[${n.address}]:${n.port}` === id,
    );
    if (matches.length === 1) return matches[0]!;
    const known = this.neighbors.map((n) => `${n.address}:${n.port}`).join(", ");
    throw new Error(
      matches.length === 0
        ? `${this.kind}: no neighbor ${id} (configured: ${known})`
        : `${this.kind}: ${id} is ambiguous, use address:port (configured: ${known})`,
    );
  }

  protected get running(): boolean {
    return this.daemon?.running === true;
  }

  protected file(name: string): string {
    return join(this.dir, name);
  }

  /** A network namespace to run the daemon in (`ip netns exec NS …`, which execs the daemon itself, so
   *  stop() and kill() reach it as usual); its control socket is a file, reachable from here. Null: here. */
  netns: string | null = null;

  protected spawn(cmd: string, args: string[], env?: NodeJS.ProcessEnv): Daemon {
    const [c, a] = this.netns ? ["ip", ["netns", "exec", this.netns, cmd, ...args]] : [cmd, args];
    return Daemon.spawn(`${this.kind}-${this.index}`, c as string, a as string[], {
      cwd: this.dir,
      logFile: this.file("daemon.log"),
      lifetimeSec: DAEMON_LIFETIME_SEC,
      ...(env ? { env } : {}),
    });
  }

  /** Announcement with every default filled in (next hop = this speaker's own next hop for the family). */
  protected resolve(a: Announcement): Route {
    const family = familyOfPrefix(a.prefix);
    const r = makeRoute({
      ...a,
      nextHop: a.nextHop ?? (family === "ipv4" ? this.spec.nextHopV4 : this.spec.nextHopV6),
    });
    checkCommunities(r.prefix, r.communities, r.largeCommunities);
    // RFC 8950: an IPv4 route may carry an IPv6 next hop, for the neighbors that negotiate it.
    const extended =
      family === "ipv4" &&
      familyOfAddress(r.nextHop) === "ipv6" &&
      this.neighbors.some((n) => n.extendedNextHop);
    if (familyOfAddress(r.nextHop) !== family && !extended) {
      throw new Error(`${this.kind}: next hop ${r.nextHop} does not match the family of ${r.prefix}`);
    }
    return r;
  }

  /** Records an announced path (same prefix + path id replaces); returns all paths of the prefix. */
  protected remember(r: Route): Route[] {
    const paths = (this.announced.get(r.prefix) ?? []).filter((p) => p.pathId !== r.pathId);
    paths.push(r);
    this.announced.set(r.prefix, paths);
    return paths;
  }

  protected forget(prefix: string): Route[] {
    const paths = this.announced.get(prefix);
    if (!paths) throw new Error(`${this.kind}: ${prefix} was not announced through this harness`);
    this.announced.delete(prefix);
    return paths;
  }

  protected requireRunning(what: string): void {
    if (!this.running)
      throw new Error(`${this.kind} ${this.spec.address}:${this.spec.port}: ${what} needs a running daemon`);
  }
}

/** Waits until `peer` reports a route for `prefix` learned from `neighbor` (optionally one satisfying
 *  `match`) and returns it. */
export async function waitForRoute(
  peer: Peer,
  neighbor: string,
  prefix: string,
  opts: { timeoutMs?: number; match?: (r: Route) => boolean } = {},
): Promise<Route> {
  const family = familyOfPrefix(prefix);
  let seen: Route[] = [];
  return waitUntil(
    `${peer.kind} ${peer.spec.address}:${peer.spec.port} to receive ${prefix} from ${neighbor}`,
    async () => {
      seen = await peer.received(neighbor, family);
      return seen.find((r) => r.prefix === prefix && (opts.match?.(r) ?? true));
    },
    {
      timeoutMs: opts.timeoutMs ?? 20_000,
      detail: () => `received from ${neighbor}: ${JSON.stringify(seen)}\n${peer.logTail(20)}`,
    },
  );
}

/** Waits until `peer` no longer reports any route for `prefix` from `neighbor`. */
export async function waitForWithdrawal(
  peer: Peer,
  neighbor: string,
  prefix: string,
  opts: { timeoutMs?: number } = {},
): Promise<void> {
  const family = familyOfPrefix(prefix);
  let seen: Route[] = [];
  await waitUntil(
    `${peer.kind} ${peer.spec.address}:${peer.spec.port} to drop ${prefix} from ${neighbor}`,
    async () => {
      seen = await peer.received(neighbor, family);
      return !seen.some((r) => r.prefix === prefix);
    },
    {
      timeoutMs: opts.timeoutMs ?? 20_000,
      detail: () => `received from ${neighbor}: ${JSON.stringify(seen)}\n${peer.logTail(20)}`,
    },
  );
}
