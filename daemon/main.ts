/**
 * `kbgpd`: load the configuration (or run the embedded demo), start the speaker on real sockets, reload on
 * SIGHUP, stop on SIGTERM/SIGINT.
 *
 *   kbgpd --config FILE [--socket PATH] [--socket-mode MODE] [--socket-group GROUP]
 *         [--read-only-socket PATH] [--read-only-socket-mode MODE] [--socket-max-clients N] [--state-dir DIR]
 *         [--log-level debug|info|warn|error] [--check] [--record FILE] [--http-listen ADDR:PORT|off]
 *   kbgpd                 the demo: this speaker plus a second kbgpd as its peer, on loopback
 */
import { spawn } from "node:child_process";
import { randomInt } from "node:crypto";
import { mkdirSync, openSync, writeSync } from "node:fs";
import os from "node:os";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { neighborTable } from "../cli/format/neighbors.js";
import { VERSION } from "../cli/version.js";
import { type HttpListen, type KbgpdConfig, speakerPart } from "../core/config/helpers.js";
import type { NeighborConfig, SpeakerConfig } from "../core/config/types.js";
import { applyPeering, type PeeringApplied } from "../core/k8s/peering-config.js";
import type { Peering } from "../core/k8s/types.js";
import type { Input, LogLevel } from "../core/speaker/io.js";
import { seededRandom, toJsonLine } from "../core/speaker/recording.js";
import { Speaker } from "../core/speaker/speaker.js";
import { ConfigError, loadConfigFile, parseConfigText } from "./config/index.js";
import { controlMethods, readOnly } from "./control/methods.js";
import { type ControlLimits, ControlServer, DEFAULT_LIMITS } from "./control/server.js";
import { parseMaxClients, parseMode, resolveGroup } from "./control/socket-access.js";
import { neighborView } from "./control/views.js";
import { DEMO_MAIN, DEMO_PEER } from "./demo.js";
import { Healthchecks } from "./health/healthchecks.js";
import { Health } from "./http/health.js";
import { formatListen, HttpEndpoints, parseHttpListen } from "./http/server.js";
import { collectWhenIdle } from "./idle-collect.js";
import { K8sSync } from "./k8s/sync.js";
import { describeFailure } from "./listeners.js";
import { createLogger } from "./log.js";
import { DaemonMetrics } from "./metrics/index.js";
import { describeTcpMd5, loadTcpMd5, sessionUnavailable } from "./native/tcp-md5.js";
import { ProcessSupervisor } from "./processes/supervisor.js";
import { sameConfig } from "./reconcile.js";
import { clearRestartMarker, takeRestartMarker, writeRestartMarker } from "./restart-marker.js";
import { ApiRoutes } from "./routes/api-routes.js";
import { Runtime } from "./runtime.js";

function fail(message: string, code: number): never {
  process.stderr.write(`kbgpd: ${message}\n`);
  process.exit(code);
}

let args: ReturnType<typeof parse>;
function parse() {
  return parseArgs({
    options: {
      config: { type: "string", short: "c" },
      "log-level": { type: "string", default: "info" },
      check: { type: "boolean", default: false },
      version: { type: "boolean", short: "v", default: false },
      "demo-peer": { type: "boolean", default: false },
      record: { type: "string" },
      socket: { type: "string", short: "s" },
      "socket-mode": { type: "string", default: "0660" },
      "socket-group": { type: "string" },
      "read-only-socket": { type: "string" },
      "read-only-socket-mode": { type: "string", default: "0666" },
      "socket-max-clients": { type: "string", default: String(DEFAULT_LIMITS.maxClients) },
      "state-dir": { type: "string" },
      "http-listen": { type: "string" },
    },
    strict: true,
  });
}
try {
  args = parse();
} catch (e) {
  fail(
    `${(e as Error).message} (usage: kbgpd [--config FILE] [--socket PATH] [--socket-mode MODE] [--socket-group GROUP] [--read-only-socket PATH] [--read-only-socket-mode MODE] [--socket-max-clients N] [--state-dir DIR] [--log-level LEVEL] [--check] [--record FILE] [--http-listen ADDR:PORT|off])`,
    2,
  );
}
const opts = args.values;
if (opts.version) {
  process.stdout.write(`kbgpd ${VERSION}\n`);
  process.exit(0);
}
const level = opts["log-level"] as LogLevel;
if (!["debug", "info", "warn", "error"].includes(level))
  fail(`--log-level must be debug, info, warn or error, not '${level}'`, 2);
