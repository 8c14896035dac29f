/**
 * A stand-in kbgpd on a Unix socket for the shell's App tests: the control protocol's methods the shell
 * uses — hello, neighbor.list, neighbor.get (refused), rib.list (a small Loc-RIB: prefix matching, offset,
 * limit, total, rows or cells), monitor.start (topics neighbor, rib and k8s, the k8s snapshot), and the
 * Kubernetes sync's k8s.status, k8s.routes, k8s.enable and k8s.disable (docs/api.md) — with events
 * pushed at will, per topic, each subscription numbered from 1. Without `k8s` it is a kbgpd from before the
 * Kubernetes sync: those methods are "method not found".
 */
import net from "node:net";
import { prefixOrder } from "../../cli/format/address.js";
import type { K8sProblem, K8sRoute, K8sStatus } from "../../cli/shell/k8s-state.js";
import { parseIp } from "../../core/wire/ip.js";
import { attrsText, nextHopText } from "../../daemon/control/attrs-text.js";
import type { destinationView, NeighborView } from "../../daemon/control/views.js";

export type Destination = ReturnType<typeof destinationView>;
export type PathView = Destination["paths"][number];

export function path(from: string, over: Partial<PathView> = {}): PathView {
  return {
    best: true,
    from,
    stale: false,
    pathId: 0,
    since: Date.now() - 65_000,
    nextHop: from,
    asPath: "65002",
    origin: "igp",
    communities: [],
    largeCommunities: [],
    extCommunities: [],
    ...over,
  } as PathView;
}

export function destination(
  prefix: string,
  paths: PathView[],
  reason: Destination["reason"] = "only-path",
): Destination {
  return { prefix, reason, multipath: 1, paths };
}

/** Whether `inner` lies inside `outer` (both `ADDRESS/LENGTH`), the same prefix included. */
function inside(inner: string, outer: string): boolean {
  const [ia, il] = inner.split("/");
  const [oa, ol] = outer.split("/");
  const x = parseIp(ia);
  const y = parseIp(oa);
  if (!x || !y || x.length !== y.length || Number(il) < Number(ol)) return false;
  for (let bit = 0; bit < Number(ol); bit++) {
    const m = 0x80 >> (bit & 7);
    if ((x[bit >> 3] & m) !== (y[bit >> 3] & m)) return false;
  }
  return true;
}

export function k8sStatus(over: Partial<K8sStatus> = {}): K8sStatus {
  return {
    configured: true,
    enabled: true,
    state: "synced",
    node: "worker-1",
    server: "https://10.96.0.1:443",
    since: Date.now() - 300_000,
    lastSync: Date.now() - 3_000,
    objects: { services: 12, endpointSlices: 14, nodes: 3, pods: 40, namespaces: 5 },
    routes: 2,
    peering: { peers: 0, asn: null, routeReflector: null, listenAddresses: null, importReject: 0 },
    problems: 0,
    drained: [],
    drainAction: "withdrawn",
    lastError: null,
    errors: [],
    ...over,
  };
}

export function k8sRoute(prefix: string, name: string, over: Partial<K8sRoute> = {}): K8sRoute {
  return {
    prefix,
    rule: "loadbalancer-ip",
    sources: [{ kind: "Service", namespace: "default", name }],
    reason: "ready endpoint on this node",
    nextHop: "self",
    asPath: "",
    localPref: null,
    communities: [],
    largeCommunities: [],
    attributes: "",
    ...over,
  };
}

export interface FakeK8s {
  status: K8sStatus;
  routes: K8sRoute[];
  problems: K8sProblem[];
}

type Request = { id: number; method: string; params: Record<string, unknown> };

export class FakeKbgpd {
  private server: net.Server | null = null;
  private readonly conns = new Set<net.Socket>();
  /** Per topic, the connections subscribed and their subscription's request id and next seq. */
  private readonly monitors = new Map<string, Map<net.Socket, { id: number; seq: number }>>();
  readonly asked: string[] = [];
  readonly requests: Request[] = [];
  /** neighbor.list answers kept back (as they were when asked) until `release`. */
  private held: { c: net.Socket; text: string }[] | null = null;
  /** k8s.routes answers kept back until `releaseK8sRoutes`. */
  private heldK8s: (() => void)[] | null = null;

