/**
 * RIB update benchmark: the receive path of a session without sockets — every UPDATE of a full IPv4 table
 * (RIPE's updates.et-header.2015.gz) decoded and applied to a speaker's Adj-RIB-In and Loc-RIB (import
 * policy, decision process), then the peer's routes purged as when its session drops. Run with
 * `--observer` to attach a monitor observer that does nothing, which prices the monitoring hooks; without
 * it, nobody monitors and the hooks must cost nothing noticeable. Prints one JSON object.
 */
import { PerformanceObserver } from "node:perf_hooks";
import { Peer } from "../core/speaker/peer.js";
import { applyUpdate, purgePaths } from "../core/speaker/rib-in.js";
import { Speaker } from "../core/speaker/speaker.js";
import { codecContext, decodeUpdate, IPV4_UNICAST } from "../core/wire/index.js";
import { neighbor, speakerConfig } from "../test/helpers/speaker-config.js";
import { firstPeerUpdates } from "./lib/mrt-table.js";

const file = process.argv[2];
if (!file) throw new Error("usage: rib-update <updates.et-header.2015.gz> [--observer]");
const observe = process.argv.includes("--observer");
const ctx = codecContext({ as4: true, extendedMessage: true });

// The UPDATE bodies a collector received from its first peer, found before timing starts.
const { peerAs, bodies } = firstPeerUpdates(file);

interface Pass {
  applySeconds: number;
  /** CPU time of the process: what the work cost, less disturbed than wall time by other processes. */
  applyCpuSeconds: number;
  purgeSeconds: number;
  prefixes: number;
  /** Young-generation collections during the pass: they come every few MB allocated, so a hook that
   *  allocated per route would show here whatever the machine's load. */
  scavenges: number;
}

let scavenges = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries())
    if ((e as unknown as { detail?: { kind?: number } }).detail?.kind === 1) scavenges++;
}).observe({ entryTypes: ["gc"] });
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

function pass(): Pass {
  // The collector's session is iBGP (AS 3856 both sides): so is ours, and import policy accepts the table.
  const config = speakerConfig(peerAs, "192.0.2.1", [neighbor("192.0.2.2", peerAs)]);
  const speaker = new Speaker(config);
  if (observe) {
    const noop = () => {};
    speaker.observe({ pathChanged: noop, bestChanged: noop, neighborChanged: noop, neighborRemoved: noop });
  }
  const peer = new Peer(config.neighbors[0], peerAs, 0, speaker.locRib);
  const c0 = cpu();
  const t0 = process.hrtime.bigint();
  for (const b of bodies) applyUpdate(speaker, peer, decodeUpdate(b, ctx, speaker.interner), [IPV4_UNICAST]);
  const t1 = process.hrtime.bigint();
  const c1 = cpu();
  const prefixes = speaker.locRib.count(IPV4_UNICAST);
  purgePaths(speaker, peer, IPV4_UNICAST, false);
  const t2 = process.hrtime.bigint();
  return {
    applySeconds: Number(t1 - t0) / 1e9,
    applyCpuSeconds: c1 - c0,
    purgeSeconds: Number(t2 - t1) / 1e9,
    prefixes,
    scavenges: 0,
  };
}

pass(); // warm-up: let V8 optimise before measuring
// GC entries arrive a little after the work: count each pass's once they are in.
const settle = () => new Promise((r) => setTimeout(r, 100));
await settle();
const passes: Pass[] = [];
for (let i = 0; i < 7; i++) {
  const before = scavenges;
  const p = pass();
  await settle();
  passes.push({ ...p, scavenges: scavenges - before });
}
const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const apply = median(passes.map((p) => p.applySeconds));
const applyCpu = median(passes.map((p) => p.applyCpuSeconds));
const purge = median(passes.map((p) => p.purgeSeconds));
process.stdout.write(
  `${JSON.stringify({
    benchmark: "rib-update-full-table",
    observer: observe ? "no-op" : "none",
    updates: bodies.length,
    prefixes: passes[0].prefixes,
    applyRunsSeconds: passes.map((p) => Number(p.applySeconds.toFixed(4))),
    applyMedianSeconds: Number(apply.toFixed(4)),
    applyCpuMedianSeconds: Number(applyCpu.toFixed(4)),
    scavengesPerPass: passes.map((p) => p.scavenges),
    purgeMedianSeconds: Number(purge.toFixed(4)),
    prefixesPerSecond: Math.round(passes[0].prefixes / apply),
  })}\n`,
);
