/**
 * The BGP speaker: `handle(input, now) → outputs`. It owns the peers, their connections and RIBs, and
 * Loc-RIB; the daemon owns sockets and the clock. The session state machine follows RFC 4271 §8 with
 * one TCP connection object per attempt, so that connection collisions (§6.8) are two objects and a
 * comparison. Timers are deadlines (`nextWake()`), so tests step time by hand.
 *
 * Per input, in order: the FSM acts on the input; RIB changes mark destinations dirty in every session
 * that carries their family; then each session not waiting on its socket sends its next batch.
 */
import { maxRoutesOf, type NeighborConfig, type SpeakerConfig } from "../config/types.js";
import { Exporter, type ExportTarget, sourceBlocked } from "../policy/export.js";
import type { RibInTally } from "../rib/adj-rib-in.js";
import { AdjRibOut, OutSlots } from "../rib/adj-rib-out.js";
import type { Destination } from "../rib/loc-rib.js";
import { LocRib } from "../rib/loc-rib.js";
import { AttrInterner } from "../wire/attr-set.js";
import { type Afi, familyKey, familyName, IPV4_UNICAST, MessageType } from "../wire/constants.js";
import {
  type BgpError,
  bgpError,
  CeaseSubcode,
  ErrorCode,
  FsmSubcode,
  UpdateAction,
} from "../wire/errors.js";
import { formatIpv4Number, parseIp } from "../wire/ip.js";
import { KEEPALIVE } from "../wire/keepalive.js";
import { negotiate } from "../wire/negotiate.js";
import { decodeNotification, encodeError, shutdownData } from "../wire/notification.js";
import { notificationName } from "../wire/notification-names.js";
import { decodeOpen, encodeOpen, openAsn } from "../wire/open.js";
import { decodeRouteRefresh, encodeRouteRefresh, RefreshSubtype } from "../wire/route-refresh.js";
import { decodeUpdate } from "../wire/update.js";
import { Connection } from "./connection.js";
import type { SpeakerContext } from "./context.js";
import { Deadlines } from "./deadlines.js";
import type { AdminAction, Input, LogLevel, Output } from "./io.js";
import type { SpeakerObserver } from "./observer.js";
import { checkRemoteOpen, localOpen } from "./open.js";
import { Originator } from "./origination.js";
import { countNotification, Peer, type PeerState } from "./peer.js";
import { applyUpdate, markStale, purgePaths, reimport } from "./rib-in.js";
import { type PumpBudget, pump, send } from "./rib-out.js";
import { SelectionDeferral } from "./selection-deferral.js";

/** RFC 4271 §8.2.2: the hold timer in OpenSent is "a large value"; 4 minutes is suggested. */
const OPEN_HOLD_SECONDS = 240;
/** Destinations reconciled between ticks over all sessions (see `pumpAll`): tens of milliseconds. */
const PUMP_VISITS = 16_384;
/** Incoming connections one neighbor may have waiting for the OPEN exchange at once (a new one replaces
 *  the oldest): one, and a second from a peer that restarted before the first was given up. */
const MAX_WAITING_IN = 2;
/** How many connections one neighbor's address may open per window: well above any reconnect loop's
 *  needs (one a second), far below a flood. */
const MAX_ACCEPTS = 20;
const ACCEPT_WINDOW_MS = 10_000;
const REFUSAL_TEXT = {
  unconfigured: "not a configured neighbor",
  down: "neighbor is down",
  unavailable: "this kbgpd cannot run the session",
  established: "session already established",
} as const;
/** Why a connection is refused, in words: an unavailable neighbor's own reason. */
const refusalText = (p: Peer | undefined, r: keyof typeof REFUSAL_TEXT): string =>
  (r === "unavailable" ? p?.unavailable : null) ?? REFUSAL_TEXT[r];
/** RFC 9687 §4: SendHoldTime, 8 minutes or twice the negotiated hold time if that is longer. */
export const sendHoldSeconds = (holdTime: number): number => Math.max(480, 2 * holdTime);
/** How long the route guard keeps a peer down before it may send its routes again. */
const ROUTE_GUARD_RETRY_SECONDS = 300;
/** Longest wait before reconnecting after repeated failures. */
const MAX_BACKOFF_SECONDS = 120;

export interface SpeakerOptions {
  /** Random numbers in [0, 1) for timer jitter; seeded in tests so runs replay. */
  readonly random?: () => number;
  /** Sent in the FQDN capability. */
  readonly hostname?: string;
  /** This process is a graceful restart of a previous one (RFC 4724 Restart State). */
  readonly restarting?: boolean;
  /**
   * Why a neighbor's session cannot run on this host (a transport setting the daemon cannot give it, such as
   * a TCP MD5 password without the native addon), or null. Such a peer stays Idle with that reason and is
   * never connected to or accepted: peering without the protection its router expects would only fail.
   */
  readonly unavailable?: (n: NeighborConfig) => string | null;
}

export class Speaker implements SpeakerContext {
  global: SpeakerConfig["global"];
  private config: SpeakerConfig;
  readonly locRib = new LocRib();
  /** The sessions' slots in every destination's record of what was sent (`AdjRibOut`). */
  readonly outSlots = new OutSlots();
  readonly interner = new AttrInterner();
  readonly timers = new Deadlines();
  readonly peers = new Map<string, Peer>();
  readonly originator = new Originator(this);
  /** Paths held in all Adj-RIB-Ins together, for the route guard (`global.maxRoutes`). */
  readonly ribInTally: RibInTally = { paths: 0 };
  private readonly conns = new Map<number, Connection>();
  private outputs: Output[] = [];
  private nextConnId = 1;
  private readonly random: () => number;
  private readonly hostname: string;
  private readonly unavailable: (n: NeighborConfig) => string | null;
  /** Our OPENs carry the Restart State bit: set from a graceful restart until selection is done. */
  private restarting: boolean;
  /** After a graceful restart, until the peers' End-of-RIBs are in: nothing is advertised. */
  private deferral: SelectionDeferral | null = null;
  /** Set by a `stop` whose process exits right after: sessions going down leave their routes in place. */
  private exiting = false;
  /** The monitor's observer while anybody subscribes (observer.ts). */
  private observer: SpeakerObserver | null = null;
  now = 0;
  /** What pumping may still reconcile until the next tick, and where it starts (`pumpAll`). */
  private readonly pumpBudget: PumpBudget = { visits: PUMP_VISITS };
  private pumpFrom = 0;

