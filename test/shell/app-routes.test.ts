/**
 * The route view against a fake kbgpd (fake-kbgpd.ts): the highlighted route, the detail pane Enter opens
 * and keeps current, the event log's route summaries (a line per change when few, one line a second when
 * many, and a 100,000-event burst that leaves the keys answering), and IPv6 prefix completion.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stripVTControlCharacters } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { count, KEY, type Shell, shell, unmountAll } from "./drive.js";
import { destination, FakeKbgpd, path } from "./fake-kbgpd.js";
import { neighborView } from "./fixtures.js";
import { colourOn, INVERSE } from "./terminal.js";

colourOn();

let dir: string;
let daemon: FakeKbgpd | null = null;
afterEach(async () => {
  unmountAll();
  await daemon?.stop();
  daemon = null;
  rmSync(dir, { recursive: true, force: true });
});

const neighbors = () => [
  neighborView("10.0.0.2", { state: "established", upSince: Date.now() - 60_000, asn: 65002 }),
  neighborView("10.0.0.3", { state: "established", upSince: Date.now() - 60_000, asn: 65003 }),
];

function table() {
  return [
    destination("10.0.0.0/24", [path("10.0.0.2")]),
    destination(
      "10.0.1.0/24",
      [
        path("10.0.0.2", {
          asPath: "65002 65010",
          med: 10,
          localPref: 200,
          communities: ["65000:1", "no-export"],
          largeCommunities: ["65000:1:2"],
        }),
        path("10.0.0.3", { best: false, asPath: "65003", localPref: 100 }),
      ],
      "local-pref",
    ),
    destination("10.1.0.0/16", [path("local:api", { nextHop: null, asPath: "" })]),
    destination("2001:db8::/32", [path("10.0.0.2", { nextHop: "2001:db8::2" })]),
    destination("2001:db8:0:1::/64", [path("10.0.0.2", { nextHop: "2001:db8::2" })]),
    destination("2001:db8:1::/48", [path("10.0.0.2", { nextHop: "2001:db8::2" })]),
  ];
}

async function withDaemon() {
  dir = mkdtempSync(join(tmpdir(), "kbgp-shell-"));
  daemon = new FakeKbgpd(join(dir, "kbgp.sock"), neighbors(), table());
  await daemon.start();
  const s = shell(daemon.path);
  await s.until("kbgp shell · kbgpd 9.9.9");
  const d = daemon;
  await s.until(() => d.subscribed("rib"));
  return { s, d };
}

/** The raw last frame's lines that are highlighted. */
const highlighted = (s: Shell) =>
  (s.lastFrame() ?? "")
    .split("\n")
    .filter((l) => l.includes(INVERSE))
    .map((l) => stripVTControlCharacters(l));

describe("the route view", () => {
  it("highlights the first route; ↓ moves the highlight over all of a route's lines", async () => {
    const { s } = await withDaemon();
    await s.type(KEY.alt("3"));
    await s.until(/^filter>\s+rows 1–3 of 3/m);
    expect(highlighted(s).filter((l) => !l.startsWith("filter>"))).toEqual([
      expect.stringMatching(/^\*> +10\.0\.0\.0\/24 /),
    ]);
    await s.type(KEY.down);
    await s.until(() => highlighted(s).some((l) => l.includes("10.0.1.0/24")));
    const rows = highlighted(s).filter((l) => !l.startsWith("filter>"));
    expect(rows).toHaveLength(2); // the route's two paths
    expect(rows[1]).toMatch(/^\* +10\.0\.1\.0\/24 +10\.0\.0\.3/);
    expect(s.lines().at(-1)).toMatch(/Enter detail/);
  });

  it("Enter opens the highlighted route in detail: every path, where it came from, all attributes; Esc goes back", async () => {
    const { s, d } = await withDaemon();
    await s.type(KEY.alt("3"));
    await s.until(/rows 1–3 of 3/);
    await s.type(KEY.down, KEY.enter);
    await s.until("10.0.1.0/24: 2 paths, best: highest LOCAL_PREF (local-pref)");
    const live = s.live().join("\n");
    expect(live).toMatch(/^\*> +from 10\.0\.0\.2 \(AS 65002, Establ\)$/m);
    expect(live).toMatch(/^ {3}Next Hop +10\.0\.0\.2$/m);
    expect(live).toMatch(/^ {3}AS_PATH +65002 65010$/m);
    expect(live).toMatch(/^ {3}Age +00:01:0\d$/m);
    // Every attribute, wrapped under its label rather than cut.
    expect(live).toContain(
      "   Attrs      [{Origin: i} {Med: 10} {LocalPref: 200} {Communities: 65000:1, no-export}\n" +
        "              {LargeCommunity: [ 65000:1:2]}]",
    );
    expect(live).toMatch(/^\* {3}from 10\.0\.0\.3 \(AS 65003, Establ\)$/m);
    expect(s.lines().at(-1)).toMatch(/^↑↓ PgUp\/PgDn Home\/End scroll · Esc back to the routes/);
    expect(d.requests.find((r) => r.method === "rib.list" && r.params.match === "exact")?.params).toEqual({
      prefix: "10.0.1.0/24",
      match: "exact",
      family: "ipv4-unicast",
    });
    // ink-testing-library's terminal is 100 columns wide.
    for (const l of s.live()) expect(l.length).toBeLessThanOrEqual(100);
    await s.type(KEY.escape);
    await s.until(/^filter>\s+rows 1–3 of 3/m);
    await s.type(KEY.escape);
    await s.until(/^Peer +AS/m);
  });

  it("the detail pane follows its prefix: a new path shows, a withdrawal says it is gone", async () => {
    const { s, d } = await withDaemon();
    await s.type(KEY.alt("3"));
    await s.until(/rows 1–3 of 3/);
    await s.type(KEY.enter);
    await s.until("10.0.0.0/24: 1 path, best: the only path");
    d.rib[0] = destination(
      "10.0.0.0/24",
      [path("10.0.0.3", { asPath: "65003" }), path("10.0.0.2", { best: false })],
      "as-path",
    );
    d.pushTo("rib", {
      kind: "route",
      family: "ipv4-unicast",
      prefix: "10.0.0.0/24",
      path: path("10.0.0.3"),
      at: Date.now(),
    });
    await s.until("10.0.0.0/24: 2 paths, best: shortest AS_PATH (as-path)", 2000);
    d.rib.splice(0, 1);
    d.pushTo("rib", {
      kind: "withdraw",
      family: "ipv4-unicast",
      prefix: "10.0.0.0/24",
      path: path("10.0.0.3"),
      at: Date.now(),
    });
    await s.until("10.0.0.0/24: Network not in table", 2000);
  });

  it("a detail taller than the screen scrolls with ↓ and PgDn", async () => {
    const { s, d } = await withDaemon();
    d.rib[0] = destination(
      "10.0.0.0/24",
      Array.from({ length: 8 }, (_, i) => path(`10.0.0.${i + 2}`, { best: i === 0 })),
      "router-id",
    );
    await s.type(KEY.alt("3"));
    await s.until(/rows 1–\d of 3/);
    await s.type(KEY.enter);
    await s.until(/lines 1–\d+ of 40 \(↑↓ PgUp\/PgDn scroll\)/);
    expect(s.live().length).toBeLessThan(24);
    await s.type(KEY.down);
    await s.until(/lines 2–\d+ of 40/);
    await s.type(KEY.end);
    await s.until(/lines \d+–40 of 40/);
    expect(s.screen()).toMatch(/from 10\.0\.0\.9$/m);
  });
});