let socketAccess: { mode: number; readOnlyMode: number; gid: number | undefined; limits: ControlLimits };
try {
  socketAccess = {
    mode: parseMode(opts["socket-mode"], "--socket-mode"),
    readOnlyMode: parseMode(opts["read-only-socket-mode"], "--read-only-socket-mode"),
    gid: opts["socket-group"] === undefined ? undefined : resolveGroup(opts["socket-group"]),
    // Each socket has its own connections: clients of the (wider) read-only socket cannot fill the main one.
    limits: {
      ...DEFAULT_LIMITS,
      maxClients: parseMaxClients(opts["socket-max-clients"], "--socket-max-clients"),
    },
  };
} catch (e) {
  fail((e as Error).message, 2);
}
// --http-listen overrides the file's global.http, at start and at every reload (the DaemonSet passes the
// node's address, which a ConfigMap shared by every node cannot hold).
let httpFlag: HttpListen | null | undefined;
try {
  httpFlag = opts["http-listen"] === undefined ? undefined : parseHttpListen(opts["http-listen"]);
} catch (e) {
  fail((e as Error).message, 2);
}
const httpOf = (c: KbgpdConfig): HttpListen | null => (httpFlag === undefined ? c.http : httpFlag);

function load(): KbgpdConfig {
  if (opts.config) return loadConfigFile(opts.config);
  return parseConfigText(
    opts["demo-peer"] ? DEMO_PEER : DEMO_MAIN,
    opts["demo-peer"] ? "<demo peer>" : "<demo>",
  );
}

// The TCP MD5 addon (RFC 2385), optional: without it kbgpd runs, and sessions with a password stay Idle.
const tcpMd5 = loadTcpMd5();
const unavailable = (n: NeighborConfig) => sessionUnavailable(n, tcpMd5);

let config: KbgpdConfig;
try {
  config = load();
} catch (e) {
  fail(e instanceof ConfigError ? `invalid configuration:\n${e.message}` : (e as Error).message, 2);
}
if (opts.check) {
  // Not errors (kbgpd runs, those sessions stay Idle), but --check is where an operator looks first.
  for (const n of config.neighbors) {
    const why = unavailable(n);
    if (why) process.stderr.write(`kbgpd: warning: neighbor ${n.address}: session will stay Idle: ${why}\n`);
  }
  process.stdout.write(
    `configuration OK: AS ${config.global.asn}, ${config.neighbors.length} neighbors, ${config.routes.length} routes, ` +
      `${config.processes.length} processes, ${config.healthchecks.length} health checks, ` +
      `http ${httpOf(config) ? formatListen(httpOf(config)!) : "off"}` +
      `${config.kubernetes ? `, Kubernetes sync as node ${config.kubernetes.nodeName}` : ""}` +
      `; ${describeTcpMd5(tcpMd5)}\n`,
  );
  process.exit(0);
}

const logger = createLogger(level);
logger.log(tcpMd5.ok ? "info" : "warn", describeTcpMd5(tcpMd5));
const seed = randomInt(2 ** 31);
const hostname = os.hostname();
// State that outlives the process: --state-dir, KBGP_STATE_DIR, or the default (the demo's in /tmp).
const stateDir = opts["demo-peer"]
  ? join(os.tmpdir(), "kbgp-demo-peer")
  : (opts["state-dir"] ??
    process.env.KBGP_STATE_DIR ??
    (opts.config ? "/var/lib/kbgp" : join(os.tmpdir(), "kbgp-demo")));