  constructor(config: SpeakerConfig, options: SpeakerOptions = {}) {
    this.config = config;
    this.global = config.global;
    this.random = options.random ?? Math.random;
    this.hostname = options.hostname ?? "";
    this.restarting = options.restarting ?? false;
    this.unavailable = options.unavailable ?? (() => null);
  }

  // --- the interface to the daemon -------------------------------------------------------------------

  handle(input: Input, now: number): Output[] {
    this.now = now;
    this.outputs = [];
    switch (input.kind) {
      case "start":
        this.start();
        break;
      case "tick":
        this.pumpBudget.visits = PUMP_VISITS;
        this.timers.runDue(now);
        break;
      case "accepted":
        this.accepted(input.conn, input.local, input.remote);
        break;
      case "connected":
        this.connected(input.conn, input.local);
        break;
      case "connect-failed":
        this.connectFailed(input.conn, input.reason);
        break;
      case "data":
        this.data(input.conn, input.bytes);
        break;
      case "drained": {
        const c = this.conns.get(input.conn);
        if (!c || c.unwritten === 0) break;
        // Progress: the Send Hold Timer starts over while more is unwritten, and stops when nothing is.
        if (--c.unwritten > 0 && c.state === "established") this.watchSending(c);
        else this.timers.clear(`conn:${c.id}:send-hold`);
        break;
      }
      case "closed":
        this.connClosed(input.conn, input.reason);
        break;
      case "admin":
        this.admin(input.neighbor, input.action, input.message);
        break;
      case "reconfigure":
        this.reconfigure(input.config);
        break;
      case "stop":
        this.stop(input.gracefulRestart, input.message, input.exiting === true);
        break;
      case "routes":
        if (input.op === "remove") this.originator.remove(input.source, input.routes);
        else if (input.op === "clear") this.originator.replace(input.source, []);
        else if (input.op === "add") this.originator.add(input.source, input.routes);
        else this.originator.replace(input.source, input.routes);
        break;
    }
    this.pumpAll();
    return this.outputs;
  }

  /** Attach the monitor's observer, or detach it with null (observer.ts). */
  observe(o: SpeakerObserver | null): void {
    this.observer = o;
    this.locRib.observer = o;
  }

  /** When the speaker next needs a `tick`, or null. */
  nextWake(): number | null {
    return this.timers.next();
  }

  emit(o: Output): void {
    this.outputs.push(o);
  }

  log(level: LogLevel, msg: string, neighbor?: string, data?: Record<string, unknown>): void {
    this.outputs.push({
      kind: "log",
      level,
      msg,
      ...(neighbor ? { neighbor } : {}),
      ...(data ? { data } : {}),
    });
  }

  /** A destination's paths changed: sessions sending several paths see every change, others only a new best. */
  changed(d: Destination): void {
    for (const p of this.peers.values()) {
      const s = p.session;
      if (!s?.ribOut) continue;
      const neg = s.negotiated!;
      if (!neg.families.includes(d.family)) continue;
      if (!d.bestChanged && !neg.addPathSend.has(d.family)) continue;
      // Reconciling would change nothing when none of the destination's paths may go to the peer for where
      // they came from (its own, iBGP-learned to an iBGP peer without reflection, originated for other
      // neighbors) and nothing was sent to it for the prefix. Skipping spares a session a million no-op
      // entries when its peer sends a full table, and 200 iBGP sessions each other's tables. When such a
      // path displaces one that was sent, `holds` is true and the withdrawal goes out as before.
      if (noneFor(d, s.exporter!.target) && !s.ribOut.holds(d)) continue;
      s.ribOut.markDirty(d);
    }
  }

  /**
   * Reconcile what is pending in every session, from a budget of PUMP_VISITS destinations that only a
   * tick refills. A new session's table (or a refresh) is walked in slices: when the budget is spent, a
   * timer due at once brings the next slice after the daemon has served its other events. Inputs between
   * two ticks share one budget, so one turn of the daemon's event loop — where fifty sessions' write
   * callbacks may each bring an input — does one slice, not fifty. The next round starts with the session
   * after the one that spent the budget: a small change to one peer does not wait behind another's table.
   */
  private pumpAll(): void {
    if (this.deferral) return;
    const budget = this.pumpBudget;
    if (budget.visits > 0) {
      const peers = [...this.peers.values()];
      const n = peers.length;
      for (let k = 0; k < n && budget.visits > 0; k++) {
        const i = (this.pumpFrom + k) % n;
        const s = peers[i].session;
        if (s) pump(this, peers[i], s, budget);
        if (budget.visits <= 0) this.pumpFrom = (i + 1) % n;
      }
    }
    if (budget.visits <= 0 && !this.timers.has("pump")) this.timers.set("pump", this.now, () => {});
  }

  // --- lifecycle -----------------------------------------------------------------------------------------

  private start(): void {
    this.originator.replace("config", this.config.routes);
    for (const n of this.config.neighbors) this.addPeer(n);
    if (this.restarting) this.deferSelection();
  }

  /** RFC 4724 §4.1: hold our advertisements until the peers have re-sent their tables, or the timer fires. */
  private deferSelection(): void {
    const d = new SelectionDeferral();
    d.expect(this.peers.values());
    if (d.done) return this.selectionDone("no graceful-restart peers to wait for");
    this.deferral = d;
    const seconds = this.global.gracefulRestart.selectionDeferral;
    this.log(
      "info",
      `graceful restart: advertising nothing until End-of-RIB from ${d.pending().join(", ")} (at most ${seconds}s)`,
    );
    this.timers.set("gr:deferral", this.now + seconds * 1000, () =>
      this.selectionDone(`selection deferral timer expired, still waiting for ${d.pending().join(", ")}`),
    );
  }

  private checkDeferral(): void {
    if (this.deferral?.done) this.selectionDone("End-of-RIB from every graceful-restart peer");
  }

  private selectionDone(why: string): void {
    this.deferral = null;
    this.restarting = false;
    this.timers.clear("gr:deferral");
    this.log("info", `graceful restart: route selection done (${why}); advertising`);
  }

  /** Graceful restart state for status views: whether we are restarting and whom we wait for. */
  restartStatus(): { restarting: boolean; waitingFor: string[] } {
    return { restarting: this.restarting, waitingFor: this.deferral?.pending() ?? [] };
  }

