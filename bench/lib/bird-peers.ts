/**
 * Many BGP sessions in one BIRD 2 process, and a cheap way to watch them.
 *
 * BIRD 2 takes an object lock per BGP protocol on (neighbor address, neighbor port) and holds it while the
 * protocol runs, so two protocols towards the same daemon — one address, one port — never run at once: the
 * second waits Idle until the first stops (the fan-out bench's note). Distinct local addresses do not help;
 * the lock ignores them. What does: protocols that are passive (they never connect, so the neighbor's port
 * is never used) each naming a different port for the neighbor. An incoming connection is matched to its
 * protocol by the neighbor's address, our local address and our local port, never by the neighbor's source
 * port, so with a local address of its own per protocol every connection finds its one protocol, and all
 * of them run at once. The daemon under test connects to each of those addresses.
 *
 * BirdProtocols probes such a BIRD (or a BIRD under test with many neighbors) over one persistent control
 * connection: `show protocols all NAME` for each protocol not yet complete, so that the probes' cost falls
 * as protocols complete.
 */
import type { Endpoint, Lab } from "../../test/interop/harness/lab.js";
import { BirdControl } from "./bird-control.js";
import { birdBgp, birdSince, imported, startBird } from "./ingest-daemons.js";
import type { Running } from "./peers.js";

/** Where the passive protocols pretend their neighbor listens: never connected to (see above), only told
 *  apart, one port per protocol. */
const FAKE_PORT_BASE = 40_000;

export interface BirdPeers extends Running {
  socket: string;
  control: BirdControl;
  /** Protocol names, `p1` …, one per endpoint, in order. */
  names: string[];
}

/** One BIRD with a passive eBGP protocol per endpoint (its local address and port; AS `asnBase + i`),
 *  each importing IPv4 unicast into a table of its own (no best-path work across them), exporting nothing.
 *  `dut` is the daemon that will connect to every one of them. Graceful restart is off: when the daemon
 *  stops, its routes go at once, so that a restart's re-announcement can be seen arriving. */
export async function startBirdPeers(
  lab: Lab,
  name: string,
  ends: readonly Endpoint[],
  dut: Endpoint,
  dutAs: number,
  asnBase: number,
): Promise<BirdPeers> {
  const names = ends.map((_, i) => `p${i + 1}`);
  const r = await startBird(lab, name, ends[0]!.address, [
    ...names.map((n) => `ipv4 table t_${n};`),
    ...ends.flatMap((self, i) =>
      birdBgp({
        name: names[i]!,
        self,
        localAs: asnBase + i,
        peer: { address: dut.address, port: FAKE_PORT_BASE + i },
        peerAs: dutAs,
        passive: true,
        options: ["graceful restart off;"],
        channels: [`ipv4 { table t_${names[i]}; import all; export none; };`],
      }),
    ),
  ]);
  return { ...r, control: await BirdControl.connect(r.socket), names };
}

export interface ProtocolState {
  /** Established, BIRD's own time (epoch ms). */
  est?: number;
  imported: number;
  /** When a probe first saw it hold the target (epoch ms). */
  done?: number;
}

export class BirdProtocols {
  readonly state: Map<string, ProtocolState>;

  constructor(
    private readonly control: BirdControl,
    names: readonly string[],
    private readonly target: number,
  ) {
    this.state = new Map(names.map((n) => [n, { imported: 0 }]));
  }

  /** One round: every protocol not yet holding the target, one command after the other (BIRD resets a
   *  control connection that sends it a few hundred commands at once). */
  async probe(): Promise<void> {
    for (const [name, s] of this.state) {
      if (s.done !== undefined) continue;
      const out = await this.control.cmd(`show protocols all ${name}`);
      const at = Date.now();
      const since = birdSince(out);
      if (since !== undefined) s.est ??= since;
      s.imported = imported(out);
      if (s.imported === this.target) s.done ??= at;
    }
  }

  /** Forgets every completion and Established time (before the routes are expected again). */
  reset(): void {
    for (const s of this.state.values()) {
      s.est = undefined;
      s.done = undefined;
    }
  }

  get all(): ProtocolState[] {
    return [...this.state.values()];
  }

  get complete(): boolean {
    return this.all.every((s) => s.done !== undefined);
  }

  /** Sum of the routes every protocol holds (as last probed). */
  get held(): number {
    return this.all.reduce((n, s) => n + s.imported, 0);
  }

  /** The fewest routes any protocol holds. */
  get fewest(): number {
    return Math.min(...this.all.map((s) => s.imported));
  }

  /** Protocols in the Established state right now (`show protocols`, one short line each). */
  async established(): Promise<number> {
    const out = await this.control.cmd("show protocols");
    let n = 0;
    for (const line of out.split("\n")) {
      const name = /^\d{4}[- ](\S+)/.exec(line)?.[1] ?? line.trim().split(/\s+/)[0];
      if (name && this.state.has(name) && /\bEstablished\b/.test(line)) n++;
    }
    return n;
  }
}
