/**
 * TTL security (GTSM, RFC 5082) and eBGP multihop between kbgpd and FRR / BIRD, real sockets, real kernel.
 * - On loopback (which does not decrement the TTL: a 255 arrives as 255): kbgpd `ttl-security` with FRR
 *   `ttl-security hops` and with BIRD `ttl security on`, kbgpd connecting and kbgpd accepting; a route crosses.
 * - Across a router, in three network namespaces this file creates (./netns-lab.ts): hops 1 on both sides
 *   never comes up, and the kernel's TcpExtTCPMinTTLDrop counter says why; hops 2 does. eBGP multihop 2
 *   on both sides comes up; FRR sending with TTL 2 to a kbgpd asking for hops 1 does not, dropped by kbgpd's
 *   kernel.
 * Needs kbgpd's native addon, FRR, BIRD and `ip`/`nstat` (iproute2); anything missing fails (never skips).
 */
import { afterAll, beforeAll, describe, expect, type TestContext, test } from "vitest";
import { loadTcpMd5 } from "../../daemon/native/tcp-md5.js";
import { kbgp } from "../helpers/cli.js";
import {
  type BasePeer,
  BirdPeer,
  closeAllLabs,
  counter,
  createHop,
  createPeer,
  FrrPeer,
  type Hop,
  type KbgpdPeer,
  Lab,
  liveNamespaces,
  type NeighborSpec,
  sleep,
  waitForRoute,
  waitUntil,
} from "./harness/index.js";

afterAll(closeAllLabs);

const KBGP_AS = 65120;
const PEER_AS = 65220;

beforeAll(() => {
  const md5 = loadTcpMd5();
  if (!md5.ok) throw new Error(`kbgpd's native addon is required for these tests: ${md5.reason}`);
});

type Side = Partial<Pick<NeighborSpec, "ttlSecurity" | "ebgpMultihop" | "passive">>;

/** kbgpd and one FRR or BIRD on loopback, started. */
async function pair(ctx: TestContext, kind: "frr" | "bird", kb: Side, peer: Side) {
  const lab = Lab.forTest(ctx);
  const ek = await lab.endpoint();
  const ep = await lab.endpoint();
  const k = createPeer("kbgpd", lab, {
    routerId: "10.255.5.1",
    asn: KBGP_AS,
    ...ek,
    neighbors: [{ ...ep, asn: PEER_AS, ...kb }],
  }) as KbgpdPeer;
  const spec = { routerId: "10.255.5.2", asn: PEER_AS, ...ep, neighbors: [{ ...ek, asn: KBGP_AS, ...peer }] };
  const p: BasePeer = kind === "frr" ? new FrrPeer(lab, spec) : new BirdPeer(lab, spec);
  await Promise.all([k.start(), p.start()]);
  return { k, p, kSeesP: ep.address, pSeesK: ek.address };
}

describe("TTL security on loopback", () => {
  for (const kind of ["frr", "bird"] as const) {
    test.concurrent(`${kind}: kbgpd connecting, both with TTL security: Established, a route crosses`, async (ctx) => {
      const { k, p, kSeesP, pSeesK } = await pair(
        ctx,
        kind,
        { ttlSecurity: 1 },
        { ttlSecurity: 1, passive: true },
      );
      await Promise.all([k.waitEstablished(kSeesP, 20_000), p.waitEstablished(pSeesK, 20_000)]);
      await k.announce({ prefix: "203.0.113.0/24" });
      await waitForRoute(p, pSeesK, "203.0.113.0/24");
      const v = await k.call<{ ttlSecurity: unknown; ebgpMultihop: unknown }>("neighbor.get", {
        neighbor: kSeesP,
      });
      expect([v.ttlSecurity, v.ebgpMultihop]).toEqual([1, null]);
      const text = kbgp(["-s", k.socket, "neighbor", kSeesP]).stdout;
      expect(text).toContain("TTL security hops 1 (sends TTL 255, accepts TTL >= 255)");
    });

    // The peer connects: its SYN-ACK comes from kbgpd's listener, which must send with 255 too.
    test.concurrent(`${kind}: kbgpd accepting, both with TTL security: Established, a route crosses`, async (ctx) => {
      const { k, p, kSeesP, pSeesK } = await pair(
        ctx,
        kind,
        { ttlSecurity: 1, passive: true },
        { ttlSecurity: 1 },
      );
      await Promise.all([k.waitEstablished(kSeesP, 20_000), p.waitEstablished(pSeesK, 20_000)]);
      await p.announce({ prefix: "198.51.100.0/24" });
      await waitForRoute(k, kSeesP, "198.51.100.0/24");
    });
  }
});

