/** Proves the interop harness by peering the third-party speakers with each other over loopback: session
 *  up, an IPv4 and an IPv6 route each way with their attributes, withdrawal. Every test has its own lab
 *  (directory, addresses, ports), so the tests run concurrently. A missing peer binary fails the test. */
import { afterAll, describe, type TestContext, test } from "vitest";
import {
  type BasePeer,
  closeAllLabs,
  createPeer,
  type Family,
  Lab,
  requireBinary,
  type SpeakerKind,
  waitForRoute,
  waitForWithdrawal,
  waitUntil,
} from "./harness/index.js";

afterAll(closeAllLabs);

test("a missing peer binary fails the test loudly instead of skipping it", ({ expect }) => {
  expect(() => requireBinary("/nonexistent/gobgpd", "gobgpd")).toThrow(/install the Debian package 'gobgpd'/);
});

const AS_A = 65001;
const AS_B = 65002;

interface Pair {
  a: BasePeer;
  b: BasePeer;
  /** How each side names the other. */
  aSeesB: string;
  bSeesA: string;
}

async function startPair(
  ctx: TestContext,
  kinds: [SpeakerKind, SpeakerKind],
  transport: Family,
  families: Family[],
): Promise<Pair> {
  const lab = Lab.forTest(ctx);
  const ea = await lab.endpoint(transport);
  const eb = await lab.endpoint(transport);
  const a = createPeer(kinds[0], lab, {
    routerId: "10.255.0.1",
    asn: AS_A,
    ...ea,
    neighbors: [{ ...eb, asn: AS_B, families }],
  });
  const b = createPeer(kinds[1], lab, {
    routerId: "10.255.0.2",
    asn: AS_B,
    ...eb,
    neighbors: [{ ...ea, asn: AS_A, families }],
  });
  await Promise.all([a.start(), b.start()]);
  const aSeesB = transport === "ipv6" ? `[${eb.address}]:${eb.port}` : eb.address;
  const bSeesA = transport === "ipv6" ? `[${ea.address}]:${ea.port}` : ea.address;
  await Promise.all([a.waitEstablished(aSeesB), b.waitEstablished(bSeesA)]);
  ctx.expect(await a.sessionState(aSeesB)).toBe("established");
  ctx.expect(await b.sessionState(bSeesA)).toBe("established");
  return { a, b, aSeesB, bSeesA };
}

/** `from` announces one route per family with MED, communities and an origin AS_PATH; `to` must report
 *  them with `from`'s AS prepended and `from`'s next hop; then the withdrawal must reach `to`. */
async function routesCross(
  ctx: TestContext,
  from: BasePeer,
  to: BasePeer,
  toSeesFrom: string,
  prefixes: Partial<Record<Family, string>>,
  tag: number,
): Promise<void> {
  const { expect } = ctx;
  const announced = Object.entries(prefixes) as [Family, string][];
  for (const [family, prefix] of announced) {
    await from.announce({
      prefix,
      asPath: [64_512 + tag],
      origin: "igp",
      med: 100 + tag,
      communities: ["64496:65535", `${from.spec.asn}:${tag}`],
      largeCommunities: [`${from.spec.asn}:${tag}:${family === "ipv4" ? 4 : 6}`],
    });
  }
  for (const [family, prefix] of announced) {
    const r = await waitForRoute(to, toSeesFrom, prefix);
    expect(r).toMatchObject({
      prefix,
      nextHop: family === "ipv4" ? from.spec.nextHopV4 : from.spec.nextHopV6,
      asPath: [from.spec.asn, 64_512 + tag],
      origin: "igp",
      med: 100 + tag,
      communities: ["64496:65535", `${from.spec.asn}:${tag}`],
      largeCommunities: [`${from.spec.asn}:${tag}:${family === "ipv4" ? 4 : 6}`],
    });
  }
  for (const [, prefix] of announced) await from.withdraw(prefix);
  for (const [, prefix] of announced) await waitForWithdrawal(to, toSeesFrom, prefix);
}

const PAIRS: [SpeakerKind, SpeakerKind][] = [
  ["gobgp", "bird"],
  ["gobgp", "frr"],
  ["bird", "frr"],
  ["exabgp", "gobgp"],
];

