/** Routes given through the API are checked like the file's `routes`, each alone, with shared attributes. */
import { describe, expect, it } from "vitest";
import { resolveRoutes } from "../../daemon/routes/api-routes.js";

describe("resolveRoutes", () => {
  it("checks each route alone: the valid ones resolve, the others are named by index", () => {
    const { routes, refused } = resolveRoutes([
      { prefix: "10.0.0.0/24", "next-hop": "192.0.2.1", med: 5 },
      { prefix: "10.0.1.0/24", "next-hop": "192.0.2.1", med: 5 },
      { prefix: "10.0.2.1/24", "next-hop": "192.0.2.1", med: 5 },
      { prefix: "2001:db8::/32", "next-hop": "192.0.2.1", med: 5 },
      { prefix: "2001:db8:1::/48", "next-hop": "2001:db8::1", med: 5 },
      { prefix: "10.0.3.0/24", "next-hop": "192.0.2.1", med: "five" },
      "10.0.4.0/24",
    ]);
    expect(routes.map((r) => [r.prefix.length, r.nextHop, r.med])).toEqual([
      [24, "192.0.2.1", 5],
      [24, "192.0.2.1", 5],
      [48, "2001:db8::1", 5],
    ]);
    expect(refused.map((r) => r.index)).toEqual([2, 3, 5, 6]);
    expect(refused[0].message).toMatch(/^prefix: /);
    // The same attribute text is checked per family: an IPv4 next hop is fine for IPv4 only.
    expect(refused[1].message).toBe("next-hop: an IPv6 route needs an IPv6 next hop");
    expect(refused[2].message).toMatch(/^med: /);
  });

  it("routes with the same attributes share them, and each keeps its own prefix", () => {
    const { routes } = resolveRoutes(
      Array.from({ length: 3 }, (_, i) => ({ prefix: `10.9.${i}.0/24`, communities: ["65000:1"] })),
    );
    expect(routes[0].communities).toBe(routes[2].communities);
    expect(routes.map((r) => [...r.prefix.addr])).toEqual([
      [10, 9, 0, 0],
      [10, 9, 1, 0],
      [10, 9, 2, 0],
    ]);
  });
});