  private addPeer(n: NeighborConfig): void {
    const p = new Peer(n, this.global.asn, this.now, this.locRib, this.ribInTally);
    this.peers.set(n.address, p);
    p.adminDown = n.shutdown;
    p.unavailable = this.unavailable(n);
    this.observer?.neighborChanged(p);
    if (p.unavailable) {
      p.lastError = p.unavailable;
      this.log("warn", `session stays Idle: ${p.unavailable}`, p.id);
    }
    if (!p.adminDown) this.startPeer(p);
  }

  /** RFC 4271 §8.1.2 ManualStart/AutomaticStart: Connect (or Active when passive), connect-retry armed. */
  private startPeer(p: Peer): void {
    // A session up means started already (a restart timer may fire after an operator's reset started it).
    if (p.adminDown || p.prefixLimitDown || p.unavailable || p.session) return;
    this.setState(p, p.config.passive ? "active" : "connect");
    if (!p.config.passive) this.openConnection(p);
    this.armRetry(p, p.config.connectRetry);
  }

  private armRetry(p: Peer, seconds: number): void {
    // RFC 4271 §10: connect-retry jitter.
    this.timers.set(`peer:${p.id}:retry`, this.now + seconds * 1000 * (0.75 + 0.25 * this.random()), () =>
      this.retry(p),
    );
  }

  /** RFC 4271 §8.2.2 ConnectRetryTimer_Expires: abandon a connect that has not answered, try again. */
  private retry(p: Peer): void {
    if (p.session || p.adminDown || p.prefixLimitDown) return;
    const busy = [...p.connections].some((c) => c.state === "opensent" || c.state === "openconfirm");
    if (!busy) {
      for (const c of p.connections)
        if (c.direction === "out" && c.state === "connecting") this.closeConn(c, "connect timed out");
      if (!p.config.passive) this.openConnection(p);
      this.setState(p, p.config.passive ? "active" : "connect");
    }
    this.armRetry(p, p.config.connectRetry);
  }

  private openConnection(p: Peer): void {
    const id = this.nextConnId;
    this.nextConnId += 2;
    const c = new Connection(id, "out", { address: p.config.address, port: p.config.port });
    this.addConn(p, c);
    this.emit({ kind: "connect", conn: id, remote: c.remote, localAddress: p.config.localAddress });
  }

  private addConn(p: Peer, c: Connection): void {
    p.connections.add(c);
    this.conns.set(c.id, c);
    connPeer.set(c, p);
  }

  private peerOf(c: Connection): Peer {
    return connPeer.get(c)!;
  }

  private setState(p: Peer, state: PeerState): void {
    if (p.state === state) return;
    const from = p.state;
    p.state = state;
    this.observer?.neighborChanged(p);
    this.log(
      state === "established" || from === "established" ? "info" : "debug",
      `${from} -> ${state}`,
      p.id,
      { from, to: state },
    );
  }

  // --- connections -----------------------------------------------------------------------------------------