/** Graceful restart in both roles (not helper only): we claim the Restart State and peers keep our routes. */
const restartingRole = (c: KbgpdConfig["global"]) =>
  c.gracefulRestart.enabled && !c.gracefulRestart.helperOnly;
let restarting = false;
try {
  const since = takeRestartMarker(stateDir, Date.now());
  restarting = since !== null && restartingRole(config.global);
  if (restarting)
    logger.log(
      "info",
      `graceful restart: the last kbgpd stopped ${since!.toFixed(1)}s ago; peers hold our routes`,
    );
} catch (e) {
  logger.log("warn", `cannot read the graceful restart state in ${stateDir}: ${(e as Error).message}`);
}
const speaker = new Speaker(speakerPart(config), {
  hostname,
  random: seededRandom(seed),
  restarting,
  unavailable,
});
// --record: every input as a JSON line after a header; `replay()` reproduces the run in a test.
let record: ((at: number, input: Input) => void) | null = null;
if (opts.record) {
  const fd = openSync(opts.record, "w");
  writeSync(
    fd,
    `${toJsonLine({ kbgpRecording: 1, config: speakerPart(config), seed, hostname, restarting })}\n`,
  );
  record = (at, input) => writeSync(fd, `${toJsonLine({ at, input })}\n`);
}
const runtime = new Runtime(speaker, logger, {
  onInput: record,
  tcpMd5: tcpMd5.ok ? tcpMd5.addon : null,
  // An address that does not listen holds readiness back (it is tried again meanwhile), never liveness: a
  // restart would reset every session and bind no better.
  onListenStatus: ({ failed }) =>
    health.set("bgp-listener", failed.length === 0 ? null : failed.map(describeFailure).join("; ")),
});
// Memory a burst of work grew the heap by goes back to the OS once kbgpd is idle (daemon/idle-collect.ts).
const stopIdleCollect = collectWhenIdle(logger);
// Metrics and health, served from the start so a probe sees a live kbgpd that is not ready yet.
const metrics = new DaemonMetrics(speaker, VERSION);
/** The speaker's timers are overdue by this much: nothing serves them (hold timers would expire unnoticed). */
const STALLED_MS = 30_000;
/** Set by the first SIGTERM or SIGINT. */
let stopping = false;
const health = new Health(() => {
  // A stop in progress no longer serves the speaker's timers, and must not be killed for it.
  if (stopping) return null;
  const next = speaker.nextWake();
  const late = next === null ? 0 : runtime.now() - next;
  return late > STALLED_MS ? `speaker timers overdue by ${Math.round(late / 1000)}s` : null;
});
health.set("config", null);
health.require("bgp-listener", "BGP listener not up yet");
health.set("running", null);
/** Where `kbgp` looks by default too. */
const DEFAULT_SOCKET = "/run/kbgp/kbgp.sock";
// The control socket: --socket, KBGP_SOCKET, or the default (the demo peer has none).
const socketPath = opts.socket ?? process.env.KBGP_SOCKET ?? (opts["demo-peer"] ? null : DEFAULT_SOCKET);
if (socketPath) health.require("control-socket", `control socket ${socketPath} not up yet`);
const http = new HttpEndpoints({ registry: metrics.registry, health, logger });
await http.apply(httpOf(config));
// Routes added through the API, restored before any session can come up.
let apiRoutes: ApiRoutes;
try {
  apiRoutes = ApiRoutes.open(
    join(stateDir, "routes"),
    speaker.originator,
    (i) => runtime.dispatch(i),
    logger,
  );
} catch (e) {
  fail(`cannot restore the routes added through the API: ${(e as Error).message}`, 1);
}
// Helper processes and health checks: their routes go to the speaker under their own source names.
const processes = new ProcessSupervisor({
  dispatch: (i) => runtime.dispatch(i),
  neighbors: () => speaker.peers.keys(),
  logger,
  routeCount: (source) => speaker.originator.count(source),
});
const healthchecks = new Healthchecks({
  dispatch: (i) => runtime.dispatch(i),
  logger,
  routeCount: (source) => speaker.originator.count(source),
});
/** The configuration file as last loaded, and what the Kubernetes sync says about peering: the speaker runs
 *  their combination (core/k8s/peering-config.ts). */
