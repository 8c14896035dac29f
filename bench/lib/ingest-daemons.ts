/**
 * The daemons of the ingest, fan-out and churn benches on loopback: one BIRD 2 sender holding the full
 * table as static routes (passive, so that the receiver's own connect starts the session at once), and the
 * receiver under test — kbgpd, gobgpd or a second BIRD — taking IPv4 and IPv6 unicast over one IPv4 session
 * from it (or from bench/lib/raw-sender.ts, which listens the same way). A receiver may also have
 * downstream neighbors (the fan-out bench's eight BIRDs): passive eBGP sessions, IPv4 unicast, everything
 * exported. Each receiver has a cheap probe (session state and how many prefixes it holds) that never walks
 * its table: kbgpd's neighbor.get and rib.summary on one persistent control connection, `gobgp neighbor`
 * (about 20 ms), and `birdc show protocols all NAME` (about 4 ms); not `gobgp global rib summary` (1 s at
 * 1M, and it slows gobgpd) nor `birdc show route count` (0.3 s at 1M, during which BIRD does nothing else).
 * Underneath, startDaemon runs any of the three with any list of neighbors (the sessions and origination
 * benches: 200 passive iBGP peers, or 50 eBGP peers it connects to).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Client } from "../../cli/client.js";
import type { Endpoint, Lab } from "../../test/interop/harness/lab.js";
import { run } from "../../test/interop/harness/proc.js";
import { waitUntil } from "../../test/interop/harness/wait.js";
import { BIRD, BIRDC, GOBGP, GOBGPD, type Running, start } from "./peers.js";

export const SENDER_AS = 65002;
export const RECEIVER_AS = 65001;
/** Next hops the sender puts on its routes (RFC 2544 / RFC 5180 benchmarking space; attributes only). BIRD
 *  would otherwise send its own 127.x address, which gobgpd treats as withdraw (peerlab README). */
export const NEXT_HOP_4 = "198.18.0.2";
const NEXT_HOP_6 = "2001:2::2";

export type ReceiverName = "kbgpd" | "gobgpd" | "bird";
export const RECEIVER_NAMES: readonly ReceiverName[] = ["kbgpd", "gobgpd", "bird"];

/** A downstream eBGP neighbor of the receiver: it connects (the receiver is passive towards it) and takes
 *  IPv4 unicast. */
export interface Downstream {
  endpoint: Endpoint;
  asn: number;
}

export interface ReceiverOptions {
  downstream?: readonly Downstream[];
  /** kbgpd only: where its metrics listener (docs/metrics.md) answers; off without it. */
  httpListen?: Endpoint;
  /** The receiver's AS and the sender's (default RECEIVER_AS, SENDER_AS): a real table's AS_PATHs may hold
   *  the defaults (private ASes), and a receiver drops a path with its own AS in it. */
  asn?: number;
  senderAs?: number;
}

export interface Probe {
  established: boolean;
  /** Prefixes the receiver holds from the sender: kbgpd's Loc-RIB destinations, gobgpd's Accepted, BIRD's
   *  imported routes (both channels). */
  count: number;
  /** When the session came up by the daemon's own account, ms since the epoch, where it says (kbgpd's
   *  upSince; BIRD's "since" time of day, to the millisecond). kbgpd may be too busy with the first
   *  UPDATEs to answer a probe until it has taken most of them, so a probe's own time would be late. */
  upSinceMs?: number;
}

export interface Receiver extends Running {
  name: ReceiverName;
  probe(): Promise<Probe>;
  /** kbgpd with `httpListen`: its /metrics address. */
  metricsUrl?: string;
  /** BIRD: `birdc show status`, see Sender.wake (it matters where this BIRD sends, as in the fan-out). */
  wake?(): Promise<void>;
  /** Closes what the probe keeps open (kbgpd's control connection); the daemon itself is stopped apart. */
  close(): void;
}

export interface Sender extends Running {
  socket: string;
  /** `birdc show status`: wakes BIRD 2.0.12, which otherwise holds its last partial batch of UPDATEs until
   *  its poll loop next times out (up to about 3 s). */
  wake(): Promise<void>;
  /** Routes its two static protocols hold (the table is loaded once both are complete). */
  loaded(): Promise<number>;
}

