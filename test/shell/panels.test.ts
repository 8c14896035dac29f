/**
 * The route view, its detail pane and the Kubernetes panel rendered with ink-testing-library, and the
 * detail pane's lines (route-detail.ts) as plain values: every line within the width (80 columns here),
 * the highlight in inverse video (colour or not), one line for a kbgpd without the Kubernetes sync.
 */
import { stripVTControlCharacters } from "node:util";
import { createElement as h } from "react";
import { describe, expect, it } from "vitest";
import { K8sPanel, type K8sPanelProps } from "../../cli/shell/components/k8s-panel.js";
import { RouteDetail } from "../../cli/shell/components/route-detail.js";
import { RouteView, type RouteViewProps } from "../../cli/shell/components/route-view.js";
import { INITIAL_K8S, type K8sState, k8sRows, reduceK8s } from "../../cli/shell/k8s-state.js";
import { EMPTY_LINE } from "../../cli/shell/line-editor.js";
import { detailLines } from "../../cli/shell/route-detail.js";
import type { RouteRow } from "../../cli/shell/route-window.js";
import { destination, k8sRoute, k8sStatus, path } from "./fake-kbgpd.js";
import { neighbor } from "./fixtures.js";
import { colourOn, INVERSE, mountedRenders } from "./terminal.js";

colourOn();

const show = mountedRenders();
const linesOf = (s: string | undefined) => stripVTControlCharacters(s ?? "").split("\n");

const NOW = 1_700_000_000_000;

describe("RouteView", () => {
  const row = (prefix: string, paths = 1): RouteRow => ({
    prefix,
    lines: Array.from({ length: paths }, (_, i) => [
      i ? "* " : "*>",
      prefix,
      `10.0.0.${i + 2}`,
      "65002 65010",
      "00:01:05",
      "[{Origin: i} {Med: 10} {LocalPref: 200} {Communities: 65000:1, no-export}]",
    ]),
  });
  const props = (over: Partial<RouteViewProps> = {}): RouteViewProps => ({
    rows: [row("10.0.0.0/24"), row("10.0.1.0/24", 2), row("10.0.2.0/24")],
    offset: 0,
    cursor: 1,
    total: 3,
    filter: EMPTY_LINE,
    error: null,
    width: 80,
    height: 10,
    ...over,
  });

  it("highlights every line of the route under the cursor, and only those", () => {
    const out = show(h(RouteView, props())).lastFrame() ?? "";
    const on = out
      .split("\n")
      .filter((l) => l.includes(INVERSE) && !stripVTControlCharacters(l).startsWith("filter>"));
    expect(on.map((l) => stripVTControlCharacters(l).slice(0, 27))).toEqual([
      "*> 10.0.1.0/24         10.0",
      "*  10.0.1.0/24         10.0",
    ]);
  });

  it("fits 80 columns and the height: whole routes only, the first always", () => {
    const lines = linesOf(show(h(RouteView, props({ height: 5 }))).lastFrame());
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(/^filter> +rows 1–2 of 3$/);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(80);
    const tiny = linesOf(show(h(RouteView, props({ height: 3, rows: [row("10.0.1.0/24", 3)] }))).lastFrame());
    expect(tiny).toHaveLength(3);
    expect(tiny[2]).toMatch(/^\*> 10\.0\.1\.0\/24/);
  });

  it("numbers the rows from where they start", () => {
    expect(
      linesOf(show(h(RouteView, props({ offset: 1000, cursor: 1001, total: 1_000_000 }))).lastFrame())[0],
    ).toMatch(/rows 1,001–1,003 of 1,000,000$/);
    expect(linesOf(show(h(RouteView, props({ rows: [], total: 0, cursor: null }))).lastFrame())[0]).toMatch(
      /no routes match$/,
    );
  });
});

