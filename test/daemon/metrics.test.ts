/**
 * kbgpd's metrics read from real speakers on the in-memory network: the values match what the speakers hold,
 * series follow neighbors as they come and go, a scrape costs O(peers) whatever the table size, and the
 * Kubernetes sync's registration API behaves as daemon/metrics/k8s.ts documents.
 */
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import type { RouteConfig } from "../../core/config/types.js";
import { Afi, IPV4_UNICAST } from "../../core/wire/index.js";
import { DaemonMetrics, k8sMetrics, ROUTE_RULES } from "../../daemon/metrics/index.js";
import { PEER_STATE_NUMBER, peerAsnLabel, registerSpeakerMetrics } from "../../daemon/metrics/speaker.js";
import { parseSamples, sample, samplesOf } from "../helpers/prom-text.js";
import { state } from "../helpers/rib-view.js";
import { neighbor, route, speakerConfig } from "../helpers/speaker-config.js";
import { VirtualNet } from "../helpers/virtual-net.js";

const A = "10.0.0.1";
const B = "10.0.0.2";

/** `n` distinct IPv4 /24s. */
const routes = (n: number): RouteConfig[] =>
  Array.from({ length: n }, (_, i) => route(`${10 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}.0/24`));

function pair() {
  const net = new VirtualNet();
  net.add("a", A, speakerConfig(65001, A, [neighbor(B, 65002)], [route("192.0.2.0/24")]));
  net.add("b", B, speakerConfig(65002, B, [neighbor(A, "external")], [route("198.51.100.0/24")]));
  net.input(A, { kind: "start" });
  net.input(B, { kind: "start" });
  net.until(() => state(net.speaker(A), B) === "established" && state(net.speaker(B), A) === "established");
  return net;
}

/** A registry holding only the speaker's metrics for `address`. */
function scraper(net: VirtualNet, address: string) {
  const registry = new Registry();
  registerSpeakerMetrics(registry, net.speaker(address));
  return { registry, scrape: async () => parseSamples(await registry.metrics()) };
}

