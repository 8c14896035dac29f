/**
 * The Kubernetes panel against a fake kbgpd (fake-kbgpd.ts) that serves the contract of docs/api.md:
 * k8s.status, k8s.routes, k8s.enable, k8s.disable and the monitor's k8s topic; an older kbgpd without them,
 * and one whose configuration has no `kubernetes` section, each get one line.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { KEY, shell, unmountAll } from "./drive.js";
import { type FakeK8s, FakeKbgpd, k8sRoute, k8sStatus } from "./fake-kbgpd.js";
import { neighborView } from "./fixtures.js";

let dir: string;
let daemon: FakeKbgpd | null = null;
afterEach(async () => {
  unmountAll();
  await daemon?.stop();
  daemon = null;
  rmSync(dir, { recursive: true, force: true });
});

const cluster = (): FakeK8s => ({
  status: k8sStatus({ routes: 2 }),
  routes: [k8sRoute("203.0.113.10/32", "web"), k8sRoute("203.0.113.9/32", "api")],
  problems: [],
});

async function withDaemon(k8s: FakeK8s | null = cluster()) {
  dir = mkdtempSync(join(tmpdir(), "kbgp-shell-"));
  daemon = new FakeKbgpd(join(dir, "kbgp.sock"), [neighborView("10.0.0.2")], [], k8s);
  await daemon.start();
  const s = shell(daemon.path);
  await s.until("kbgp shell · kbgpd 9.9.9");
  return { s, d: daemon };
}

const announce = (prefix: string, name: string) => ({
  kind: "k8s-route",
  op: "announce",
  route: k8sRoute(prefix, name),
  at: Date.now(),
});

describe("the Kubernetes panel", () => {
  it("an older kbgpd (method not found): one line saying so, and no switch", async () => {
    const { s, d } = await withDaemon(null);
    await s.type(KEY.alt("4"));
    await s.until("This kbgpd has no Kubernetes sync (k8s.status: method not found)");
    expect(s.live()).toHaveLength(3); // status bar, the line, the key map
    expect(s.live().at(-1)).toMatch(/^Esc back · Alt-1/);
    await s.type("d");
    await new Promise((r) => setTimeout(r, 100));
    expect(d.asked).not.toContain("k8s.disable");
  });

  it("no kubernetes section: one line saying so", async () => {
    const { s } = await withDaemon({
      status: k8sStatus({ configured: false, enabled: false, state: "off", routes: 0 }),
      routes: [],
      problems: [],
    });
    await s.type(KEY.alt("4"));
    await s.until("The Kubernetes sync is not configured: kbgpd has no `kubernetes` section.");
  });

  it("shows the module and what it announces, in address order, kept current by the k8s topic", async () => {
    const { s, d } = await withDaemon();
    await s.type(KEY.alt("4"));
    await s.until(
      /^203\.0\.113\.10\/32 +loadbalancer-ip +Service default\/web +ready endpoint on this node$/m,
    );
    const live = s.live();
    expect(live[1]).toMatch(
      /^Kubernetes sync: on · synced since \d\d:\d\d:\d\d \(00:05:0\d\) · node worker-1$/,
    );
    expect(live.findIndex((l) => l.startsWith("203.0.113.9/32"))).toBeLessThan(
      live.findIndex((l) => l.startsWith("203.0.113.10/32")),
    );
    expect(live.at(-1)).toMatch(/^e enable · d disable · \/ filter/);
    expect(d.requests.filter((r) => r.method === "monitor.start").map((r) => r.params.topic)).toContain(
      "k8s",
    );
    d.pushTo("k8s", announce("203.0.113.11/32", "shop"));
    await s.until(/^203\.0\.113\.11\/32 +loadbalancer-ip +Service default\/shop/m);
    await s.until("k8s announce 203.0.113.11/32 (loadbalancer-ip, Service default/shop)", 2500);
    d.pushTo("k8s", { ...announce("203.0.113.9/32", "api"), op: "withdraw" });
    await s.until(() => !s.live().some((l) => l.startsWith("203.0.113.9/32")));
    await s.until("k8s withdraw 203.0.113.9/32 (loadbalancer-ip, Service default/api)", 2500);
  });

  it("route events that come while the routes are asked for are applied after the answer", async () => {
    const { s, d } = await withDaemon();
    await s.until(() => d.subscribed("k8s"));
    d.holdK8sRoutes();
    await s.type(KEY.alt("4"));
    await s.until("asking kbgpd for the routes…");
    d.k8s!.routes.push(k8sRoute("203.0.113.12/32", "late"));
    d.pushTo("k8s", announce("203.0.113.12/32", "late"));
    d.pushTo("k8s", announce("203.0.113.13/32", "later"));
    await new Promise((r) => setTimeout(r, 100));
    d.releaseK8sRoutes();
    await s.until(/^203\.0\.113\.13\/32 /m);
    expect(
      s
        .live()
        .filter((l) => /^203\.0\.113\.\d+\/32 /.test(l))
        .map((l) => l.split(" ")[0]),
    ).toEqual(["203.0.113.9/32", "203.0.113.10/32", "203.0.113.12/32", "203.0.113.13/32"]);
  });

  it("d asks first; n leaves it; d then y disables it and its routes go, logged; e then y enables it", async () => {
    const { s, d } = await withDaemon();
    await s.type(KEY.alt("4"));
    await s.until(/^203\.0\.113\.10\/32 /m);
    await s.type("d");
    await s.until("disable the Kubernetes sync and withdraw its 2 routes? y/n");
    await s.type("n");
    await s.until("left as it was: not disabled");
    expect(d.asked).not.toContain("k8s.disable");
    // Ctrl-C at the question is a no, not the end of the shell.
    await s.type("d");
    await s.until("withdraw its 2 routes? y/n");
    await s.type(KEY.ctrlC);
    await s.until(() => !s.screen().includes("withdraw its 2 routes? y/n"));
    expect(s.screen()).toContain("Kubernetes sync: on");
    expect(d.asked).not.toContain("k8s.disable");
    await s.type("d");
    await s.until("withdraw its 2 routes? y/n");
    await s.type("y");
    await s.until("kbgpd disabled the Kubernetes sync");
    expect(d.asked.filter((m) => m === "k8s.disable")).toHaveLength(1);
    await s.until(/^Kubernetes sync: off · off since/m);
    await s.until("no routes announced");
    await s.until("Kubernetes sync disabled", 2500);
    await s.until("k8s withdraw 203.0.113.10/32 (loadbalancer-ip, Service default/web)", 2500);
    await s.type("e");
    await s.until("enable the Kubernetes sync and announce the routes it derives? y/n");
    await s.type("y");
    await s.until("kbgpd enabled the Kubernetes sync");
    await s.until(/^Kubernetes sync: on · synced/m);
  });

  it("many route changes in a second are one line of counts", async () => {
    const { s, d } = await withDaemon();
    await s.until(() => d.subscribed("k8s"));
    for (let i = 0; i < 20; i++) d.pushTo("k8s", announce(`198.51.100.${i}/32`, `svc-${i}`));
    await s.until("+20 Kubernetes routes (last: announce 198.51.100.19/32, Service default/svc-19)", 2500);
    expect(s.screen()).not.toContain("k8s announce 198.51.100.1/32");
  });

  it("/ filters the list; Esc clears the filter, then leaves the panel; q quits", async () => {
    const { s } = await withDaemon();
    await s.type(KEY.alt("4"));
    await s.until(/^203\.0\.113\.10\/32 /m);
    await s.type("/");
    await s.until(() => s.live().at(-1)?.startsWith("filter: words of prefix") ?? false);
    await s.type("api");
    await s.until(() => !s.live().some((l) => l.startsWith("203.0.113.10/32")));
    expect(s.live().some((l) => l.startsWith("203.0.113.9/32"))).toBe(true);
    await s.type(KEY.enter);
    await s.until("filter: api  (/ to change)");
    // Typing is the panel's keys again: d asks.
    await s.type("d");
    await s.until("? y/n");
    await s.type("n", "/", KEY.escape);
    await s.until(() => s.live().some((l) => l.startsWith("203.0.113.10/32")));
    await s.type(KEY.escape);
    await s.until(/^Peer +AS/m);
    await s.type(KEY.alt("4"));
    await s.until(/^203\.0\.113\.10\/32 /m);
    await s.type("q");
    await new Promise((r) => setTimeout(r, 200));
    const frames = s.frames.length;
    await s.type("d");
    await new Promise((r) => setTimeout(r, 200));
    expect(s.frames.length).toBe(frames);
  });
});
