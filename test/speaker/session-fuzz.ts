/**
 * Session-layer fuzzing of the pure speaker (no sockets): sequences of inputs — valid messages from the
 * project's own encoders, mutated, truncated, duplicated, split into random chunks, interleaved with
 * time, connection closes, operator actions and reconfigurations — go through `Speaker.handle`, and every
 * step is checked:
 * - nothing throws out of `handle`;
 * - every `send` is whole BGP messages that the project's decoder accepts without a problem, within the
 *   size the peer accepts; a NOTIFICATION is followed by a `close` of its connection in the same outputs;
 *   nothing is sent to, or closed twice on, a connection already closed;
 * - the RIBs agree: for every peer, the paths it has in Loc-RIB are exactly its accepted Adj-RIB-In paths,
 *   and a peer is Established exactly when it has a session.
 * The CI test (session-fuzz.test.ts) and `npm run fuzz` (scripts/fuzz.mjs) run these same properties.
 */
import fc from "fast-check";
import type { NeighborConfig, SpeakerConfig } from "../../core/config/types.js";
import type { Input, Output } from "../../core/speaker/io.js";
import { seededRandom } from "../../core/speaker/recording.js";
import { Speaker } from "../../core/speaker/speaker.js";
import {
  type Afi,
  type Capability,
  codecContext,
  decodeMessage,
  encodeAnnouncements,
  encodeAttributes,
  encodeEndOfRib,
  encodeNotification,
  encodeOpen,
  encodeRouteRefresh,
  encodeWithdrawals,
  IPV4_UNICAST,
  IPV6_UNICAST,
  KEEPALIVE,
  MAX_EXTENDED_MESSAGE_LENGTH,
  MessageFramer,
  MessageType,
  type Negotiated,
  type PathAttributes,
  type Prefix,
  parseIp,
  parseIpv4Number,
  parsePrefix,
  UpdateAction,
} from "../../core/wire/index.js";
import { neighbor, route, speakerConfig } from "../helpers/speaker-config.js";

export const LOCAL = "10.0.0.1";
/** Peers by index: 0 external with ADD-PATH, 1 internal with a prefix limit, 2 external without
 *  4-octet AS or any capability beyond what RFC 4271 needs. */
export const PEERS = [
  { address: "10.0.0.2", asn: 65002 },
  { address: "10.0.0.3", asn: 65001 },
  { address: "10.0.0.4", asn: 64999 },
] as const;

function neighbors(variant: number): NeighborConfig[] {
  return [
    neighbor(PEERS[0].address, PEERS[0].asn, {
      addPath: { receive: true, send: variant === 1 ? 2 : Number.POSITIVE_INFINITY },
    }),
    neighbor(PEERS[1].address, PEERS[1].asn, {
      maxPrefix: { limit: 6, warningPercent: 50, restartAfter: variant === 1 ? null : 30 },
      routeReflectorClient: variant === 2,
    }),
    neighbor(PEERS[2].address, PEERS[2].asn, { gracefulRestart: { ...GR_OFF }, holdTime: 3 }),
  ];
}
const GR_OFF = { enabled: false, restartTime: 120, helperOnly: false, staleTime: 360 };

function buildConfig(variant: number): SpeakerConfig {
  return speakerConfig(65001, LOCAL, neighbors(variant), [
    route("192.0.2.0/24"),
    route("2001:db8:1::/48"),
    ...(variant === 1 ? [route("198.51.100.0/24", { med: 5 })] : []),
  ]);
}

/** Built once: configurations are plain values the speaker never changes, and building them costs more
 *  than a short fuzz case. */
const CONFIGS = [0, 1, 2].map(buildConfig);
export const fuzzConfig = (variant = 0): SpeakerConfig => CONFIGS[variant % CONFIGS.length];

// --- the message corpus: each peer's valid messages, from the project's own encoders ---------------------

const ip = (s: string) => parseIp(s)!;
const pfx = (s: string, pathId?: number): Prefix => ({
  ...parsePrefix(s)!,
  ...(pathId !== undefined ? { pathId } : {}),
});