let fileConfig = config;
let peering: Peering | null = null;
let running: SpeakerConfig = speakerPart(config);
/** The speaker's configuration now; reconfigured only when it changed, so an unchanged cluster is free. */
function effective(): PeeringApplied {
  const template = fileConfig.kubernetes?.peering.template;
  const ebgpMaxPrefix = fileConfig.kubernetes?.peering.ebgpMaxPrefix ?? null;
  // A peering without a `kubernetes` section cannot happen: the module is off then.
  if (!template) return { config: speakerPart(fileConfig), peers: [], problems: [] };
  return applyPeering(speakerPart(fileConfig), peering, template, ebgpMaxPrefix);
}
function reconfigure(): PeeringApplied {
  const applied = effective();
  if (!sameConfig(applied.config, running)) run(applied.config);
  return applied;
}
/** Run the speaker on `c`, and the BGP listeners where it says (a Node's annotation may replace the file's
 *  addresses; the runtime changes only what differs). */
function run(c: SpeakerConfig): void {
  running = c;
  runtime.dispatch({ kind: "reconfigure", config: c });
  void runtime.listen({ addresses: c.global.listenAddresses, port: c.global.port });
}
// The Kubernetes sync: its routes go to the speaker under the source "k8s" (docs/kubernetes.md).
const k8s = new K8sSync(config.kubernetes, {
  dispatch: (i) => runtime.dispatch(i),
  metrics: () => metrics.k8s(),
  ready: (problem) => health.set("k8s", problem),
  logger,
  stateDir,
  clusterAsn: () => fileConfig.global.asn,
  peering: (p) => {
    peering = p;
    return reconfigure();
  },
  now: () => runtime.now(),
});
/** A configuration read again (SIGHUP, config.reload): the speaker's part, then the daemon's. */
function apply(next: KbgpdConfig): void {
  fileConfig = next;
  // Always: a reload is also how an operator asks for the configuration's routes to be applied again.
  run(effective().config);
  processes.apply(next.processes);
  healthchecks.apply(next.healthchecks);
  void http.apply(httpOf(next));
  void k8s.reconfigure(next.kubernetes);
}
/** Read the configuration file again and apply it; a refused one changes nothing and is thrown. */
function reloadFile(file: string): KbgpdConfig {
  let next: KbgpdConfig;
  try {
    next = loadConfigFile(file);
  } catch (e) {
    metrics.configLoaded(false);
    throw e;
  }
  apply(next);
  metrics.configLoaded(true);
  return next;
}
const demo = !opts.config && !opts["demo-peer"];
let peerProcess: ReturnType<typeof spawn> | null = null;
let control: ControlServer | null = null;
let readOnlyControl: ControlServer | null = null;