describe("detailLines", () => {
  const neighbors = new Map([["10.0.0.2", neighbor("10.0.0.2", { state: "established", asn: 65002 })]]);
  const d = destination(
    "10.0.1.0/24",
    [
      path("10.0.0.2", {
        since: NOW - 3_723_000,
        asPath: "65002 65010 65020 65030",
        med: 10,
        localPref: 200,
        communities: ["65000:1", "65000:2", "65000:3", "no-export"],
        largeCommunities: ["65000:1:2", "65000:3:4"],
        extCommunities: ["target:65000:1"],
        originatorId: "192.0.2.9",
        clusterList: ["192.0.2.1"],
      }),
      path("local:api", {
        best: false,
        stale: true,
        pathId: 7,
        nextHop: null,
        asPath: "",
        since: NOW - 5_000,
      }),
    ],
    "local-pref",
  );

  it("a heading with the decision's reason, then each path: where from, next hop, AS_PATH, age, Attrs", () => {
    const lines = detailLines("10.0.1.0/24", d, NOW, 80, neighbors);
    expect(lines[0]).toBe("10.0.1.0/24: 2 paths, best: highest LOCAL_PREF (local-pref)");
    expect(lines).toContain("*>  from 10.0.0.2 (AS 65002, Establ)");
    expect(lines).toContain("   Next Hop   10.0.0.2");
    expect(lines).toContain("   AS_PATH    65002 65010 65020 65030");
    expect(lines).toContain("   Age        01:02:03");
    expect(lines).toContain("S*  from local:api");
    expect(lines).toContain("   Next Hop   0.0.0.0");
    expect(lines).toContain("   AS_PATH    (empty)");
    expect(lines).toContain("   Age        00:00:05 · path ID 7 · stale");
  });

  it("every attribute whole, wrapped within the width at attribute boundaries", () => {
    const lines = detailLines("10.0.1.0/24", d, NOW, 80, neighbors);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(80);
    const at = lines.findIndex((l) => l.startsWith("   Attrs"));
    let end = at + 1;
    while (lines[end]?.startsWith(" ".repeat(14))) end++;
    expect(end - at).toBeGreaterThan(1);
    const attrs = lines
      .slice(at, end)
      .map((l) => l.slice(14))
      .join(" ");
    expect(attrs).toContain("{Communities: 65000:1, 65000:2, 65000:3, no-export}");
    expect(attrs).toContain("{LargeCommunity: [ 65000:1:2, 65000:3:4]}");
    expect(attrs).toContain("{Extcomms: [target:65000:1]}");
    expect(lines[at + 1]).toMatch(/^ {14}\{/);
  });

  it("IPv6: our own next hop is ::; a prefix that went: not in table", () => {
    const v6 = destination("2001:db8::/32", [path("local:api", { nextHop: null })]);
    expect(detailLines("2001:db8::/32", v6, NOW, 80, new Map())).toContain("   Next Hop   ::");
    expect(detailLines("2001:db8::/32", null, NOW, 80, new Map())).toEqual([
      "2001:db8::/32: Network not in table",
    ]);
  });
});

describe("RouteDetail", () => {
  const lines = ["10.0.0.0/24: 1 path", ...Array.from({ length: 20 }, (_, i) => `line ${i + 1}`)];
  it("shows its height's worth, says which lines", () => {
    const out = linesOf(
      show(
        h(RouteDetail, { prefix: "10.0.0.0/24", lines, offset: 5, error: null, width: 80, height: 6 }),
      ).lastFrame(),
    );
    expect(out).toEqual([
      "10.0.0.0/24: 1 path",
      "line 6",
      "line 7",
      "line 8",
      "line 9",
      "lines 6–9 of 20 (↑↓ PgUp/PgDn scroll)",
    ]);
  });
  it("while asking, and when kbgpd failed", () => {
    const ask = (error: string | null) =>
      linesOf(
        show(
          h(RouteDetail, { prefix: "10.0.0.0/24", lines: null, offset: 0, error, width: 80, height: 6 }),
        ).lastFrame(),
      );
    expect(ask(null)).toEqual(["asking kbgpd about 10.0.0.0/24…"]);
    expect(ask("lost kbgpd")).toEqual(["10.0.0.0/24: kbgpd: lost kbgpd"]);
  });
});

describe("K8sPanel", () => {
  const known = (over: Parameters<typeof k8sStatus>[0] = {}): K8sState =>
    reduceK8s(INITIAL_K8S, {
      type: "status",
      status: k8sStatus({ since: NOW - 300_000, lastSync: NOW - 3_000, ...over }),
    });
  const withRoutes = (s: K8sState, n: number): K8sState =>
    reduceK8s(s, {
      type: "routes",
      routes: Array.from({ length: n }, (_, i) =>
        k8sRoute(
          `203.0.113.${i + 1}/32`,
          `web-${i + 1}`,
          i === 0
            ? {
                sources: [
                  { kind: "Service", namespace: "very-long-namespace", name: "very-long-service-name" },
                ],
              }
            : {},
        ),
      ),
      problems: [
        {
          source: { kind: "Service", namespace: "default", name: "bad" },
          message: "kbgp.io/local-pref: not a number",
        },
      ],
    });
  const panel = (state: K8sState, over: Partial<K8sPanelProps> = {}) =>
    linesOf(
      show(
        h(K8sPanel, { state, rows: k8sRows(state), now: NOW, width: 80, height: 17, color: false, ...over }),
      ).lastFrame(),
    );

  it("one line for a kbgpd without the sync, one for a sync not configured, one while asking, one when kbgpd failed", () => {
    expect(panel(reduceK8s(INITIAL_K8S, { type: "module", module: { kind: "absent" } }))).toEqual([
      "This kbgpd has no Kubernetes sync (k8s.status: method not found).",
    ]);
    expect(panel(known({ configured: false, enabled: false, state: "off" }))).toEqual([
      "The Kubernetes sync is not configured: kbgpd has no `kubernetes` section.",
    ]);
    expect(panel(INITIAL_K8S)).toEqual(["asking kbgpd about its Kubernetes sync…"]);
    expect(
      panel(reduceK8s(INITIAL_K8S, { type: "module", module: { kind: "failed", message: "lost kbgpd" } })),
    ).toEqual(["kbgpd: lost kbgpd"]);
  });

  it("the module's state, then the routes with rule, sources and reason, then the problems", () => {
    const lines = panel(withRoutes(known(), 2));
    expect(lines[0]).toMatch(
      /^Kubernetes sync: on · synced since \d\d:\d\d:\d\d \(00:05:00\) · node worker-1$/,
    );
    expect(lines[1]).toMatch(
      /^API server https:\/\/10\.96\.0\.1:443 · last sync \d\d:\d\d:\d\d \(00:00:03 ago\)$/,
    );
    expect(lines[2]).toBe("12 services · 14 endpoint slices · 3 nodes · 40 pods · 5 namespaces");
    expect(lines[3]).toBe("2 routes announced · 0 problems · no errors");
    expect(lines[4]).toBe("e enable · d disable · / filter");
    expect(lines[5]).toMatch(/^Prefix +Rule +Sources +Reason$/);
    // Columns as wide as their values (sources at most 30); the reason takes the rest, cut at the width.
    expect(lines[6]).toBe("203.0.113.1/32 loadbalancer-ip Service very-long-namespace/… ready endpoint on …");
    expect(lines[7]).toBe("203.0.113.2/32 loadbalancer-ip Service default/web-2         ready endpoint on …");
    expect(lines[8]).toBe("! Service default/bad: kbgp.io/local-pref: not a number");
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(80);
  });

  it("a long list scrolls, saying where it is; the last error shows with its time", () => {
    const s = reduceK8s(
      withRoutes(
        known({
          state: "error",
          lastError: "connection refused",
          errors: [{ at: NOW - 1000, message: "connection refused" }],
        }),
        30,
      ),
      {
        type: "scroll",
        offset: 10,
      },
    );
    const lines = panel(s);
    expect(lines).toHaveLength(17);
    expect(lines[0]).toMatch(/^Kubernetes sync: on · error since/);
    expect(lines[3]).toMatch(
      /^2 routes announced · 0 problems · last error \d\d:\d\d:\d\d: connection refused$/,
    );
    expect(lines[6]).toMatch(/^203\.0\.113\.11\/32 /);
    expect(lines.at(-1)).toBe("rows 11–20 of 31 (↑↓ PgUp/PgDn)");
  });

  it("the confirm step's question, the filter being typed, the last outcome", () => {
    const ready = withRoutes(known(), 2);
    expect(panel(reduceK8s(ready, { type: "ask", toggle: "disable" }))[4]).toBe(
      "disable the Kubernetes sync and withdraw its 2 routes? y/n",
    );
    const filtering = reduceK8s(ready, {
      type: "filter",
      line: { text: "web-2", cursor: 5 },
      filtering: true,
    });
    const lines = panel(filtering);
    expect(lines[4].trimEnd()).toBe("filter> web-2");
    expect(lines.slice(6)).toEqual([
      "203.0.113.2/32 loadbalancer-ip Service default/web-2 ready endpoint on this node",
    ]);
    expect(
      panel(
        reduceK8s(filtering, { type: "filter", line: { text: "nothing", cursor: 7 }, filtering: false }),
      )[6],
    ).toBe("no routes match the filter");
    expect(panel(reduceK8s(ready, { type: "toggle-failed", message: "read-only socket" }))[4]).toBe(
      "kbgpd: read-only socket",
    );
  });

  it("without colour, no colour codes; with it, the state coloured", () => {
    const s = withRoutes(known(), 1);
    const plainOut =
      show(
        h(K8sPanel, { state: s, rows: k8sRows(s), now: NOW, width: 80, height: 17, color: false }),
      ).lastFrame() ?? "";
    for (const code of [31, 32, 33]) expect(plainOut).not.toContain(`\x1b[${code}m`);
    const colored =
      show(
        h(K8sPanel, { state: s, rows: k8sRows(s), now: NOW, width: 80, height: 17, color: true }),
      ).lastFrame() ?? "";
    expect(colored).toContain("\x1b[32m");
  });
});
