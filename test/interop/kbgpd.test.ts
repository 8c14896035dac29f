/**
 * kbgpd against each third-party speaker on loopback: the session comes up with kbgpd connecting and with
 * kbgpd only listening, over IPv4 and over IPv6 transport; IPv4 and IPv6 routes cross both ways with their
 * attributes as each side reports them; withdrawals propagate.
 */
import { afterAll, describe, type TestContext, test } from "vitest";
import {
  type BasePeer,
  closeAllLabs,
  createPeer,
  type Family,
  type KbgpdPeer,
  Lab,
  type SpeakerKind,
  waitForRoute,
  waitForWithdrawal,
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

async function pair(
  ctx: TestContext,
  kind: SpeakerKind,
  transport: Family,
  kbgpdPassive: boolean,
): Promise<Pair> {
  const lab = Lab.forTest(ctx);
  const ek = await lab.endpoint(transport);
  const ep = await lab.endpoint(transport);
  const families: Family[] = ["ipv4", "ipv6"];
  const k = createPeer("kbgpd", lab, {
    routerId: "10.255.1.1",
    asn: KBGP_AS,
    ...ek,
    neighbors: [{ ...ep, asn: PEER_AS, families, passive: kbgpdPassive }],
  }) as KbgpdPeer;
  const p = createPeer(kind, lab, {
    routerId: "10.255.1.2",
    asn: PEER_AS,
    ...ep,
    // The peer always connects; with kbgpd passive, its connection is the only one.
    neighbors: [{ ...ek, asn: KBGP_AS, families }],
  });
  await Promise.all([k.start(), p.start()]);
  const kSeesP = transport === "ipv6" ? `[${ep.address}]:${ep.port}` : ep.address;
  const pSeesK = transport === "ipv6" ? `[${ek.address}]:${ek.port}` : ek.address;
  await Promise.all([k.waitEstablished(kSeesP, 45_000), p.waitEstablished(pSeesK, 45_000)]);
  return { k, p, kSeesP, pSeesK };
}

/** `from` announces an IPv4 and an IPv6 route; `to` reports them learned from `from`, with the attributes
 *  an eBGP hop gives them; then the withdrawal arrives. */
async function exchange(
  ctx: TestContext,
  from: BasePeer,
  to: BasePeer,
  toSeesFrom: string,
  tag: number,
): Promise<void> {
  const v4 = `198.51.${100 + tag}.0/24`;
  const v6 = `2001:db8:${tag}::/48`;
  const attrs = {
    med: 10 + tag,
    communities: [`65000:${tag}`],
    largeCommunities: [`65000:${tag}:7`],
    asPath: [64512 + tag],
  };
  await from.announce({ prefix: v4, ...attrs });
  await from.announce({ prefix: v6, ...attrs });
  for (const [prefix, nh] of [
    [v4, from.spec.nextHopV4],
    [v6, from.spec.nextHopV6],
  ] as const) {
    const r = await waitForRoute(to, toSeesFrom, prefix);
    ctx.expect(r, `${to.kind} sees ${prefix} from ${from.kind}`).toMatchObject({
      prefix,
      nextHop: nh,
      asPath: [from.spec.asn, 64512 + tag],
      origin: "igp",
      med: 10 + tag,
      communities: [`65000:${tag}`],
      largeCommunities: [`65000:${tag}:7`],
    });
  }
  await from.withdraw(v4);
  await from.withdraw(v6);
  await waitForWithdrawal(to, toSeesFrom, v4);
  await waitForWithdrawal(to, toSeesFrom, v6);
}

describe.concurrent("kbgpd interoperates", () => {
  for (const kind of ["gobgp", "bird", "frr", "exabgp"] as const) {
    for (const [transport, kbgpdPassive] of [
      ["ipv4", false],
      ["ipv4", true],
      ["ipv6", false],
      ["ipv6", true],
    ] as const) {
      const how = `${transport} transport, kbgpd ${kbgpdPassive ? "passive" : "active"}`;
      test(`with ${kind}: ${how}; IPv4 and IPv6 routes both ways, withdrawals`, {
        timeout: 120_000,
      }, async (ctx) => {
        const { k, p, kSeesP, pSeesK } = await pair(ctx, kind, transport, kbgpdPassive);
        await exchange(ctx, k, p, pSeesK, 1);
        await exchange(ctx, p, k, kSeesP, 2);
      });
    }
  }
});