try {
  if (demo) {
    // The demo's peer: the same program with the peer half of the embedded configuration.
    peerProcess = spawn(process.execPath, [process.argv[1], "--demo-peer", "--log-level", "warn"], {
      stdio: ["ignore", "inherit", "inherit"],
    });
    logger.log(
      "info",
      "demo: kbgpd (AS 65001, 127.0.0.1) peering with a second kbgpd (AS 65002, 127.0.0.2) on port 1790",
    );
    // Let the peer start listening first, so the first connection attempt finds it.
    await new Promise((r) => setTimeout(r, 500));
  }
  await runtime.start({ addresses: config.global.listenAddresses, port: config.global.port });
  if (socketPath) {
    // 0755 whatever the umask: a directory others could write to would let them replace the socket file.
    mkdirSync(dirname(socketPath), { recursive: true, mode: 0o755 });
    const reload = opts.config ? () => reloadFile(opts.config!) : null;
    const methods = controlMethods(speaker, runtime, reload, apiRoutes, {
      processes: () => processes.status(),
      healthchecks: () => healthchecks.status(),
      k8s,
    });
    control = new ControlServer(methods, logger, socketAccess.limits);
    await control.listen(socketPath, socketAccess.mode, socketAccess.gid);
    health.set("control-socket", null);
    const readOnlyPath = opts["read-only-socket"];
    if (readOnlyPath) {
      mkdirSync(dirname(readOnlyPath), { recursive: true, mode: 0o755 });
      readOnlyControl = new ControlServer(readOnly(methods), logger, socketAccess.limits);
      await readOnlyControl.listen(readOnlyPath, socketAccess.readOnlyMode, socketAccess.gid);
    }
  }
} catch (e) {
  peerProcess?.kill();
  fail((e as Error).message, 1);
}
processes.apply(config.processes);
healthchecks.apply(config.healthchecks);
k8s.start();
// Whatever way kbgpd ends (an uncaught error included), no helper or check outlives it.
process.once("exit", () => {
  processes.kill();
  healthchecks.kill();
});

if (demo) {
  // The demo logs what `kbgp neighbor` would print (colour stays off: the daemon never turns it on).
  const show = () => {
    const now = runtime.now();
    const views = [...speaker.peers.values()].map((p) => neighborView(p, now));
    logger.log("info", `neighbors:\n${neighborTable(views, now)}`);
  };
  for (const ms of [2000, 6000]) setTimeout(show, ms).unref();
  setInterval(show, 30_000).unref();
}

process.on("SIGHUP", () => {
  if (!opts.config) return logger.log("warn", "SIGHUP: no configuration file to reload");
  try {
    reloadFile(opts.config);
    logger.log("info", `reloaded ${opts.config}`);
  } catch (e) {
    logger.log("error", `reload refused, keeping the running configuration: ${(e as Error).message}`);
  }
});

async function stop(signal: NodeJS.Signals): Promise<void> {
  if (stopping) return;
  stopping = true;
  stopIdleCollect();
  health.set("running", `stopping (${signal})`);
  // SIGTERM (a restart by systemd or Kubernetes) keeps our routes at graceful-restart peers; an operator's
  // SIGINT withdraws them.
  const gr = signal === "SIGTERM" && restartingRole(speaker.global);
  logger.log("info", `${signal}: stopping${gr ? " (graceful restart: peers keep our routes)" : ""}`);
  try {
    if (gr) writeRestartMarker(stateDir, Date.now(), speaker.global.gracefulRestart.restartTime);
    else clearRestartMarker(stateDir);
  } catch (e) {
    logger.log("warn", `cannot record the graceful restart in ${stateDir}: ${(e as Error).message}`);
  }
  // Without graceful restart, the Kubernetes routes are withdrawn before the sessions close.
  await k8s.stop(!gr);
  // `exiting`: the sessions still get their NOTIFICATION (or, for a graceful restart, just the close), but
  // the routes they brought are not withdrawn one by one from tables about to go with the process.
  runtime.dispatch({
    kind: "stop",
    gracefulRestart: gr,
    message: `kbgpd stopping (${signal})`,
    exiting: true,
  });
  peerProcess?.kill("SIGINT");
  control?.close();
  readOnlyControl?.close();
  // Helpers get SIGTERM, then SIGKILL after a grace period: none outlives kbgpd.
  await Promise.all([processes.stop(), healthchecks.stop(), apiRoutes.close(), runtime.close()]);
  await http.close();
  process.exit(0);
}
process.on("SIGTERM", () => void stop("SIGTERM"));
process.on("SIGINT", () => void stop("SIGINT"));
