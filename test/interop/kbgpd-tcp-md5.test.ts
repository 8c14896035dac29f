/**
 * TCP MD5 signatures (RFC 2385) between kbgpd and BIRD (and gobgpd) on loopback, real sockets and the real kernel:
 * - matching passwords: Established with kbgpd connecting (BIRD passive), and with kbgpd accepting (kbgpd
 *   passive), a route crossing each way;
 * - a wrong password on one side: never Established, both sides keep trying, within a bounded wait;
 * - a password on one side only: the same;
 * - a password added by a reload: the listeners get the key at once and the waiting peer gets in;
 * - with gobgpd (`auth-password`): Established with kbgpd connecting and accepting;
 * - with FRR (`neighbor X password`): matching passwords both ways and over ::1, a route crossing; a wrong
 *   one never comes up, and the kernel's TcpExtTCPMD5* drop counters rise (host-wide, so: rise);
 * - with ExaBGP (`md5-password`): Established.
 * Needs kbgpd's native addon (npm run build:native) and a kernel with CONFIG_TCP_MD5SIG; either missing
 * fails the tests (never skips), as does a missing BIRD, gobgpd, FRR, ExaBGP or nstat.
 */
import { closeSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, type TestContext, test } from "vitest";
import { loadTcpMd5 } from "../../daemon/native/tcp-md5.js";
import {
  type BasePeer,
  BirdPeer,
  closeAllLabs,
  createPeer,
  ExabgpPeer,
  FrrPeer,
  GobgpPeer,
  type KbgpdPeer,
  Lab,
  requireBinary,
  waitForRoute,
} from "./harness/index.js";
import { runOk } from "./harness/proc.js";

afterAll(closeAllLabs);

const KBGP_AS = 65110;
const BIRD_AS = 65210;

beforeAll(() => {
  const md5 = loadTcpMd5();
  if (!md5.ok) throw new Error(`kbgpd's TCP MD5 addon is required for these tests: ${md5.reason}`);
  // A key on a fresh socket proves the kernel has TCP MD5 (CONFIG_TCP_MD5SIG); without it setsockopt fails
  // with ENOPROTOOPT, and these tests must say so rather than pass or skip.
  let fd = -1;
  try {
    fd = md5.addon.socket("127.0.0.1", Buffer.from("probe"), null);
  } catch (e) {
    throw new Error(`this kernel cannot set TCP MD5 keys (CONFIG_TCP_MD5SIG?): ${(e as Error).message}`);
  }
  closeSync(fd);
});

interface Side {
  password?: string;
  passive?: boolean;
}

async function pair(
  ctx: TestContext,
  kb: Side,
  bird: Side,
): Promise<{ k: KbgpdPeer; b: BasePeer; kSeesB: string; bSeesK: string }> {
  const lab = Lab.forTest(ctx);
  const ek = await lab.endpoint();
  const eb = await lab.endpoint();
  const k = createPeer("kbgpd", lab, {
    routerId: "10.255.4.1",
    asn: KBGP_AS,
    ...ek,
    neighbors: [{ ...eb, asn: BIRD_AS, ...kb }],
  }) as KbgpdPeer;
  const b = new BirdPeer(lab, {
    routerId: "10.255.4.2",
    asn: BIRD_AS,
    ...eb,
    neighbors: [{ ...ek, asn: KBGP_AS, ...bird }],
  });
  await Promise.all([k.start(), b.start()]);
  return { k, b, kSeesB: eb.address, bSeesK: ek.address };
}

/** Both sides stay short of Established for `ms` (polled): the kernel drops every unsigned or badly signed
 *  segment, so no OPEN ever arrives. */
async function neverEstablished(k: KbgpdPeer, b: BasePeer, kSeesB: string, bSeesK: string, ms: number) {
  const until = Date.now() + ms;
  const seen = new Set<string>();
  while (Date.now() < until) {
    const [ks, bs] = await Promise.all([k.sessionState(kSeesB), b.sessionState(bSeesK)]);
    seen.add(`kbgpd ${ks}`);
    expect(ks, "kbgpd's session").not.toBe("established");
    expect(bs, "the peer's session").not.toBe("established");
    await new Promise((r) => setTimeout(r, 500));
  }
  // kbgpd kept trying to connect: Connect or Active, never beyond (OpenSent needs a TCP connection).
  expect(
    [...seen].every((s) => /kbgpd (connect|active|idle)/.test(s)),
    [...seen].join(", "),
  ).toBe(true);
}