describe("speaker metrics", () => {
  it("show sessions, route counts and messages as the speakers hold them", async () => {
    const net = pair();
    net.input(A, { kind: "routes", source: "api", op: "add", routes: routes(3) });
    net.advance(1000);
    const a = await scraper(net, A).scrape();
    const b = await scraper(net, B).scrape();

    expect(sample(a, "kbgp_peer_up", { peer: B, peer_asn: 65002 })).toBe(1);
    // B configured A as `external`: the AS comes from A's OPEN.
    expect(sample(b, "kbgp_peer_up", { peer: A, peer_asn: 65001 })).toBe(1);
    expect(sample(a, "kbgp_peer_state", { peer: B })).toBe(6);
    expect(sample(a, "kbgp_peer_admin_down", { peer: B })).toBe(0);
    expect(sample(a, "kbgp_peer_flaps_total", { peer: B })).toBe(0);

    const v4 = { family: "ipv4-unicast" };
    const v6 = { family: "ipv6-unicast" };
    expect(sample(a, "kbgp_advertised_routes", { peer: B, ...v4 })).toBe(4);
    expect(sample(a, "kbgp_advertised_routes", { peer: B, ...v6 })).toBe(0);
    expect(sample(b, "kbgp_received_routes", { peer: A, ...v4 })).toBe(4);
    expect(sample(b, "kbgp_accepted_routes", { peer: A, ...v4 })).toBe(4);
    expect(sample(b, "kbgp_received_routes", { peer: A, ...v6 })).toBe(0);
    expect(sample(a, "kbgp_received_routes", { peer: B, ...v4 })).toBe(1);
    // The route guard's count and limit; no prefix limit in these test neighbors.
    expect(sample(b, "kbgp_rib_in_paths", {})).toBe(4);
    expect(sample(b, "kbgp_rib_in_paths_limit", {})).toBe(4_000_000);
    expect(sample(a, "kbgp_peer_max_prefixes", { peer: B })).toBeUndefined();
    expect(sample(a, "kbgp_connections_refused_total", { reason: "unconfigured" })).toBe(0);

    expect(sample(a, "kbgp_local_routes", { source: "config" })).toBe(1);
    expect(sample(a, "kbgp_local_routes", { source: "api" })).toBe(3);
    expect(sample(a, "kbgp_loc_rib_routes", v4)).toBe(5);
    expect(sample(a, "kbgp_loc_rib_paths", v4)).toBe(5);
    expect(sample(b, "kbgp_loc_rib_routes", v4)).toBe(5);
    expect(sample(b, "kbgp_loc_rib_routes", v6)).toBe(0);

    const pa = net.speaker(A).peers.get(B)!;
    expect(sample(a, "kbgp_updates_sent_total", { peer: B })).toBe(pa.sent[2]);
    expect(sample(a, "kbgp_updates_received_total", { peer: B })).toBe(pa.received[2]);
    expect(pa.sent[2]).toBeGreaterThan(0);
    expect(samplesOf(a, "kbgp_notifications_sent_total")).toEqual([]);
  });

  it("follow a session going down: state, flaps and the NOTIFICATION's code and subcode", async () => {
    const net = pair();
    net.input(A, { kind: "admin", neighbor: B, action: "shutdown" });
    net.advance(1000);
    const a = await scraper(net, A).scrape();
    const b = await scraper(net, B).scrape();
    // Cease (6) / Hard Reset (9): with graceful restart's N bit on both sides, an Administrative Shutdown goes
    // out wrapped in a Hard Reset (RFC 8538 §3), and the label shows what was on the wire.
    expect(samplesOf(a, "kbgp_notifications_sent_total")).toEqual([
      [`kbgp_notifications_sent_total{code="6",peer="${B}",subcode="9"}`, 1],
    ]);
    expect(sample(b, "kbgp_notifications_received_total", { peer: A, code: 6, subcode: 9 })).toBe(1);
    expect(sample(a, "kbgp_peer_up", { peer: B, peer_asn: 65002 })).toBe(0);
    expect(sample(a, "kbgp_peer_state", { peer: B })).toBe(PEER_STATE_NUMBER.idle);
    expect(sample(a, "kbgp_peer_admin_down", { peer: B })).toBe(1);
    expect(sample(a, "kbgp_peer_flaps_total", { peer: B })).toBe(1);
    expect(sample(b, "kbgp_peer_flaps_total", { peer: A })).toBe(1);
    expect(sample(b, "kbgp_peer_up", { peer: A, peer_asn: 65001 })).toBe(0);
    expect([2, 3]).toContain(sample(b, "kbgp_peer_state", { peer: A }));
    // Nothing is advertised on a session that is down; what B had from A is gone.
    expect(sample(a, "kbgp_advertised_routes", { peer: B, family: "ipv4-unicast" })).toBe(0);
    expect(sample(b, "kbgp_received_routes", { peer: A, family: "ipv4-unicast" })).toBe(0);

    net.input(A, { kind: "admin", neighbor: B, action: "enable" });
    net.until(() => state(net.speaker(A), B) === "established");
    const again = await scraper(net, A).scrape();
    expect(sample(again, "kbgp_peer_up", { peer: B, peer_asn: 65002 })).toBe(1);
    expect(sample(again, "kbgp_peer_flaps_total", { peer: B })).toBe(1);
  });

  it("drop the series of a neighbor the configuration no longer has", async () => {
    const net = pair();
    const { scrape } = scraper(net, A);
    expect(samplesOf(await scrape(), "kbgp_peer_up")).toHaveLength(1);
    net.input(A, { kind: "reconfigure", config: speakerConfig(65001, A, [], [route("192.0.2.0/24")]) });
    net.advance(1000);
    const s = await scrape();
    for (const name of ["kbgp_peer_up", "kbgp_peer_state", "kbgp_received_routes", "kbgp_updates_sent_total"])
      expect(samplesOf(s, name)).toEqual([]);
    expect(sample(s, "kbgp_local_routes", { source: "config" })).toBe(1);
  });

  it("label an `external` neighbor's AS only once its OPEN has said it", () => {
    const net = new VirtualNet();
    net.add("b", B, speakerConfig(65002, B, [neighbor(A, "external"), neighbor("10.0.0.3", "internal")]));
    net.input(B, { kind: "start" });
    const peers = net.speaker(B).peers;
    expect(peerAsnLabel(peers.get(A)!)).toBe("");
    expect(peerAsnLabel(peers.get("10.0.0.3")!)).toBe("65002");
  });

  it("cost O(peers) per scrape, not O(routes)", async () => {
    const median = async (scrape: () => Promise<unknown>) => {
      for (let i = 0; i < 5; i++) await scrape(); // warm up
      const times: number[] = [];
      for (let i = 0; i < 21; i++) {
        const t = performance.now();
        await scrape();
        times.push(performance.now() - t);
      }
      return times.sort((x, y) => x - y)[10];
    };
    /** Scrape time of both speakers, and the time one walk of A's IPv4 Loc-RIB takes, with `n` routes. */
    const timed = async (n: number) => {
      const net = pair();
      net.input(A, { kind: "routes", source: "api", op: "add", routes: routes(n) });
      net.until(() => net.speaker(B).peers.get(A)!.ribIn.received.get(IPV4_UNICAST) === n + 1, 600_000, 1000);
      const a = scraper(net, A);
      const b = scraper(net, B);
      const samples = parseSamples(await a.registry.metrics());
      expect(sample(samples, "kbgp_advertised_routes", { peer: B, family: "ipv4-unicast" })).toBe(n + 1);
      const rib = net.speaker(A).locRib.table(IPV4_UNICAST);
      const walk = await median(async () => {
        let k = 0;
        for (const _ of rib.values(Afi.IPV4)) k++;
        return k;
      });
      const scrape = (await median(() => a.registry.metrics())) + (await median(() => b.registry.metrics()));
      return { scrape, walk };
    };
    const small = await timed(100);
    const large = await timed(100_000);
    // A scrape that walked the table even once would cost at least that walk on top of the small scrape.
    expect(large.scrape).toBeLessThan(Math.max(small.scrape * 3, large.walk / 2));
  }, 120_000);
});