describe("without the native addon", () => {
  // Never peer without the protection asked for: the session stays Idle(Unavail) with the reason, kbgpd
  // neither connects nor accepts.
  test.concurrent("kbgpd neither connects nor accepts a TTL security neighbor", async (ctx) => {
    const lab = Lab.forTest(ctx);
    const [ek, ef] = [await lab.endpoint(), await lab.endpoint()];
    const k = createPeer("kbgpd", lab, {
      routerId: "10.255.5.1",
      asn: KBGP_AS,
      ...ek,
      neighbors: [{ ...ef, asn: PEER_AS, ttlSecurity: 1 }],
    }) as KbgpdPeer;
    k.extraEnv = { KBGP_TCP_MD5_ADDON: "off" };
    // FRR without TTL security: it connects, and would peer if kbgpd let it.
    const f = new FrrPeer(lab, {
      routerId: "10.255.5.2",
      asn: PEER_AS,
      ...ef,
      neighbors: [{ ...ek, asn: KBGP_AS }],
    });
    await Promise.all([k.start(), f.start()]);
    const reason =
      "ttl-security (RFC 5082) set, but kbgpd's native addon is unavailable: KBGP_TCP_MD5_ADDON=off";
    await waitUntil(
      "kbgpd to refuse FRR's connection",
      () => k.logTail(500).includes(`refused connection from ${ef.address}: ${reason}`),
      { timeoutMs: 15_000, detail: () => k.logTail() },
    );
    expect(await k.call("neighbor.get", { neighbor: ef.address })).toMatchObject({
      state: "idle",
      unavailable: reason,
    });
    expect(await f.sessionState(ek.address)).not.toBe("established");
  });
});

/** kbgpd in A, FRR in B, a router between them: both started. */
async function acrossRouter(ctx: TestContext, kb: Side, frr: Side) {
  const lab = Lab.forTest(ctx);
  const hop = await createHop(lab);
  const port = 179; // the namespaces are ours alone
  const k = createPeer("kbgpd", lab, {
    routerId: "10.255.5.1",
    asn: KBGP_AS,
    address: hop.addressA,
    port,
    neighbors: [{ address: hop.addressB, port, asn: PEER_AS, ...kb }],
  }) as KbgpdPeer;
  const f = new FrrPeer(lab, {
    routerId: "10.255.5.2",
    asn: PEER_AS,
    address: hop.addressB,
    port,
    neighbors: [{ address: hop.addressA, port, asn: KBGP_AS, ...frr }],
  });
  k.netns = hop.a;
  f.netns = hop.b;
  await Promise.all([k.start(), f.start()]);
  return { k, f, hop };
}

/** Neither side reaches Established for `ms` (polled twice a second). */
async function staysDown(k: KbgpdPeer, f: BasePeer, hop: Hop, ms: number): Promise<string[]> {
  const seen = new Set<string>();
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const [ks, fs] = await Promise.all([k.sessionState(hop.addressB), f.sessionState(hop.addressA)]);
    seen.add(`kbgpd ${ks}, frr ${fs}`);
    expect(ks, "kbgpd's session").not.toBe("established");
    expect(fs, "FRR's session").not.toBe("established");
    await sleep(500);
  }
  return [...seen];
}

describe("across a router (network namespaces A — R — B)", () => {
  test.concurrent("TTL security hops 1 on both sides: no session; kbgpd's kernel drops the 254s", async (ctx) => {
    const { k, f, hop } = await acrossRouter(ctx, { ttlSecurity: 1 }, { ttlSecurity: 1 });
    const before = await counter(hop.a, "TcpExtTCPMinTTLDrop");
    await staysDown(k, f, hop, 8000);
    // kbgpd connects every 2 s; FRR's answer arrives with 254 (one router) and is below kbgpd's 255.
    expect(await counter(hop.a, "TcpExtTCPMinTTLDrop")).toBeGreaterThan(before);
  });

  test.concurrent("TTL security hops 2 on both sides: Established, a route crosses", async (ctx) => {
    const { k, f, hop } = await acrossRouter(ctx, { ttlSecurity: 2 }, { ttlSecurity: 2 });
    await Promise.all([k.waitEstablished(hop.addressB, 30_000), f.waitEstablished(hop.addressA, 30_000)]);
    await k.announce({ prefix: "203.0.113.0/24" });
    await waitForRoute(f, hop.addressA, "203.0.113.0/24");
    expect(await counter(hop.a, "TcpExtTCPMinTTLDrop")).toBe(0);
  });

  test.concurrent("eBGP multihop 2 on both sides: Established, a route crosses", async (ctx) => {
    const { k, f, hop } = await acrossRouter(ctx, { ebgpMultihop: 2 }, { ebgpMultihop: 2 });
    await Promise.all([k.waitEstablished(hop.addressB, 30_000), f.waitEstablished(hop.addressA, 30_000)]);
    await f.announce({ prefix: "198.51.100.0/24" });
    await waitForRoute(k, hop.addressB, "198.51.100.0/24");
  });

  // Proves kbgpd sends with the TTL it is given: with the system's 64 this session would come up.
  test.concurrent("kbgpd eBGP multihop 1 to a peer two hops away: no session; R drops kbgpd's packets", async (ctx) => {
    const { k, f, hop } = await acrossRouter(ctx, { ebgpMultihop: 1 }, { ebgpMultihop: 2 });
    const before = await counter(hop.r, "IcmpOutTimeExcds");
    await staysDown(k, f, hop, 8000);
    expect(await counter(hop.r, "IcmpOutTimeExcds")).toBeGreaterThan(before);
  });

  test.concurrent("FRR sending with TTL 2 to kbgpd with TTL security hops 1: no session, kbgpd drops it", async (ctx) => {
    const { k, f, hop } = await acrossRouter(ctx, { ttlSecurity: 1 }, { ebgpMultihop: 2 });
    const before = await counter(hop.a, "TcpExtTCPMinTTLDrop");
    await staysDown(k, f, hop, 8000);
    expect(await counter(hop.a, "TcpExtTCPMinTTLDrop")).toBeGreaterThan(before);
  });
});

afterAll(() => {
  // Every namespace went with its lab.
  expect(liveNamespaces()).toEqual([]);
});
