/**
 * RFC 8950 extended next hop between kbgpd and gobgpd, BIRD and FRR: a session over IPv6 transport (::1)
 * that carries only IPv4 unicast, with the capability on both sides (the peer reports it negotiated). IPv4
 * routes cross both ways with an IPv6 next hop (in MP_REACH_NLRI), as each side reports it: kbgpd's Adj-RIB-In
 * and Loc-RIB, kbgpd's Adj-RIB-Out and the peer's view. IPv4 next hops still cross the same session.
 * Withdrawals propagate both ways. (ExaBGP: see README.)
 */
import { isIPv6 } from "node:net";
import { afterAll, describe, type TestContext, test } from "vitest";
import {
  type BasePeer,
  BirdPeer,
  closeAllLabs,
  createPeer,
  FrrPeer,
  GobgpPeer,
  type KbgpdPeer,
  Lab,
  type SpeakerKind,
  waitForRoute,
  waitForWithdrawal,
  waitUntil,
} from "./harness/index.js";

afterAll(closeAllLabs);

const KBGP_AS = 65100;
const PEER_AS = 65200;

interface Pair {
  k: KbgpdPeer;
  p: BasePeer;
  kSeesP: string;
  pSeesK: string;
}

/** kbgpd and `kind` on ::1, IPv4 unicast only, extended next hop on both sides. */
async function pair(ctx: TestContext, kind: SpeakerKind): Promise<Pair> {
  const lab = Lab.forTest(ctx);
  const ek = await lab.endpoint("ipv6");
  const ep = await lab.endpoint("ipv6");
  const k = createPeer("kbgpd", lab, {
    routerId: "10.255.3.1",
    asn: KBGP_AS,
    ...ek,
    neighbors: [{ ...ep, asn: PEER_AS, families: ["ipv4"], extendedNextHop: true }],
  }) as KbgpdPeer;
  const p = createPeer(kind, lab, {
    routerId: "10.255.3.2",
    asn: PEER_AS,
    ...ep,
    neighbors: [{ ...ek, asn: KBGP_AS, families: ["ipv4"], extendedNextHop: true }],
  });
  await Promise.all([k.start(), p.start()]);
  const kSeesP = `[${ep.address}]:${ep.port}`;
  const pSeesK = `[${ek.address}]:${ek.port}`;
  await Promise.all([k.waitEstablished(kSeesP, 45_000), p.waitEstablished(pSeesK, 45_000)]);
  return { k, p, kSeesP, pSeesK };
}

/** A path of kbgpd's Loc-RIB (`rib.list`, docs/api.md), the fields read here. */
interface LocPath {
  from: string;
  best: boolean;
  nextHop: string | null;
}

async function locRib(k: KbgpdPeer, prefix: string): Promise<LocPath[]> {
  const { rows: routes = [] } = await k.call<{ rows?: { prefix: string; paths: LocPath[] }[] }>("rib.list", {
    family: "ipv4-unicast",
  });
  return routes.find((r) => r.prefix === prefix)?.paths ?? [];
}

/** What kbgpd's Adj-RIB-Out towards `neighbor` records as sent for `prefix` (null: nothing). */
async function sent(
  k: KbgpdPeer,
  neighbor: string,
  prefix: string,
): Promise<{ nextHop: string | null; mpReach: boolean } | null> {
  const { rows: routes = [] } = await k.call<{
    rows?: { prefix: string; nextHop: string | null; mpReach: boolean }[];
  }>("rib.list", {
    table: "out",
    neighbor,
    family: "ipv4-unicast",
  });
  return routes.find((r) => r.prefix === prefix) ?? null;
}

/** The peer's own account of the capability: advertised by it and received from kbgpd. */
async function peerNegotiated(p: BasePeer): Promise<boolean> {
  if (p instanceof GobgpPeer) {
    const n = JSON.parse(await p.cli(["neighbor", "::1", "-j"])) as {
      state: { local_cap?: { type_url: string }[]; remote_cap?: { type_url: string }[] };
    };
    const has = (caps?: { type_url: string }[]) =>
      !!caps?.some((c) => c.type_url.endsWith(".ExtendedNexthopCapability"));
    return has(n.state.local_cap) && has(n.state.remote_cap);
  }
  if (p instanceof BirdPeer) {
    // "Local capabilities" and "Neighbor capabilities" each list "Extended next hop / IPv6 nexthop: ipv4".
    const text = await p.birdc("show", "protocols", "all", "kbgp_n0");
    return (text.match(/Extended next hop\n\s+IPv6 nexthop: ipv4\n/g) ?? []).length === 2;
  }
  if (p instanceof FrrPeer) {
    const json = JSON.parse(await p.vtysh("show bgp neighbors ::1 json")) as Record<
      string,
      { neighborCapabilities?: { extendedNexthop?: string } }
    >;
    return json["::1"]?.neighborCapabilities?.extendedNexthop === "advertisedAndReceived";
  }
  throw new Error(`no capability check for ${p.kind}`);
}

