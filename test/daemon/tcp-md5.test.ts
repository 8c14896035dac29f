/**
 * TCP MD5 (RFC 2385) without sockets: the `password` key, loading the native addon (and every way it can be
 * missing), the refusal that names each neighbor with a password when it is missing — in the library and in
 * kbgpd itself — and passwords kept out of recordings. The real-socket tests are in
 * test/interop/kbgpd-tcp-md5.test.ts.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { REDACTED, toJsonLine } from "../../core/speaker/recording.js";
import { ConfigError, parseConfigText } from "../../daemon/config/index.js";
import {
  ADDON_ENV,
  describeTcpMd5,
  loadTcpMd5,
  sessionUnavailable,
  type TcpMd5,
} from "../../daemon/native/tcp-md5.js";
import { kbgp } from "../helpers/cli.js";
import { closeAllLabs, createPeer, type KbgpdPeer, Lab, waitUntil } from "../interop/harness/index.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const dir = mkdtempSync(join(tmpdir(), "kbgp-md5-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterAll(closeAllLabs);

const opts = { hostRouterId: () => 0x0a000063 };
const parse = (text: string) => parseConfigText(text, "t.yaml", opts);
function errorOf(text: string): string {
  try {
    parse(text);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error("expected a ConfigError");
}

describe("the password key", () => {
  it("is null by default, set per neighbor or inherited from its group", () => {
    const c = parse(
      [
        "global: { asn: 65001 }",
        "groups:",
        "  tor: { asn: 65002, password: group-secret }",
        "neighbors:",
        "  - { address: 192.0.2.1, asn: 65002 }",
        '  - { address: 192.0.2.2, asn: 65002, password: "  spaces kept  " }',
        "  - { address: 192.0.2.3, group: tor }",
        "  - { address: 192.0.2.4, group: tor, password: own }",
        "",
      ].join("\n"),
    );
    expect(c.neighbors.map((n) => n.password)).toEqual([null, "  spaces kept  ", "group-secret", "own"]);
  });

  it("takes up to 80 bytes (Linux's TCP_MD5SIG_MAXKEYLEN), counted in UTF-8", () => {
    const n = (pw: string) =>
      `global: { asn: 65001 }\nneighbors:\n  - { address: 192.0.2.1, asn: 65002, password: "${pw}" }\n`;
    expect(parse(n("x".repeat(80))).neighbors[0].password).toHaveLength(80);
    expect(errorOf(n("x".repeat(81)))).toContain("neighbors[0].password: must be at most 80 bytes, not 81");
    expect(errorOf(n("é".repeat(41)))).toContain("must be at most 80 bytes, not 82");
    expect(errorOf(n(""))).toContain("neighbors[0].password: must not be empty");
  });

  it("never shows the value in an error, even one YAML read as a number", () => {
    const e = errorOf(
      "global: { asn: 65001 }\nneighbors:\n  - { address: 192.0.2.1, asn: 65002, password: 918273 }\n",
    );
    expect(e).toContain(
      "neighbors[0].password: must be a string, { file: PATH } or { env: NAME } (quote a password that YAML reads as a number)",
    );
    expect(e).not.toContain("918273");
  });

  it("comes from a file (one trailing newline dropped) or an environment variable, errors at their place", () => {
    const secret = join(dir, "peer-secret");
    writeFileSync(secret, "from-file\n");
    const blank = join(dir, "blank");
    writeFileSync(blank, "\n");
    process.env.KBGP_TEST_PEER_PW = "from-env";
    const n = (pw: string) =>
      `global: { asn: 65001 }\nneighbors:\n  - { address: 192.0.2.1, asn: 65002, password: ${pw} }\n`;
    expect(parse(n(`{ file: "${secret}" }`)).neighbors[0].password).toBe("from-file");
    expect(parse(n("{ env: KBGP_TEST_PEER_PW }")).neighbors[0].password).toBe("from-env");
    expect(
      parse(
        `global: { asn: 65001 }\ngroups:\n  g: { asn: 2, password: { file: "${secret}" } }\nneighbors:\n  - { address: 192.0.2.1, group: g }\n`,
      ).neighbors[0].password,
    ).toBe("from-file");
    expect(errorOf(n(`{ file: "${join(dir, "none")}" }`))).toMatch(
      /^t\.yaml:3:\d+: neighbors\[0\]\.password\.file: cannot read '.*none' \(ENOENT\)$/m,
    );
    expect(errorOf(n(`{ file: "${blank}" }`))).toContain("neighbors[0].password.file: must not be empty");
    expect(errorOf(n("{ env: KBGP_TEST_UNSET_PW }"))).toContain(
      "neighbors[0].password.env: environment variable KBGP_TEST_UNSET_PW is not set",
    );
    expect(errorOf(n(`{ file: "${secret}", env: X }`))).toContain(
      "neighbors[0].password: must be a string, { file: PATH } or { env: NAME }",
    );
    // The value never appears in an error either.
    writeFileSync(secret, `${"z".repeat(81)}\n`);
    const long = errorOf(n(`{ file: "${secret}" }`));
    expect(long).toContain("neighbors[0].password.file: must be at most 80 bytes, not 81");
    expect(long).not.toContain("zzz");
  });

  it("stays out of recordings", () => {
    const c = parse(
      "global: { asn: 65001 }\nneighbors:\n  - { address: 192.0.2.1, asn: 65002, password: s3cret }\n",
    );
    const line = toJsonLine({ config: c });
    expect(line).not.toContain("s3cret");
    expect(line).toContain(`"password":"${REDACTED}"`);
    expect(
      toJsonLine({ config: parse("global: { asn: 65001 }\nneighbors: [{ address: 192.0.2.1, asn: 1 }]\n") }),
    ).toContain('"password":null');
  });
});

describe("loading the addon", () => {
  it("says why it is unavailable: not Linux, switched off, not built, not loadable, not ours", () => {
    const reason = (md5: TcpMd5) => (md5.ok ? "loaded" : md5.reason);
    expect(reason(loadTcpMd5({}, () => ({}), "darwin"))).toBe(
      "TCP MD5 is implemented for Linux only, not darwin",
    );
    expect(reason(loadTcpMd5({ [ADDON_ENV]: "off" }))).toBe(`${ADDON_ENV}=off`);
    expect(reason(loadTcpMd5({ [ADDON_ENV]: join(dir, "none.node") }))).toMatch(
      /^the native addon is not built \(looked for .*none\.node; npm run build:native\)$/,
    );
    const file = join(dir, "fake.node");
    writeFileSync(file, "");
    expect(
      reason(
        loadTcpMd5({ [ADDON_ENV]: file }, () => {
          throw new Error("invalid ELF header\nmore");
        }),
      ),
    ).toBe(`cannot load ${file}: invalid ELF header`);
    expect(reason(loadTcpMd5({ [ADDON_ENV]: file }, () => ({ other: 1 })))).toBe(
      `${file} is not kbgp's TCP MD5 addon`,
    );
    expect(reason(loadTcpMd5({ [ADDON_ENV]: file }, () => ({ setKey() {}, socket: () => 3 })))).toBe(
      `${file} is an old build without setTtl, setMinTtl, ttl (npm run build:native)`,
    );
    const addon = {
      setKey() {},
      socket: () => 3,
      setTtl() {},
      setMinTtl() {},
      ttl: () => ({ ttl: 64, minTtl: 0 }),
    };
    const md5 = loadTcpMd5({ [ADDON_ENV]: file }, () => addon);
    expect(md5).toEqual({ ok: true, addon, path: file });
    expect(describeTcpMd5(md5)).toBe(`TCP MD5 available (${file})`);
    expect(describeTcpMd5({ ok: false, reason: "why" })).toBe("TCP MD5 unavailable: why");
  });
});

describe("a password without the addon", () => {
  const missing: TcpMd5 = { ok: false, reason: "the native addon is not built" };

  it("makes the session unavailable, with the reason (never the password)", () => {
    const n = { password: null, ttlSecurity: null, ebgpMultihop: null };
    expect(sessionUnavailable(n, missing)).toBeNull();
    expect(
      sessionUnavailable({ ...n, password: "a" }, { ok: true, addon: {} as never, path: "x" }),
    ).toBeNull();
    expect(sessionUnavailable({ ...n, password: "hush" }, missing)).toBe(
      "a password (TCP MD5, RFC 2385) set, but kbgpd's native addon is unavailable: the native addon is not built",
    );
    expect(sessionUnavailable({ ...n, ttlSecurity: 1, ebgpMultihop: 2 }, missing)).toBe(
      "ttl-security (RFC 5082) and ebgp-multihop set, but kbgpd's native addon is unavailable: the native addon is not built",
    );
  });

  it("passes kbgpd --check with a warning naming the neighbor", () => {
    const file = join(dir, "kbgpd.yaml");
    writeFileSync(
      file,
      "global: { asn: 65001, listen: { addresses: [] } }\nneighbors:\n  - { address: 192.0.2.9, asn: 65002, password: hush }\n",
    );
    const r = spawnSync(process.execPath, [join(ROOT, "bin/kbgpd.mjs"), "--config", file, "--check"], {
      encoding: "utf8",
      env: { ...process.env, [ADDON_ENV]: "off" },
      timeout: 20_000,
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^configuration OK: .*; TCP MD5 unavailable: KBGP_TCP_MD5_ADDON=off\n$/);
    expect(r.stderr).toBe(
      "kbgpd: warning: neighbor 192.0.2.9: session will stay Idle: a password (TCP MD5, RFC 2385) set, " +
        `but kbgpd's native addon is unavailable: ${ADDON_ENV}=off\n`,
    );
    expect(r.stderr + r.stdout).not.toContain("hush");
  });

  // kbgpd A runs without the addon; its neighbor B is configured with a password there, and B (no password)
  // tries to connect every 2 seconds. A must neither connect to B nor accept B: both would be unsigned.
  it("keeps kbgpd running and the session Idle(Unavail), neither connecting nor accepting, until the password goes", async (ctx) => {
    const lab = Lab.forTest(ctx);
    const ea = await lab.endpoint();
    const eb = await lab.endpoint();
    const a = createPeer("kbgpd", lab, {
      routerId: "10.255.44.1",
      asn: 65101,
      ...ea,
      neighbors: [{ ...eb, asn: 65102, password: "hush" }],
    }) as KbgpdPeer;
    const b = createPeer("kbgpd", lab, {
      routerId: "10.255.44.2",
      asn: 65102,
      ...eb,
      neighbors: [{ ...ea, asn: 65101 }],
    });
    a.extraEnv = { [ADDON_ENV]: "off" };
    await Promise.all([a.start(), b.start()]);
    const view = () =>
      a.call<{ state: string; unavailable: string | null; lastError: string | null }>("neighbor.get", {
        neighbor: eb.address,
      });
    const reason = `a password (TCP MD5, RFC 2385) set, but kbgpd's native addon is unavailable: ${ADDON_ENV}=off`;
    await waitUntil(
      "b tried to connect and a refused it",
      async () => a.logTail(400).includes(`refused connection from ${eb.address}: ${reason}`),
      { timeoutMs: 15_000, detail: () => a.logTail() },
    );
    // Several of b's 2-second retries later, still nothing: b is never up, a still says why.
    await new Promise((r) => setTimeout(r, 4500));
    expect(await b.sessionState(ea.address)).not.toBe("established");
    expect(await view()).toMatchObject({ state: "idle", unavailable: reason, lastError: reason });
    const table = kbgp(["neighbor", "--socket", a.socket]);
    expect(table.stdout).toMatch(new RegExp(`${eb.address.replaceAll(".", "\\.")} .* Idle\\(Unavail\\)`));
    const detail = kbgp(["neighbor", eb.address, "--socket", a.socket]);
    expect(detail.stdout).toContain(`BGP state = IDLE (cannot run here: ${reason})`);
    expect(a.logTail() + table.stdout + detail.stdout).not.toContain("hush");
    // Without the password the same neighbor peers (a session setting: the peer is made anew).
    a.neighbors[0].password = undefined;
    writeFileSync(a.configFile, a.configText());
    await a.call("config.reload");
    await waitUntil(
      "established once the password is gone",
      async () => (await view()).state === "established",
      {
        timeoutMs: 15_000,
        detail: () => a.logTail(),
      },
    );
    expect((await view()).unavailable).toBeNull();
  });
});