function capabilities(peer: number): Capability[] {
  if (peer === 2) return [];
  const caps: Capability[] = [
    { kind: "multiprotocol", afi: 1, safi: 1 },
    { kind: "multiprotocol", afi: 2, safi: 1 },
    { kind: "route-refresh" },
    { kind: "enhanced-route-refresh" },
    { kind: "four-octet-as", asn: PEERS[peer].asn },
    { kind: "extended-message" },
    {
      kind: "graceful-restart",
      restartState: false,
      notification: true,
      restartTime: 60,
      families: [{ afi: 1, safi: 1, forwarding: true }],
    },
  ];
  if (peer === 0)
    caps.push({
      kind: "add-path",
      families: [
        { afi: 1, safi: 1, mode: 3 },
        { afi: 2, safi: 1, mode: 3 },
      ],
    });
  return caps;
}

function updates(peer: number): Uint8Array[] {
  const addPath = peer === 0;
  const as4 = peer !== 2;
  const id = (n: number) => (addPath ? n : undefined);
  const opts = { maxLength: 4096, addPath };
  const base: PathAttributes = {
    origin: 0,
    asPath: peer === 1 ? [] : [{ type: 2, asns: [PEERS[peer].asn, 64512 + peer] }],
    nextHop: `10.0.0.${2 + peer}`,
  };
  const rich: PathAttributes = {
    ...base,
    med: 7,
    ...(peer === 1 ? { localPref: 200, originatorId: "10.9.9.9", clusterList: ["10.8.8.8"] } : {}),
    communities: [0xfde80064, 0xffffff01],
    largeCommunities: [[65001, 1, 2]],
    atomicAggregate: true,
    aggregator: { asn: PEERS[peer].asn, address: "10.0.0.9" },
  };
  const v6: PathAttributes = { origin: 2, asPath: base.asPath! };
  const enc = (a: PathAttributes) => encodeAttributes(a, { asSize: as4 ? 4 : 2 });
  const v4a = [pfx("10.1.0.0/16", id(1)), pfx("10.2.0.0/24", id(1)), pfx("0.0.0.0/0", id(2))];
  const v4b = [pfx("10.1.0.0/16", id(2)), pfx("172.16.0.0/12", id(1)), pfx("10.3.3.3/32", id(1))];
  const many = Array.from({ length: 9 }, (_, i) => pfx(`10.200.${i}.0/24`, id(1)));
  const v6p = [pfx("2001:db8:2::/48", id(1)), pfx("2001:db8:3::/64", id(3))];
  return [
    ...encodeAnnouncements(IPV4_UNICAST, enc(base), null, v4a, opts).messages,
    ...encodeAnnouncements(IPV4_UNICAST, enc(rich), null, v4b, opts).messages,
    ...encodeAnnouncements(IPV4_UNICAST, enc(base), null, many, opts).messages,
    ...encodeAnnouncements(IPV6_UNICAST, enc(v6), ip(`2001:db8::${peer + 2}`), v6p, opts).messages,
    ...encodeWithdrawals(IPV4_UNICAST, [v4a[0], v4b[1]], opts),
    ...encodeWithdrawals(IPV6_UNICAST, [v6p[0]], opts),
    encodeEndOfRib(IPV4_UNICAST),
    encodeEndOfRib(IPV6_UNICAST),
  ];
}

export interface Corpus {
  /** Index 0 is the peer's OPEN, 1 a KEEPALIVE; then UPDATEs, NOTIFICATIONs and ROUTE-REFRESHes. */
  readonly messages: readonly Uint8Array[];
}

function corpus(peer: number): Corpus {
  const open = encodeOpen({
    asn: PEERS[peer].asn,
    holdTime: peer === 2 ? 3 : 90,
    bgpId: parseIpv4Number(PEERS[peer].address)!,
    capabilities: capabilities(peer),
  });
  return {
    messages: [
      open,
      KEEPALIVE,
      ...updates(peer),
      encodeRouteRefresh(1, 1),
      encodeRouteRefresh(2, 1, 1),
      encodeRouteRefresh(2, 1, 2),
      encodeNotification(6, 2),
      encodeNotification(6, 9, Uint8Array.of(6, 4)),
      encodeNotification(3, 1),
    ],
  };
}

export const CORPUS: readonly Corpus[] = PEERS.map((_, i) => corpus(i));

// --- steps -----------------------------------------------------------------------------------------------