  private findPeer(address: string): Peer | undefined {
    const direct = this.peers.get(address);
    if (direct) return direct;
    const b = parseIp(address);
    if (!b) return undefined;
    for (const p of this.peers.values()) if (sameBytes(p.addressBytes, b)) return p;
    // An IPv4 peer may arrive as an IPv4-mapped IPv6 address on a dual-stack socket.
    if (b.length === 16 && b.subarray(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff) {
      return this.findPeer(`${b[12]}.${b[13]}.${b[14]}.${b[15]}`);
    }
    return undefined;
  }

  /**
   * Why an incoming connection from `address` is refused, or null to take it: not a configured neighbor,
   * down, unable to run here, or already established without graceful restart (RFC 4271 §6.8: the
   * established session wins; RFC 4724 §4.2: with graceful restart a new connection means the peer
   * restarted).
   */
  private refusal(p: Peer | undefined): keyof typeof REFUSAL_TEXT | null {
    if (!p) return "unconfigured";
    if (p.unavailable) return "unavailable";
    if (p.adminDown || p.prefixLimitDown) return "down";
    if (p.session && !p.session.negotiated?.gracefulRestart) return "established";
    return null;
  }

  /** Incoming connections refused since start, by reason (metrics). */
  readonly refused = { unconfigured: 0, down: 0, unavailable: 0, established: 0, rate: 0 };

  /**
   * Screen an incoming connection before it gets any state: the daemon asks this first and closes a refused
   * one at once, so a stranger (or a flood of them) costs one lookup and no session, timer or OPEN. A
   * neighbor's address is taken at most MAX_ACCEPTS times per ACCEPT_WINDOW_MS: each accepted connection
   * costs an OPEN and a timer, and a peer reconnecting in a loop (or someone spoofing it) must not turn that
   * into a flood. Returns why it is refused, or null. Counted in `refused`. Not an input: what it refuses
   * never reaches the speaker, so recordings (which hold inputs) need not see it.
   */
  screen(address: string, now: number): string | null {
    const p = this.findPeer(address);
    const r = this.refusal(p);
    if (r !== null) {
      this.refused[r]++;
      return refusalText(p, r);
    }
    if (now - p!.acceptWindowStart >= ACCEPT_WINDOW_MS) {
      p!.acceptWindowStart = now;
      p!.acceptsInWindow = 0;
    }
    if (++p!.acceptsInWindow <= MAX_ACCEPTS) return null;
    this.refused.rate++;
    return `more than ${MAX_ACCEPTS} connections from it in ${ACCEPT_WINDOW_MS / 1000} s`;
  }

  private accepted(id: number, local: Connection["remote"], remote: Connection["remote"]): void {
    const p = this.findPeer(remote.address);
    const r = this.refusal(p);
    if (r !== null || !p) {
      const why = refusalText(p, r ?? "unconfigured");
      this.log(
        "info",
        `refused connection from ${remote.address}: ${why}`,
        r === "established" ? p!.id : undefined,
      );
      this.emit({ kind: "close", conn: id });
      return;
    }
    // RFC 4724 §4.2: a new connection from a peer with graceful restart means it restarted: the old session
    // is gone.
    if (p.session) this.closeConn(p.session, "peer reconnected (graceful restart)", null, true);
    // Bound what one address can hold open: a peer that restarts leaves half-open connections behind, and a
    // misbehaving one may open many. The newest is the one that can still work; the oldest waiting goes.
    const waiting = [...p.connections].filter((c) => c.direction === "in" && c.state === "opensent");
    if (waiting.length >= MAX_WAITING_IN) {
      this.log("info", "an older incoming connection waiting for OPEN replaced by a newer one", p.id);
      this.closeConn(
        waiting[0],
        "replaced by a newer connection from the peer",
        bgpError(ErrorCode.CEASE, CeaseSubcode.CONNECTION_COLLISION, "replaced by a newer connection"),
      );
    }
    const c = new Connection(id, "in", remote);
    c.local = local;
    this.addConn(p, c);
    this.sendOpen(p, c);
  }

  private connected(id: number, local: Connection["remote"]): void {
    const c = this.conns.get(id);
    if (c?.state !== "connecting") return;
    c.local = local;
    this.sendOpen(this.peerOf(c), c);
  }

  private connectFailed(id: number, reason: string): void {
    const c = this.conns.get(id);
    if (!c) return;
    const p = this.peerOf(c);
    p.lastError = `connect: ${reason}`;
    this.dropConn(c);
    if (p.connections.size === 0 && !p.session) this.setState(p, "active");
  }

  /** TCP connection up: RFC 4271 §8.2.2 Connect/Active → OpenSent. */
  private sendOpen(p: Peer, c: Connection): void {
    const open = localOpen(this.global, p.config, { restarting: this.restarting, hostname: this.hostname });
    c.localOpen = open;
    c.state = "opensent";
    send(
      this,
      p,
      c,
      encodeOpen({
        asn: this.global.asn,
        holdTime: open.holdTime,
        bgpId: open.bgpId,
        capabilities: open.capabilities,
      }),
    );
    this.timers.set(`conn:${c.id}:hold`, this.now + OPEN_HOLD_SECONDS * 1000, () => this.holdExpired(c));
    if (!p.session && p.state !== "openconfirm") this.setState(p, "opensent");
  }

  private data(id: number, bytes: Uint8Array): void {
    const c = this.conns.get(id);
    if (!c?.open) return;
    const err = c.framer.push(bytes, (type, body) => {
      if (c.open) this.message(c, type, body);
    });
    if (err && c.open) this.fail(c, err);
  }

  private connClosed(id: number, reason: string): void {
    const c = this.conns.get(id);
    if (!c?.open) return;
    this.closeConn(c, `connection closed: ${reason}`, null, true, false);
  }

  /** Send a NOTIFICATION for `err` and close (RFC 4271 §6). */
  private fail(c: Connection, err: BgpError): void {
    this.closeConn(
      c,
      `${notificationName(err.code, err.subcode)}: ${err.reason}`,
      this.hardResetIfDue(c, err),
      false,
    );
  }

  /**
   * RFC 8538 §5.1: once both sides set the N bit, a NOTIFICATION alone keeps routes (graceful restart);
   * the Cease reasons that mean "these routes must go" — prefix limit, administrative shutdown, peer
   * de-configured — are therefore sent wrapped in a Hard Reset.
   */
  private hardResetIfDue(c: Connection, err: BgpError): BgpError {
    const flushing: number[] = [
      CeaseSubcode.MAX_PREFIXES,
      CeaseSubcode.OUT_OF_RESOURCES,
      CeaseSubcode.ADMINISTRATIVE_SHUTDOWN,
      CeaseSubcode.PEER_DECONFIGURED,
    ];
    if (err.code !== ErrorCode.CEASE || !flushing.includes(err.subcode)) return err;
    const p = this.peerOf(c);
    if (!p.config.gracefulRestart.enabled || !c.negotiated?.gracefulRestart?.notification) return err;
    const data = new Uint8Array(2 + err.data.length);
    data[0] = err.code;
    data[1] = err.subcode;
    data.set(err.data, 2);
    return bgpError(ErrorCode.CEASE, CeaseSubcode.HARD_RESET, err.reason, data);
  }

  /**
   * Close a connection, first sending `notify` if given. When it carried the session, the session goes
   * down; `graceful` says whether graceful restart may keep the peer's routes (RFC 4724 §4.2, RFC 8538).
   */
  private closeConn(
    c: Connection,
    reason: string,
    notify: BgpError | null = null,
    graceful = false,
    sendClose = true,
  ): void {
    if (!c.open) return;
    const p = this.peerOf(c);
    if (notify) {
      send(this, p, c, encodeError(notify));
      const { code, subcode, data } = notify;
      const inner = code === ErrorCode.CEASE && subcode === CeaseSubcode.HARD_RESET && data.length >= 2;
      const name = `${notificationName(code, subcode)}${inner ? ` (${notificationName(data[0], data[1])})` : ""}`;
      countNotification(p.notificationsSent, code, subcode);
      p.lastNotification = {
        direction: "sent",
        code,
        subcode,
        message: `${name}: ${notify.reason}`,
        at: this.now,
      };
    }
    if (sendClose) this.emit({ kind: "close", conn: c.id });
    const wasSession = p.session === c;
    this.dropConn(c);
    if (wasSession) this.sessionDown(p, c, reason, graceful);
    else if (p.connections.size === 0 && !p.session && !p.adminDown && !p.prefixLimitDown) {
      this.setState(p, "active");
    }
  }

  private dropConn(c: Connection): void {
    c.state = "closed";
    this.conns.delete(c.id);
    c.ribOut?.end();
    this.peerOf(c).connections.delete(c);
    this.timers.clearAll(`conn:${c.id}:`);
  }

  /**
   * RFC 9687: a peer that sends KEEPALIVEs but stops reading would otherwise hold the session, and what we
   * queued for it, forever. When nothing sent has been written for SendHoldTime — 8 minutes, or twice the
   * hold time if longer (§4) — the session is closed with Send Hold Timer Expired. A hold time of 0 gets
   * the 8 minutes too: otherwise a peer could offer 0 to be exempt (only our UPDATEs arm it then).
   */
  watchSending(c: Connection): void {
    const seconds = sendHoldSeconds(c.negotiated?.holdTime ?? 0);
    this.timers.set(`conn:${c.id}:send-hold`, this.now + seconds * 1000, () =>
      this.fail(
        c,
        bgpError(ErrorCode.SEND_HOLD_TIMER_EXPIRED, 0, `nothing sent was written for ${seconds} s`),
      ),
    );
  }

  private holdExpired(c: Connection): void {
    // RFC 4271 §6.5
    this.fail(c, bgpError(ErrorCode.HOLD_TIMER_EXPIRED, 0, "hold timer expired"));
  }

  private armKeepalive(p: Peer, c: Connection): void {
    const hold = c.negotiated!.holdTime;
    if (hold === 0) return;
    // RFC 4271 §4.4: one third of the hold time at most; §10 jitter.
    c.keepaliveSeconds = Math.min(p.config.keepalive || hold / 3, hold / 3);
    const every = c.keepaliveSeconds * 1000 * (0.75 + 0.25 * this.random());
    this.timers.set(`conn:${c.id}:keepalive`, this.now + every, () => {
      if (!c.open) return;
      // Reported written once it is, so a peer that stops reading shows (RFC 9687).
      send(this, p, c, KEEPALIVE, c.state === "established");
      this.armKeepalive(p, c);
    });
  }

  private resetHold(c: Connection): void {
    const hold = c.negotiated?.holdTime ?? OPEN_HOLD_SECONDS;
    if (hold === 0) this.timers.clear(`conn:${c.id}:hold`);
    else this.timers.set(`conn:${c.id}:hold`, this.now + hold * 1000, () => this.holdExpired(c));
  }

  // --- messages ---------------------------------------------------------------------------------------

  private message(c: Connection, type: number, body: Uint8Array): void {
    const p = this.peerOf(c);
    p.received[type]++;
    if (type === MessageType.NOTIFICATION) return this.notification(c, body);
    switch (c.state) {
      case "opensent":
        if (type === MessageType.OPEN) return this.open(c, body);
        return this.fsmError(c, FsmSubcode.UNEXPECTED_IN_OPENSENT, type);
      case "openconfirm":
        if (type === MessageType.KEEPALIVE) return this.establish(c);
        return this.fsmError(c, FsmSubcode.UNEXPECTED_IN_OPENCONFIRM, type);
      case "established":
        this.resetHold(c);
        if (type === MessageType.UPDATE) return this.update(p, c, body);
        if (type === MessageType.ROUTE_REFRESH) return this.routeRefresh(p, c, body);
        if (type === MessageType.KEEPALIVE) return;
        return this.fsmError(c, FsmSubcode.UNEXPECTED_IN_ESTABLISHED, type);
      default:
        return;
    }
  }

  /** RFC 6608: an unexpected message names the state and carries the message type. */
  private fsmError(c: Connection, subcode: number, type: number): void {
    this.fail(
      c,
      bgpError(ErrorCode.FSM, subcode, `unexpected message type ${type} in ${c.state}`, Uint8Array.of(type)),
    );
  }

  private open(c: Connection, body: Uint8Array): void {
    const p = this.peerOf(c);
    const r = decodeOpen(body);
    if (!r.ok) return this.fail(c, r.error);
    const open = r.value;
    const bad = checkRemoteOpen(this.global, p.config, open);
    if (bad) return this.fail(c, bad);
    // RFC 4271 §6.8: with two connections, the one opened by the speaker with the higher BGP Identifier
    // survives; an established session always does.
    for (const other of p.connections) {
      if (other === c || !other.open) continue;
      if (other.state === "established") {
        return this.fail(
          c,
          bgpError(
            ErrorCode.CEASE,
            CeaseSubcode.CONNECTION_COLLISION,
            "collision with the established session",
          ),
        );
      }
      if (other.state === "openconfirm" || (other.state === "opensent" && other.remoteOpen)) {
        // RFC 6286 §2.3: with equal identifiers (possible between ASes), the connection opened by the
        // speaker with the larger AS number survives; comparing identifiers alone, both sides would close
        // their own outgoing connection, and so both connections.
        const keepOurs =
          this.global.routerId === open.bgpId
            ? this.global.asn > openAsn(open)
            : this.global.routerId > open.bgpId;
        const loser = (keepOurs ? c.direction === "in" : c.direction === "out") ? c : other;
        this.fail(
          loser,
          bgpError(ErrorCode.CEASE, CeaseSubcode.CONNECTION_COLLISION, "connection collision"),
        );
        if (loser === c) return;
      }
    }
    c.remoteOpen = open;
    const neg = negotiate(
      c.localOpen!,
      open,
      p.config.peerAs === "external" ||
        (typeof p.config.peerAs === "number" && p.config.peerAs !== this.global.asn),
    );
    c.negotiated = neg;
    c.framer.maxLength = neg.maxReceiveLength;
    p.peerAs = neg.peerAsn;
    p.ebgp = neg.peerAsn !== this.global.asn;
    p.routerId = open.bgpId;
    p.hostname = neg.hostname ?? null;
    c.state = "openconfirm";
    send(this, p, c, KEEPALIVE);
    this.resetHold(c);
    this.armKeepalive(p, c);
    this.setState(p, "openconfirm");
  }

  private establish(c: Connection): void {
    const p = this.peerOf(c);
    const neg = c.negotiated!;
    c.state = "established";
    p.session = c;
    p.upSince = this.now;
    p.establishedCount++;
    p.failures = 0;
    p.disabledFamilies.clear();
    this.timers.clear(`peer:${p.id}:retry`);
    for (const other of [...p.connections]) {
      if (other !== c)
        this.fail(
          other,
          bgpError(ErrorCode.CEASE, CeaseSubcode.CONNECTION_COLLISION, "connection collision"),
        );
    }
    this.setState(p, "established");
    this.log(
      "info",
      `established: AS ${neg.peerAsn}, router ID ${formatIpv4Number(p.routerId)}, ${neg.families.map(familyName).join(" ")}`,
      p.id,
    );
    this.gracefulRestartReturn(p, c);
    const notAwaited = this.deferral?.established(p, c);
    if (notAwaited) this.log("info", `graceful restart: not waiting for End-of-RIB: ${notAwaited}`, p.id);
    this.checkDeferral();
    c.ribOut = new AdjRibOut(this.outSlots);
    c.exporter = new Exporter(this.exportTarget(p, c));
    for (const f of neg.families) c.ribOut.walk(f, this.locRib.table(f).values((f >>> 8) as Afi), false);
  }

  private exportTarget(p: Peer, c: Connection): ExportTarget {
    const neg = c.negotiated!;
    const local = parseIp(c.local?.address ?? "") ?? null;
    const localV4 = local?.length === 4 ? c.local!.address : null;
    // An IPv4 session has no IPv6 address of its own to offer: use the IPv4-mapped form (RFC 4291 §2.5.5.2).
    let selfV6: Uint8Array | null = local?.length === 16 ? local : null;
    if (!selfV6 && local?.length === 4)
      selfV6 = Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...local);
    const n = p.config;
    return {
      id: p.id,
      ebgp: p.ebgp,
      rrClient: n.routeReflectorClient,
      localAs: this.global.asn,
      routerId: this.global.routerId,
      clusterId: this.global.clusterId,
      as4: neg.as4,
      prepend: n.asPathPrepend,
      nextHopSelf: n.nextHopSelf,
      communities: n.communities,
      largeCommunities: n.largeCommunities,
      selfV4: n.nextHopIpv4 ?? localV4,
      selfV6: n.nextHopIpv6 ? parseIp(n.nextHopIpv6) : selfV6,
      extendedNextHopV4: neg.extendedNextHopSend.has(IPV4_UNICAST),
    };
  }

