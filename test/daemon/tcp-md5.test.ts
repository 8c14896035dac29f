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
  refusedPasswords,
  type TcpMd5,
} from "../../daemon/native/tcp-md5.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const dir = mkdtempSync(join(tmpdir(), "kbgp-md5-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

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
      "neighbors[0].password: must be a string (quote a password that YAML reads as a number)",
    );
    expect(e).not.toContain("918273");
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
  const n = (address: string, password: string | null) => ({ address, password });

  it("is refused, naming every neighbor with one (never the password)", () => {
    expect(refusedPasswords([n("192.0.2.1", null)], missing)).toBeNull();
    expect(refusedPasswords([n("192.0.2.1", "a")], { ok: true, addon: {} as never, path: "x" })).toBeNull();
    expect(
      refusedPasswords([n("192.0.2.1", "a"), n("192.0.2.2", null), n("2001:db8::1", "b")], missing, {
        password: "c",
      }),
    ).toBe(
      "neighbor 192.0.2.1, neighbor 2001:db8::1, kubernetes.peering (its group's password): password set " +
        "(TCP MD5, RFC 2385), but TCP MD5 unavailable: the native addon is not built",
    );
  });

  it("makes kbgpd refuse to start (and --check fail) instead of peering unsigned", () => {
    const file = join(dir, "kbgpd.yaml");
    writeFileSync(
      file,
      "global: { asn: 65001, listen: { addresses: [] } }\nneighbors:\n  - { address: 192.0.2.9, asn: 65002, password: hush }\n",
    );
    const env = { ...process.env, [ADDON_ENV]: "off" };
    for (const extra of [["--check"], ["--socket", join(dir, "s.sock"), "--http-listen", "off"]]) {
      const r = spawnSync(process.execPath, [join(ROOT, "bin/kbgpd.mjs"), "--config", file, ...extra], {
        encoding: "utf8",
        env,
        timeout: 20_000,
      });
      expect(r.status).toBe(2);
      expect(r.stderr).toBe(
        "kbgpd: invalid configuration: neighbor 192.0.2.9: password set (TCP MD5, RFC 2385), but TCP MD5 " +
          `unavailable: ${ADDON_ENV}=off\n`,
      );
    }
  });
});