const birdReady = async (name: string, r: Running, socket: string): Promise<void> => {
  await waitUntil(
    `${name} to answer on its control socket`,
    async () => /Daemon is up and running/.test((await run(BIRDC, ["-s", socket, "show", "status"])).stdout),
    {
      timeoutMs: 20_000,
      abort: () => (r.daemon.running ? undefined : `${name} ${r.daemon.exitDescription}`),
    },
  );
};

/** One BGP session of a BIRD configuration, on loopback. */
export interface BirdSession {
  name: string;
  self: Endpoint;
  localAs: number;
  peer: Endpoint;
  peerAs: number;
  /** Wait for the peer to connect; otherwise connect 1 s after start (BIRD's default waits 5 s) and retry
   *  every second. */
  passive: boolean;
  /** Configured down: it starts with `birdc enable NAME` (so that several BIRDs can start their sessions
   *  at one moment, whatever their start-up took). */
  disabled?: boolean;
  /** Channel statements, e.g. `ipv4 { import all; export none; };` */
  channels: string[];
  /** More protocol options, e.g. `graceful restart off;` */
  options?: string[];
}

export function birdBgp(b: BirdSession): string[] {
  return [
    `protocol bgp ${b.name} {`,
    `  local ${b.self.address} port ${b.self.port} as ${b.localAs};`,
    `  neighbor ${b.peer.address} port ${b.peer.port} as ${b.peerAs};`,
    // BIRD ignores host-scope 127/8 neighbors unless multihop; strict bind, else it listens on 0.0.0.0.
    "  multihop;",
    "  strict bind yes;",
    ...(b.passive ? ["  passive on;"] : ["  connect delay time 1;", "  connect retry time 1;"]),
    ...(b.disabled ? ["  disabled;"] : []),
    ...(b.options ?? []).map((o) => `  ${o}`),
    ...b.channels.map((c) => `  ${c}`),
    "}",
  ];
}

/** Writes NAME.conf (router id, warnings to stderr, the device protocol, then `body`), starts BIRD under
 *  `timeout` with its control socket NAME.ctl, and waits until it answers there. */
export async function startBird(
  lab: Lab,
  name: string,
  routerId: string,
  body: string[],
): Promise<Running & { socket: string }> {
  const conf = [
    `# generated by bench/lib/ingest-daemons.ts: ${name}`,
    `router id ${routerId};`,
    "log stderr { warning, error, fatal };",
    "protocol device { }",
    ...body,
  ];
  const config = join(lab.dir, `${name}.conf`);
  const socket = join(lab.dir, `${name}.ctl`);
  writeFileSync(config, `${conf.join("\n")}\n`);
  const r = start(lab, name, BIRD, ["-f", "-c", config, "-s", socket]);
  await birdReady(`BIRD ${name}`, r, socket);
  return { ...r, socket };
}

/** `birdc show status`: see Sender.wake. */
const birdWake = async (socket: string): Promise<void> => {
  await run(BIRDC, ["-s", socket, "show", "status"], 5_000).catch(() => undefined);
};

/** Sum of the `Routes: N imported` lines of `birdc show protocols all` (one per channel). */
export const imported = (text: string): number => {
  let n = 0;
  for (const m of text.matchAll(/Routes:\s+(\d+) imported/g)) n += Number(m[1]);
  return n;
};

export async function startSender(
  lab: Lab,
  self: Endpoint,
  receiver: Endpoint,
  v4File: string,
  v6File: string,
): Promise<Sender> {
  const r = await startBird(lab, "sender", self.address, [
    // `include` must stand on a line of its own.
    "protocol static static4 {",
    "  ipv4;",
    `  include "${v4File}";`,
    "}",
    "protocol static static6 {",
    "  ipv6;",
    `  include "${v6File}";`,
    "}",
    ...birdBgp({
      name: "receiver",
      self,
      localAs: SENDER_AS,
      peer: receiver,
      peerAs: RECEIVER_AS,
      passive: true,
      channels: [
        `ipv4 { import none; export all; next hop address ${NEXT_HOP_4}; };`,
        `ipv6 { import none; export all; next hop address ${NEXT_HOP_6}; };`,
      ],
    }),
  ]);
  const socket = r.socket;
  return {
    ...r,
    wake: () => birdWake(socket),
    loaded: async () => {
      const out = await Promise.all(
        ["static4", "static6"].map((p) => run(BIRDC, ["-s", socket, "show", "protocols", "all", p], 20_000)),
      );
      return out.reduce((n, o) => n + imported(o.stdout), 0);
    },
  };
}