  private update(p: Peer, c: Connection, body: Uint8Array): void {
    const neg = c.negotiated!;
    const u = decodeUpdate(body, neg.receive, this.interner);
    if (u.action === UpdateAction.SESSION_RESET) {
      return this.fail(c, u.problems.find((x) => x.action === UpdateAction.SESSION_RESET)!.error);
    }
    const eor = applyUpdate(this, p, u, neg.families);
    if (eor >= 0) this.endOfRib(p, eor);
    this.checkPrefixLimit(p, c);
    if (c.open) this.checkRouteGuard(p, c);
  }

  private notification(c: Connection, body: Uint8Array): void {
    const p = this.peerOf(c);
    const r = decodeNotification(body);
    const n = r.ok ? r.value : null;
    const code = n?.code ?? 0;
    const subcode = n?.subcode ?? 0;
    const inner = n?.inner ? ` (${notificationName(n.inner.code, n.inner.subcode)})` : "";
    const text = n?.shutdownMessage ? `: "${n.shutdownMessage}"` : "";
    const message = `${notificationName(code, subcode)}${inner}${text}`;
    countNotification(p.notificationsReceived, code, subcode);
    p.lastNotification = { direction: "received", code, subcode, message, at: this.now };
    // RFC 8538 §3.1: with the N bit both ways, only a Hard Reset ends graceful restart.
    const graceful =
      !!c.negotiated?.gracefulRestart?.notification &&
      p.config.gracefulRestart.enabled &&
      !(code === ErrorCode.CEASE && subcode === CeaseSubcode.HARD_RESET);
    this.closeConn(c, `NOTIFICATION received: ${message}`, null, graceful);
  }

