/**
 * The Kubernetes panel's reducer (k8s-state.ts): what kbgpd says of the module, the routes kept in prefix
 * order as events come, the confirm step (and the reasons e/d do nothing), the filter and the event log's
 * lines for status changes.
 */

import { describe, expect, it } from "vitest";
import {
  INITIAL_K8S,
  type K8sAction,
  type K8sState,
  k8sRows,
  question,
  reduceK8s,
  statusChange,
} from "../../cli/shell/k8s-state.js";
import { formatSource } from "../../core/k8s/describe.js";
import { k8sRoute, k8sStatus } from "./fake-kbgpd.js";

const run = (s: K8sState, ...actions: K8sAction[]) => actions.reduce(reduceK8s, s);
const ready = (over: Parameters<typeof k8sStatus>[0] = {}) =>
  run(INITIAL_K8S, { type: "status", status: k8sStatus(over) });
const prefixes = (s: K8sState) => s.routes?.map((r) => r.prefix);

describe("routes", () => {
  it("kept sorted by address, not text; announce replaces a prefix, withdraw removes it", () => {
    let s = run(ready(), {
      type: "routes",
      routes: [k8sRoute("203.0.113.10/32", "b"), k8sRoute("203.0.113.9/32", "a")],
      problems: [],
    });
    expect(prefixes(s)).toEqual(["203.0.113.9/32", "203.0.113.10/32"]);
    s = run(
      s,
      { type: "route-event", op: "announce", route: k8sRoute("2001:db8::10/128", "v6") },
      { type: "route-event", op: "announce", route: k8sRoute("10.96.0.1/32", "kubernetes") },
      { type: "route-event", op: "announce", route: k8sRoute("203.0.113.9/32", "a2", { reason: "changed" }) },
      { type: "route-event", op: "withdraw", route: k8sRoute("203.0.113.10/32", "b") },
      { type: "route-event", op: "withdraw", route: k8sRoute("198.51.100.1/32", "never-there") },
    );
    expect(prefixes(s)).toEqual(["10.96.0.1/32", "203.0.113.9/32", "2001:db8::10/128"]);
    expect(s.routes?.[1].reason).toBe("changed");
  });

  it("events before the list is asked for are not kept; closing drops the list", () => {
    let s = run(ready(), { type: "route-event", op: "announce", route: k8sRoute("203.0.113.1/32", "a") });
    expect(s.routes).toBeNull();
    s = run(s, { type: "routes", routes: [], problems: [] }, { type: "scroll", offset: 3 });
    s = run(s, { type: "routes-closed" });
    expect([s.routes, s.offset]).toEqual([null, 0]);
  });
});

describe("the confirm step", () => {
  it("d asks, y sends, and the answer shows what kbgpd did", () => {
    let s = run(ready({ routes: 4 }), { type: "ask", toggle: "disable" });
    expect(s.confirm).toBe("disable");
    expect(question("disable", k8sStatus({ routes: 4 }))).toBe(
      "disable the Kubernetes sync and withdraw its 4 routes? y/n",
    );
    expect(question("disable", k8sStatus({ routes: 1 }))).toBe(
      "disable the Kubernetes sync and withdraw its 1 route? y/n",
    );
    s = run(s, { type: "answer", yes: true });
    expect([s.confirm, s.busy]).toEqual([null, "disable"]);
    s = run(s, { type: "toggled", status: k8sStatus({ enabled: false, state: "off", routes: 0 }) });
    expect(s.busy).toBeNull();
    expect(s.message).toEqual({ tone: "good", text: "kbgpd disabled the Kubernetes sync" });
    expect(s.module.kind === "known" && s.module.status.enabled).toBe(false);
  });

  it("anything but y leaves it as it was", () => {
    const s = run(ready(), { type: "ask", toggle: "disable" }, { type: "answer", yes: false });
    expect([s.confirm, s.busy, s.message?.text]).toEqual([null, null, "left as it was: not disabled"]);
  });

  it("says why e or d does nothing: absent, not known yet, not configured, already so, busy", () => {
    const why = (s: K8sState, toggle: "enable" | "disable" = "enable") => {
      const after = run(s, { type: "ask", toggle });
      expect(after.confirm).toBeNull();
      return after.message?.text;
    };
    expect(why(run(INITIAL_K8S, { type: "module", module: { kind: "absent" } }))).toBe(
      "this kbgpd has no Kubernetes sync",
    );
    expect(why(INITIAL_K8S)).toBe("kbgpd has not said how its Kubernetes sync is yet");
    expect(why(ready({ configured: false, enabled: false }))).toBe(
      "the Kubernetes sync is not configured in kbgpd",
    );
    expect(why(ready())).toBe("the Kubernetes sync is already enabled");
    expect(why(ready({ enabled: false }), "disable")).toBe("the Kubernetes sync is already disabled");
    const busy = run(
      ready({ enabled: false }),
      { type: "ask", toggle: "enable" },
      { type: "answer", yes: true },
    );
    expect(why(busy, "enable")).toBe("still waiting for kbgpd to enable the sync");
  });

  it("a refusal is shown, and the module losing its status forgets the question", () => {
    let s = run(ready(), { type: "ask", toggle: "disable" }, { type: "answer", yes: true });
    s = run(s, {
      type: "toggle-failed",
      message: "the method changes kbgpd and this is the read-only socket",
    });
    expect([s.busy, s.message]).toEqual([
      null,
      { tone: "bad", text: "kbgpd: the method changes kbgpd and this is the read-only socket" },
    ]);
    s = run(s, { type: "ask", toggle: "disable" }, { type: "module", module: { kind: "waiting" } });
    expect(s.confirm).toBeNull();
  });
});