describe("TCP MD5 (RFC 2385) with BIRD", () => {
  test.concurrent("matching passwords, kbgpd connecting: Established, routes cross", async (ctx) => {
    const { k, b, kSeesB, bSeesK } = await pair(
      ctx,
      { password: "kbgp-md5-secret" },
      { password: "kbgp-md5-secret", passive: true },
    );
    await Promise.all([k.waitEstablished(kSeesB, 20_000), b.waitEstablished(bSeesK, 20_000)]);
    await k.announce({ prefix: "203.0.113.0/24" });
    await waitForRoute(b, bSeesK, "203.0.113.0/24");
    const v = await k.call<{ password: unknown; passive: boolean }>("neighbor.get", { neighbor: kSeesB });
    // The control API says there is a password, never what it is.
    expect(v.password).toBe(true);
    expect(JSON.stringify(v)).not.toContain("kbgp-md5-secret");
    expect(k.logTail(1000)).not.toContain("kbgp-md5-secret");
  });

  test.concurrent("matching passwords, kbgpd accepting: Established, routes cross", async (ctx) => {
    const { k, b, kSeesB, bSeesK } = await pair(
      ctx,
      { password: "another secret, with spaces", passive: true },
      { password: "another secret, with spaces" },
    );
    await Promise.all([k.waitEstablished(kSeesB, 20_000), b.waitEstablished(bSeesK, 20_000)]);
    await b.announce({ prefix: "198.51.100.0/24" });
    await waitForRoute(k, kSeesB, "198.51.100.0/24");
  });

  test.concurrent("a wrong password: never Established", async (ctx) => {
    const { k, b, kSeesB, bSeesK } = await pair(ctx, { password: "right" }, { password: "wrong" });
    await neverEstablished(k, b, kSeesB, bSeesK, 8000);
  });

  test.concurrent("a password added by a reload: the listener gets the key, the session comes up", async (ctx) => {
    // BIRD connects signed; kbgpd (passive) has no key for it, so its kernel drops every SYN.
    const { k, b, kSeesB, bSeesK } = await pair(ctx, { passive: true }, { password: "added-later" });
    await neverEstablished(k, b, kSeesB, bSeesK, 3000);
    k.extra.neighbor = { [kSeesB]: '    password: "added-later"' };
    await k.announce({ prefix: "203.0.113.64/26" }); // rewrites the configuration and reloads it
    await Promise.all([k.waitEstablished(kSeesB, 20_000), b.waitEstablished(bSeesK, 20_000)]);
    await waitForRoute(b, bSeesK, "203.0.113.64/26");
  });

  test.concurrent("a password on kbgpd's side only: never Established", async (ctx) => {
    const { k, b, kSeesB, bSeesK } = await pair(ctx, { password: "only-kbgpd" }, {});
    await neverEstablished(k, b, kSeesB, bSeesK, 8000);
  });
});

describe("TCP MD5 (RFC 2385) with gobgpd", () => {
  test.concurrent("matching passwords: Established with kbgpd connecting and accepting", async (ctx) => {
    const lab = Lab.forTest(ctx);
    const [ek, eg1, eg2] = [await lab.endpoint(), await lab.endpoint(), await lab.endpoint()];
    // Two gobgpd, one passive (kbgpd connects to it), one active (kbgpd accepts it).
    const k = createPeer("kbgpd", lab, {
      routerId: "10.255.4.1",
      asn: KBGP_AS,
      ...ek,
      neighbors: [
        { ...eg1, asn: BIRD_AS, password: "gobgp-one" },
        { ...eg2, asn: BIRD_AS + 1, password: "gobgp-two", passive: true },
      ],
    }) as KbgpdPeer;
    const g1 = new GobgpPeer(lab, {
      routerId: "10.255.4.3",
      asn: BIRD_AS,
      ...eg1,
      neighbors: [{ ...ek, asn: KBGP_AS, password: "gobgp-one", passive: true }],
    });
    const g2 = new GobgpPeer(lab, {
      routerId: "10.255.4.4",
      asn: BIRD_AS + 1,
      ...eg2,
      neighbors: [{ ...ek, asn: KBGP_AS, password: "gobgp-two" }],
    });
    await Promise.all([k.start(), g1.start(), g2.start()]);
    await Promise.all([
      k.waitEstablished(eg1.address, 30_000),
      k.waitEstablished(eg2.address, 30_000),
      g1.waitEstablished(ek.address, 30_000),
      g2.waitEstablished(ek.address, 30_000),
    ]);
  });
});