/** A change to one message's bytes before it goes out. */
export type Mutation =
  | { readonly m: "none" }
  | { readonly m: "set"; readonly at: number; readonly value: number }
  | { readonly m: "flip"; readonly at: number; readonly bit: number }
  | { readonly m: "truncate"; readonly at: number }
  | { readonly m: "insert"; readonly at: number; readonly bytes: Uint8Array }
  | { readonly m: "length"; readonly delta: number };

export type Step =
  | {
      readonly k: "send";
      readonly peer: number;
      readonly msg: number;
      readonly mutation: Mutation;
      readonly copies: number;
      readonly cuts: readonly number[];
    }
  | { readonly k: "raw"; readonly peer: number; readonly bytes: Uint8Array }
  | { readonly k: "tick"; readonly ms: number }
  | { readonly k: "close"; readonly peer: number }
  | { readonly k: "accept"; readonly peer: number }
  | { readonly k: "outgoing"; readonly up: boolean }
  | { readonly k: "drained"; readonly peer: number }
  | {
      readonly k: "admin";
      readonly peer: number;
      readonly action: "shutdown" | "enable" | "reset" | "soft-reset-in" | "soft-reset-out";
    }
  | { readonly k: "reconfigure"; readonly variant: number }
  | { readonly k: "routes"; readonly op: "add" | "clear" };

export function mutate(b: Uint8Array, mu: Mutation): Uint8Array {
  switch (mu.m) {
    case "none":
      return b;
    case "set": {
      const c = b.slice();
      c[mu.at % c.length] = mu.value;
      return c;
    }
    case "flip": {
      const c = b.slice();
      c[mu.at % c.length] ^= 1 << mu.bit;
      return c;
    }
    case "truncate":
      return b.subarray(0, mu.at % b.length);
    case "insert": {
      const at = mu.at % (b.length + 1);
      const c = new Uint8Array(b.length + mu.bytes.length);
      c.set(b.subarray(0, at));
      c.set(mu.bytes, at);
      c.set(b.subarray(at), at + mu.bytes.length);
      return c;
    }
    case "length": {
      // Change the header's length field (and nothing else): the framer must cope with the mismatch.
      const c = b.slice();
      const len = (((c[16] << 8) | c[17]) + mu.delta) & 0xffff;
      c[16] = len >>> 8;
      c[17] = len & 0xff;
      return c;
    }
  }
}

const peerArb = fc.integer({ min: 0, max: PEERS.length - 1 });
const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ m: "none" as const }) },
  { weight: 3, arbitrary: fc.record({ m: fc.constant("set" as const), at: fc.nat(), value: fc.nat(255) }) },
  { weight: 3, arbitrary: fc.record({ m: fc.constant("flip" as const), at: fc.nat(), bit: fc.nat(7) }) },
  { weight: 1, arbitrary: fc.record({ m: fc.constant("truncate" as const), at: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      m: fc.constant("insert" as const),
      at: fc.nat(),
      bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ m: fc.constant("length" as const), delta: fc.integer({ min: -20, max: 20 }) }),
  },
);

export const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.record({
      k: fc.constant("send" as const),
      peer: peerArb,
      msg: fc.nat(40),
      mutation: mutationArb,
      copies: fc.integer({ min: 1, max: 3 }),
      cuts: fc.array(fc.nat(), { maxLength: 3 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      k: fc.constant("raw" as const),
      peer: peerArb,
      bytes: fc.uint8Array({ maxLength: 48 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      k: fc.constant("tick" as const),
      ms: fc.oneof(fc.nat(2000), fc.nat(400_000)),
    }),
  },
  { weight: 1, arbitrary: fc.record({ k: fc.constant("close" as const), peer: peerArb }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant("accept" as const), peer: peerArb }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant("outgoing" as const), up: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant("drained" as const), peer: peerArb }) },
  {
    weight: 1,
    arbitrary: fc.record({
      k: fc.constant("admin" as const),
      peer: peerArb,
      action: fc.constantFrom("shutdown", "enable", "reset", "soft-reset-in", "soft-reset-out" as const),
    }),
  },
  { weight: 1, arbitrary: fc.record({ k: fc.constant("reconfigure" as const), variant: fc.nat(2) }) },
  {
    weight: 1,
    arbitrary: fc.record({ k: fc.constant("routes" as const), op: fc.constantFrom("add", "clear" as const) }),
  },
);