describe("the event log of route changes", () => {
  const route = (prefix: string) => ({
    kind: "route",
    family: "ipv4-unicast",
    prefix,
    path: path("10.0.0.2", { nextHop: "10.0.0.2", asPath: "65002 65010" }),
    at: Date.now(),
  });

  it("a few changes in a second: a line each", async () => {
    const { s, d } = await withDaemon();
    d.pushTo("rib", route("198.51.100.0/24"));
    d.pushTo("rib", { ...route("198.51.101.0/24"), kind: "withdraw" });
    await s.until("+ 198.51.100.0/24 via 10.0.0.2 aspath [65002 65010]", 2500);
    await s.until("− 198.51.101.0/24 via 10.0.0.2", 2500);
  });

  it("many in a second: one line of counts with the last change", async () => {
    const { s, d } = await withDaemon();
    for (let i = 0; i < 1203; i++) d.pushTo("rib", route(`10.9.${i >> 8}.${i & 255}/32`));
    for (let i = 0; i < 3; i++) d.pushTo("rib", { ...route(`10.8.0.${i}/32`), kind: "withdraw" });
    d.pushTo("rib", route("198.51.100.0/24"));
    await s.until("+1,204 −3 routes (last: 198.51.100.0/24 via 10.0.0.2)", 2500);
    expect(s.screen()).not.toContain("+ 10.9.0.1/32");
  });

  it("a burst of 100,000 events is counted, in constant lines, and the keys keep answering", async () => {
    const { s, d } = await withDaemon();
    const t0 = performance.now();
    const written = d.burst(100_000);
    // Type while the burst comes in: each key must show promptly.
    const lags: number[] = [];
    for (const ch of "neighbor") {
      const t = performance.now();
      s.stdin.write(ch);
      await s.until(() => s.promptLine().endsWith(ch), 5000);
      lags.push(performance.now() - t);
    }
    await written;
    const sent = performance.now() - t0;
    const counted = () =>
      [...s.screen().matchAll(/\+([\d,]+) routes \(last: /g)].reduce(
        (n, m) => n + Number(m[1].replaceAll(",", "")),
        0,
      );
    await s.until(() => counted() === 100_000, 10_000);
    const done = performance.now() - t0;
    const lines = count(s.screen(), " routes (last: ");
    console.log(
      `100,000 rib events: written in ${Math.round(sent)} ms, all counted in ${Math.round(done)} ms, ` +
        `${lines} log lines; key echo during the burst: max ${Math.round(Math.max(...lags))} ms, ` +
        `median ${Math.round(lags.sort((a, b) => a - b)[lags.length >> 1])} ms`,
    );
    expect(lines).toBeLessThanOrEqual(Math.ceil(done / 1000) + 1);
    expect(Math.max(...lags)).toBeLessThan(1000);
    expect(s.promptLine()).toBe("kbgp> neighbor");
  });
});

describe("prefix completion from the live RIB", () => {
  it("completes IPv6 prefixes by address: `2001:db8::` finds 2001:db8:0:1::/64", async () => {
    const { s } = await withDaemon();
    await s.type("global rib 2001:db8::", KEY.tab);
    await s.until(() => s.lines().includes("2001:db8::/32  2001:db8:0:1::/64  2001:db8:1::/48"));
    // Zero groups written out: the /32 is the one whose address starts 2001:db8:0:0.
    await s.type(KEY.ctrlU, "global rib 2001:db8:0:0:", KEY.tab);
    await s.until(() => s.promptLine() === "kbgp> global rib 2001:db8::/32");
    await s.type(KEY.ctrlU, "global rib 2001:db8:0:1", KEY.tab);
    await s.until(() => s.promptLine() === "kbgp> global rib 2001:db8:0:1::/64");
  });
});