/** The kernel's TCP MD5 drop counters, host-wide (loopback is the host's): missing, wrong or unexpected. */
async function md5Drops(): Promise<number> {
  const out = await runOk(requireBinary("/usr/bin/nstat", "iproute2"), [
    "-asz",
    "TcpExtTCPMD5Failure",
    "TcpExtTCPMD5NotFound",
    "TcpExtTCPMD5Unexpected",
  ]);
  const names = [...out.matchAll(/^(TcpExtTCPMD5\w+)\s+(\d+)/gm)];
  if (names.length !== 3) throw new Error(`nstat lacks the TCP MD5 counters:\n${out}`);
  return names.reduce((sum, m) => sum + Number(m[2]), 0);
}

/** kbgpd and FRR on loopback (IPv4, or both on ::1), started. */
async function withFrr(ctx: TestContext, kb: Side, frr: Side, family: "ipv4" | "ipv6" = "ipv4") {
  const lab = Lab.forTest(ctx);
  const ek = await lab.endpoint(family);
  const ef = await lab.endpoint(family);
  const k = createPeer("kbgpd", lab, {
    routerId: "10.255.4.1",
    asn: KBGP_AS,
    ...ek,
    neighbors: [{ ...ef, asn: BIRD_AS, ...kb }],
  }) as KbgpdPeer;
  const f = new FrrPeer(lab, {
    routerId: "10.255.4.5",
    asn: BIRD_AS,
    ...ef,
    neighbors: [{ ...ek, asn: KBGP_AS, ...frr }],
  });
  await Promise.all([k.start(), f.start()]);
  // On ::1 only the port tells the two apart.
  const name = (e: { address: string; port: number }) =>
    family === "ipv6" ? `[${e.address}]:${e.port}` : e.address;
  return { k, f, kSeesF: name(ef), fSeesK: name(ek) };
}

describe("TCP MD5 (RFC 2385) with FRR", () => {
  test.concurrent("matching passwords, kbgpd connecting: Established, a route crosses", async (ctx) => {
    const { k, f, kSeesF, fSeesK } = await withFrr(
      ctx,
      { password: "frr-secret" },
      { password: "frr-secret", passive: true },
    );
    await Promise.all([k.waitEstablished(kSeesF, 20_000), f.waitEstablished(fSeesK, 20_000)]);
    await k.announce({ prefix: "203.0.113.0/24" });
    await waitForRoute(f, fSeesK, "203.0.113.0/24");
  });

  test.concurrent("matching passwords, kbgpd accepting: Established, a route crosses", async (ctx) => {
    const { k, f, kSeesF, fSeesK } = await withFrr(
      ctx,
      { password: "frr-other", passive: true },
      { password: "frr-other" },
    );
    await Promise.all([k.waitEstablished(kSeesF, 20_000), f.waitEstablished(fSeesK, 20_000)]);
    await f.announce({ prefix: "198.51.100.0/24" });
    await waitForRoute(k, kSeesF, "198.51.100.0/24");
  });

  test.concurrent("a wrong password: never Established, and the kernel counts the bad signatures", async (ctx) => {
    const before = await md5Drops();
    const { k, f, kSeesF, fSeesK } = await withFrr(ctx, { password: "right" }, { password: "wrong" });
    await neverEstablished(k, f, kSeesF, fSeesK, 6000);
    // Host-wide counters (other tests may add to them): only an increase is certain.
    expect(await md5Drops()).toBeGreaterThan(before);
  });

  test.concurrent("over IPv6 (::1), matching passwords: Established, a route crosses", async (ctx) => {
    const { k, f, kSeesF, fSeesK } = await withFrr(
      ctx,
      { password: "v6-secret" },
      { password: "v6-secret" },
      "ipv6",
    );
    await Promise.all([k.waitEstablished(kSeesF, 20_000), f.waitEstablished(fSeesK, 20_000)]);
    await k.announce({ prefix: "2001:db8:100::/48" });
    await waitForRoute(f, fSeesK, "2001:db8:100::/48");
  });
});

describe("TCP MD5 (RFC 2385) with ExaBGP", () => {
  test.concurrent("matching passwords, kbgpd connecting: Established", async (ctx) => {
    const lab = Lab.forTest(ctx);
    const [ek, ee] = [await lab.endpoint(), await lab.endpoint()];
    const k = createPeer("kbgpd", lab, {
      routerId: "10.255.4.1",
      asn: KBGP_AS,
      ...ek,
      neighbors: [{ ...ee, asn: BIRD_AS, password: "exa-secret" }],
    }) as KbgpdPeer;
    const e = new ExabgpPeer(lab, {
      routerId: "10.255.4.6",
      asn: BIRD_AS,
      ...ee,
      neighbors: [{ ...ek, asn: KBGP_AS, password: "exa-secret", passive: true }],
    });
    await Promise.all([k.start(), e.start()]);
    await Promise.all([k.waitEstablished(ee.address, 30_000), e.waitEstablished(ek.address, 30_000)]);
  });
});
