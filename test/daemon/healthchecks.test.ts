/**
 * Health-checked announcements for real: a kbgpd (A) whose checks are `test -f <file>` on files this test
 * creates and removes, a second kbgpd (B) as its peer counting the UPDATEs it receives. Only state changes
 * produce UPDATEs (none while a state holds, however many checks run), the MED follows the state (ExaBGP's
 * 100 up, 1000 down, 500 disabled), withdraw-on-down withdraws, a hanging check is killed at its timeout and
 * counts as a failure, a reload re-announces with new attributes without a state change, and a restart of
 * kbgpd starts from init.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  closeAllLabs,
  createPeer,
  type KbgpdPeer,
  Lab,
  sleep,
  waitForRoute,
  waitForWithdrawal,
  waitUntil,
} from "../interop/harness/index.js";

afterAll(closeAllLabs);

interface HealthView {
  name: string;
  state: string;
  announced: string | null;
  disabled: boolean;
  checks: number;
  successes: number;
  failures: number;
  timeouts: number;
  routes: number;
  lastResult: { ok: boolean; timedOut: boolean; exitCode: number | null } | null;
}

let lab: Lab;
let a: KbgpdPeer;
let b: KbgpdPeer;
let dir: string;
const file = (name: string) => join(dir, name);
const touch = (name: string) => writeFileSync(file(name), "");
const remove = (name: string) => rmSync(file(name), { force: true });

const health = async (name: string): Promise<HealthView> => {
  const { healthchecks } = await a.call<{ healthchecks: HealthView[] }>("healthcheck.list");
  const h = healthchecks.find((x) => x.name === name);
  if (!h) throw new Error(`no health check ${name}`);
  return h;
};
/** UPDATEs B has received from A. */
const updatesAtB = async () =>
  (await b.call<{ messages: { received: { update: number } } }>("neighbor.get", { neighbor: a.spec.address }))
    .messages.received.update;
/** B's MED for a prefix from A (undefined: not there). */
const medAtB = async (prefix: string) =>
  (await b.received(a.spec.address, prefix.includes(":") ? "ipv6" : "ipv4")).find((r) => r.prefix === prefix)
    ?.med;
const waitMed = (prefix: string, med: number) =>
  waitUntil(`MED ${med} for ${prefix} at B`, async () => (await medAtB(prefix)) === med, {
    timeoutMs: 15_000,
  });
/** Wait until `name` has run `n` more checks than now. */
async function checksPass(name: string, n: number): Promise<void> {
  const start = (await health(name)).checks;
  await waitUntil(`${n} checks of ${name}`, async () => (await health(name)).checks >= start + n, {
    timeoutMs: 20_000,
    intervalMs: 100,
  });
}

/** The healthchecks section: web (its up MED as given), vip unless left out, and hang. */
function sections(webMedUp = 100, vip = true): string {
  const web = [
    "  - name: web",
    `    command: [test, -f, "${file("healthy")}"]`,
    "    interval: 0.3",
    "    fast-interval: 0.1",
    "    rise: 2",
    "    fall: 2",
    `    disable-file: "${file("disabled")}"`,
    '    prefixes: [100.80.0.0/24, "2001:db8:80::/48"]',
    '    communities: ["65001:80"]',
    `    up: { med: ${webMedUp}, communities: ["65001:81"] }`,
  ];
  const vipBlock = [
    "  - name: vip",
    `    command: [test, -f, "${file("vip-healthy")}"]`,
    "    interval: 0.3",
    "    fast-interval: 0.1",
    "    rise: 2",
    "    fall: 2",
    "    withdraw-on-down: true",
    "    prefixes: [100.82.0.0/24]",
  ];
  const hang = [
    "  - name: hang",
    `    command: [sh, -c, "echo $$ >> '${file("hang-pids")}'; sleep 60; true"]`,
    "    timeout: 0.3",
    "    interval: 0.5",
    "    fast-interval: 0.2",
    "    rise: 1",
    "    fall: 2",
    "    withdraw-on-down: true",
    "    prefixes: [100.81.0.0/24]",
  ];
  return ["healthchecks:", ...web, ...(vip ? vipBlock : []), ...hang].join("\n");
}

beforeAll(async () => {
  lab = Lab.create("daemon-healthchecks");
  dir = lab.dir;
  const [ea, eb] = [await lab.endpoint(), await lab.endpoint()];
  a = createPeer("kbgpd", lab, {
    routerId: "10.255.30.1",
    asn: 65001,
    ...ea,
    neighbors: [{ ...eb, asn: 65002, families: ["ipv4", "ipv6"] }],
  }) as KbgpdPeer;
  b = createPeer("kbgpd", lab, {
    routerId: "10.255.30.2",
    asn: 65002,
    ...eb,
    neighbors: [{ ...ea, asn: 65001, families: ["ipv4", "ipv6"] }],
  }) as KbgpdPeer;
  a.extra.sections = sections();
  await Promise.all([a.start(), b.start()]);
  await a.waitEstablished(eb.address, 30_000);
}, 60_000);