  private routeRefresh(p: Peer, c: Connection, body: Uint8Array): void {
    const neg = c.negotiated!;
    const r = decodeRouteRefresh(body, neg.enhancedRouteRefresh);
    if (!r.ok) return this.fail(c, r.error);
    const family = familyKey(r.value.afi, r.value.safi);
    // RFC 2918 §4: a family that was not negotiated is ignored; RFC 7313 §5 unknown subtypes too.
    if (!neg.families.includes(family)) return;
    if (r.value.subtype === RefreshSubtype.NORMAL) {
      this.resendFamily(p, c, family);
    } else if (r.value.subtype === RefreshSubtype.BORR) {
      // RFC 7313 §4: the peer re-sends its table; what it does not re-send by EoRR is gone.
      markStale(p, family);
    } else if (r.value.subtype === RefreshSubtype.EORR) {
      purgePaths(this, p, family, true);
    }
  }

  /** Re-send the whole Adj-RIB-Out for a family (route refresh, soft reset out). */
  private resendFamily(p: Peer, c: Connection, family: number): void {
    if (!c.ribOut) return;
    if (c.negotiated!.enhancedRouteRefresh) {
      send(this, p, c, encodeRouteRefresh(family >>> 8, family & 0xff, RefreshSubtype.BORR));
      c.refreshing.add(family);
    }
    // Not a cleared Adj-RIB-Out: what is no longer to be sent (an export setting changed) is withdrawn.
    c.ribOut.walk(family, this.locRib.table(family).values((family >>> 8) as Afi), true);
  }

  // --- session loss, graceful restart, limits -----------------------------------------------------------

  private sessionDown(p: Peer, c: Connection, reason: string, graceful: boolean): void {
    p.session = null;
    p.upSince = null;
    p.downSince = this.now;
    p.failures++;
    p.lastError = reason;
    p.prefixWarned = false;
    this.log("warn", `session down: ${reason}`, p.id);
    const neg = c.negotiated;
    const gr = neg?.gracefulRestart;
    // RFC 4724 §4.2: as helper, keep the routes of the families in the peer's capability, marked stale,
    // for its restart time.
    if (graceful && gr && gr.restartTime > 0 && p.config.gracefulRestart.enabled) {
      for (const f of neg!.families) {
        if (gr.families.some((x) => familyKey(x.afi, x.safi) === f)) {
          markStale(p, f);
          p.staleFamilies.add(f);
        } else purgePaths(this, p, f, false);
      }
      this.log("info", `graceful restart: keeping routes for up to ${gr.restartTime}s`, p.id);
      this.timers.set(`peer:${p.id}:gr`, this.now + gr.restartTime * 1000, () =>
        this.purgeStale(p, "restart time expired"),
      );
    } else if (!this.exiting) {
      for (const f of p.ribIn.families()) purgePaths(this, p, f, false);
      p.staleFamilies.clear();
    }
    this.setState(p, "idle");
    if (p.adminDown || p.prefixLimitDown) return;
    // Reconnect soon, backing off while sessions keep failing.
    const wait = Math.min(p.config.connectRetry, MAX_BACKOFF_SECONDS, 2 ** Math.min(p.failures - 1, 7));
    this.timers.set(`peer:${p.id}:retry`, this.now + wait * 1000 * (0.75 + 0.25 * this.random()), () =>
      this.startPeer(p),
    );
  }