  constructor(
    readonly path: string,
    public neighbors: NeighborView[],
    public rib: Destination[] = [],
    public k8s: FakeK8s | null = null,
  ) {}

  start(): Promise<void> {
    this.server = net.createServer((c) => {
      this.conns.add(c);
      c.on("close", () => {
        this.conns.delete(c);
        for (const m of this.monitors.values()) m.delete(c);
      });
      c.on("error", () => {});
      let buf = "";
      c.setEncoding("utf8").on("data", (d: string) => {
        buf += d;
        for (let nl = buf.indexOf("\n"); nl >= 0; nl = buf.indexOf("\n")) {
          this.answer(c, JSON.parse(buf.slice(0, nl)));
          buf = buf.slice(nl + 1);
        }
      });
    });
    return new Promise((resolve) => this.server!.listen(this.path, resolve));
  }

  private answer(c: net.Socket, m: Request) {
    this.asked.push(m.method);
    this.requests.push(m);
    const send = (o: object) => c.write(`${JSON.stringify({ jsonrpc: "2.0", ...o })}\n`);
    const error = (code: number, message: string) => send({ id: m.id, error: { code, message } });
    switch (m.method) {
      case "session.hello":
        return send({ id: m.id, result: { version: "9.9.9" } });
      case "neighbor.list": {
        const answer = { jsonrpc: "2.0", id: m.id, result: { neighbors: this.neighbors } };
        if (this.held) return this.held.push({ c, text: `${JSON.stringify(answer)}\n` });
        return send(answer);
      }
      case "monitor.start": {
        const topic = m.params.topic as string;
        if (topic === "k8s" && !this.k8s) return error(-32602, "topic: expected rib, adj-in or neighbor");
        const subs = this.monitors.get(topic) ?? new Map();
        this.monitors.set(topic, subs);
        subs.set(c, { id: m.id, seq: 1 });
        if (topic === "k8s" && m.params.current && this.k8s) {
          send({
            method: "rows",
            params: { id: m.id, rows: [{ kind: "k8s-status", status: this.k8s.status }] },
          });
          return send({ id: m.id, result: { snapshot: 1 } });
        }
        return send({ id: m.id, result: { snapshot: 0 } });
      }
      case "rib.list":
        return this.ribList(m, send);
      case "k8s.status":
      case "k8s.routes":
      case "k8s.enable":
      case "k8s.disable":
        return this.k8sMethod(m, send, error);
      default:
        return error(-32602, `no ${m.method} here`);
    }
  }

  private ribList(m: Request, send: (o: object) => void) {
    const p = m.params as {
      family?: string;
      prefix?: string;
      match?: string;
      offset?: number;
      limit?: number;
      form?: string;
    };
    const family =
      (p.family ?? (p.prefix?.includes(":") ? "ipv6-unicast" : "ipv4-unicast")) === "ipv6-unicast";
    let rows = this.rib.filter((d) => d.prefix.includes(":") === family);
    if (p.prefix) {
      const q = p.prefix.includes("/") ? p.prefix : `${p.prefix}/${family ? 128 : 32}`;
      const match = p.match ?? (p.prefix.includes("/") ? "exact" : "best");
      rows = rows.filter((d) =>
        match === "exact" ? d.prefix === q : match === "longer" ? inside(d.prefix, q) : inside(q, d.prefix),
      );
    }
    const total = rows.length;
    rows = rows.slice(p.offset ?? 0, (p.offset ?? 0) + (p.limit ?? rows.length));
    const out =
      p.form === "cells"
        ? rows.map((d) =>
            d.paths.map((x) => [
              x.best ? "*>" : "* ",
              d.prefix,
              nextHopText(x, d.prefix.includes(":")),
              x.asPath,
              x.since,
              attrsText(x),
            ]),
          )
        : rows;
    for (let i = 0; i < out.length; i += 100)
      send({ method: "rows", params: { id: m.id, rows: out.slice(i, i + 100) } });
    send({ id: m.id, result: { count: out.length, total } });
  }