// --- the driver --------------------------------------------------------------------------------------------

/** Runs one speaker with scripted peers and checks every step's outputs and the invariants after it. */
export class Driver {
  readonly speaker: Speaker;
  now = 1_000_000;
  /** The connection each peer speaks on now (the latest accepted or connected), by peer index. */
  private readonly current = new Map<number, number>();
  private nextIn = 2;
  /** Outgoing connections the speaker asked for and nobody answered yet. */
  private readonly pendingOut: { conn: number; peer: number }[] = [];
  /** Connections closed by either side: nothing may be sent to them or closed again. */
  private readonly closed = new Set<number>();
  /** Connection → negotiated parameters seen on it, to decode what the speaker sends. */
  private readonly negotiated = new Map<number, { neg: Negotiated; ebgp: boolean }>();

  constructor(variant = 0, seed = 1) {
    this.speaker = new Speaker(fuzzConfig(variant), { random: seededRandom(seed), hostname: "fuzz" });
    this.input({ kind: "start" });
  }

  /** Accept a connection from each of `peers` and bring it to Established with valid OPEN and KEEPALIVE. */
  establish(peers: readonly number[] = [0, 1, 2]): void {
    for (const peer of peers) {
      this.step({ k: "accept", peer });
      this.write(peer, CORPUS[peer].messages[0]);
      this.write(peer, KEEPALIVE);
    }
  }

  state(peer: number): string {
    return this.speaker.peers.get(PEERS[peer].address)?.state ?? "absent";
  }

  write(peer: number, bytes: Uint8Array): void {
    const conn = this.current.get(peer);
    if (conn === undefined) return;
    this.input({ kind: "data", conn, bytes });
  }

  step(s: Step): void {
    switch (s.k) {
      case "send": {
        const msgs = CORPUS[s.peer].messages;
        const one = mutate(msgs[s.msg % msgs.length], s.mutation);
        const all = new Uint8Array(one.length * s.copies);
        for (let i = 0; i < s.copies; i++) all.set(one, i * one.length);
        let from = 0;
        for (const cut of [...s.cuts.map((c) => c % (all.length + 1))].sort((a, b) => a - b)) {
          this.write(s.peer, all.subarray(from, Math.max(from, cut)));
          from = Math.max(from, cut);
        }
        this.write(s.peer, all.subarray(from));
        return;
      }
      case "raw":
        return this.write(s.peer, s.bytes);
      case "tick":
        this.now += s.ms;
        return void this.input({ kind: "tick" });
      case "close": {
        const conn = this.current.get(s.peer);
        if (conn === undefined || this.closed.has(conn)) return;
        this.closed.add(conn);
        return void this.input({ kind: "closed", conn, reason: "fuzz" });
      }
      case "accept": {
        const conn = this.nextIn;
        this.nextIn += 2;
        this.current.set(s.peer, conn);
        return void this.input({
          kind: "accepted",
          conn,
          local: { address: LOCAL, port: 179 },
          remote: { address: PEERS[s.peer].address, port: 40000 + conn },
        });
      }
      case "outgoing": {
        const o = this.pendingOut.shift();
        if (!o) return;
        if (!s.up) return void this.input({ kind: "connect-failed", conn: o.conn, reason: "fuzz" });
        this.current.set(o.peer, o.conn);
        return void this.input({ kind: "connected", conn: o.conn, local: { address: LOCAL, port: 50000 } });
      }
      case "drained": {
        const conn = this.current.get(s.peer);
        if (conn !== undefined) this.input({ kind: "drained", conn });
        return;
      }
      case "admin":
        return void this.input({ kind: "admin", neighbor: PEERS[s.peer].address, action: s.action });
      case "reconfigure":
        return void this.input({ kind: "reconfigure", config: fuzzConfig(s.variant) });
      case "routes":
        return void this.input(
          s.op === "clear"
            ? { kind: "routes", source: "api", op: "clear" }
            : {
                kind: "routes",
                source: "api",
                op: "add",
                routes: [route("203.0.113.0/24"), route("10.1.0.0/16")],
              },
        );
    }
  }