  /** The peer is back after a graceful restart: drop what it no longer preserves, wait for End-of-RIB. */
  private gracefulRestartReturn(p: Peer, c: Connection): void {
    if (p.staleFamilies.size === 0) return;
    this.timers.clear(`peer:${p.id}:gr`);
    const gr = c.negotiated!.gracefulRestart;
    for (const f of [...p.staleFamilies]) {
      const kept = gr?.families.find((x) => familyKey(x.afi, x.safi) === f);
      // RFC 4724 §4.2: without the F bit for a family, its stale routes go at once.
      if (!kept?.forwarding || !c.negotiated!.families.includes(f)) {
        purgePaths(this, p, f, true);
        p.staleFamilies.delete(f);
      }
    }
    if (p.staleFamilies.size > 0) {
      this.timers.set(`peer:${p.id}:stale`, this.now + p.config.gracefulRestart.staleTime * 1000, () =>
        this.purgeStale(p, "no End-of-RIB in time"),
      );
    }
  }

  private purgeStale(p: Peer, why: string): void {
    let n = 0;
    for (const f of p.staleFamilies) n += purgePaths(this, p, f, true);
    p.staleFamilies.clear();
    this.timers.clear(`peer:${p.id}:stale`);
    if (n > 0) this.log("info", `graceful restart: removed ${n} stale routes (${why})`, p.id);
  }

  private endOfRib(p: Peer, family: number): void {
    this.log("debug", `End-of-RIB received for ${familyName(family)}`, p.id);
    this.deferral?.endOfRib(p, family);
    this.checkDeferral();
    if (!p.staleFamilies.delete(family)) return;
    const n = purgePaths(this, p, family, true);
    this.log("info", `End-of-RIB for ${familyName(family)}: ${n} stale routes removed`, p.id);
    if (p.staleFamilies.size === 0) this.timers.clear(`peer:${p.id}:stale`);
  }

  /**
   * The route guard: past `global.maxRoutes` paths in all Adj-RIB-Ins together, the peer whose UPDATE went
   * past it is closed with Cease / Out of Resources (RFC 4486 §4) and its paths freed; it stays down for
   * ROUTE_GUARD_RETRY_SECONDS, as a prefix limit with restart-after would keep it.
   */
  private checkRouteGuard(p: Peer, c: Connection): void {
    const max = maxRoutesOf(this.global);
    if (max === null || this.ribInTally.paths <= max) return;
    const n = this.ribInTally.paths;
    this.log(
      "error",
      `${n} paths in all Adj-RIB-Ins exceed global max-routes ${max}: closing this session`,
      p.id,
    );
    this.stayDown(p, ROUTE_GUARD_RETRY_SECONDS);
    this.fail(
      c,
      bgpError(ErrorCode.CEASE, CeaseSubcode.OUT_OF_RESOURCES, `${n} paths exceed global max-routes ${max}`),
    );
  }

  /** Keep `p` down (`Idle(PfxCt)`) after a limit closed it; start it again after `seconds`, if not null. */
  private stayDown(p: Peer, seconds: number | null): void {
    p.prefixLimitDown = true;
    this.deferral?.forget(p);
    this.checkDeferral();
    if (seconds === null) return;
    this.timers.set(`peer:${p.id}:prefix-limit`, this.now + seconds * 1000, () => {
      p.prefixLimitDown = false;
      this.startPeer(p);
    });
  }

  /** RFC 4486 §4: past the limit, Cease / Maximum Number of Prefixes Reached, then stay down or retry. */
  private checkPrefixLimit(p: Peer, c: Connection): void {
    const m = p.config.maxPrefix;
    if (!m) return;
    const n = p.ribIn.acceptedCount();
    if (!p.prefixWarned && n >= Math.ceil((m.limit * m.warningPercent) / 100)) {
      p.prefixWarned = true;
      this.log("warn", `${n} prefixes: ${m.warningPercent}% of the limit of ${m.limit} reached`, p.id);
    }
    if (n <= m.limit) return;
    const family = p.config.families[0] ?? IPV4_UNICAST;
    const data = Uint8Array.of(
      0,
      family >>> 8,
      family & 0xff,
      m.limit >>> 24,
      (m.limit >>> 16) & 0xff,
      (m.limit >>> 8) & 0xff,
      m.limit & 0xff,
    );
    this.stayDown(p, m.restartAfter);
    this.fail(
      c,
      bgpError(
        ErrorCode.CEASE,
        CeaseSubcode.MAX_PREFIXES,
        `${n} prefixes exceed the limit of ${m.limit}`,
        data,
      ),
    );
  }

  // --- operators ----------------------------------------------------------------------------------------

  private admin(neighbor: string, action: AdminAction, message = ""): void {
    const p = this.findPeer(neighbor);
    if (!p) {
      this.log("warn", `admin ${action}: no neighbor ${neighbor}`);
      return;
    }
    const cease = (subcode: number) =>
      bgpError(
        ErrorCode.CEASE,
        subcode,
        message || (subcode === CeaseSubcode.ADMINISTRATIVE_SHUTDOWN ? "shutdown" : "reset"),
        message ? shutdownData(message) : undefined,
      );
    switch (action) {
      case "shutdown": {
        // Already idle, the state does not change but Idle becomes Idle(Admin): monitors hear of that too.
        const quiet = p.state === "idle" && !p.adminDown;
        p.adminDown = true;
        this.timers.clearAll(`peer:${p.id}:`);
        for (const c of [...p.connections]) this.fail(c, cease(CeaseSubcode.ADMINISTRATIVE_SHUTDOWN));
        this.setState(p, "idle");
        if (quiet) this.observer?.neighborChanged(p);
        this.deferral?.forget(p);
        this.checkDeferral();
        return;
      }
      case "enable":
        p.adminDown = false;
        p.prefixLimitDown = false;
        this.timers.clear(`peer:${p.id}:prefix-limit`);
        if (p.state === "idle" && !p.session) this.startPeer(p);
        return;
      case "reset":
        p.prefixLimitDown = false;
        this.timers.clear(`peer:${p.id}:prefix-limit`);
        for (const c of [...p.connections]) this.fail(c, cease(CeaseSubcode.ADMINISTRATIVE_RESET));
        this.timers.clear(`peer:${p.id}:retry`);
        this.startPeer(p);
        return;
      case "soft-reset-in":
        return this.softResetIn(p);
      case "soft-reset-out":
        if (p.session) for (const f of p.session.negotiated!.families) this.resendFamily(p, p.session, f);
        return;
    }
  }