describe("the daemon's registry", () => {
  it("holds build information, reload status and Node's process metrics beside the speaker's", async () => {
    const net = pair();
    const m = new DaemonMetrics(net.speaker(A), "9.9.9");
    let s = parseSamples(await m.registry.metrics());
    expect(sample(s, "kbgp_build_info", { version: "9.9.9", nodejs_version: process.versions.node })).toBe(1);
    expect(sample(s, "kbgp_config_last_reload_successful")).toBe(1);
    expect(sample(s, "kbgp_config_last_reload_success_timestamp_seconds")).toBeGreaterThan(1.7e9);
    expect(sample(s, "process_resident_memory_bytes")).toBeGreaterThan(0);
    expect(sample(s, "nodejs_eventloop_lag_p99_seconds")).toBeGreaterThanOrEqual(0);
    expect(sample(s, "kbgp_peer_up", { peer: B, peer_asn: 65002 })).toBe(1);
    // No Kubernetes series until the module asks for them.
    expect([...s.keys()].filter((k) => k.startsWith("kbgp_k8s_"))).toEqual([]);
    m.configLoaded(false);
    s = parseSamples(await m.registry.metrics());
    expect(sample(s, "kbgp_config_last_reload_successful")).toBe(0);
  });
});

describe("the Kubernetes sync's metrics", () => {
  it("register once per registry and read the module's state at scrape time", async () => {
    const registry = new Registry();
    const m = k8sMetrics(registry);
    expect(k8sMetrics(registry)).toBe(m);
    let s = parseSamples(await registry.metrics());
    expect(sample(s, "kbgp_k8s_up")).toBe(0);
    for (const rule of ROUTE_RULES) expect(sample(s, "kbgp_k8s_announced_routes", { rule })).toBe(0);
    expect(sample(s, "kbgp_k8s_reconcile_errors_total")).toBe(0);
    expect(sample(s, "kbgp_k8s_sync_duration_seconds_count")).toBe(0);
    expect(sample(s, "kbgp_k8s_last_sync_timestamp_seconds")).toBe(0);

    let announced: [string, number][] = [["loadbalancer-ip", 3]];
    let up = true;
    m.setSource({
      up: () => up,
      announcedRoutes: () => announced as [(typeof ROUTE_RULES)[number], number][],
    });
    const done = m.startSync();
    expect(done()).toBeGreaterThanOrEqual(0);
    m.startSync()();
    m.reconcileError();
    s = parseSamples(await registry.metrics());
    expect(sample(s, "kbgp_k8s_up")).toBe(1);
    expect(sample(s, "kbgp_k8s_announced_routes", { rule: "loadbalancer-ip" })).toBe(3);
    expect(sample(s, "kbgp_k8s_announced_routes", { rule: "pod-cidr" })).toBe(0);
    expect(sample(s, "kbgp_k8s_sync_duration_seconds_count")).toBe(2);
    expect(sample(s, "kbgp_k8s_sync_duration_seconds_bucket", { le: "0.025" })).toBe(2);
    expect(sample(s, "kbgp_k8s_reconcile_errors_total")).toBe(1);
    expect(sample(s, "kbgp_k8s_last_sync_timestamp_seconds")).toBeGreaterThan(1.7e9);

    announced = [["pod-cidr", 1]];
    up = false;
    s = parseSamples(await registry.metrics());
    expect(sample(s, "kbgp_k8s_up")).toBe(0);
    expect(sample(s, "kbgp_k8s_announced_routes", { rule: "loadbalancer-ip" })).toBe(0);
    expect(sample(s, "kbgp_k8s_announced_routes", { rule: "pod-cidr" })).toBe(1);
    m.setSource(null);
    s = parseSamples(await registry.metrics());
    expect(sample(s, "kbgp_k8s_announced_routes", { rule: "pod-cidr" })).toBe(0);
  });
});
