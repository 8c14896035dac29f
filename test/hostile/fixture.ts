/**
 * One real kbgpd per hostile test file (AS 65001, passive towards every neighbor), a slot — a neighbor
 * address of its own — per hostile session, and a witness: a well-behaved scripted peer established
 * before any hostile input, announcing one route. After each hostile session `intact()` checks that kbgpd
 * still answers and that the witness's session never went down and kept its route.
 */
import { expect } from "vitest";
import { parseIpv4Number } from "../../core/wire/index.js";
import { createPeer, type KbgpdPeer, Lab, waitUntil } from "../interop/harness/index.js";
import { message, type OpenSpec, ScriptPeer, updateBody } from "./script-peer.js";
import { asPath, attrs, nextHop, nlri, ORIGIN_IGP } from "./updates.js";

export const LOCAL_AS = 65001;
export const ROUTER_ID = "10.255.77.1";
export const WITNESS_ROUTE = "198.51.100.0/24";

export interface Slot {
  readonly address: string;
  readonly asn: number;
}

interface NeighborView {
  state: string;
  upSince: number | null;
  establishedTransitions: number;
  accepted: number;
  acceptedByFamily: Record<string, number>;
  lastNotification: { direction: string; code: number; subcode: number } | null;
}

export class HostileLab {
  private next = 1;
  witness!: ScriptPeer;
  private witnessView!: NeighborView;

  private constructor(
    readonly lab: Lab,
    readonly kbgpd: KbgpdPeer,
    readonly host: string,
    readonly port: number,
    readonly slots: Slot[],
  ) {}

  /** kbgpd with `asns.length` hostile slots (slot 0 is the witness, AS 65000). */
  static async start(name: string, asns: readonly number[]): Promise<HostileLab> {
    const lab = Lab.create(name);
    const me = await lab.endpoint();
    const slots: Slot[] = [];
    for (const asn of [65000, ...asns]) slots.push({ address: (await lab.endpoint()).address, asn });
    const kbgpd = createPeer("kbgpd", lab, {
      routerId: ROUTER_ID,
      asn: LOCAL_AS,
      ...me,
      // The port is never used: kbgpd is passive towards every slot.
      neighbors: slots.map((s) => ({
        address: s.address,
        port: 179,
        asn: s.asn,
        passive: true,
        families: ["ipv4", "ipv6"] as ("ipv4" | "ipv6")[],
      })),
    }) as KbgpdPeer;
    const h = new HostileLab(lab, kbgpd, me.address, me.port, slots);
    try {
      await kbgpd.start();
      await h.startWitness();
    } catch (e) {
      console.error(kbgpd.logTail(40));
      await lab.close();
      throw e;
    }
    return h;
  }

  /** The next unused slot with this AS number. */
  slot(asn: number): Slot {
    const i = this.slots.findIndex((s, k) => k >= this.next && s.asn === asn);
    if (i < 0) throw new Error(`no free slot with AS ${asn}`);
    const s = this.slots[i];
    this.slots[i] = { address: "used", asn: -1 };
    return s;
  }

  connect(s: Slot): Promise<ScriptPeer> {
    return ScriptPeer.connect(s.address, this.host, this.port);
  }

  /** A scripted session brought to Established from `s`. */
  async established(s: Slot, open: Partial<OpenSpec> = {}): Promise<ScriptPeer> {
    const p = await this.connect(s);
    await p.handshake({ asn: s.asn, bgpId: bgpIdOf(s.address), ...open });
    await this.waitState(s, "established");
    return p;
  }

  neighbor(s: Slot | string): Promise<NeighborView> {
    return this.kbgpd.call<NeighborView>("neighbor.get", { neighbor: typeof s === "string" ? s : s.address });
  }

  async waitState(s: Slot, state: string, timeoutMs = 5000): Promise<NeighborView> {
    let v: NeighborView | undefined;
    await waitUntil(
      `${s.address} ${state}`,
      async () => {
        v = await this.neighbor(s);
        return v.state === state;
      },
      { timeoutMs, intervalMs: 20, detail: () => `${JSON.stringify(v)}\n${this.kbgpd.logTail(20)}` },
    );
    return v!;
  }

  /** Prefixes kbgpd holds from `s` (Adj-RIB-In, accepted), by family. */
  async routes(s: Slot, family: "ipv4" | "ipv6" = "ipv4"): Promise<RibRow[]> {
    const r = await this.kbgpd.call<{ rows?: RibRow[] }>("rib.list", {
      table: "in",
      neighbor: s.address,
      family: family === "ipv4" ? "ipv4-unicast" : "ipv6-unicast",
    });
    return (r.rows ?? []).filter((x) => x.accepted !== false);
  }

  async prefixes(s: Slot, family: "ipv4" | "ipv6" = "ipv4"): Promise<string[]> {
    return (await this.routes(s, family)).map((r) => r.prefix).sort();
  }

  /** Wait until kbgpd holds exactly `want` from `s`. */
  async waitPrefixes(s: Slot, want: string[], family: "ipv4" | "ipv6" = "ipv4", timeoutMs = 5000) {
    let got: string[] = [];
    const sorted = [...want].sort();
    await waitUntil(
      `${s.address} routes ${sorted.join(" ")}`,
      async () => {
        got = await this.prefixes(s, family);
        return JSON.stringify(got) === JSON.stringify(sorted);
      },
      { timeoutMs, intervalMs: 20, detail: () => `got ${got.join(" ")}\n${this.kbgpd.logTail(20)}` },
    );
  }

  private async startWitness(): Promise<void> {
    const w = this.slots[0];
    this.witness = await this.established(w);
    await this.witness.write(
      message(2, updateBody(attrs(ORIGIN_IGP, asPath([65000]), nextHop("192.0.2.1")), nlri(WITNESS_ROUTE))),
    );
    await this.waitPrefixes(w, [WITNESS_ROUTE]);
    this.witnessView = await this.neighbor(w);
  }

  /** kbgpd answers, and the witness session is the very one established at the start, route and all. */
  async intact(): Promise<void> {
    const v = await this.neighbor(this.slots[0]);
    expect(v.state).toBe("established");
    expect(v.upSince).toBe(this.witnessView.upSince);
    expect(v.establishedTransitions).toBe(this.witnessView.establishedTransitions);
    expect(await this.prefixes(this.slots[0])).toEqual([WITNESS_ROUTE]);
    expect(this.witness.closed).toBe(false);
  }

  async close(): Promise<void> {
    this.witness?.destroy();
    await this.lab.close();
  }
}

export interface RibRow {
  prefix: string;
  accepted?: boolean;
  nextHop: string | null;
  asPath: string;
  med?: number;
  localPref?: number;
  communities: string[];
  largeCommunities: string[];
  atomicAggregate?: boolean;
  aggregator?: unknown;
  originatorId?: string;
  clusterList?: string[];
}

export const bgpIdOf = (address: string): number => parseIpv4Number(address)!;