describe.concurrent("third-party speakers peer with each other over IPv4 loopback", () => {
  for (const kinds of PAIRS) {
    test(`${kinds[0]} <-> ${kinds[1]}: Established, IPv4 and IPv6 routes both ways, withdrawals`, async (ctx) => {
      const { a, b, aSeesB, bSeesA } = await startPair(ctx, kinds, "ipv4", ["ipv4", "ipv6"]);
      await routesCross(ctx, a, b, bSeesA, { ipv4: "203.0.113.0/24", ipv6: "2001:db8:a::/48" }, 1);
      await routesCross(ctx, b, a, aSeesB, { ipv4: "198.51.100.0/24", ipv6: "2001:db8:b::/48" }, 2);
    });
  }

  test("gobgp <-> bird over ::1: Established, IPv6 and IPv4 routes, withdrawals", async (ctx) => {
    const { a, b, aSeesB, bSeesA } = await startPair(ctx, ["gobgp", "bird"], "ipv6", ["ipv6", "ipv4"]);
    await routesCross(ctx, a, b, bSeesA, { ipv6: "2001:db8:c::/48", ipv4: "203.0.113.0/24" }, 3);
    await routesCross(ctx, b, a, aSeesB, { ipv6: "2001:db8:d::/48" }, 4);
  });
});

/** Partner of each speaker in the option test. Not FRR: as a Graceful Restart helper FRR 8.4 stops
 *  connecting to a peer that went down and waits for it to come back on its own (or for the restart timer),
 *  so a passive restarting speaker would never be reached. GoBGP 3 waits 5-10 s before each outgoing
 *  connection, so it is a partner only where nothing faster fits (BIRD must not peer with itself here). */
const OPTION_PARTNER: Record<SpeakerKind, SpeakerKind> = {
  gobgp: "bird",
  bird: "gobgp",
  frr: "bird",
  exabgp: "bird",
  kbgpd: "bird",
};

describe.concurrent("every speaker takes the neighbor options", () => {
  for (const kind of ["gobgp", "bird", "frr", "exabgp"] as const) {
    const extra = kind === "exabgp" ? "" : ", max-prefix, route-reflector client";
    test(`${kind}: iBGP, passive, hold 9, graceful restart, ADD-PATH${extra}; SIGKILL and restart`, {
      timeout: 90_000,
    }, async (ctx) => {
      const { expect } = ctx;
      const lab = Lab.forTest(ctx);
      const ex = await lab.endpoint();
      const ep = await lab.endpoint();
      const families: Family[] = ["ipv4", "ipv6"];
      const common = { asn: 65100, families, hold: 9, gracefulRestart: { restartTime: 60 }, addPath: true };
      const x = createPeer(kind, lab, {
        routerId: "10.255.0.1",
        asn: 65100,
        ...ex,
        neighbors: [
          {
            ...ep,
            ...common,
            passive: true,
            ...(kind === "exabgp" ? {} : { maxPrefix: 100, routeReflectorClient: true }),
          },
        ],
      });
      const p = createPeer(OPTION_PARTNER[kind], lab, {
        routerId: "10.255.0.2",
        asn: 65100,
        ...ep,
        neighbors: [{ ...ex, ...common }],
      });
      // Announced before start(): part of the configuration the speaker starts with.
      await x.announce({ prefix: "203.0.113.0/24", localPref: 200, asPath: [64500], med: 5 });
      await Promise.all([x.start(), p.start()]);
      await Promise.all([x.waitEstablished(ep.address), p.waitEstablished(ex.address)]);

      // iBGP: no AS prepended, LOCAL_PREF carried, next hop = x's own.
      expect(await waitForRoute(p, ex.address, "203.0.113.0/24")).toMatchObject({
        nextHop: x.spec.nextHopV4,
        asPath: [64500],
        localPref: 200,
        med: 5,
      });
      await p.announce({ prefix: "2001:db8:e::/48", localPref: 300 });
      expect(await waitForRoute(x, ep.address, "2001:db8:e::/48")).toMatchObject({
        nextHop: p.spec.nextHopV6,
        asPath: [],
        localPref: 300,
      });
      if (kind !== "exabgp") {
        expect((await x.rib("ipv6")).map((r) => r.prefix)).toContain("2001:db8:e::/48");
        expect((await x.rib("ipv4")).map((r) => r.prefix)).toContain("203.0.113.0/24");
      } else {
        await expect(x.rib("ipv4")).rejects.toThrow(/not supported/);
      }

      // SIGKILL: no NOTIFICATION; the partner, a Graceful Restart helper, keeps x's route while x is away.
      await x.kill();
      await waitUntil(
        "the partner to see the session drop",
        async () => (await p.sessionState(ex.address)) !== "established",
        {
          timeoutMs: 15_000,
        },
      );
      expect((await p.received(ex.address, "ipv4")).map((r) => r.prefix)).toContain("203.0.113.0/24");
      await x.start();
      await Promise.all([x.waitEstablished(ep.address), p.waitEstablished(ex.address)]);
      await waitForRoute(p, ex.address, "203.0.113.0/24");
      await waitForRoute(x, ep.address, "2001:db8:e::/48");
    });
  }
});
