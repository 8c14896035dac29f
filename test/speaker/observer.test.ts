/** The speaker's observer (core/speaker/observer.ts): which changes it reports, in which order, with what. */
import { describe, expect, it } from "vitest";
import type { RouteConfig } from "../../core/config/types.js";
import type { Destination } from "../../core/rib/loc-rib.js";
import type { Path } from "../../core/rib/path.js";
import type { SpeakerObserver } from "../../core/speaker/observer.js";
import type { Peer } from "../../core/speaker/peer.js";
import { Speaker } from "../../core/speaker/speaker.js";
import { formatPrefix, IPV4_UNICAST } from "../../core/wire/index.js";
import { state } from "../helpers/rib-view.js";
import { neighbor, route, speakerConfig } from "../helpers/speaker-config.js";
import { VirtualNet } from "../helpers/virtual-net.js";

const A = "10.0.0.1";
const B = "10.0.0.2";

const prefix = (d: Destination) => formatPrefix({ afi: d.afi, length: d.length, addr: d.addr });
/** A path as a short word: its source and local preference. */
const word = (p: Path | null) => (p ? `${p.source.id}/${p.attrs.decoded().localPref ?? "-"}` : "none");

/** Every call as a line of text, in order. */
function recorder(): { lines: string[]; observer: SpeakerObserver } {
  const lines: string[] = [];
  return {
    lines,
    observer: {
      pathChanged: (d, before, after) => lines.push(`path ${prefix(d)} ${word(before)} -> ${word(after)}`),
      bestChanged: (d, before) => lines.push(`best ${prefix(d)} ${word(before)} -> ${word(d.best)}`),
      neighborChanged: (p: Peer) =>
        lines.push(
          `neighbor ${p.id} ${p.state}${p.adminDown ? " admin-down" : ""}${p.lastError ? ` (${p.lastError})` : ""}`,
        ),
      neighborRemoved: (p: Peer) => lines.push(`removed ${p.id}`),
    },
  };
}

const routes = (source: string, list: RouteConfig[]) =>
  ({ kind: "routes", source, op: "add", routes: list }) as const;

describe("Loc-RIB changes", () => {
  it("reports each path change, then the best-path change it caused, after the table changed", () => {
    const sp = new Speaker(speakerConfig(65001, A, []));
    const { lines, observer } = recorder();
    sp.observe(observer);
    const seen: number[] = [];
    // The observer sees the table as it is after the change: the last withdrawal has emptied it.
    const inner = observer.bestChanged;
    observer.bestChanged = (d, before) => {
      seen.push(sp.locRib.count(IPV4_UNICAST));
      inner(d, before);
    };
    sp.handle(routes("api", [route("192.0.2.0/24", { localPref: 100 })]), 1);
    sp.handle(routes("k8s", [route("192.0.2.0/24", { localPref: 200 })]), 2);
    sp.handle(routes("k8s", [route("192.0.2.0/24", { localPref: 50 })]), 3);
    sp.handle(routes("api", [route("192.0.2.0/24", { localPref: 100, med: 1 })]), 4);
    sp.handle({ kind: "routes", source: "api", op: "clear" }, 5);
    sp.handle({ kind: "routes", source: "k8s", op: "clear" }, 6);
    expect(lines).toEqual([
      "path 192.0.2.0/24 none -> local:api/100",
      "best 192.0.2.0/24 none -> local:api/100",
      "path 192.0.2.0/24 none -> local:k8s/200",
      "best 192.0.2.0/24 local:api/100 -> local:k8s/200",
      "path 192.0.2.0/24 local:k8s/200 -> local:k8s/50",
      "best 192.0.2.0/24 local:k8s/200 -> local:api/100",
      // The best path is replaced by a new one of the same source: a new best path.
      "path 192.0.2.0/24 local:api/100 -> local:api/100",
      "best 192.0.2.0/24 local:api/100 -> local:api/100",
      "path 192.0.2.0/24 local:api/100 -> none",
      "best 192.0.2.0/24 local:api/100 -> local:k8s/50",
      "path 192.0.2.0/24 local:k8s/50 -> none",
      "best 192.0.2.0/24 local:k8s/50 -> none",
    ]);
    expect(seen).toEqual([1, 1, 1, 1, 1, 0]);
  });

  it("reports a path change that leaves the best path alone as a path change only", () => {
    const sp = new Speaker(speakerConfig(65001, A, []));
    sp.handle(routes("api", [route("192.0.2.0/24", { localPref: 200 })]), 1);
    const { lines, observer } = recorder();
    sp.observe(observer);
    sp.handle(routes("k8s", [route("192.0.2.0/24", { localPref: 100 })]), 2);
    expect(lines).toEqual(["path 192.0.2.0/24 none -> local:k8s/100"]);
  });

  it("reports nothing once detached", () => {
    const sp = new Speaker(speakerConfig(65001, A, []));
    const { lines, observer } = recorder();
    sp.observe(observer);
    sp.observe(null);
    sp.handle(routes("api", [route("192.0.2.0/24")]), 1);
    expect(lines).toEqual([]);
    expect(sp.locRib.observer).toBeNull();
  });
});

