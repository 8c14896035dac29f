/**
 * eBGP multihop and TTL security (RFC 5082) below the BGP level: the `ebgp-multihop` and `ttl-security`
 * keys (values, groups, the refusal of both on one neighbor with its place), what each asks of a socket and
 * a listener (daemon/ttl.ts), and the addon's setTtl/setMinTtl/ttl on real sockets — read back, and seen at
 * work on loopback packets: a listener with a minimum TTL of 255 never answers a SYN sent with 64. The
 * sessions with FRR and BIRD are in test/interop/kbgpd-ttl-security.test.ts.
 */
import { closeSync, openSync } from "node:fs";
import net from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError, type ConfigIssue, parseConfigText } from "../../daemon/config/index.js";
import { loadTcpMd5, type TcpMd5Addon } from "../../daemon/native/tcp-md5.js";
import { fdOf, GTSM_TTL, listenerTtl, NO_TTL, ttlPolicy } from "../../daemon/ttl.js";

const opts = { hostRouterId: () => 0x0a000063 };
const parse = (text: string) => parseConfigText(text, "t.yaml", opts);
function issuesOf(text: string): ConfigIssue[] {
  try {
    parse(text);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return [...(e as ConfigError).issues];
  }
  throw new Error("expected a ConfigError");
}
const lines = (...l: string[]) => `${l.join("\n")}\n`;

describe("the ebgp-multihop and ttl-security keys", () => {
  it("are null by default, set per neighbor or inherited from its group", () => {
    const c = parse(
      lines(
        "global: { asn: 65001 }",
        "groups:",
        "  far: { asn: 65002, ebgp-multihop: 3 }",
        "  gtsm: { asn: 65002, ttl-security: 2 }",
        "neighbors:",
        "  - { address: 192.0.2.1, asn: 65002 }",
        "  - { address: 192.0.2.2, asn: 65002, ttl-security: 1 }",
        "  - { address: 192.0.2.3, group: far }",
        "  - { address: 2001:db8::4, group: gtsm }",
        "  - { address: 192.0.2.5, asn: 65002, ebgp-multihop: 255 }",
      ),
    );
    expect(c.neighbors.map((n) => [n.ebgpMultihop, n.ttlSecurity])).toEqual([
      [null, null],
      [null, 1],
      [3, null],
      [null, 2],
      [255, null],
    ]);
  });

  it("take 1..255 (multihop) and 1..254 (hops) only", () => {
    const one = (kv: string) =>
      issuesOf(
        lines("global: { asn: 65001 }", "neighbors:", `  - { address: 192.0.2.1, asn: 65002, ${kv} }`),
      );
    for (const kv of [
      "ebgp-multihop: 0",
      "ebgp-multihop: 256",
      "ttl-security: 0",
      "ttl-security: 255",
      "ttl-security: two",
    ]) {
      const issues = one(kv);
      expect(issues, kv).toHaveLength(1);
      expect(issues[0]!.path).toBe(`neighbors[0].${kv.split(":")[0]}`);
    }
    expect(
      parse(
        lines(
          "global: { asn: 65001 }",
          "neighbors:",
          "  - { address: 192.0.2.1, asn: 65002, ttl-security: 254 }",
        ),
      ).neighbors[0]!.ttlSecurity,
    ).toBe(254);
  });

  it("refuse both on one neighbor, at the place it is written", () => {
    const issues = issuesOf(
      lines(
        "global: { asn: 65001 }",
        "groups:",
        "  gtsm: { asn: 65002, ttl-security: 1 }",
        "neighbors:",
        "  - { address: 192.0.2.1, asn: 65002, ebgp-multihop: 2, ttl-security: 1 }",
        "  - { address: 192.0.2.2, group: gtsm,",
        "      ebgp-multihop: 2 }",
      ),
    );
    expect(issues.map((i) => [i.line, i.path, i.message])).toEqual([
      [5, "neighbors[0].ttl-security", "cannot be set together with ebgp-multihop"],
      [7, "neighbors[1].ebgp-multihop", "cannot be set together with ttl-security"],
    ]);
  });
});

