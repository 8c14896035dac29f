/**
 * A raw BGP sender for the benches: a passive session on loopback (the daemon under test connects to it, as
 * it does to the BIRD sender of the ingest bench, so the same receiver configurations serve), the handshake
 * (OPEN, KEEPALIVE) and then whatever pre-encoded UPDATEs the bench writes, as fast as TCP takes them. It
 * uses the project's own wire codec (core/wire) for every message it builds or reads, answers nothing but
 * KEEPALIVEs, and records why the session ended (a NOTIFICATION, the connection closing) so that a bench
 * can tell a session that dropped from one that held. Pre-encoded tables of the benches' IPv4 /24s
 * (inputs.ts's prefixes) come from `encodeV4Routes`.
 */
import net from "node:net";
import {
  type Capability,
  decodeNotification,
  decodeOpen,
  encodeAnnouncements,
  encodeAttributes,
  encodeOpen,
  encodeWithdrawals,
  IPV4_UNICAST,
  KEEPALIVE,
  MessageFramer,
  MessageType,
  type NlriList,
  Origin,
  parseIpv4Number,
  SegmentType,
} from "../../core/wire/index.js";
import { plainCapabilities } from "../../test/hostile/script-peer.js";
import type { Endpoint } from "../../test/interop/harness/lab.js";
import { network } from "./inputs.js";

export interface RawSenderOptions {
  asn: number;
  /** Hold time offered; keepalives go out every third of the negotiated one. Default 90. */
  holdTime?: number;
  /** Default: IPv4 and IPv6 unicast, 4-octet AS, route refresh. */
  capabilities?: readonly Capability[];
}

export class RawSender {
  private socket: net.Socket | undefined;
  private readonly framer = new MessageFramer();
  private keepalive: NodeJS.Timeout | undefined;
  private gotOpen = false;
  private onEstablished: (() => void) | undefined;
  private onDown: ((why: string) => void)[] = [];
  /** When the session reached Established (ms since the epoch). */
  establishedAt: number | undefined;
  /** Why the session ended (a NOTIFICATION, the connection closing, an error); undefined while it stands. */
  down: string | undefined;
  updatesReceived = 0;
  bytesSent = 0;

  private constructor(
    private readonly server: net.Server | undefined,
    private readonly peer: string,
    private readonly opts: RawSenderOptions,
    private readonly bgpId: number,
  ) {
    server?.on("connection", (s) => this.accept(s));
  }

  private static bgpId(address: string): number {
    const id = parseIpv4Number(address);
    if (id === null) throw new Error(`raw sender: ${address} is not an IPv4 address (BGP identifier)`);
    return id;
  }