describe("health-checked announcements", () => {
  it("announces with the down MED after `fall` failures, and sends nothing more while the state holds", async () => {
    expect(await waitForRoute(b, a.spec.address, "100.80.0.0/24")).toMatchObject({
      med: 1000,
      communities: ["65001:80"],
    });
    await waitMed("2001:db8:80::/48", 1000);
    expect(await health("web")).toMatchObject({ state: "down", announced: "down", routes: 2 });
    const before = await updatesAtB();
    await checksPass("web", 8);
    expect(await updatesAtB()).toBe(before);
  });

  it("goes up after `rise` successes with the up MED and communities, in UPDATEs for that change only", async () => {
    const before = await updatesAtB();
    touch("healthy");
    await waitMed("100.80.0.0/24", 100);
    await waitMed("2001:db8:80::/48", 100);
    expect(
      (await b.received(a.spec.address, "ipv4")).find((r) => r.prefix === "100.80.0.0/24"),
    ).toMatchObject({
      communities: ["65001:81"],
    });
    const changed = await updatesAtB();
    // One change of attributes per family: an UPDATE each, nothing per check.
    expect(changed - before).toBe(2);
    await checksPass("web", 8);
    expect(await updatesAtB()).toBe(changed);
    expect(await health("web")).toMatchObject({ state: "up", announced: "up", disabled: false });
  });

  it("is disabled while the disable file exists (MED 500, the check not run), and back through init", async () => {
    touch("disabled");
    await waitMed("100.80.0.0/24", 500);
    const during = await health("web");
    expect(during).toMatchObject({ state: "disabled", announced: "disabled", disabled: true });
    await sleep(1000);
    expect((await health("web")).checks).toBe(during.checks);
    remove("disabled");
    await waitMed("100.80.0.0/24", 100);
    remove("healthy");
    await waitMed("100.80.0.0/24", 1000);
  });

  it("with withdraw-on-down, announces only while up and withdraws (no attributes) when down", async () => {
    expect(await health("vip")).toMatchObject({ state: "down", announced: "down", routes: 0 });
    expect(await medAtB("100.82.0.0/24")).toBeUndefined();
    touch("vip-healthy");
    expect(await waitForRoute(b, a.spec.address, "100.82.0.0/24")).toMatchObject({ med: 100 });
    const before = await updatesAtB();
    remove("vip-healthy");
    await waitForWithdrawal(b, a.spec.address, "100.82.0.0/24");
    expect(await updatesAtB()).toBe(before + 1);
    expect(await health("vip")).toMatchObject({ state: "down", routes: 0 });
  });

  it("kills a check that hangs at its timeout, counts it as a failure, and leaves no process behind", async () => {
    await waitUntil("three timed out checks", async () => (await health("hang")).timeouts >= 3, {
      timeoutMs: 20_000,
    });
    const h = await health("hang");
    expect(h).toMatchObject({ state: "down", routes: 0, lastResult: { ok: false, timedOut: true } });
    expect(h.failures).toBe(h.checks);
    const pids = readFileSync(file("hang-pids"), "utf8").trim().split("\n").map(Number);
    // Every check but possibly the one running now is gone, with its sleep (the whole process group).
    for (const pid of pids.slice(0, -1)) expect(existsSync(`/proc/${pid}`)).toBe(false);
    expect(await medAtB("100.81.0.0/24")).toBeUndefined();
  });

  it("on reload re-announces with the new attributes without a state change, and withdraws a removed check", async () => {
    touch("healthy");
    touch("vip-healthy");
    await waitMed("100.80.0.0/24", 100);
    await waitForRoute(b, a.spec.address, "100.82.0.0/24");
    a.extra.sections = sections(50, false);
    writeFileSync(a.configFile, a.configText());
    expect(await a.call("config.reload")).toMatchObject({ ok: true, healthchecks: 2 });
    await waitMed("100.80.0.0/24", 50);
    await waitForWithdrawal(b, a.spec.address, "100.82.0.0/24");
    expect(await health("web")).toMatchObject({ state: "up" });
    const { healthchecks } = await a.call<{ healthchecks: HealthView[] }>("healthcheck.list");
    expect(healthchecks.map((x) => x.name)).toEqual(["web", "hang"]);
  });

  it("starts from init after kbgpd restarts: the routes go with the session and come back after `rise` checks", async () => {
    await a.stop();
    await waitForWithdrawal(b, a.spec.address, "100.80.0.0/24");
    await a.start();
    await a.waitEstablished(b.spec.address, 30_000);
    await waitMed("100.80.0.0/24", 50);
    // Announced only once it was up again: after two successes, never with the down or disabled MED.
    const log = a.logTail(300).split("\n").filter(Boolean);
    const start = log.findLastIndex((l) => l.includes("listening on"));
    const web = log
      .slice(start)
      .map((l) => JSON.parse(l) as { healthcheck?: string; msg: string })
      .filter((l) => l.healthcheck === "web")
      .map((l) => l.msg);
    expect(web.slice(0, 3)).toEqual([
      expect.stringMatching(/^init → rising/),
      expect.stringMatching(/^rising → up/),
      "announcing 2 routes as up",
    ]);
  }, 60_000);
});
