/**
 * Who may use kbgpd's control sockets: --socket-mode and --socket-group on the socket files, and a
 * read-only socket that answers queries and refuses, by name, every method that changes kbgpd.
 */
import { spawnSync } from "node:child_process";
import { statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseMode, resolveGroup } from "../../daemon/control/socket-access.js";
import { kbgp } from "../helpers/cli.js";
import { closeAllLabs, createPeer, type KbgpdPeer, Lab } from "../interop/harness/index.js";

const ROOT = join(import.meta.dirname, "../..");
afterAll(closeAllLabs);

describe("socket access options", () => {
  it("reads octal modes and refuses anything else, naming the flag", () => {
    expect(parseMode("0660", "--socket-mode")).toBe(0o660);
    expect(parseMode("600", "--socket-mode")).toBe(0o600);
    expect(parseMode("0o644", "--socket-mode")).toBe(0o644);
    for (const bad of ["0999", "rw", "", "07777", "1000"])
      expect(() => parseMode(bad, "--socket-mode")).toThrow(
        `--socket-mode must be octal permission bits like 0660, not '${bad}'`,
      );
  });

  it("finds groups by name in the group file, or takes a number", () => {
    expect(resolveGroup("0")).toBe(0);
    const root = spawnSync("getent", ["group", "root"], { encoding: "utf8" }).stdout.split(":")[2];
    expect(resolveGroup("root")).toBe(Number(root));
    expect(() => resolveGroup("no-such-group-kbgp")).toThrow(
      "--socket-group: no group 'no-such-group-kbgp' in /etc/group",
    );
  });

  it("kbgpd refuses a bad mode or group with one line and exit code 2, before starting", () => {
    for (const [args, message] of [
      [["--socket-mode", "0999"], "--socket-mode must be octal permission bits like 0660, not '0999'"],
      [["--socket-group", "no-such-group-kbgp"], "--socket-group: no group 'no-such-group-kbgp'"],
    ] as const) {
      const r = spawnSync(process.execPath, [join(ROOT, "bin/kbgpd.mjs"), ...args], { encoding: "utf8" });
      expect(r.status).toBe(2);
      expect(r.stderr.split("\n")).toHaveLength(2);
      expect(r.stderr).toContain(`kbgpd: ${message}`);
    }
  });
});

describe("kbgpd's sockets", () => {
  let a: KbgpdPeer;
  let readOnlySocket: string;
  const gid = process.getgid!();

  beforeAll(async () => {
    const lab = Lab.create("control-socket");
    const [ea, eb] = [await lab.endpoint(), await lab.endpoint()];
    a = createPeer("kbgpd", lab, {
      routerId: "10.255.30.1",
      asn: 65001,
      ...ea,
      neighbors: [{ ...eb, asn: 65002, families: ["ipv4"] }],
    }) as KbgpdPeer;
    readOnlySocket = join(lab.dir, "kbgp-ro.sock");
    a.extraArgs = [
      "--socket-mode",
      "0600",
      "--socket-group",
      String(gid),
      "--read-only-socket",
      readOnlySocket,
      "--read-only-socket-mode",
      "0644",
    ];
    await a.start();
  }, 60_000);

  it("gives each socket file its mode and group", () => {
    const main = statSync(a.socket);
    expect([main.mode & 0o777, main.gid]).toEqual([0o600, gid]);
    const ro = statSync(readOnlySocket);
    expect([ro.mode & 0o777, ro.gid]).toEqual([0o644, gid]);
  });

  it("answers queries on the read-only socket and refuses changes by name", () => {
    const list = kbgp(["-s", readOnlySocket, "neighbor", "-j"]);
    expect(list.status).toBe(0);
    expect(JSON.parse(list.stdout.split("\n")[0])).toMatchObject({ kbgpJson: 1 });
    expect(kbgp(["-s", readOnlySocket, "global", "rib", "summary"]).status).toBe(0);
    const add = kbgp(["-s", readOnlySocket, "global", "rib", "add", "192.0.2.0/24"]);
    expect([add.status, add.stderr]).toEqual([
      1,
      "kbgp: rib.add changes kbgpd; this socket is read-only (use the main control socket)\n",
    ]);
    const [neighbor] = a.spec.neighbors;
    const reset = kbgp(["-s", readOnlySocket, "neighbor", neighbor.address, "reset"]);
    expect(reset.status).toBe(1);
    expect(reset.stderr).toMatch(/^kbgp: neighbor\.reset changes kbgpd; this socket is read-only/);
    // The main socket still takes it.
    expect(kbgp(["-s", a.socket, "global", "rib", "add", "192.0.2.0/24"]).status).toBe(0);
    expect(kbgp(["-s", a.socket, "global", "rib", "del", "all"]).status).toBe(0);
  });
});