  /** Listens on `self` for the one peer at `peerAddress`; connections from elsewhere are closed. */
  static async listen(self: Endpoint, peerAddress: string, opts: RawSenderOptions): Promise<RawSender> {
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen({ host: self.address, port: self.port }, () => resolve());
    });
    return new RawSender(server, peerAddress, opts, RawSender.bgpId(self.address));
  }

  /** Connects from `selfAddress` (any port) to the peer at `peer`, which must be listening. The session
   *  then runs as a listening sender's does; `down` tells a refused connection. */
  static connect(selfAddress: string, peer: Endpoint, opts: RawSenderOptions): RawSender {
    const r = new RawSender(undefined, peer.address, opts, RawSender.bgpId(selfAddress));
    const s = net.connect({ host: peer.address, port: peer.port, localAddress: selfAddress });
    s.once("connect", () => r.accept(s));
    s.once("error", (e) => r.end(`cannot connect: ${e.message}`));
    return r;
  }

  private accept(s: net.Socket): void {
    if (this.socket || s.remoteAddress?.replace(/^::ffff:/, "") !== this.peer) {
      s.destroy();
      return;
    }
    this.socket = s;
    s.setNoDelay(true);
    const asn = this.opts.asn;
    s.write(
      encodeOpen({
        asn,
        holdTime: this.opts.holdTime ?? 90,
        bgpId: this.bgpId,
        capabilities: this.opts.capabilities ?? plainCapabilities(asn),
      }),
    );
    s.on("data", (chunk: Buffer) => {
      const err = this.framer.push(chunk, (type, body) => this.message(type, body));
      if (err) this.end(`bad message header from the peer: ${err.reason}`);
    });
    s.on("error", (e) => this.end(`socket error: ${e.message}`));
    s.on("close", () => this.end("the peer closed the connection"));
  }

  private message(type: number, body: Uint8Array): void {
    if (type === MessageType.UPDATE) this.updatesReceived++;
    else if (type === MessageType.OPEN) {
      const open = decodeOpen(body);
      if (!open.ok) return this.end(`bad OPEN from the peer: ${open.error.reason}`);
      this.gotOpen = true;
      this.socket!.write(KEEPALIVE);
      const hold = Math.min(this.opts.holdTime ?? 90, open.value.holdTime);
      if (hold > 0)
        this.keepalive = setInterval(() => this.socket?.write(KEEPALIVE), Math.floor(hold / 3) * 1000);
    } else if (type === MessageType.KEEPALIVE && this.gotOpen && this.establishedAt === undefined) {
      this.establishedAt = Date.now();
      this.onEstablished?.();
    } else if (type === MessageType.NOTIFICATION) {
      const n = decodeNotification(body);
      this.end(n.ok ? `NOTIFICATION ${n.value.code}/${n.value.subcode} from the peer` : "a bad NOTIFICATION");
    }
  }

  private end(why: string): void {
    if (this.down !== undefined) return;
    this.down = why;
    clearInterval(this.keepalive);
    this.socket?.destroy();
    for (const f of this.onDown.splice(0)) f(why);
  }

  /** Resolves once the session is Established; rejects when it ends first or after `timeoutMs`. */
  established(timeoutMs: number): Promise<void> {
    if (this.establishedAt !== undefined) return Promise.resolve();
    return this.until(timeoutMs, "the session to reach Established", (done) => {
      this.onEstablished = done;
    });
  }

  /** Writes `messages` in order, each after the socket took the one before (its buffer drained), so that at
   *  most one chunk waits in this process; resolves when the last is handed to the kernel. Rejects when the
   *  session ends or `timeoutMs` passes first. */
  async send(messages: readonly Uint8Array[], timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (const m of messages) {
      const s = this.socket;
      if (this.down !== undefined || !s) throw new Error(`raw sender: ${this.down ?? "no session"}`);
      this.bytesSent += m.length;
      if (!s.write(m))
        await this.until(deadline - Date.now(), "the socket to drain", (done) => s.once("drain", done));
    }
  }

  private until(timeoutMs: number, what: string, arm: (done: () => void) => void): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.down !== undefined) return reject(new Error(`raw sender: ${this.down}`));
      const fail = (why: string) => {
        clearTimeout(timer);
        reject(new Error(`raw sender: ${why} while waiting for ${what}`));
      };
      const timer = setTimeout(
        () => {
          this.onDown = this.onDown.filter((f) => f !== fail);
          reject(new Error(`raw sender: timed out after ${timeoutMs} ms waiting for ${what}`));
        },
        Math.max(0, timeoutMs),
      );
      this.onDown.push(fail);
      arm(() => {
        clearTimeout(timer);
        this.onDown = this.onDown.filter((f) => f !== fail);
        resolve();
      });
    });
  }

  close(): void {
    this.end("closed by the bench");
    this.server?.close();
  }
}

export interface V4Routes {
  /** UPDATEs announcing every prefix (as many per message as fit in 4096 bytes), concatenated. */
  announce: Buffer;
  /** UPDATEs withdrawing every prefix, concatenated. */
  withdraw: Buffer;
  announceMessages: number;
  withdrawMessages: number;
}

/** Prefixes `first` … `first + n - 1` of inputs.ts (/24s from 11.0.0.0) as an IPv4 NLRI field. */
function v4Nlri(first: number, n: number): NlriList {
  const bytes = new Uint8Array(n * 4);
  for (let i = 0; i < n; i++) {
    const a = network(first + i);
    bytes.set([24, a >>> 24, (a >>> 16) & 255, (a >>> 8) & 255], i * 4);
  }
  return { afi: 1, safi: 1, addPath: false, bytes, count: n };
}

/** Announcements and withdrawals of `n` IPv4 /24s from prefix `first` on, attributes ORIGIN IGP,
 *  AS_PATH `asn`, NEXT_HOP `nextHop` (and LOCAL_PREF `localPref` when given: over iBGP), encoded once for a
 *  session without ADD-PATH or Extended Messages. */
export function encodeV4Routes(
  first: number,
  n: number,
  asn: number,
  nextHop: string,
  localPref?: number,
): V4Routes {
  const nlri = v4Nlri(first, n);
  const opts = { maxLength: 4096, addPath: false };
  const attrs = encodeAttributes({
    origin: Origin.IGP,
    asPath: [{ type: SegmentType.AS_SEQUENCE, asns: [asn] }],
    nextHop,
    ...(localPref === undefined ? {} : { localPref }),
  });
  const ann = encodeAnnouncements(IPV4_UNICAST, attrs, null, nlri, opts).messages;
  const wd = encodeWithdrawals(IPV4_UNICAST, nlri, opts);
  return {
    announce: Buffer.concat(ann),
    withdraw: Buffer.concat(wd),
    announceMessages: ann.length,
    withdrawMessages: wd.length,
  };
}

/** Splits a concatenation of messages into chunks of about `size` bytes (a chunk always ends on a message
 *  boundary), so that a large table is written piecewise rather than as one buffer. */
export function chunks(messages: Buffer, size = 256 * 1024): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  while (start < messages.length) {
    let end = start;
    while (end < messages.length && end - start < size)
      end += (messages[end + 16]! << 8) | messages[end + 17]!;
    out.push(messages.subarray(start, end));
    start = end;
  }
  return out;
}
