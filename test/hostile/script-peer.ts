/**
 * A scripted BGP peer on a raw TCP socket, for hostile-input tests: it writes whatever bytes a test gives
 * it (in one write or in pieces) and reads what kbgpd answers as plain messages, without the project's own
 * framer, so a kbgpd that sends something malformed is caught rather than excused. Every wait is bounded.
 */
import net from "node:net";
import type { Capability } from "../../core/wire/index.js";
import { encodeOpen } from "../../core/wire/index.js";

export interface Received {
  readonly type: number;
  /** The bytes after the 19-byte header. */
  readonly body: Uint8Array;
}

export interface Notification {
  readonly code: number;
  readonly subcode: number;
  readonly data: Uint8Array;
}

const MARKER = new Uint8Array(16).fill(0xff);

/** A message: marker, length, type, body. The length is the real one unless `length` overrides it. */
export function message(type: number, body: Uint8Array = new Uint8Array(0), length?: number): Uint8Array {
  const m = new Uint8Array(19 + body.length);
  m.set(MARKER);
  const len = length ?? m.length;
  m[16] = len >>> 8;
  m[17] = len & 0xff;
  m[18] = type;
  m.set(body, 19);
  return m;
}

/** An UPDATE body from its three parts (RFC 4271 §4.3), lengths computed. */
export function updateBody(
  attrs: Uint8Array,
  nlri: Uint8Array = new Uint8Array(0),
  withdrawn: Uint8Array = new Uint8Array(0),
): Uint8Array {
  const b = new Uint8Array(4 + withdrawn.length + attrs.length + nlri.length);
  b[0] = withdrawn.length >>> 8;
  b[1] = withdrawn.length & 0xff;
  b.set(withdrawn, 2);
  const a = 2 + withdrawn.length;
  b[a] = attrs.length >>> 8;
  b[a + 1] = attrs.length & 0xff;
  b.set(attrs, a + 2);
  b.set(nlri, a + 2 + attrs.length);
  return b;
}

export interface OpenSpec {
  readonly asn: number;
  readonly bgpId: number;
  readonly holdTime?: number;
  readonly capabilities?: readonly Capability[];
}

/** The capabilities a plain modern peer sends: IPv4 and IPv6 unicast, 4-octet AS, route refresh. */
export function plainCapabilities(asn: number): Capability[] {
  return [
    { kind: "multiprotocol", afi: 1, safi: 1 },
    { kind: "multiprotocol", afi: 2, safi: 1 },
    { kind: "route-refresh" },
    { kind: "four-octet-as", asn },
  ];
}

export function openMessage(o: OpenSpec): Uint8Array {
  return encodeOpen({
    asn: o.asn,
    holdTime: o.holdTime ?? 0,
    bgpId: o.bgpId,
    capabilities: o.capabilities ?? plainCapabilities(o.asn),
  });
}

export class ScriptPeer {
  private buf: Buffer = Buffer.alloc(0);
  private ended = false;
  private wake: (() => void) | null = null;

  private constructor(readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.on("data", (d: Buffer) => {
      this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
      this.poke();
    });
    socket.on("error", () => {});
    socket.on("close", () => {
      this.ended = true;
      this.poke();
    });
  }

  /** Connect from `localAddress` (the neighbor address kbgpd knows) to kbgpd's listener. */
  static connect(localAddress: string, host: string, port: number, timeoutMs = 5000): Promise<ScriptPeer> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ host, port, localAddress });
      const t = setTimeout(() => {
        s.destroy();
        reject(new Error(`connect ${localAddress} -> ${host}:${port}: timed out`));
      }, timeoutMs);
      s.once("connect", () => {
        clearTimeout(t);
        resolve(new ScriptPeer(s));
      });
      s.once("error", (e) => {
        clearTimeout(t);
        reject(e);
      });
    });
  }

  get closed(): boolean {
    return this.ended;
  }

  private poke(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  /** Write and wait until the bytes are handed to the kernel. */
  write(bytes: Uint8Array): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.destroyed) return resolve();
      this.socket.write(bytes, () => resolve());
    });
  }

  /** Write `bytes` in pieces of `size` bytes, each its own write with an event-loop turn between, so they
   *  leave as separate segments as far as the kernel allows. */
  async writeInPieces(bytes: Uint8Array, size = 1): Promise<void> {
    for (let i = 0; i < bytes.length; i += size) {
      await this.write(bytes.subarray(i, i + size));
      await new Promise((r) => setImmediate(r));
    }
  }

  /** The next whole message from kbgpd, or null once the connection closed with nothing left. */
  async next(timeoutMs = 5000): Promise<Received | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.buf.length >= 19) {
        for (let i = 0; i < 16; i++) if (this.buf[i] !== 0xff) throw new Error("kbgpd sent a bad marker");
        const len = this.buf.readUInt16BE(16);
        if (len < 19 || len > 65535) throw new Error(`kbgpd sent a message of length ${len}`);
        if (this.buf.length >= len) {
          const m = { type: this.buf[18], body: new Uint8Array(this.buf.subarray(19, len)) };
          this.buf = this.buf.subarray(len);
          return m;
        }
      }
      if (this.ended) {
        if (this.buf.length > 0)
          throw new Error(`connection closed with ${this.buf.length} bytes of a message`);
        return null;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no message from kbgpd within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
  }

  /** Read until a NOTIFICATION (skipping OPEN, KEEPALIVE, UPDATE) and then the close that must follow it
   *  (RFC 4271 §6: the connection is closed right after a NOTIFICATION). */
  async notification(timeoutMs = 5000): Promise<Notification> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = await this.next(Math.max(1, deadline - Date.now()));
      if (!m) throw new Error("connection closed without a NOTIFICATION");
      if (m.type !== 3) continue;
      const n = { code: m.body[0], subcode: m.body[1], data: m.body.slice(2) };
      const after = await this.next(Math.max(1, deadline - Date.now()));
      if (after) throw new Error(`message type ${after.type} after the NOTIFICATION`);
      return n;
    }
  }

  /** Send our OPEN, read kbgpd's OPEN, exchange KEEPALIVEs: the session is Established on both sides. */
  async handshake(open: OpenSpec): Promise<void> {
    await this.write(openMessage(open));
    const first = await this.next();
    if (first?.type !== 1)
      throw new Error(`expected kbgpd's OPEN, got ${first ? `type ${first.type}` : "a close"}`);
    const second = await this.next();
    if (second?.type === 3)
      throw new Error(`kbgpd refused the OPEN: NOTIFICATION ${second.body[0]}/${second.body[1]}`);
    if (second?.type !== 4)
      throw new Error(`expected a KEEPALIVE, got ${second ? `type ${second.type}` : "a close"}`);
    await this.write(message(4));
  }

  /** Wait (bounded) until kbgpd closes the connection; true if it did. */
  async waitClosed(timeoutMs = 5000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.ended && Date.now() < deadline) {
      this.buf = Buffer.alloc(0);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
    return this.ended;
  }

  destroy(): void {
    this.socket.destroy();
  }
}
