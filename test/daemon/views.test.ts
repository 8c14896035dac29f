/**
 * The control API's views: the Loc-RIB listing built from cached JSON pieces equals the plain view, and its
 * table cells (`form: "cells"`) say what the view says in gobgp's words.
 */
import { describe, expect, it } from "vitest";
import { Speaker } from "../../core/speaker/speaker.js";
import { IPV4_UNICAST, IPV6_UNICAST } from "../../core/wire/index.js";
import { attrsText, nextHopText } from "../../daemon/control/attrs-text.js";
import { RawJson } from "../../daemon/control/server.js";
import { destinationCells, SetCellCache } from "../../daemon/control/table-cells.js";
import { destinationJson, destinationView } from "../../daemon/control/views.js";
import { route, speakerConfig } from "../helpers/speaker-config.js";

const destinations = (sp: Speaker, family: number) => [
  ...sp.locRib.table(family).values((family >>> 8) as 1 | 2),
];
/** Rows as one listing writes them: with one cache for all of them. */
const localRows = (sp: Speaker, family: number) => {
  const cache = new Map();
  return destinations(sp, family).map((d) => destinationJson(d, cache));
};
const localCells = (sp: Speaker, family: number) => {
  const cache = new SetCellCache(family === IPV6_UNICAST);
  return destinations(sp, family).map((d) => destinationCells(d, cache));
};

describe("Loc-RIB rows", () => {
  it("writes each destination exactly as JSON.stringify(destinationView) would", () => {
    const sp = speakerWithRoutes();
    for (const family of [IPV4_UNICAST, IPV6_UNICAST]) {
      const rows = localRows(sp, family);
      const views = [...sp.locRib.table(family).values((family >>> 8) as 1 | 2)].map(destinationView);
      expect(rows.length).toBe(views.length);
      expect(rows.length).toBeGreaterThan(1);
      rows.forEach((r, i) => {
        expect(r).toBeInstanceOf(RawJson);
        expect(r.json).toBe(JSON.stringify(views[i]));
      });
    }
  });

  it("gives each path's table line as cells: marker, prefix, next hop, AS_PATH, since, Attrs", () => {
    const sp = speakerWithRoutes();
    for (const family of [IPV4_UNICAST, IPV6_UNICAST]) {
      const ipv6 = family === IPV6_UNICAST;
      const rows = localCells(sp, family).map((r) => JSON.parse(r.json));
      const views = [...sp.locRib.table(family).values((family >>> 8) as 1 | 2)].map(destinationView);
      expect(rows).toEqual(
        views.map((v) =>
          v.paths.map((p) => [
            `${p.stale ? "S" : ""}${p.best ? "*>" : "* "}`,
            v.prefix,
            nextHopText(p, ipv6),
            p.asPath,
            p.since,
            attrsText(p),
          ]),
        ),
      );
    }
    // Two paths for 10.0.0.0/24: the best first, the other marked `* `.
    const rows = localCells(sp, IPV4_UNICAST).map((r) => JSON.parse(r.json));
    const first = rows.find((r) => r[0][1] === "10.0.0.0/24");
    expect(first.map((l: string[]) => l[0])).toEqual(["*>", "* "]);
    expect(first[0][5]).toBe("[{Origin: i} {Med: 5} {Communities: 65000:1, no-export}]");
  });
});

function speakerWithRoutes(): Speaker {
  const shared = { med: 5, communities: [(65000 << 16) | 1, 0xffffff01] };
  const sp = new Speaker(
    speakerConfig(
      65001,
      "10.0.0.1",
      [],
      [
        ...Array.from({ length: 5 }, (_, i) => route(`10.0.${i}.0/24`, shared)),
        route("10.0.0.0/24", { identifier: 2, nextHop: "192.0.2.7", asPath: [{ type: 2, asns: [64500] }] }),
        route("10.1.0.0/16", { nextHop: "2001:db8::1" }), // an IPv6 next hop: an MP next hop on the path
        route("2001:db8:5::/48", { nextHop: "2001:db8::9", localPref: 200 }),
        route("2001:db8:6::/48", { nextHop: "2001:db8::9", localPref: 200 }),
      ],
    ),
  );
  sp.handle({ kind: "start" }, 1);
  return sp;
}