describe("the list's rows and filter", () => {
  const s = run(ready(), {
    type: "routes",
    routes: [
      k8sRoute("203.0.113.1/32", "web"),
      k8sRoute("10.96.0.10/32", "dns", {
        rule: "cluster-ip",
        sources: [{ kind: "Service", namespace: "kube-system", name: "kube-dns" }],
        reason: "annotation kbgp.io/cluster-ip",
      }),
      k8sRoute("10.244.1.0/24", "n", {
        rule: "pod-cidr",
        sources: [{ kind: "Node", namespace: null, name: "worker-1" }],
        reason: "this node's pod CIDR",
      }),
    ],
    problems: [{ source: { kind: "Service", namespace: "default", name: "bad" }, message: "bad annotation" }],
  });
  const shown = (text: string) =>
    k8sRows(run(s, { type: "filter", line: { text, cursor: text.length }, filtering: false })).map((r) =>
      "route" in r ? r.route.prefix : `! ${formatSource(r.problem.source)}`,
    );

  it("routes in prefix order, then the problems", () => {
    expect(shown("")).toEqual(["10.96.0.10/32", "10.244.1.0/24", "203.0.113.1/32", "! Service default/bad"]);
  });

  it("every word must match the prefix, rule, sources or reason, case aside", () => {
    expect(shown("kube-system")).toEqual(["10.96.0.10/32"]);
    expect(shown("NODE worker")).toEqual(["10.244.1.0/24"]);
    expect(shown("default")).toEqual(["203.0.113.1/32", "! Service default/bad"]);
    expect(shown("pod-cidr dns")).toEqual([]);
  });

  it("a new filter starts at the top; the same text keeps the position", () => {
    let t = run(s, { type: "scroll", offset: 2 });
    t = run(t, { type: "filter", line: { text: "", cursor: 0 }, filtering: true });
    expect(t.offset).toBe(2);
    t = run(t, { type: "filter", line: { text: "w", cursor: 1 }, filtering: true });
    expect(t.offset).toBe(0);
  });

  it("sources read `Service ns/name`, `Node name`", () => {
    expect(formatSource({ kind: "Service", namespace: "default", name: "web" })).toBe("Service default/web");
    expect(formatSource({ kind: "Node", namespace: null, name: "worker-1" })).toBe("Node worker-1");
  });
});

describe("statusChange", () => {
  it("the switch, and the module's state with the error that made it fail", () => {
    expect(statusChange(null, k8sStatus())).toBeNull();
    expect(statusChange(k8sStatus(), k8sStatus({ routes: 9 }))).toBeNull();
    expect(statusChange(k8sStatus(), k8sStatus({ enabled: false, state: "off" }))).toEqual({
      tone: "info",
      text: "Kubernetes sync disabled",
    });
    expect(statusChange(k8sStatus(), k8sStatus({ state: "error", lastError: "401 Unauthorized" }))).toEqual({
      tone: "bad",
      text: "Kubernetes sync synced → error: 401 Unauthorized",
    });
    expect(statusChange(k8sStatus({ state: "syncing" }), k8sStatus())).toEqual({
      tone: "good",
      text: "Kubernetes sync syncing → synced",
    });
  });
});