  /** Ask the peer for its routes again (RFC 2918); without route refresh, re-apply import policy to the
   *  pre-policy Adj-RIB-In we keep. */
  private softResetIn(p: Peer): void {
    const c = p.session;
    if (!c) return;
    if (c.negotiated!.routeRefresh) {
      for (const f of c.negotiated!.families) send(this, p, c, encodeRouteRefresh(f >>> 8, f & 0xff));
    } else reimport(this, p);
  }

  private stop(gracefulRestart: boolean, message = "", exiting = false): void {
    this.exiting = exiting;
    this.deferral = null;
    this.timers.clear("gr:deferral");
    for (const p of this.peers.values()) {
      this.timers.clearAll(`peer:${p.id}:`);
      for (const c of [...p.connections]) {
        // A graceful restart closes without NOTIFICATION (or with one the peer's N bit tolerates) so the
        // peers keep our routes (RFC 4724 §4.1); otherwise say goodbye.
        if (gracefulRestart) this.closeConn(c, "stopping for a graceful restart");
        else
          this.fail(
            c,
            bgpError(
              ErrorCode.CEASE,
              CeaseSubcode.ADMINISTRATIVE_SHUTDOWN,
              message || "kbgpd stopping",
              message ? shutdownData(message) : undefined,
            ),
          );
      }
      p.adminDown = true;
    }
  }

  // --- configuration ------------------------------------------------------------------------------------

  /** Apply a new configuration: sessions whose settings did not change are not touched. */
  private reconfigure(next: SpeakerConfig): void {
    const old = this.config;
    this.config = next;
    if (next.global.asn !== old.global.asn || next.global.routerId !== old.global.routerId) {
      this.log("warn", "AS number or router ID changed: resetting every session");
      for (const p of [...this.peers.values()]) this.removePeer(p, CeaseSubcode.OTHER_CONFIGURATION_CHANGE);
      this.global = next.global;
      for (const n of next.neighbors) this.addPeer(n);
    } else {
      this.global = next.global;
      const wanted = new Map(next.neighbors.map((n) => [n.address, n]));
      for (const p of [...this.peers.values()])
        if (!wanted.has(p.id)) this.removePeer(p, CeaseSubcode.PEER_DECONFIGURED);
      for (const n of next.neighbors) {
        const p = this.peers.get(n.address);
        if (!p) this.addPeer(n);
        else if (settings(p.config, SESSION_KEYS) !== settings(n, SESSION_KEYS)) {
          this.removePeer(p, CeaseSubcode.OTHER_CONFIGURATION_CHANGE);
          this.addPeer(n);
        } else {
          const exportChanged = settings(p.config, EXPORT_KEYS) !== settings(n, EXPORT_KEYS);
          const importChanged = JSON.stringify(p.config.importReject) !== JSON.stringify(n.importReject);
          const reflection = p.config.routeReflectorClient !== n.routeReflectorClient;
          p.config = n;
          if (importChanged) reimport(this, p);
          if (reflection) this.reflectionChanged(p);
          if (n.shutdown !== p.adminDown) this.admin(n.address, n.shutdown ? "shutdown" : "enable");
          if (p.session && exportChanged) {
            p.session.exporter = new Exporter(this.exportTarget(p, p.session));
            this.admin(n.address, "soft-reset-out");
          }
        }
      }
    }
    this.originator.replace("config", next.routes);
  }

  /**
   * RFC 4456 §6: whether `p`'s routes go to the other iBGP peers depends on whether it is a reflector
   * client. When that changes, each of them reconciles every destination holding one of its paths (its own
   * session is re-sent whole: the setting changes what it is sent too).
   */
  private reflectionChanged(p: Peer): void {
    const others = [...this.peers.values()].filter((o) => o !== p && !o.ebgp && o.session?.ribOut);
    if (others.length === 0) return;
    for (const f of p.ribIn.families()) {
      const sessions = others.filter((o) => o.session!.negotiated!.families.includes(f));
      for (const d of this.locRib.table(f).values((f >>> 8) as Afi)) {
        let held = false;
        for (let i = 0; i < d.count && !held; i++) held = d.at(i).source === p;
        if (held) for (const o of sessions) o.session!.ribOut!.markDirty(d);
      }
    }
  }

  private removePeer(p: Peer, subcode: number): void {
    this.timers.clearAll(`peer:${p.id}:`);
    p.adminDown = true;
    for (const c of [...p.connections])
      this.fail(c, bgpError(ErrorCode.CEASE, subcode, "configuration changed"));
    for (const f of p.ribIn.families()) purgePaths(this, p, f, false);
    this.peers.delete(p.id);
    this.deferral?.forget(p);
    this.checkDeferral();
    this.observer?.neighborRemoved(p);
  }
}

const connPeer = new WeakMap<Connection, Peer>();

/** Whether every path of `d` is one the peer never gets for where it came from (true with no path). */
function noneFor(d: Destination, t: ExportTarget): boolean {
  for (let i = 0; i < d.count; i++) {
    const source = d.at(i).source;
    if (!sourceBlocked(t, source) && (!source.onlyTo || source.onlyTo.has(t.id))) return false;
  }
  return true;
}

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Settings whose change needs a new session. */
const SESSION_KEYS = [
  "address",
  "peerAs",
  "port",
  "localAddress",
  "passive",
  // A new key only applies to new connections (RFC 2385 §4.2: a key changed on a live connection makes it
  // fail); resetting says so at once.
  "password",
  // The TTL sent with and the minimum accepted are set when a socket is made (RFC 5082 §3: on the SYN too).
  "ebgpMultihop",
  "ttlSecurity",
  "holdTime",
  "keepalive",
  "families",
  "gracefulRestart",
  "addPath",
  "extendedNextHop",
  // What this neighbor's routes may reach: a change re-learns them, so every peer's Adj-RIB-Out follows.
  "learnedToEbgp",
] as const satisfies readonly (keyof NeighborConfig)[];

/** Settings whose change needs the table re-sent. */
const EXPORT_KEYS = [
  "nextHopSelf",
  "nextHopIpv4",
  "nextHopIpv6",
  "routeReflectorClient",
  "asPathPrepend",
  "communities",
  "largeCommunities",
] as const satisfies readonly (keyof NeighborConfig)[];

/** Those settings of `n`, in a fixed order, as text to compare. */
const settings = (n: NeighborConfig, keys: readonly (keyof NeighborConfig)[]) =>
  JSON.stringify(keys.map((k) => n[k]));
