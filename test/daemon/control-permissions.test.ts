/**
 * Who can open kbgpd's control sockets, checked as an unprivileged user (root passes every permission
 * check, so the clients here run as `nobody` through setpriv): the main socket's mode and group keep out a
 * user outside the group and let a member in, and the socket file is never looser than asked, not even
 * between bind and chmod.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, statSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ControlServer } from "../../daemon/control/server.js";
import { type ControlLab, controlLab } from "../helpers/control-lab.js";
import { closeAllLabs } from "../interop/harness/index.js";

afterAll(closeAllLabs);

const NOBODY = 65534;
/** A group nobody is not in (numeric: --socket-group takes numbers, no /etc/group entry needed). */
const GROUP = 4242;
const isRoot = process.getuid?.() === 0;

/**
 * Ask `session.hello` on `socket` as nobody, with `groups` as its only supplementary groups: "ok", or the
 * error code (EACCES when the socket's permissions refuse it).
 */
function helloAsNobody(socket: string, groups: number[]): string {
  const script = `
    const s = require("node:net").connect(process.argv[1]);
    s.on("error", (e) => { console.log(e.code); process.exit(0); });
    s.on("data", (d) => { console.log(JSON.parse(d).result.server === "kbgpd" ? "ok" : "bad"); process.exit(0); });
    s.write(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "session.hello" }) + "\\n");
    setTimeout(() => { console.log("timeout"); process.exit(0); }, 3000);`;
  const r = spawnSync(
    "setpriv",
    [
      `--reuid=${NOBODY}`,
      `--regid=${NOBODY}`,
      groups.length ? `--groups=${groups.join(",")}` : "--clear-groups",
      process.execPath,
      "-e",
      script,
      socket,
    ],
    { encoding: "utf8", timeout: 10_000 },
  );
  if (r.status !== 0) throw new Error(`setpriv failed: ${r.stderr}`);
  return r.stdout.trim();
}

describe.runIf(isRoot)("control socket permissions, as a user who is not root", () => {
  let c: ControlLab;
  let readOnly: string;

  beforeAll(async () => {
    // The most permissive umask: the modes below must come from the flags alone.
    const umask = process.umask(0);
    try {
      c = await controlLab("control-perms", 41, []);
      await c.kbgpd.stop();
      // In a directory kbgpd creates (under umask 0 too).
      readOnly = join(c.lab.dir, "ro", "kbgp-ro.sock");
      c.kbgpd.extraArgs = [
        ...["--socket-mode", "0660", "--socket-group", String(GROUP)],
        ...["--read-only-socket", readOnly, "--read-only-socket-mode", "0666"],
      ];
      await c.kbgpd.start();
    } finally {
      process.umask(umask);
    }
    // The lab directory is 0700 (mkdtemp): nobody could not reach any socket in it, and every refusal
    // would prove nothing. 0755 lets it through the directory, so only the socket's own mode decides
    // (the read-only socket, 0666 in the same directory, shows nobody does get that far).
    chmodSync(c.lab.dir, 0o755);
  }, 60_000);

  it("gives the socket files exactly the mode and group asked, owned by kbgpd's user", () => {
    const main = statSync(c.kbgpd.socket);
    expect([main.isSocket(), main.mode & 0o7777, main.uid, main.gid]).toEqual([true, 0o660, 0, GROUP]);
    const ro = statSync(readOnly);
    expect([ro.isSocket(), ro.mode & 0o7777, ro.uid, ro.gid]).toEqual([true, 0o666, 0, GROUP]);
    // The directory kbgpd made for it: nobody else may replace the socket file there.
    expect(statSync(dirname(readOnly)).mode & 0o7777).toBe(0o755);
  });

  it("refuses a user outside the group, who can still use the read-only socket", () => {
    expect(helloAsNobody(c.kbgpd.socket, [])).toBe("EACCES");
    expect(helloAsNobody(readOnly, [])).toBe("ok");
  });

  it("lets a member of the group in", () => {
    expect(helloAsNobody(c.kbgpd.socket, [GROUP])).toBe("ok");
    // Another group is not enough.
    expect(helloAsNobody(c.kbgpd.socket, [GROUP + 1])).toBe("EACCES");
  });
});

describe("the socket file between bind and chmod", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "kbgp-bind-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("is owner-only from the moment it exists, even under umask 0", async () => {
    const path = join(dir, "c.sock");
    // Node binds inside listen(): look at the file right after that call, before any chmod can run.
    const seen: number[] = [];
    const listen = net.Server.prototype.listen;
    const umask = process.umask(0);
    net.Server.prototype.listen = function (this: net.Server, ...args: unknown[]) {
      const r = (listen as (...a: unknown[]) => net.Server).apply(this, args);
      seen.push(statSync(path).mode & 0o777);
      return r;
    } as typeof listen;
    const server = new ControlServer({}, { log() {} });
    try {
      await server.listen(path, 0o660, process.getgid!());
    } finally {
      net.Server.prototype.listen = listen;
      process.umask(umask);
    }
    server.close();
    expect(seen).toEqual([0o600]);
    // The umask is back as it was.
    expect(process.umask()).toBe(umask);
  });
});