describe.concurrent("kbgpd extended next hop (RFC 8950)", () => {
  for (const kind of ["gobgp", "bird", "frr"] as const) {
    test(`with ${kind}: IPv4 routes with IPv6 next hops over ::1, both ways; withdrawal`, {
      timeout: 120_000,
    }, async (ctx) => {
      const { k, p, kSeesP, pSeesK } = await pair(ctx, kind);
      ctx.expect(await peerNegotiated(p), `${kind} reports extended next hop both ways`).toBe(true);
      const fromPeer = "198.51.102.0/24";
      const fromK = "198.51.101.0/24";
      const peerV4 = "198.51.104.0/24";
      const kV4 = "198.51.103.0/24";

      // (a) The peer's IPv4 route, announced with its IPv6 next hop, reaches kbgpd's Adj-RIB-In and Loc-RIB.
      await p.announce({ prefix: fromPeer, nextHop: p.spec.nextHopV6, med: 20, communities: ["65000:2"] });
      const got = await waitForRoute(k, kSeesP, fromPeer);
      ctx.expect(got, `kbgpd sees ${fromPeer} from ${kind}`).toMatchObject({
        prefix: fromPeer,
        nextHop: p.spec.nextHopV6,
        asPath: [PEER_AS],
        origin: "igp",
        med: 20,
        communities: ["65000:2"],
      });
      const best = (await locRib(k, fromPeer)).find((x) => x.best);
      ctx.expect(best, `kbgpd's Loc-RIB best path for ${fromPeer}`).toMatchObject({
        from: "::1",
        nextHop: p.spec.nextHopV6,
      });

      // (b) kbgpd's IPv4 route with an IPv6 next hop: what its Adj-RIB-Out says it sent is what the peer got.
      await k.announce({ prefix: fromK, nextHop: k.spec.nextHopV6, med: 10, communities: ["65000:1"] });
      const out = await waitUntil(`kbgpd to send ${fromK} to ${kind}`, () => sent(k, "::1", fromK), {
        timeoutMs: 20_000,
      });
      ctx.expect(isIPv6(out.nextHop ?? ""), `next hop kbgpd sent: ${out.nextHop}`).toBe(true);
      ctx.expect(out.nextHop).toBe(k.spec.nextHopV6);
      const r = await waitForRoute(p, pSeesK, fromK);
      ctx.expect(r, `${kind} sees ${fromK} from kbgpd`).toMatchObject({
        prefix: fromK,
        nextHop: out.nextHop,
        asPath: [KBGP_AS],
        origin: "igp",
        med: 10,
        communities: ["65000:1"],
      });

      // IPv4 next hops still work on the same session. FRR 8.4 sends every IPv4 route to an extended next hop
      // neighbor with an IPv6 next hop (the harness gives it nextHopV6); BIRD puts the IPv4 next hop in
      // MP_REACH_NLRI, gobgpd in NEXT_HOP. kbgpd sends it in NEXT_HOP (its Adj-RIB-Out says so: mpReach false).
      await p.announce({ prefix: peerV4, nextHop: p.spec.nextHopV4 });
      const v4 = await waitForRoute(k, kSeesP, peerV4);
      ctx
        .expect(v4.nextHop, `kbgpd sees ${peerV4} from ${kind}`)
        .toBe(kind === "frr" ? p.spec.nextHopV6 : p.spec.nextHopV4);
      await k.announce({ prefix: kV4, nextHop: k.spec.nextHopV4 });
      const outV4 = await waitUntil(`kbgpd to send ${kV4} to ${kind}`, () => sent(k, "::1", kV4), {
        timeoutMs: 20_000,
      });
      ctx.expect(outV4).toMatchObject({ nextHop: k.spec.nextHopV4, mpReach: false });
      const rV4 = await waitForRoute(p, pSeesK, kV4);
      ctx.expect(rV4.nextHop, `${kind} sees ${kV4} from kbgpd`).toBe(k.spec.nextHopV4);

      // (c) Withdrawals: the peer's reaches kbgpd's Loc-RIB, kbgpd's reaches the peer.
      await p.withdraw(fromPeer);
      await waitForWithdrawal(k, kSeesP, fromPeer);
      ctx.expect(await locRib(k, fromPeer)).toEqual([]);
      await k.withdraw(fromK);
      await waitForWithdrawal(p, pSeesK, fromK);
      ctx.expect(await sent(k, "::1", fromK)).toBeNull();
    });
  }
});