// ---------------------------------------------------------------- the daemon under test, any neighbors

export type Family = "ipv4-unicast" | "ipv6-unicast";

/** One neighbor of the daemon under test. kbgpd and gobgpd have no per-neighbor policy here (they take in
 *  everything and send everything BGP lets them: to eBGP neighbors, not iBGP-learned routes to iBGP
 *  neighbors); BIRD needs one, from `direction`. */
export interface NeighborSpec {
  endpoint: Endpoint;
  asn: number;
  /** Wait for it to connect; otherwise connect to it (1 s after start, retrying every second). */
  passive: boolean;
  /** BIRD's channels: `in` imports everything and exports nothing, `out` the other way round. */
  direction: "in" | "out";
  /** Default: IPv4 unicast. */
  families?: readonly Family[];
  /** BIRD's protocol name (default `n1`, `n2`, … by position). */
  name?: string;
}

export interface DaemonSpec {
  self: Endpoint;
  /** Default RECEIVER_AS. */
  asn?: number;
  neighbors: readonly NeighborSpec[];
  /** kbgpd only: where its metrics listener (docs/metrics.md) answers; off without it. */
  httpListen?: Endpoint;
  /** BIRD only: more configuration before the BGP protocols (a static protocol, say). */
  birdConfig?: readonly string[];
  /** BIRD only: a channel option for every `out` neighbor (`next hop address …`). */
  birdExportOption?: string;
}

/** A started daemon under test and its control channel: kbgpd's persistent control connection, gobgpd's
 *  gRPC target, BIRD's control socket. */
export type Started = Running &
  (
    | { name: "kbgpd"; client: Client; socket: string; metricsUrl?: string }
    | { name: "gobgpd"; target: string }
    | { name: "bird"; socket: string }
  );

export function startDaemon(name: ReceiverName, lab: Lab, root: string, spec: DaemonSpec): Promise<Started> {
  if (name === "kbgpd") return startKbgpd(lab, root, spec);
  if (name === "gobgpd") return startGobgpd(lab, spec);
  return startBirdDaemon(lab, spec);
}

export async function startKbgpd(lab: Lab, root: string, spec: DaemonSpec): Promise<Started> {
  const { self } = spec;
  const neighbor = (n: NeighborSpec): string[] => [
    `  - address: "${n.endpoint.address}"`,
    `    asn: ${n.asn}`,
    `    port: ${n.endpoint.port}`,
    `    local-address: "${self.address}"`,
    `    families: [${(n.families ?? ["ipv4-unicast"]).join(", ")}]`,
    n.passive ? "    passive: true" : "    connect-retry: 1",
  ];
  const yaml = [
    "# generated by bench/lib/ingest-daemons.ts: kbgpd under test",
    "global:",
    `  asn: ${spec.asn ?? RECEIVER_AS}`,
    `  router-id: ${self.address}`,
    `  listen: { addresses: ["${self.address}"], port: ${self.port} }`,
    "neighbors:",
    ...spec.neighbors.flatMap(neighbor),
    "routes: []",
  ];
  const config = join(lab.dir, "kbgpd.yaml");
  const socket = join(lab.dir, "kbgp.sock");
  writeFileSync(config, `${yaml.join("\n")}\n`);
  // KBGP_BENCH_KBGPD_NODE_ARGS: Node options for profiling (--cpu-prof, --heap-prof and their directories).
  const nodeArgs = process.env.KBGP_BENCH_KBGPD_NODE_ARGS?.split(/\s+/).filter(Boolean) ?? [];
  const http = spec.httpListen ? `${spec.httpListen.address}:${spec.httpListen.port}` : "off";
  const r = start(lab, "kbgpd", process.execPath, [
    ...nodeArgs,
    // KBGP_BENCH_KBGPD_ROOT: another built checkout's kbgpd (a before/after comparison of a change).
    join(process.env.KBGP_BENCH_KBGPD_ROOT ?? root, "bin/kbgpd.mjs"),
    "--config",
    config,
    "--socket",
    socket,
    // The same directory on every start in this lab: routes added through the API survive a restart.
    "--state-dir",
    join(lab.dir, "kbgpd-state"),
    "--log-level",
    "info",
    "--http-listen",
    http,
  ]);
  const client = await waitUntil("kbgpd to answer on its control socket", () => Client.connect(socket), {
    timeoutMs: 20_000,
    abort: () => (r.daemon.running ? undefined : `kbgpd ${r.daemon.exitDescription}`),
  });
  return {
    ...r,
    name: "kbgpd",
    client,
    socket,
    ...(http === "off" ? {} : { metricsUrl: `http://${http}/metrics` }),
  };
}

