/** Properties of the derivation and of the diff, over random clusters and configurations. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { comparePrefixes } from "../../core/k8s/candidates.js";
import { derive } from "../../core/k8s/desired-routes.js";
import { desiredRouteKey, diffRoutes } from "../../core/k8s/diff.js";
import type { DesiredRoute, KubernetesConfig } from "../../core/k8s/types.js";
import { formatPrefix } from "../../core/wire/prefix.js";
import { clusterArb, configArb, shuffled } from "./arbitraries.js";
import { ASN, NODE } from "./fixtures.js";

const speaker = { asn: ASN };

describe("derive", () => {
  it("does not depend on the order of the objects", () => {
    fc.assert(
      fc.property(clusterArb, configArb, fc.integer(), (c, cfg, seed) => {
        const a = derive(c, NODE, cfg, speaker);
        const b = derive(shuffled(c, seed), NODE, cfg, speaker);
        expect(b).toEqual(a);
      }),
      { numRuns: 300 },
    );
  });

  it("gives every route a source, each prefix once, sorted by prefix", () => {
    fc.assert(
      fc.property(clusterArb, configArb, (c, cfg) => {
        const { routes } = derive(c, NODE, cfg, speaker);
        for (const r of routes) expect(r.sources.length).toBeGreaterThan(0);
        expect(new Set(routes.map((r) => formatPrefix(r.route.prefix))).size).toBe(routes.length);
        for (let i = 1; i < routes.length; i++)
          expect(comparePrefixes(routes[i - 1].route.prefix, routes[i].route.prefix)).toBeLessThan(0);
      }),
      { numRuns: 300 },
    );
  });

  it("never adds a route when an announce switch is turned off", () => {
    const switches = ["loadBalancerIps", "externalIps", "clusterIps", "podCidrs", "pods"] as const;
    fc.assert(
      fc.property(clusterArb, configArb, fc.constantFrom(...switches), (c, cfg, name) => {
        const on: KubernetesConfig = { ...cfg, announce: { ...cfg.announce, [name]: true } };
        const off: KubernetesConfig = { ...cfg, announce: { ...cfg.announce, [name]: false } };
        const before = new Set(derive(c, NODE, on, speaker).routes.map((r) => formatPrefix(r.route.prefix)));
        for (const r of derive(c, NODE, off, speaker).routes)
          expect(before.has(formatPrefix(r.route.prefix))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("never throws, and every problem names a source", () => {
    fc.assert(
      fc.property(clusterArb, configArb, (c, cfg) => {
        const { problems } = derive(c, NODE, cfg, speaker);
        for (const p of problems) expect(p.source.name).not.toBe("");
      }),
      { numRuns: 200 },
    );
  });
});

describe("diffRoutes", () => {
  /** The routes the speaker holds after applying `diff` to `held`, by key. */
  function apply(
    held: readonly DesiredRoute[],
    previous: readonly DesiredRoute[],
    next: readonly DesiredRoute[],
  ) {
    const map = new Map(held.map((r) => [desiredRouteKey(r), r.route]));
    const d = diffRoutes(previous, next);
    for (const r of d.withdraw) map.delete(desiredRouteKey(r));
    for (const r of d.announce) map.set(desiredRouteKey(r), r.route);
    return map;
  }

  it("applied to the previous routes gives the next ones", () => {
    fc.assert(
      fc.property(clusterArb, configArb, clusterArb, configArb, (c1, cfg1, c2, cfg2) => {
        const prev = derive(c1, NODE, cfg1, speaker).routes;
        const next = derive(c2, NODE, cfg2, speaker).routes;
        const expected = new Map(next.map((r) => [desiredRouteKey(r), r.route]));
        expect(apply(prev, prev, next)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it("is empty between a derivation and itself", () => {
    fc.assert(
      fc.property(clusterArb, configArb, (c, cfg) => {
        const routes = derive(c, NODE, cfg, speaker).routes;
        expect(diffRoutes(routes, routes)).toEqual({ announce: [], withdraw: [] });
      }),
      { numRuns: 100 },
    );
  });
});