describe("neighbors and their routes", () => {
  function pair() {
    const net = new VirtualNet();
    const a = net.add("a", A, speakerConfig(65001, A, [neighbor(B, 65002)]));
    net.add("b", B, speakerConfig(65002, B, [neighbor(A, 65001)], [route("198.51.100.0/24")]));
    const rec = recorder();
    a.observe(rec.observer);
    net.input(A, { kind: "start" });
    net.input(B, { kind: "start" });
    net.until(() => state(a, B) === "established" && a.locRib.count(IPV4_UNICAST) === 1);
    return { net, a, lines: rec.lines };
  }

  it("reports the neighbor's states up to Established, then its route in Adj-RIB-In and Loc-RIB", () => {
    const { lines } = pair();
    const states = lines.filter((l) => l.startsWith("neighbor"));
    expect(states[0]).toBe(`neighbor ${B} idle`);
    expect(states.at(-1)).toBe(`neighbor ${B} established`);
    expect(states).toContain(`neighbor ${B} openconfirm`);
    expect(lines.slice(-2)).toEqual([
      `path 198.51.100.0/24 none -> ${B}/-`,
      `best 198.51.100.0/24 none -> ${B}/-`,
    ]);
  });

  it("reports a shutdown: the routes withdrawn, then Idle with the reason; and Idle(Admin) of an idle one", () => {
    const { net, lines } = pair();
    lines.length = 0;
    net.input(A, { kind: "admin", neighbor: B, action: "shutdown", message: "maintenance" });
    expect(lines).toEqual([
      `path 198.51.100.0/24 ${B}/- -> none`,
      `best 198.51.100.0/24 ${B}/- -> none`,
      `neighbor ${B} idle admin-down (Cease / Administrative Shutdown: maintenance)`,
    ]);
    lines.length = 0;
    net.input(A, { kind: "admin", neighbor: B, action: "enable" });
    expect(lines[0]).toMatch(new RegExp(`^neighbor ${B} (connect|opensent)`));
  });

  it("reports an idle neighbor becoming Idle(Admin), and nothing when shut down again", () => {
    const { net, a, lines } = pair();
    net.remove(B);
    expect(state(a, B)).toBe("idle");
    lines.length = 0;
    net.input(A, { kind: "admin", neighbor: B, action: "shutdown" });
    expect(lines).toEqual([`neighbor ${B} idle admin-down (connection closed: connection reset)`]);
    lines.length = 0;
    net.input(A, { kind: "admin", neighbor: B, action: "shutdown" });
    expect(lines).toEqual([]);
  });

  it("reports a removed neighbor after its routes, and a new one", () => {
    const { net, lines } = pair();
    lines.length = 0;
    net.input(A, { kind: "reconfigure", config: speakerConfig(65001, A, [neighbor("10.0.0.3", 65003)]) });
    expect(lines.slice(0, 2)).toEqual([
      `path 198.51.100.0/24 ${B}/- -> none`,
      `best 198.51.100.0/24 ${B}/- -> none`,
    ]);
    const removed = lines.indexOf(`removed ${B}`);
    expect(removed).toBeGreaterThan(1);
    expect(lines.slice(removed + 1, removed + 3)).toEqual([
      "neighbor 10.0.0.3 idle",
      "neighbor 10.0.0.3 connect",
    ]);
  });
});