  private k8sMethod(m: Request, send: (o: object) => void, error: (code: number, message: string) => void) {
    const k = this.k8s;
    if (!k) return error(-32601, `method not found: ${m.method}`);
    if (m.method === "k8s.status") return send({ id: m.id, result: k.status });
    if (m.method === "k8s.routes") {
      const answer = () => send({ id: m.id, result: { routes: k.routes, problems: k.problems } });
      if (this.heldK8s) return this.heldK8s.push(answer);
      return answer();
    }
    if (!k.status.configured) return error(-32602, "no kubernetes section in the configuration");
    const on = m.method === "k8s.enable";
    if (!on) {
      for (const route of k.routes)
        this.pushTo("k8s", { kind: "k8s-route", op: "withdraw", route, at: Date.now() });
      k.routes = [];
    }
    k.status = { ...k.status, enabled: on, state: on ? "synced" : "off", routes: k.routes.length };
    this.pushTo("k8s", { kind: "k8s-status", status: k.status, at: Date.now() });
    send({ id: m.id, result: k.status });
  }

  /** Keep neighbor.list answers back from now on. */
  hold(): void {
    this.held = [];
  }

  /** Send the answers kept back, and `event` in the same write, right after them; answer at once again. */
  release(event: object): void {
    const held = this.held ?? [];
    this.held = null;
    for (const { c, text } of held) c.write(text + this.monitorLine("neighbor", c, event));
  }

  /** Keep k8s.routes answers back until `releaseK8sRoutes`. */
  holdK8sRoutes(): void {
    this.heldK8s = [];
  }

  releaseK8sRoutes(): void {
    const held = this.heldK8s ?? [];
    this.heldK8s = null;
    for (const answer of held) answer();
  }

  private monitorLine(topic: string, c: net.Socket, event: object): string {
    const sub = this.monitors.get(topic)?.get(c) ?? { id: 1, seq: 1 };
    const line = `${JSON.stringify({ jsonrpc: "2.0", method: "monitor", params: { id: sub.id, seq: sub.seq, ...event } })}\n`;
    sub.seq++;
    return line;
  }

  /** A neighbor event to the neighbor topic's subscribers. */
  push(event: object): void {
    this.pushTo("neighbor", event);
  }

  pushTo(topic: string, event: object): void {
    for (const c of this.monitors.get(topic)?.keys() ?? []) c.write(this.monitorLine(topic, c, event));
  }

  /** Whether someone follows `topic`. */
  subscribed(topic: string): boolean {
    return (this.monitors.get(topic)?.size ?? 0) > 0;
  }

  /**
   * `n` route events to the rib topic's subscribers, as fast as the socket takes them (a full table coming
   * or going): `route` events for 10.{i>>16}.{i>>8}.{i}/32-like prefixes, the last one `last`. Resolves once
   * all are written.
   */
  async burst(n: number, kind: "route" | "withdraw" = "route"): Promise<void> {
    const subs = [...(this.monitors.get("rib")?.keys() ?? [])];
    const at = Date.now();
    const CHUNK = 5000;
    for (let from = 0; from < n; from += CHUNK) {
      const to = Math.min(n, from + CHUNK);
      for (const c of subs) {
        let text = "";
        for (let i = from; i < to; i++) {
          const prefix = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}/32`;
          text += this.monitorLine("rib", c, {
            kind,
            family: "ipv4-unicast",
            prefix,
            path: { ...path("127.0.0.2"), best: undefined },
            at,
          });
        }
        if (!c.write(text)) await new Promise((r) => c.once("drain", r));
      }
    }
  }

  /** The RIB in prefix order (what tests compare with). */
  sortRib(): void {
    this.rib.sort((a, b) => prefixOrder(a.prefix, b.prefix));
  }

  stop(): Promise<void> {
    for (const c of this.conns) c.destroy();
    this.monitors.clear();
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