  /** Feed one input and check what comes out. Throws (with the input) on any violation. */
  input(input: Input): Output[] {
    this.rememberNegotiated();
    let out: Output[];
    try {
      out = this.speaker.handle(input, this.now);
    } catch (e) {
      throw new Error(`handle(${describe(input)}) threw: ${(e as Error).stack ?? e}`);
    }
    this.rememberNegotiated();
    try {
      this.checkOutputs(out);
      this.checkInvariants();
    } catch (e) {
      throw new Error(`after ${describe(input)}: ${(e as Error).message}`);
    }
    return out;
  }

  private rememberNegotiated(): void {
    for (const p of this.speaker.peers.values())
      for (const c of p.connections)
        if (c.negotiated && !this.negotiated.has(c.id))
          this.negotiated.set(c.id, { neg: c.negotiated, ebgp: p.ebgp });
  }

  private checkOutputs(out: readonly Output[]): void {
    out.forEach((o, i) => {
      if (o.kind === "connect") {
        const peer = PEERS.findIndex((p) => p.address === o.remote.address);
        if (peer < 0 || o.conn % 2 !== 1) throw new Error(`connect to ${o.remote.address} as ${o.conn}`);
        this.pendingOut.push({ conn: o.conn, peer });
        return;
      }
      if (o.kind === "close") {
        if (this.closed.has(o.conn)) throw new Error(`close of connection ${o.conn}, already closed`);
        this.closed.add(o.conn);
        const k = this.pendingOut.findIndex((x) => x.conn === o.conn);
        if (k >= 0) this.pendingOut.splice(k, 1);
        return;
      }
      if (o.kind !== "send") return;
      if (this.closed.has(o.conn)) throw new Error(`send on closed connection ${o.conn}`);
      const types = this.checkSend(o.conn, o.data);
      if (types.includes(MessageType.NOTIFICATION)) {
        const closes = out.slice(i + 1).some((x) => x.kind === "close" && x.conn === o.conn);
        if (!closes) throw new Error(`NOTIFICATION on ${o.conn} without a close after it`);
      }
    });
  }

  /** The message types in one `send`, after checking each decodes cleanly. */
  private checkSend(conn: number, data: Uint8Array): number[] {
    const seen = this.negotiated.get(conn);
    const framer = new MessageFramer();
    framer.maxLength = seen?.neg.maxSendLength ?? 4096;
    const ctx = seen
      ? codecContext({
          as4: seen.neg.as4,
          addPath: seen.neg.addPathSend,
          extendedMessage: seen.neg.maxSendLength > 4096,
          extendedNextHop: seen.neg.extendedNextHopSend,
          ebgp: seen.ebgp,
        })
      : codecContext();
    const types: number[] = [];
    const err = framer.push(data, (type, body) => {
      types.push(type);
      if (type === MessageType.UPDATE && !seen) throw new Error(`UPDATE on ${conn} before negotiation`);
      const r = decodeMessage(type, body, ctx);
      if (!r.ok) throw new Error(`sent message type ${type} does not decode: ${r.error.reason}`);
      const v = r.value;
      if (v.type === MessageType.UPDATE && v.action !== UpdateAction.NONE)
        throw new Error(`sent UPDATE has problems: ${v.problems.map((p) => p.error.reason).join("; ")}`);
    });
    if (err) throw new Error(`sent bytes on ${conn} fail the header check: ${err.reason}`);
    if (framer.buffered !== 0 || types.length === 0) throw new Error(`send on ${conn} is not whole messages`);
    if (data.length > MAX_EXTENDED_MESSAGE_LENGTH * 64) throw new Error("send larger than a batch");
    return types;
  }