describe("what they ask of sockets", () => {
  const n = (ebgpMultihop: number | null, ttlSecurity: number | null) => ({ ebgpMultihop, ttlSecurity });

  it("ttl-security N: send 255, accept >= 256 - N; ebgp-multihop T: send T; neither: nothing", () => {
    expect(ttlPolicy(n(null, null))).toBeNull();
    expect(ttlPolicy(n(null, 1))).toEqual({ ttl: 255, minTtl: 255, what: "TTL security" });
    expect(ttlPolicy(n(null, 2))).toEqual({ ttl: 255, minTtl: 254, what: "TTL security" });
    expect(ttlPolicy(n(null, 254))?.minTtl).toBe(2);
    expect(ttlPolicy(n(2, null))).toEqual({ ttl: 2, minTtl: 0, what: "eBGP multihop TTL" });
  });

  it("a listener sends 255 when any neighbor of its family uses GTSM, and checks when all do", () => {
    const p = (ttlSecurity: number | null, multihop: number | null = null) =>
      ttlPolicy(n(multihop, ttlSecurity));
    // The shared object: the runtime compares by identity.
    expect(listenerTtl([])).toBe(NO_TTL);
    expect(listenerTtl([p(null), p(null, 3)])).toBe(NO_TTL);
    expect(listenerTtl([p(null), p(null, 3)])).toEqual({ ttl: -1, minTtl: 0 });
    expect(listenerTtl([p(1), p(null)])).toEqual({ ttl: GTSM_TTL, minTtl: 0 });
    expect(listenerTtl([p(1), p(null, 2)])).toEqual({ ttl: GTSM_TTL, minTtl: 0 });
    expect(listenerTtl([p(1), p(3)])).toEqual({ ttl: GTSM_TTL, minTtl: 253 });
  });
});

describe("the addon's TTL functions on real sockets", () => {
  const md5 = loadTcpMd5();
  const addon = (): TcpMd5Addon => {
    if (!md5.ok) throw new Error(`kbgpd's native addon is required: ${md5.reason}`);
    return md5.addon;
  };
  const fds: number[] = [];
  afterAll(() => {
    for (const fd of fds) closeSync(fd);
  });

  for (const peer of ["127.0.0.1", "::1"]) {
    it(`set and read back the TTL and minimum of an ${peer.includes(":") ? "IPv6" : "IPv4"} socket`, () => {
      const a = addon();
      const fd = a.socket(peer, null, null);
      fds.push(fd);
      const initial = a.ttl(fd);
      expect(initial.minTtl).toBe(0);
      a.setTtl(fd, 255);
      a.setMinTtl(fd, 254);
      expect(a.ttl(fd)).toEqual({ ttl: 255, minTtl: 254 });
      a.setTtl(fd, 7);
      expect(a.ttl(fd).ttl).toBe(7);
      a.setTtl(fd, -1);
      a.setMinTtl(fd, 0);
      expect(a.ttl(fd)).toEqual(initial);
      expect(() => a.setTtl(fd, 256)).toThrow(/1 to 255/);
      expect(() => a.setMinTtl(fd, -1)).toThrow(/0 to 255/);
    });
  }

  it("refuse what is not a socket, with the errno's name", () => {
    const fd = openSync("/dev/null", "r");
    fds.push(fd);
    let error: unknown = null;
    try {
      addon().setTtl(fd, 1);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: "ENOTSOCK", message: expect.stringContaining("SO_DOMAIN") });
  });

  /** Connect from a socket with `ttl` to a listener whose minimum is 255: up within `ms`, or not. */
  async function connects(ttl: number, ms: number): Promise<boolean> {
    const a = addon();
    const server = net.createServer((s) => s.destroy());
    await new Promise<void>((r) => server.listen({ host: "127.0.0.1", port: 0 }, r));
    try {
      a.setMinTtl(fdOf(server), 255);
      const fd = a.socket("127.0.0.1", null, null);
      a.setTtl(fd, ttl);
      const s = new net.Socket({ fd, manualStart: true } as net.SocketConstructorOpts);
      const port = (server.address() as net.AddressInfo).port;
      return await new Promise<boolean>((resolve) => {
        const t = setTimeout(() => resolve(false), ms);
        s.once("connect", () => {
          clearTimeout(t);
          resolve(true);
        });
        s.once("error", () => resolve(false));
        s.connect({ host: "127.0.0.1", port });
      }).finally(() => s.destroy());
    } finally {
      server.close();
    }
  }

  // Loopback does not decrement the TTL: what is sent arrives.
  it("work in the kernel: a listener with minimum 255 takes a SYN sent with 255, not one sent with 64", async () => {
    expect(await connects(255, 2000)).toBe(true);
    expect(await connects(64, 1500)).toBe(false);
  });
});