export async function startGobgpd(lab: Lab, spec: DaemonSpec): Promise<Started> {
  const q = JSON.stringify;
  const { self } = spec;
  const neighbor = (n: NeighborSpec): string[] => [
    "[[neighbors]]",
    "  [neighbors.config]",
    `    neighbor-address = ${q(n.endpoint.address)}`,
    `    peer-as = ${n.asn}`,
    "  [neighbors.transport.config]",
    `    local-address = ${q(self.address)}`,
    `    remote-port = ${n.endpoint.port}`,
    ...(n.passive ? ["    passive-mode = true"] : []),
    "  [neighbors.timers.config]",
    "    connect-retry = 1",
    ...(n.families ?? ["ipv4-unicast"]).flatMap((f) => [
      "  [[neighbors.afi-safis]]",
      "    [neighbors.afi-safis.config]",
      `      afi-safi-name = ${q(f)}`,
    ]),
  ];
  const toml = [
    "# generated by bench/lib/ingest-daemons.ts: gobgpd under test",
    "[global.config]",
    `  as = ${spec.asn ?? RECEIVER_AS}`,
    `  router-id = ${q(self.address)}`,
    `  port = ${self.port}`,
    `  local-address-list = [${q(self.address)}]`,
    ...spec.neighbors.flatMap(neighbor),
  ];
  const config = join(lab.dir, "gobgpd.toml");
  const target = `unix://${join(lab.dir, "gobgpd.sock")}`;
  writeFileSync(config, `${toml.join("\n")}\n`);
  // gRPC on a Unix socket (no TCP API port to reserve) and no pprof listener, as the interop harness does.
  const r = start(lab, "gobgpd", GOBGPD, [
    "-f",
    config,
    "--api-hosts",
    target,
    "--pprof-disable",
    "-p",
    "-l",
    "info",
  ]);
  await waitUntil(
    "gobgpd to answer on its API socket",
    async () => (await run(GOBGP, ["--target", target, "global"])).code === 0,
    { timeoutMs: 20_000, abort: () => (r.daemon.running ? undefined : `gobgpd ${r.daemon.exitDescription}`) },
  );
  return { ...r, name: "gobgpd", target };
}

export async function startBirdDaemon(lab: Lab, spec: DaemonSpec): Promise<Started> {
  const { self } = spec;
  const channel = (n: NeighborSpec, f: Family): string => {
    const afi = f === "ipv4-unicast" ? "ipv4" : "ipv6";
    return n.direction === "in"
      ? `${afi} { import all; export none; };`
      : `${afi} { import none; export all;${spec.birdExportOption ? ` ${spec.birdExportOption};` : ""} };`;
  };
  const r = await startBird(lab, "receiver", self.address, [
    ...(spec.birdConfig ?? []),
    ...spec.neighbors.flatMap((n, i) =>
      birdBgp({
        name: n.name ?? `n${i + 1}`,
        self,
        localAs: spec.asn ?? RECEIVER_AS,
        peer: n.endpoint,
        peerAs: n.asn,
        passive: n.passive,
        channels: (n.families ?? ["ipv4-unicast"]).map((f) => channel(n, f)),
      }),
    ),
  ]);
  return { ...r, name: "bird" };
}

