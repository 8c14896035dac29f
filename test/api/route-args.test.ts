/**
 * gobgp-style route arguments (`kbgp global rib add …`, `-f FILE` lines) → RouteText: every keyword, every
 * error message, gobgp's documented examples, and round trips from arbitrary routes.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseRouteArgs, parseRouteLine, shellWords } from "../../core/api/route-args.js";
import type { RouteText } from "../../core/api/route-text.js";
import { normaliseAsPath } from "../../core/api/syntax.js";
import { community, extCommunity, largeCommunity, routeFields } from "./route-arbitraries.js";

const words = (s: string) => {
  const r = shellWords(s);
  if (!r.ok) throw new Error(r.error);
  return r.words;
};
const parse = (s: string) => parseRouteArgs(words(s));

describe("parseRouteArgs: gobgp's documented examples", () => {
  // From gobgp docs/sources/cli-command-syntax.md, "global rib add" (the `gobgp global rib add` prefix cut).
  it.each<[string, RouteText]>([
    ["10.33.0.0/16 -a ipv4", { prefix: "10.33.0.0/16" }],
    ["-a ipv4 10.0.0.0/24 origin igp", { prefix: "10.0.0.0/24", origin: "igp" }],
    ["-a ipv4 10.0.0.0/24 origin egp", { prefix: "10.0.0.0/24", origin: "egp" }],
    ["-a ipv4 10.0.0.0/24 aspath 10,20,100.100", { prefix: "10.0.0.0/24", "as-path": "10 20 6553700" }],
    [
      '-a ipv4 10.0.0.0/24 aspath "10 20 {30,40} 50"',
      { prefix: "10.0.0.0/24", "as-path": "10 20 {30,40} 50" },
    ],
    ["-a ipv4 10.0.0.0/24 nexthop 20.20.20.20", { prefix: "10.0.0.0/24", "next-hop": "20.20.20.20" }],
    ["-a ipv4 10.0.0.0/24 med 10", { prefix: "10.0.0.0/24", med: 10 }],
    ["-a ipv4 10.0.0.0/24 local-pref 110", { prefix: "10.0.0.0/24", "local-pref": 110 }],
    ["-a ipv4 10.0.0.0/24 community 100:100", { prefix: "10.0.0.0/24", communities: ["100:100"] }],
    [
      "-a ipv4 10.0.0.0/24 community 100:100,200:200",
      { prefix: "10.0.0.0/24", communities: ["100:100", "200:200"] },
    ],
    ["-a ipv4 10.0.0.0/24 community no-export", { prefix: "10.0.0.0/24", communities: ["no-export"] }],
    ["-a ipv4 10.0.0.0/24 community blackhole", { prefix: "10.0.0.0/24", communities: ["blackhole"] }],
    [
      "-a ipv4 10.0.0.0/24 large-community 100:100:100",
      { prefix: "10.0.0.0/24", "large-communities": ["100:100:100"] },
    ],
    [
      "-a ipv4 10.0.0.0/24 large-community 100:100:100,200:200:200",
      { prefix: "10.0.0.0/24", "large-communities": ["100:100:100", "200:200:200"] },
    ],
    ["-a ipv4 10.0.0.0/24 identifier 10", { prefix: "10.0.0.0/24", identifier: 10 }],
    // vrf example with the family after the prefix: "gobgp vrf vrf1 rib add 2001::/64 -a ipv6".
    ["2001::/64 -a ipv6", { prefix: "2001::/64" }],
  ])("%s", (args, route) => {
    expect(parse(args)).toEqual({ ok: true, route });
  });

  it("takes the CLI.md example whole", () => {
    const r = parse(
      '10.0.0.0/24 nexthop 192.0.2.1 origin igp aspath "65001 65002" med 10 local-pref 110 ' +
        "community 65000:1,no-export large-community 1:2:3 -a ipv4",
    );
    expect(r).toEqual({
      ok: true,
      route: {
        prefix: "10.0.0.0/24",
        "next-hop": "192.0.2.1",
        origin: "igp",
        "as-path": "65001 65002",
        med: 10,
        "local-pref": 110,
        communities: ["65000:1", "no-export"],
        "large-communities": ["1:2:3"],
      },
    });
  });
});

describe("parseRouteArgs: each keyword", () => {
  it.each<[string, Omit<RouteText, "prefix">]>([
    ["nexthop self", { "next-hop": "self" }],
    ["nexthop 2001:db8::1", { "next-hop": "2001:db8::1" }],
    ["origin incomplete", { origin: "incomplete" }],
    ["origin IGP", { origin: "igp" }],
    ['aspath ""', { "as-path": "" }],
    ["aspath 65001", { "as-path": "65001" }],
    ["aspath 65001 65002 {65003, 65004} med 5", { "as-path": "65001 65002 {65003,65004}", med: 5 }],
    ['aspath "{1,2} 3"', { "as-path": "{1,2} 3" }],
    ["aspath 1.0", { "as-path": "65536" }],
    ["aspath 4294967295", { "as-path": "4294967295" }],
    ["med 0", { med: 0 }],
    ["med 4294967295", { med: 4294967295 }],
    ["local-pref 007", { "local-pref": 7 }],
    ["identifier 4294967295", { identifier: 4294967295 }],
    ["community 1:1 community 2:2,no-advertise", { communities: ["1:1", "2:2", "no-advertise"] }],
    ['community "1:1, 2:2"', { communities: ["1:1", "2:2"] }],
    ["large-community 1:2:3 large-community 4:5:6", { "large-communities": ["1:2:3", "4:5:6"] }],
    [
      "extended-community target:65000:1,origin:192.0.2.1:7",
      { "extended-communities": ["target:65000:1", "origin:192.0.2.1:7"] },
    ],
    ["rt 65000:1", { "extended-communities": ["target:65000:1"] }],
    [
      "rt 65000:1 192.0.2.1:2 1.2:3",
      { "extended-communities": ["target:65000:1", "target:192.0.2.1:2", "target:65538:3"] },
    ],
    ["rt 65000:1,65000:2 med 1", { "extended-communities": ["target:65000:1", "target:65000:2"], med: 1 }],
    [
      "extended-community 0x0002fde800000001 rt 65000:2",
      { "extended-communities": ["0x0002fde800000001", "target:65000:2"] },
    ],
    ["identifier 3 nexthop 192.0.2.1", { identifier: 3, "next-hop": "192.0.2.1" }],
    ["--address-family=ipv4", {}],
    ["--address-family ipv4", {}],
  ])("%s", (args, rest) => {
    expect(parse(`192.0.2.0/24 ${args}`)).toEqual({ ok: true, route: { prefix: "192.0.2.0/24", ...rest } });
  });
});

describe("parseRouteArgs: errors name the word at fault", () => {
  it.each<[string, string]>([
    ["", "a route needs a prefix, like 10.0.0.0/24"],
    ["-a ipv4", "a route needs a prefix, like 10.0.0.0/24"],
    ["nexthop 192.0.2.1", "a route starts with its prefix, not the keyword 'nexthop'"],
    ["-x", "unknown option '-x'"],
    ["10.0.0.0/24 --foo", "unknown option '--foo'"],
    ["10.0.0.0/24 nexhop 192.0.2.1", "unknown keyword 'nexhop' (did you mean 'nexthop'?)"],
    ["10.0.0.0/24 next-hop 192.0.2.1", "unknown keyword 'next-hop' (did you mean 'nexthop'?)"],
    ["10.0.0.0/24 local-preference 5", "unknown keyword 'local-preference' (did you mean 'local-pref'?)"],
    ["10.0.0.0/24 as-path 1", "unknown keyword 'as-path' (did you mean 'aspath'?)"],
    ["10.0.0.0/24 path-information 1", "unknown keyword 'path-information' (did you mean 'identifier'?)"],
    ["10.0.0.0/24 comunity 1:1", "unknown keyword 'comunity' (did you mean 'community'?)"],
    ["10.0.0.0/24 weight 5", "unknown keyword 'weight'"],
    ["10.0.0.0/24 constructor 5", "unknown keyword 'constructor'"],
    [
      "10.0.0.0/24 __proto__ 5",
      "unexpected '__proto__' after '10.0.0.0/24' (expected a keyword: nexthop, origin, aspath, med, local-pref, identifier, community, large-community, extended-community, rt)",
    ],
    ["10.0.0.0/24 origin constructor", "origin must be igp, egp or incomplete, not 'constructor'"],
    [
      "10.0.0.0/24 med 10 20",
      "unexpected '20' after '10' (expected a keyword: nexthop, origin, aspath, med, local-pref, identifier, community, large-community, extended-community, rt)",
    ],
    ["10.0.0.0/24 aigp metric 200", "'aigp' is a gobgp attribute kbgp routes do not carry"],
    ["10.0.0.0/24 aggregator 1:192.0.2.1", "'aggregator' is a gobgp attribute kbgp routes do not carry"],
    ["10.0.0.0/24 nexthop", "'nexthop' needs a value (an address or 'self')"],
    ["10.0.0.0/24 origin", "'origin' needs a value (igp, egp or incomplete)"],
    ["10.0.0.0/24 aspath", "'aspath' needs a value (AS numbers, like \"65001 65002\")"],
    ["10.0.0.0/24 med", "'med' needs a value (a number)"],
    ["10.0.0.0/24 med nexthop 192.0.2.1", "'med' needs a value (a number)"],
    ["10.0.0.0/24 local-pref", "'local-pref' needs a value (a number)"],
    ["10.0.0.0/24 identifier", "'identifier' needs a value (a number)"],
    ["10.0.0.0/24 community", "'community' needs a value (communities, like 65000:1,no-export)"],
    ['10.0.0.0/24 community ""', "'community' needs a value (communities, like 65000:1,no-export)"],
    ["10.0.0.0/24 large-community", "'large-community' needs a value (large communities, like 65000:1:2)"],
    [
      "10.0.0.0/24 extended-community",
      "'extended-community' needs a value (extended communities, like target:65000:1)",
    ],
    ["10.0.0.0/24 rt", "'rt' needs a value (route targets, like 65000:1)"],
    ["10.0.0.0/24 med ten", "'med' needs a number from 0 to 4294967295, not 'ten'"],
    ["10.0.0.0/24 med -1", "'med' needs a number from 0 to 4294967295, not '-1'"],
    ["10.0.0.0/24 med 4294967296", "'med' needs a number from 0 to 4294967295, not '4294967296'"],
    ["10.0.0.0/24 local-pref 1.5", "'local-pref' needs a number from 0 to 4294967295, not '1.5'"],
    ["10.0.0.0/24 identifier 0x10", "'identifier' needs a number from 0 to 4294967295, not '0x10'"],
    ["10.0.0.0/24 med 1 med 2", "'med' is given twice"],
    ["10.0.0.0/24 nexthop self nexthop 192.0.2.1", "'nexthop' is given twice"],
    ["10.0.0.0/24 aspath 1 aspath 2", "'aspath' is given twice"],
    ["10.0.0.0/24 origin igp origin egp", "'origin' is given twice"],
    ["10.0.0.0/24 identifier 1 identifier 2", "'identifier' is given twice"],
    ["10.0.0.0/24 origin ?", "origin must be igp, egp or incomplete, not '?' (write 'incomplete')"],
    ["10.0.0.0/24 origin i", "origin must be igp, egp or incomplete, not 'i' (write 'igp')"],
    ["10.0.0.0/24 origin bgp", "origin must be igp, egp or incomplete, not 'bgp'"],
    ['10.0.0.0/24 aspath "65001 {65002"', "'{' in aspath '65001 {65002' is not closed"],
    ['10.0.0.0/24 aspath "65001 }"', "'}' in aspath '65001 }' closes no '{'"],
    ['10.0.0.0/24 aspath "{1 {2}}"', "'{' inside an AS_SET in aspath '{1 {2}}' (sets do not nest)"],
    ['10.0.0.0/24 aspath "1 {}"', "empty AS_SET '{}' in aspath '1 {}'"],
    ['10.0.0.0/24 aspath "65001 AS65002"', "'AS65002' in aspath is not an AS number"],
    ["10.0.0.0/24 aspath 70000.1", "'70000.1' in aspath is not an AS number"],
    ["10.0.0.0/24 aspath 4294967296", "'4294967296' in aspath is not an AS number"],
    ["10.0.0.0/24 aspath 65001 AS65002", "'AS65002' in aspath is not an AS number"],
    ["10.0.0.0/24 aspath 65001 nexhop 192.0.2.1", "unknown keyword 'nexhop' (did you mean 'nexthop'?)"],
    ["10.0.0.0/24 rt 65000:1 nexthop", "'nexthop' needs a value (an address or 'self')"],
    ["10.0.0.0/24 community 65000:1,,no-export", "'community' has an empty item in '65000:1,,no-export'"],
    ["10.0.0.0/24 large-community 1:2:3,", "'large-community' has an empty item in '1:2:3,'"],
    ["10.0.0.0/24 extended-community ,target:1:1", "'extended-community' has an empty item in ',target:1:1'"],
    ["10.0.0.0/24 rt foo", "'foo' after 'rt' is not a route target (65000:1, 65000.1:1 or 192.0.2.1:1)"],
    [
      "10.0.0.0/24 rt 65000:x",
      "'65000:x' after 'rt' is not a route target (65000:1, 65000.1:1 or 192.0.2.1:1)",
    ],
    [
      "10.0.0.0/24 rt 70000.1:5",
      "'70000.1:5' after 'rt' is not a route target (65000:1, 65000.1:1 or 192.0.2.1:1)",
    ],
    ["10.0.0.0/24 rt 1:1,,2:2", "'rt' has an empty item in '1:1,,2:2'"],
    ["10.0.0.0/24 -a ipv6", "prefix '10.0.0.0/24' is not ipv6 (-a ipv6)"],
    ["2001:db8::/32 -a ipv4", "prefix '2001:db8::/32' is not ipv4 (-a ipv4)"],
    ["10.0.0.0/24 -a vpnv4", "kbgp routes are ipv4 or ipv6 unicast; '-a vpnv4' is not supported"],
    ["10.0.0.0/24 -a", "'-a' needs a value (ipv4 or ipv6)"],
    ["10.0.0.0/24 -a ipv4 --address-family ipv4", "'--address-family' is given twice"],
  ])("%s", (args, error) => {
    const r = parse(args);
    expect(r).toEqual({ ok: false, error });
  });
});

describe("parseRouteLine (-f FILE)", () => {
  it.each(["", "   ", "# a comment", "   # indented comment", "\t"])("skips %j", (line) => {
    expect(parseRouteLine(line)).toBeNull();
  });

  it.each<[string, RouteText]>([
    [
      '10.0.0.0/24 nexthop 192.0.2.1 aspath "65001 65002" med 10 # web servers',
      { prefix: "10.0.0.0/24", "next-hop": "192.0.2.1", "as-path": "65001 65002", med: 10 },
    ],
    ["10.0.0.0/24 aspath '65001 {1,2}'", { prefix: "10.0.0.0/24", "as-path": "65001 {1,2}" }],
    ["10.0.0.0/24 aspath 65001\\ 65002", { prefix: "10.0.0.0/24", "as-path": "65001 65002" }],
    ["10.0.0.0/24 aspath 65001 65002\r", { prefix: "10.0.0.0/24", "as-path": "65001 65002" }],
    ["  10.0.0.0/24\tmed 1  ", { prefix: "10.0.0.0/24", med: 1 }],
    // `#` starts a comment only at the start of a word, as in a shell.
    ["10.0.0.0/24 community 65000:1#x", { prefix: "10.0.0.0/24", communities: ["65000:1#x"] }],
  ])("%s", (line, route) => {
    expect(parseRouteLine(line)).toEqual({ ok: true, route });
  });

  it.each<[string, string]>([
    ['10.0.0.0/24 aspath "65001', '" opened at column 20 is not closed'],
    ["10.0.0.0/24 aspath '65001", "' opened at column 20 is not closed"],
    ["10.0.0.0/24 nexthop", "'nexthop' needs a value (an address or 'self')"],
  ])("%s", (line, error) => {
    expect(parseRouteLine(line)).toEqual({ ok: false, error });
  });

  it("splits words like a shell", () => {
    expect(shellWords(String.raw`a "b \"c\" \\" 'd\' e""f ""`)).toEqual({
      ok: true,
      words: ["a", 'b "c" \\', "d\\", "ef", ""],
    });
  });
});

describe("helpers", () => {
  it("normalises AS paths idempotently", () => {
    const asn = fc.integer({ min: 0, max: 0xffffffff }).map(String);
    const segment = fc.oneof(
      asn,
      fc.array(asn, { minLength: 1, maxLength: 4 }).map((s) => `{${s.join(", ")}}`),
    );
    const sep = fc.constantFrom(" ", ",", "  ", " , ");
    fc.assert(
      fc.property(fc.array(fc.tuple(segment, sep), { maxLength: 8 }), (parts) => {
        const text = parts.map(([s, p]) => s + p).join("");
        const once = normaliseAsPath(text, "aspath");
        expect(once.ok).toBe(true);
        if (!once.ok) return;
        expect(normaliseAsPath(once.text, "aspath")).toEqual(once);
        expect(once.text).not.toMatch(/,\s|\s,|\s{2}/);
      }),
    );
  });
});

// Round trips: an arbitrary route, written as gobgp arguments in any order, parses back to itself. -------

const some = <T>(arb: fc.Arbitrary<T>) => fc.array(arb, { minLength: 1, maxLength: 4 });

const gobgpRoute: fc.Arbitrary<RouteText> = fc.record(
  {
    ...routeFields,
    communities: some(community()),
    "large-communities": some(largeCommunity),
    "extended-communities": some(extCommunity()),
  },
  { requiredKeys: ["prefix"] },
);

/** Written independently of the parser: the words an operator would type for `route`. */
function gobgpPairs(route: RouteText): string[][] {
  const pairs: string[][] = [];
  if (route["next-hop"] !== undefined) pairs.push(["nexthop", route["next-hop"]]);
  if (route.origin !== undefined) pairs.push(["origin", route.origin]);
  if (route["as-path"] !== undefined) pairs.push(["aspath", route["as-path"]]);
  if (route.med !== undefined) pairs.push(["med", String(route.med)]);
  if (route["local-pref"] !== undefined) pairs.push(["local-pref", String(route["local-pref"])]);
  if (route.identifier !== undefined) pairs.push(["identifier", String(route.identifier)]);
  if (route.communities) pairs.push(["community", route.communities.join(",")]);
  if (route["large-communities"]) pairs.push(["large-community", route["large-communities"].join(",")]);
  if (route["extended-communities"]) {
    pairs.push(["extended-community", route["extended-communities"].join(",")]);
  }
  return pairs;
}

