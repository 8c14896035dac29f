/** The control API's views: the Loc-RIB listing built from cached JSON pieces equals the plain view. */
import { describe, expect, it } from "vitest";
import { Speaker } from "../../core/speaker/speaker.js";
import { IPV4_UNICAST, IPV6_UNICAST } from "../../core/wire/index.js";
import { RawJson } from "../../daemon/control/server.js";
import { destinationView, localRows } from "../../daemon/control/views.js";
import { route, speakerConfig } from "../helpers/speaker-config.js";

describe("localRows", () => {
  it("writes each destination exactly as JSON.stringify(destinationView) would", () => {
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
    for (const family of [IPV4_UNICAST, IPV6_UNICAST]) {
      const rows = [...localRows(sp, family, { match: "exact" })];
      const views = [...sp.locRib.table(family).values((family >>> 8) as 1 | 2)].map(destinationView);
      expect(rows.length).toBe(views.length);
      expect(rows.length).toBeGreaterThan(1);
      rows.forEach((r, i) => {
        expect(r).toBeInstanceOf(RawJson);
        expect(r.json).toBe(JSON.stringify(views[i]));
      });
    }
  });
});