/** gobgpd's neighbors as `gobgp neighbor` lists them ("Peer AS Up/Down State |#Received Accepted";
 *  Accepted, the last column, summed over families): about 20 ms, and never a walk of the table. */
export async function gobgpNeighbors(
  target: string,
): Promise<{ address: string; established: boolean; accepted: number }[]> {
  const out = (await run(GOBGP, ["--target", target, "neighbor"], 20_000)).stdout;
  return out
    .split("\n")
    .slice(1)
    .map((l) => l.trim().split(/\s+/))
    .filter((c) => c.length >= 5 && /^[\d.:a-f]+$/.test(c[0]!))
    .map((c) => ({
      address: c[0]!,
      established: /Establ/.test(c.join(" ")),
      accepted: Number(c[c.length - 1]) || 0,
    }));
}

/** Prefixes in kbgpd's Loc-RIB, both families (`rib.summary`: counters, O(1)). */
export async function kbgpdDestinations(client: Client): Promise<number> {
  const s = await client.call<{ families: Record<string, { destinations: number }> }>("rib.summary");
  return Object.values(s.families).reduce((k, f) => k + f.destinations, 0);
}

// ---------------------------------------------------------------- receivers fed by one sender

/** The receiver of the ingest, fan-out and churn benches: its one sender connected to at `sender` (both
 *  families), and its downstream neighbors (passive, IPv4, everything exported to them). */
export async function startReceiver(
  name: ReceiverName,
  lab: Lab,
  root: string,
  self: Endpoint,
  sender: Endpoint,
  opts: ReceiverOptions = {},
): Promise<Receiver> {
  const d = await startDaemon(name, lab, root, {
    self,
    ...(opts.asn === undefined ? {} : { asn: opts.asn }),
    neighbors: [
      {
        endpoint: sender,
        asn: opts.senderAs ?? SENDER_AS,
        passive: false,
        direction: "in",
        families: ["ipv4-unicast", "ipv6-unicast"],
        name: "sender",
      },
      ...(opts.downstream ?? []).map(
        (x, i): NeighborSpec => ({
          endpoint: x.endpoint,
          asn: x.asn,
          passive: true,
          direction: "out",
          name: `down${i + 1}`,
        }),
      ),
    ],
    ...(opts.httpListen ? { httpListen: opts.httpListen } : {}),
  });
  if (d.name === "kbgpd") {
    const { client } = d;
    return {
      ...d,
      probe: async () => {
        // Both requests go out at once on the one connection; kbgpd answers them in order.
        const [n, count] = await Promise.all([
          client.call<{ state: string; upSince: number | null }>("neighbor.get", {
            neighbor: sender.address,
          }),
          kbgpdDestinations(client),
        ]);
        const established = n.state === "established";
        return { established, count, ...(established && n.upSince ? { upSinceMs: n.upSince } : {}) };
      },
      close: () => client.close(),
    };
  }
  if (d.name === "gobgpd") {
    const { target } = d;
    return {
      ...d,
      probe: async () => {
        const row = (await gobgpNeighbors(target)).find((x) => x.address === sender.address);
        return { established: row?.established ?? false, count: row?.accepted ?? 0 };
      },
      close: () => {},
    };
  }
  const { socket } = d;
  return {
    ...d,
    wake: () => birdWake(socket),
    probe: async () => {
      const out = (await run(BIRDC, ["-s", socket, "show", "protocols", "all", "sender"], 20_000)).stdout;
      const since = birdSince(out);
      return {
        established: since !== undefined,
        count: imported(out),
        ...(since ? { upSinceMs: since } : {}),
      };
    },
    close: () => {},
  };
}

/** The time of day of `NAME BGP --- up 19:40:01.282 Established` (BIRD's default protocol time format,
 *  local time, to the millisecond) as ms since the epoch; undefined unless Established. */
export function birdSince(text: string, nowMs = Date.now()): number | undefined {
  const m = /\bup\s+(\d\d):(\d\d):(\d\d)\.(\d{3})\s+Established/.exec(text);
  if (!m) return undefined;
  const d = new Date(nowMs);
  d.setHours(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]));
  // Just after midnight, a time of day later than now was yesterday's.
  return d.getTime() > nowMs + 1000 ? d.getTime() - 86_400_000 : d.getTime();
}