const shellQuote = (w: string) => (/^[\w.:/,-]+$/.test(w) ? w : `'${w}'`);

describe("round trips", () => {
  it("route → gobgp arguments in any order → the same route", () => {
    fc.assert(
      fc.property(
        gobgpRoute.chain((route) =>
          fc.tuple(
            fc.constant(route),
            fc.shuffledSubarray(gobgpPairs(route), { minLength: gobgpPairs(route).length }),
          ),
        ),
        ([route, pairs]) => {
          expect(parseRouteArgs([route.prefix, ...pairs.flat()])).toEqual({ ok: true, route });
        },
      ),
    );
  });

  it("route → a -f line → the same route", () => {
    fc.assert(
      fc.property(gobgpRoute, fc.boolean(), (route, comment) => {
        const line = [route.prefix, ...gobgpPairs(route).flat()].map(shellQuote).join(" ");
        expect(parseRouteLine(comment ? `${line} # note` : line)).toEqual({ ok: true, route });
      }),
    );
  });

  it("never throws, and errors are one line", () => {
    const word = fc.oneof(
      fc.constantFrom(
        ..."nexthop origin aspath med community rt -a { 1,2 65000:1 igp constructor".split(" "),
      ),
      fc.string({ maxLength: 6 }).filter((s) => !/[\r\n]/.test(s)),
    );
    fc.assert(
      fc.property(fc.array(word, { maxLength: 10 }), (ws) => {
        const r = parseRouteArgs(ws);
        if (!r.ok) expect(r.error).not.toMatch(/\n/);
        else expect(ws).toContain(r.route.prefix);
      }),
    );
  });
});