  /** RIB and state invariants. */
  checkInvariants(): void {
    const sp = this.speaker;
    const inLoc = new Map<unknown, number>();
    for (const f of sp.locRib.families()) {
      let n = 0;
      for (const d of sp.locRib.table(f).values((f >>> 8) as Afi)) {
        if (d.paths.length === 0) throw new Error("Loc-RIB destination without paths");
        if (d.best !== null && !d.paths.includes(d.best)) throw new Error("best path not among the paths");
        for (const p of d.paths) inLoc.set(p.source, (inLoc.get(p.source) ?? 0) + 1);
        n += d.paths.length;
      }
      if (n !== sp.locRib.pathCount(f))
        throw new Error(`Loc-RIB path count ${sp.locRib.pathCount(f)} != ${n}`);
    }
    for (const p of sp.peers.values()) {
      const accepted = p.ribIn.acceptedCount();
      if ((inLoc.get(p) ?? 0) !== accepted)
        throw new Error(`${p.id}: ${inLoc.get(p) ?? 0} paths in Loc-RIB, ${accepted} accepted in Adj-RIB-In`);
      if ((p.state === "established") !== (p.session !== null))
        throw new Error(`${p.id}: state ${p.state} with session ${p.session?.id ?? "none"}`);
      if (p.session && p.session.state !== "established")
        throw new Error(`${p.id}: session connection in ${p.session.state}`);
      for (const c of p.connections) if (!c.open) throw new Error(`${p.id}: closed connection ${c.id} kept`);
    }
    const wake = sp.nextWake();
    if (wake !== null && !Number.isFinite(wake)) throw new Error(`next wake ${wake}`);
  }
}

function describe(i: Input): string {
  if (i.kind === "data") return `data(conn ${i.conn}, ${i.bytes.length} bytes)`;
  if (i.kind === "reconfigure") return "reconfigure";
  return JSON.stringify(i);
}

// --- the properties ------------------------------------------------------------------------------------------

/** Established sessions with all three peers, then random steps; finally a stop. */
export const afterEstablished = fc.property(
  fc.subarray([0, 1, 2], { minLength: 1 }),
  fc.array(stepArb, { minLength: 1, maxLength: 10 }),
  fc.nat(2),
  (peers, steps, variant) => {
    const d = new Driver(variant);
    d.establish(peers);
    for (const p of peers) if (d.state(p) !== "established") throw new Error(`peer ${p} not established`);
    for (const s of steps) d.step(s);
    d.input({ kind: "stop", gracefulRestart: false });
  },
);

/** Random steps from the first byte (no session set up first): OPEN handling, FSM errors, framing. */
export const fromScratch = fc.property(fc.array(stepArb, { minLength: 1, maxLength: 10 }), (steps) => {
  const d = new Driver();
  d.step({ k: "accept", peer: 0 });
  for (const s of steps) d.step(s);
});

/** Valid messages split at random places give the same Loc-RIB as the same messages delivered whole. */
export const splitAnywhere = fc.property(
  fc.array(fc.integer({ min: 2, max: 11 }), { minLength: 1, maxLength: 8 }),
  fc.array(fc.nat(), { maxLength: 12 }),
  (picks, cuts) => {
    const stream = concat(picks.map((i) => CORPUS[0].messages[i]));
    const whole = new Driver();
    whole.establish([0]);
    whole.write(0, stream);
    const split = new Driver();
    split.establish([0]);
    let from = 0;
    for (const c of cuts.map((x) => x % (stream.length + 1)).sort((a, b) => a - b)) {
      split.write(0, stream.subarray(from, c));
      from = c;
    }
    split.write(0, stream.subarray(from));
    if (split.state(0) !== "established" || whole.state(0) !== "established")
      throw new Error("valid messages ended the session");
    if (ribText(split.speaker) !== ribText(whole.speaker)) throw new Error("split delivery changed the RIB");
  },
);

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return all;
}

function ribText(sp: Speaker): string {
  const rows: string[] = [];
  for (const f of sp.locRib.families())
    for (const d of sp.locRib.table(f).values((f >>> 8) as Afi))
      rows.push(
        `${f}:${[...d.addr].join(".")}/${d.length}:${d.paths.map((p) => `${p.source.id}#${p.pathId}`).join(",")}`,
      );
  return rows.sort().join("\n");
}

/** numRuns per property for a total budget, in the proportions the properties cost. */
export function runsFor(total: number): {
  afterEstablished: number;
  fromScratch: number;
  splitAnywhere: number;
} {
  return {
    afterEstablished: Math.round(total * 0.3),
    fromScratch: Math.round(total * 0.65),
    splitAnywhere: Math.round(total * 0.05),
  };
}

export const PROPERTIES = { afterEstablished, fromScratch, splitAnywhere } as const;
