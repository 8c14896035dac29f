/**
 * Several speakers on an in-memory network: a `connect` output reaches the speaker at that address as an
 * `accepted` input, `send` outputs arrive as `data`, `close` as `closed`. Time only moves when a test
 * calls `advance`, and every input goes through a FIFO, so runs are deterministic. No sockets, no timers.
 */
import type { SpeakerConfig } from "../../core/config/types.js";
import type { Input, Output } from "../../core/speaker/io.js";
import { type RecordedInput, type RecordingHeader, seededRandom } from "../../core/speaker/recording.js";
import { Speaker } from "../../core/speaker/speaker.js";

interface Host {
  readonly name: string;
  readonly address: string;
  readonly speaker: Speaker;
  nextIn: number;
  readonly logs: Output[];
  /** Every input with its time, and every output, for replay tests. */
  readonly inputs: RecordedInput[];
  readonly outputs: Output[][];
  readonly header: RecordingHeader;
}

interface End {
  readonly host: Host;
  readonly conn: number;
}

export class VirtualNet {
  now = 0;
  readonly hosts = new Map<string, Host>();
  private readonly links = new Map<string, End>();
  private readonly queue: [Host, Input][] = [];
  /** Addresses whose traffic is silently dropped (a cut cable). */
  readonly cut = new Set<string>();
  /** Addresses whose receive side stalls as seen by the sender: what is sent to them is never reported
   *  written (the sender's buffer never drains), while they carry on (a peer whose keepalive thread runs
   *  while its reader is stuck: the hold timers on both sides stay happy). */
  readonly stuck = new Set<string>();
  private seed = 1;

  add(name: string, address: string, config: SpeakerConfig, options: { restarting?: boolean } = {}): Speaker {
    const seed = this.seed++;
    const speaker = new Speaker(config, { random: seededRandom(seed), hostname: name, ...options });
    const header: RecordingHeader = { kbgpRecording: 1, config, seed, hostname: name, ...options };
    this.hosts.set(address, { name, address, speaker, nextIn: 2, logs: [], inputs: [], outputs: [], header });
    return speaker;
  }

  recording(address: string): { header: RecordingHeader; inputs: RecordedInput[]; outputs: Output[][] } {
    const h = this.host(address);
    return { header: h.header, inputs: h.inputs, outputs: h.outputs };
  }

  /** Take a host off the network (its process died): its peers see their connections close. */
  remove(address: string): void {
    const h = this.hosts.get(address);
    if (!h) return;
    for (const [k, end] of [...this.links]) {
      if (k.startsWith(`${address}#`)) {
        this.links.delete(k);
        this.links.delete(`${end.host.address}#${end.conn}`);
        this.queue.push([end.host, { kind: "closed", conn: end.conn, reason: "connection reset" }]);
      }
    }
    this.hosts.delete(address);
    this.drain();
  }

  input(address: string, input: Input): void {
    this.queue.push([this.host(address), input]);
    this.drain();
  }

  speaker(address: string): Speaker {
    return this.host(address).speaker;
  }

  logs(address: string): Output[] {
    return this.host(address).logs;
  }

  private host(address: string): Host {
    const h = this.hosts.get(address);
    if (!h) throw new Error(`no host ${address}`);
    return h;
  }

  /** Move time forward by `ms`, firing timers in order. */
  advance(ms: number): void {
    const until = this.now + ms;
    for (;;) {
      let next: Host | null = null;
      let at = Number.POSITIVE_INFINITY;
      for (const h of this.hosts.values()) {
        const w = h.speaker.nextWake();
        if (w !== null && w < at) {
          at = w;
          next = h;
        }
      }
      if (!next || at > until) break;
      this.now = Math.max(this.now, at);
      this.queue.push([next, { kind: "tick" }]);
      this.drain();
    }
    this.now = until;
  }

  /** Advance in steps until `cond` holds; throws after `maxMs`. */
  until(cond: () => boolean, maxMs = 60_000, step = 100): void {
    for (let t = 0; t <= maxMs; t += step) {
      if (cond()) return;
      this.advance(step);
    }
    throw new Error(`condition not met within ${maxMs} ms of virtual time`);
  }

  private drain(): void {
    while (this.queue.length > 0) {
      const [h, input] = this.queue.shift()!;
      if (!this.hosts.has(h.address)) continue;
      h.inputs.push({ at: this.now, input });
      const outputs = h.speaker.handle(input, this.now);
      h.outputs.push(outputs);
      for (const o of outputs) this.execute(h, o);
    }
  }

  private execute(h: Host, o: Output): void {
    switch (o.kind) {
      case "log":
        h.logs.push(o);
        return;
      case "connect": {
        const peer = this.hosts.get(o.remote.address);
        if (!peer || this.cut.has(h.address) || this.cut.has(peer.address)) {
          this.queue.push([h, { kind: "connect-failed", conn: o.conn, reason: "connection refused" }]);
          return;
        }
        const inId = peer.nextIn;
        peer.nextIn += 2;
        this.links.set(`${h.address}#${o.conn}`, { host: peer, conn: inId });
        this.links.set(`${peer.address}#${inId}`, { host: h, conn: o.conn });
        const ephemeral = 40000 + o.conn;
        this.queue.push([
          peer,
          {
            kind: "accepted",
            conn: inId,
            local: { address: peer.address, port: o.remote.port },
            remote: { address: h.address, port: ephemeral },
          },
        ]);
        this.queue.push([
          h,
          { kind: "connected", conn: o.conn, local: { address: h.address, port: ephemeral } },
        ]);
        return;
      }
      case "send": {
        const other = this.links.get(`${h.address}#${o.conn}`);
        if (other && !this.cut.has(h.address) && !this.cut.has(other.host.address)) {
          this.queue.push([other.host, { kind: "data", conn: other.conn, bytes: o.data.slice() }]);
        }
        if (o.notify && !(other && this.stuck.has(other.host.address)))
          this.queue.push([h, { kind: "drained", conn: o.conn }]);
        return;
      }
      case "close": {
        const other = this.links.get(`${h.address}#${o.conn}`);
        this.links.delete(`${h.address}#${o.conn}`);
        if (other) {
          this.links.delete(`${other.host.address}#${other.conn}`);
          if (!this.cut.has(h.address) && !this.cut.has(other.host.address)) {
            this.queue.push([other.host, { kind: "closed", conn: other.conn, reason: "closed by peer" }]);
          }
        }
        return;
      }
    }
  }
}
