/**
 * The ExaBGP 4 text API → typed commands: lines ExaBGP's own test scripts and wiki send, every attribute
 * and command, every error, `split`, and round trips through formatExabgpAnnounce.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_SPLIT_ROUTES, splitPrefix } from "../../core/api/exabgp-route.js";
import { type ExabgpCommand, formatExabgpAnnounce, parseExabgpCommand } from "../../core/api/exabgp-text.js";
import type { RouteText } from "../../core/api/route-text.js";
import { u32 } from "../helpers/arbitraries.js";
import { community, extCommunity, largeCommunity, routeFields } from "./route-arbitraries.js";

const announce = (routes: RouteText[], neighbors: string[] | null = null): ExabgpCommand => ({
  kind: "announce",
  neighbors,
  routes,
});
const withdraw = (routes: RouteText[], neighbors: string[] | null = null): ExabgpCommand => ({
  kind: "withdraw",
  neighbors,
  routes,
});
const N = ["127.0.0.1"];

describe("lines from ExaBGP's own scripts and docs", () => {
  it.each<[string, ExabgpCommand]>([
    // ExaBGP 4.2 etc/exabgp/run/api-multi-neighbor.run
    [
      "neighbor 127.0.0.1 announce route 1.1.0.0/24 next-hop 101.1.101.1",
      announce([{ prefix: "1.1.0.0/24", "next-hop": "101.1.101.1", neighbors: N }], N),
    ],
    ["withdraw route 1.1.0.0/24 next-hop 101.1.101.1", withdraw([{ prefix: "1.1.0.0/24" }])],
    // etc/exabgp/run/api-announce-star.run
    [
      "neighbor * announce route 1.1.0.0/24 next-hop 101.1.101.1",
      announce([{ prefix: "1.1.0.0/24", "next-hop": "101.1.101.1" }]),
    ],
    // etc/exabgp/run/api-add-remove.run
    [
      "announce route 1.1.0.0/25 next-hop 101.1.101.1",
      announce([{ prefix: "1.1.0.0/25", "next-hop": "101.1.101.1" }]),
    ],
    ["withdraw route 1.1.0.0/24", withdraw([{ prefix: "1.1.0.0/24" }])],
    ["withdraw route 1.1.0.0/25 next-hop 0.0.0.0", withdraw([{ prefix: "1.1.0.0/25" }])],
    // etc/exabgp/run/api-attributes.run
    [
      "announce attributes med 100 next-hop 101.1.101.1 nlri 1.0.0.1/32 1.0.0.2/32",
      announce([
        { prefix: "1.0.0.1/32", med: 100, "next-hop": "101.1.101.1" },
        { prefix: "1.0.0.2/32", med: 100, "next-hop": "101.1.101.1" },
      ]),
    ],
    [
      "announce attributes local-preference 200 as-path [ 1 2 3 4 ] next-hop 202.2.202.2 nlri 2.0.0.1/32 2.0.0.2/32",
      announce(
        ["2.0.0.1/32", "2.0.0.2/32"].map((prefix) => ({
          prefix,
          "local-pref": 200,
          "as-path": "1 2 3 4",
          "next-hop": "202.2.202.2",
        })),
      ),
    ],
    // etc/exabgp/run/api-attributes-path.run: path-information as a dotted quad, brackets glued to the value
    [
      "neighbor 127.0.0.1 announce attributes path-information 1.2.3.4 next-hop 10.11.12.13 community [14:15] local-preference 16 nlri 16.17.18.19/32 20.21.22.23/32",
      announce(
        ["16.17.18.19/32", "20.21.22.23/32"].map((prefix) => ({
          prefix,
          identifier: 0x01020304,
          "next-hop": "10.11.12.13",
          communities: ["14:15"],
          "local-pref": 16,
          neighbors: N,
        })),
        N,
      ),
    ],
    // etc/exabgp/run/api-eor.run
    ["announce eor", { kind: "eor", neighbors: null, family: { afi: "ipv4", safi: "unicast" } }],
    ["announce eor ipv6 unicast", { kind: "eor", neighbors: null, family: { afi: "ipv6", safi: "unicast" } }],
    ["announce eor ipv4 unicast", { kind: "eor", neighbors: null, family: { afi: "ipv4", safi: "unicast" } }],
    // etc/exabgp/run/api-nexthop-self.run
    [
      "neighbor 127.0.0.1 announce route 1.1.0.0/16 next-hop self",
      announce([{ prefix: "1.1.0.0/16", "next-hop": "self", neighbors: N }], N),
    ],
    // etc/exabgp/run/api-nexthop.run
    [
      "neighbor 127.0.0.1 announce route 2605::2/128 next-hop 2001::1 local-preference 500",
      announce([{ prefix: "2605::2/128", "next-hop": "2001::1", "local-pref": 500, neighbors: N }], N),
    ],
    // etc/exabgp/run/api-announcement.run: split
    [
      "announce route 1.0.0.0/21 next-hop 101.1.101.1 med 200 community [2:1] split /23",
      announce(
        ["1.0.0.0/23", "1.0.2.0/23", "1.0.4.0/23", "1.0.6.0/23"].map((prefix) => ({
          prefix,
          "next-hop": "101.1.101.1",
          med: 200,
          communities: ["2:1"],
        })),
      ),
    ],
    [
      "neighbor 127.0.0.1 announce route 1.1.0.0/16 next-hop 101.1.101.1",
      announce([{ prefix: "1.1.0.0/16", "next-hop": "101.1.101.1", neighbors: N }], N),
    ],
    // etc/exabgp/run/api-teardown.run
    ["neighbor 127.0.0.1 teardown 4", { kind: "teardown", neighbors: N, code: 4 }],
    // etc/exabgp/run/api-fast.run (two blanks)
    [
      "announce route 0.0.0.0/0  next-hop 1.101.1.101",
      announce([{ prefix: "0.0.0.0/0", "next-hop": "1.101.1.101" }]),
    ],
    // etc/exabgp/run/api-check.run: a bare address is a host route; the daemon reads it so
    [
      "neighbor 127.0.0.1 announce route 1.2.3.4 next-hop 5.6.7.8",
      announce([{ prefix: "1.2.3.4", "next-hop": "5.6.7.8", neighbors: N }], N),
    ],
    // github.com/Exa-Networks/exabgp/wiki/Text-API-Reference and wiki/API-Commands
    [
      "announce route 100.10.0.0/24 next-hop self",
      announce([{ prefix: "100.10.0.0/24", "next-hop": "self" }]),
    ],
    ["withdraw route 100.10.0.0/24", withdraw([{ prefix: "100.10.0.0/24" }])],
    [
      "announce route 100.10.0.100/32 next-hop self community [65001:100]",
      announce([{ prefix: "100.10.0.100/32", "next-hop": "self", communities: ["65001:100"] }]),
    ],
    [
      "announce route 100.10.0.100/32 next-hop self as-path [65001 65002]",
      announce([{ prefix: "100.10.0.100/32", "next-hop": "self", "as-path": "65001 65002" }]),
    ],
    [
      "announce route 2001:db8::1/128 next-hop 2001:db8::2",
      announce([{ prefix: "2001:db8::1/128", "next-hop": "2001:db8::2" }]),
    ],
  ])("%s", (line, command) => {
    expect(parseExabgpCommand(line)).toEqual(command);
  });

  it.each<[string, string, string]>([
    // etc/exabgp/run/api-multi-neighbor.run and api-announcement.run: selectors beyond the address
    [
      "neighbor 127.0.0.1 router-id 1.2.3.4, neighbor 127.0.0.1 announce route 1.1.0.0/25 next-hop 101.1.101.1",
      "neighbor 127.0.0.1 router-id",
      "router-id",
    ],
    [
      "neighbor 127.0.0.1 local-as 1 announce route 1.2.0.0/22 next-hop 101.1.101.1 split /24",
      "neighbor 127.0.0.1 local-as",
      "local-as",
    ],
    [
      "neighbor 127.0.0.1 local-as 2 peer-as 3 local-ip 127.0.0.1 router-id 1.2.3.4 announce route 1.8.0.0/21 next-hop 101.1.101.1 med 200 large-community [2914:1:0]",
      "neighbor 127.0.0.1 local-as",
      "local-as",
    ],
    [
      "neighbor 127.0.0.1 peer-as 1 announce route 1.3.0.0/24 next-hop 101.1.101.1",
      "neighbor 127.0.0.1 peer-as",
      "peer-as",
    ],
    [
      "neighbor 127.0.0.1 local-ip 127.0.0.1 announce route 1.4.0.0/16 next-hop 1.1.1.1",
      "neighbor 127.0.0.1 local-ip",
      "local-ip",
    ],
    [
      "neighbor 127.0.0.1 family-allowed in-open announce eor",
      "neighbor 127.0.0.1 family-allowed",
      "family-allowed",
    ],
  ])("unsupported selector: %s", (line, command, selector) => {
    expect(parseExabgpCommand(line)).toEqual({
      kind: "unsupported",
      command,
      reason: `the neighbor selector '${selector}' is not supported: kbgp selects neighbors by address only`,
    });
  });
});

describe("scope", () => {
  it.each<[string, string[] | null]>([
    ["announce eor", null],
    ["neighbor 192.0.2.1 announce eor", ["192.0.2.1"]],
    ["neighbor 192.0.2.1, neighbor 2001:db8::1 announce eor", ["192.0.2.1", "2001:db8::1"]],
    [
      "neighbor 192.0.2.1 , neighbor 192.0.2.2,neighbor 192.0.2.3 announce eor",
      ["192.0.2.1", "192.0.2.2", "192.0.2.3"],
    ],
    ["neighbor 192.0.2.1, neighbor 192.0.2.1 announce eor", ["192.0.2.1"]],
    ["neighbor 192.0.2.1, neighbor * announce eor", null],
  ])("%s", (line, neighbors) => {
    expect(parseExabgpCommand(line)).toEqual({
      kind: "eor",
      neighbors,
      family: { afi: "ipv4", safi: "unicast" },
    });
  });

  it("puts the scope on every route", () => {
    const r = parseExabgpCommand(
      "neighbor 192.0.2.1, neighbor 192.0.2.2 withdraw attributes nlri 10.0.0.0/24 10.0.1.0/24",
    );
    const neighbors = ["192.0.2.1", "192.0.2.2"];
    expect(r).toEqual(
      withdraw(
        [
          { prefix: "10.0.0.0/24", neighbors },
          { prefix: "10.0.1.0/24", neighbors },
        ],
        neighbors,
      ),
    );
  });
});

describe("each attribute", () => {
  const base = "announce route 10.0.0.0/24 next-hop 192.0.2.1";
  it.each<[string, Omit<RouteText, "prefix" | "next-hop">]>([
    ["origin igp", { origin: "igp" }],
    ["origin EGP", { origin: "egp" }],
    ["origin incomplete", { origin: "incomplete" }],
    ["as-path 65001", { "as-path": "65001" }],
    ["as-path [ ]", { "as-path": "" }],
    ["as-path [ 65001 65002 ( 65003 65004 ) 65005 ]", { "as-path": "65001 65002 {65003,65004} 65005" }],
    ["as-path [65001,65002 [65003 65004]]", { "as-path": "65001 65002 {65003,65004}" }],
    ["as-path [ (1, 2) ]", { "as-path": "{1,2}" }],
    ["as-path [ 4294967295 ]", { "as-path": "4294967295" }],
    ["med 0", { med: 0 }],
    ["med 4294967295", { med: 4294967295 }],
    ["local-preference 100", { "local-pref": 100 }],
    ["community 65000:1", { communities: ["65000:1"] }],
    ["community [ 65000:1 no-export ]", { communities: ["65000:1", "no-export"] }],
    ["community [ ]", { communities: [] }],
    [
      "community [ 0xFFFFFF01 nopeer NO-ADVERTISE 4294967041 ]",
      { communities: ["4294967041", "no-peer", "NO-ADVERTISE", "4294967041"] },
    ],
    ["large-community 1:2:3", { "large-communities": ["1:2:3"] }],
    ["large-community [ 1:2:3 4:5:6 ]", { "large-communities": ["1:2:3", "4:5:6"] }],
    ["extended-community target:65000:1", { "extended-communities": ["target:65000:1"] }],
    [
      "extended-community [ target:65000:1 origin:192.0.2.1:7 65000:2 0x0002fde800000001 ]",
      {
        "extended-communities": [
          "target:65000:1",
          "origin:192.0.2.1:7",
          "target:65000:2",
          "0x0002fde800000001",
        ],
      },
    ],
    ["path-information 7", { identifier: 7 }],
    ["path-information 0", { identifier: 0 }],
    ["path-information 4294967295", { identifier: 4294967295 }],
    ["path-information 0.0.0.1", { identifier: 1 }],
    ["path-information 255.255.255.255", { identifier: 4294967295 }],
    ["name web-vip", {}],
    ["med 5;", { med: 5 }],
    ["med 5 # comment", { med: 5 }],
    ['community "65000:1"', { communities: ["65000:1"] }],
  ])("%s", (attrs, rest) => {
    expect(parseExabgpCommand(`${base} ${attrs}`)).toEqual(
      announce([{ prefix: "10.0.0.0/24", "next-hop": "192.0.2.1", ...rest }]),
    );
  });

  it("takes attributes in any order, next-hop last included", () => {
    expect(parseExabgpCommand("announce route 10.0.0.0/24 med 1 origin egp next-hop SELF")).toEqual(
      announce([{ prefix: "10.0.0.0/24", med: 1, origin: "egp", "next-hop": "self" }]),
    );
  });

  it("keeps only what names the path on a withdraw, after checking the rest", () => {
    expect(
      parseExabgpCommand(
        "withdraw route 10.0.0.0/23 next-hop 192.0.2.1 med 5 community [ 1:1 ] path-information 3 split /24",
      ),
    ).toEqual(
      withdraw([
        { prefix: "10.0.0.0/24", identifier: 3 },
        { prefix: "10.0.1.0/24", identifier: 3 },
      ]),
    );
    expect(parseExabgpCommand("withdraw route 10.0.0.0/24 med five")).toEqual({
      kind: "error",
      message: "'med' needs a number from 0 to 4294967295, not 'five'",
    });
  });

  it("applies split to each nlri of announce attributes", () => {
    expect(
      parseExabgpCommand("announce attributes next-hop self split /25 nlri 10.0.0.0/24 10.0.9.0/25"),
    ).toEqual(
      announce(
        ["10.0.0.0/25", "10.0.0.128/25", "10.0.9.0/25"].map((prefix) => ({ prefix, "next-hop": "self" })),
      ),
    );
  });
});

describe("other commands", () => {
  it.each<[string, ExabgpCommand]>([
    [
      "announce route-refresh ipv4 unicast",
      { kind: "route-refresh", neighbors: null, family: { afi: "ipv4", safi: "unicast" } },
    ],
    [
      "neighbor 192.0.2.1 announce route-refresh ipv6 unicast",
      { kind: "route-refresh", neighbors: ["192.0.2.1"], family: { afi: "ipv6", safi: "unicast" } },
    ],
    ["flush adj-rib out", { kind: "flush-adj-rib-out", neighbors: null }],
    ["neighbor 192.0.2.1 flush adj-rib out", { kind: "flush-adj-rib-out", neighbors: ["192.0.2.1"] }],
    ["clear adj-rib", { kind: "clear-adj-rib", neighbors: null, direction: "out" }],
    ["clear adj-rib in", { kind: "clear-adj-rib", neighbors: null, direction: "in" }],
    ["neighbor * clear adj-rib out", { kind: "clear-adj-rib", neighbors: null, direction: "out" }],
    ["neighbor * teardown 2", { kind: "teardown", neighbors: null, code: 2 }],
    ["shutdown", { kind: "shutdown" }],
    ["version", { kind: "version" }],
    ["enable-ack", { kind: "ack", mode: "enable" }],
    ["disable-ack", { kind: "ack", mode: "disable" }],
    ["silence-ack", { kind: "ack", mode: "silence" }],
    ["show neighbor", { kind: "show-neighbor", neighbor: null, view: null }],
    ["show neighbor summary", { kind: "show-neighbor", neighbor: null, view: "summary" }],
    [
      "show neighbor 192.0.2.1 extensive",
      { kind: "show-neighbor", neighbor: "192.0.2.1", view: "extensive" },
    ],
    [
      "show neighbor configuration 192.0.2.1",
      { kind: "show-neighbor", neighbor: "192.0.2.1", view: "configuration" },
    ],
    ["show adj-rib out", { kind: "show-adj-rib", neighbor: null, direction: "out", extensive: false }],
    ["show adj-rib in extensive", { kind: "show-adj-rib", neighbor: null, direction: "in", extensive: true }],
    [
      "show adj-rib out 192.0.2.1",
      { kind: "show-adj-rib", neighbor: "192.0.2.1", direction: "out", extensive: false },
    ],
    ["# a comment", { kind: "comment" }],
    ["   #", { kind: "comment" }],
    ["", { kind: "empty" }],
    [" \t\r", { kind: "empty" }],
  ])("%s", (line, command) => {
    expect(parseExabgpCommand(line)).toEqual(command);
  });

  it.each<[string, string, string]>([
    // etc/exabgp/run/api-flow.run style
    [
      "announce flow route { match { source 10.0.0.1/32; destination-port =3128; } then { discard; } }",
      "announce flow",
      "kbgp carries IPv4 and IPv6 unicast routes only",
    ],
    [
      "withdraw flow route { match { source 10.0.0.1/32; } then { discard; } }",
      "withdraw flow",
      "kbgp carries IPv4 and IPv6 unicast routes only",
    ],
    [
      "announce vpls endpoint 5 base 10702 offset 1 size 8 rd 192.168.201.1:123",
      "announce vpls",
      "kbgp carries IPv4 and IPv6 unicast routes only",
    ],
    [
      "announce ipv4 unicast 10.0.0.0/24 next-hop self",
      "announce ipv4",
      "write 'announce route …' (the 'announce ipv4 unicast …' form is ExaBGP 5's)",
    ],
    [
      "announce watchdog dnsr",
      "announce watchdog",
      "watchdogs are not supported: announce and withdraw the routes themselves",
    ],
    [
      "withdraw watchdog dnsr",
      "withdraw watchdog",
      "watchdogs are not supported: announce and withdraw the routes themselves",
    ],
    [
      'announce operational asm afi ipv4 safi unicast advisory "hello"',
      "announce operational",
      "operational messages are not supported",
    ],
    ["announce eor ipv4 flow", "announce eor ipv4 flow", "kbgp carries IPv4 and IPv6 unicast routes only"],
    [
      "announce route-refresh l2vpn evpn",
      "announce route-refresh l2vpn evpn",
      "kbgp carries IPv4 and IPv6 unicast routes only",
    ],
    ["reload", "reload", "kbgpd reloads its configuration on SIGHUP, not from a helper process"],
    ["restart", "restart", "a helper process cannot restart kbgpd"],
    ["reset", "reset", "kbgp does not queue commands, so there is nothing to reset"],
    ["help", "help", "kbgp's API has no 'help'; its documentation lists the commands it accepts"],
    ["crash", "crash", "not a command kbgp offers"],
    [
      "announce route 10.0.0.0/24 next-hop self atomic-aggregate",
      "atomic-aggregate",
      "the attribute 'atomic-aggregate' is not supported",
    ],
    [
      "announce route 10.0.0.0/24 next-hop self aggregator ( 65000:10.0.0.1 )",
      "aggregator",
      "the attribute 'aggregator' is not supported",
    ],
    [
      "announce route 10.0.0.0/24 next-hop self originator-id 10.0.0.1",
      "originator-id",
      "'originator-id' is set by route reflection, not by routes",
    ],
    [
      "announce route 10.0.0.0/24 next-hop self cluster-list [ 1.1.1.1 ]",
      "cluster-list",
      "'cluster-list' is set by route reflection, not by routes",
    ],
    ["announce route 10.0.0.0/24 next-hop self aigp 10", "aigp", "the attribute 'aigp' is not supported"],
    [
      "announce route 10.0.0.0/24 next-hop self attribute [ 0x20 0xc0 0x00 ]",
      "attribute",
      "raw attributes are not supported",
    ],
    [
      "announce route 10.0.0.0/24 next-hop self rd 65000:1 label 100",
      "rd",
      "kbgp carries IPv4 and IPv6 unicast routes only",
    ],
    [
      "announce route 10.0.0.0/24 next-hop self route-distinguisher 65000:1",
      "route-distinguisher",
      "kbgp carries IPv4 and IPv6 unicast routes only",
    ],
    [
      "announce route 10.0.0.0/24 next-hop self label 100",
      "label",
      "kbgp carries IPv4 and IPv6 unicast routes only",
    ],
    [
      "announce route 10.0.0.0/24 next-hop self bgp-prefix-sid 16",
      "bgp-prefix-sid",
      "kbgp carries IPv4 and IPv6 unicast routes only",
    ],
    [
      "announce route 10.0.0.0/24 next-hop self bgp-prefix-sid-srv6 ( l3vpn 2001:db8::1 )",
      "bgp-prefix-sid-srv6",
      "kbgp carries IPv4 and IPv6 unicast routes only",
    ],
    [
      "announce route 10.0.0.0/24 next-hop self watchdog dnsr",
      "watchdog",
      "watchdogs are not supported: announce and withdraw the routes themselves",
    ],
    [
      "announce route 10.0.0.0/24 next-hop self withdraw",
      "withdraw",
      "a route marked 'withdraw' is not supported: send 'withdraw route …'",
    ],
  ])("unsupported: %s", (line, command, reason) => {
    expect(parseExabgpCommand(line)).toEqual({ kind: "unsupported", command, reason });
  });
});

describe("errors name the word at fault", () => {
  it.each<[string, string]>([
    // tokens and scope
    ['announce route 10.0.0.0/24 next-hop self name "web', '" opened at column 47 is not closed'],
    ["neighbor", "'neighbor' needs an address (or '*')"],
    ["neighbor , announce eor", "'neighbor' needs an address (or '*')"],
    ["neighbor announce eor", "'neighbor' needs an address (or '*')"],
    ["neighbor 192.0.2.1", "a command must follow the neighbor selection, like 'announce route …'"],
    [
      "neighbor 192.0.2.1 neighbor 192.0.2.2 announce eor",
      "'neighbor 192.0.2.1 neighbor …' selects peers matching both; list neighbors with commas: 'neighbor A, neighbor B'",
    ],
    ["neighbor 192.0.2.1, announce eor", "expected 'neighbor' after ',', not 'announce'"],
    ["neighbor 192.0.2.1,", "expected 'neighbor' after ',', not 'the end'"],
    // commands
    ["anounce route 10.0.0.0/24 next-hop self", "unknown command 'anounce' (did you mean 'announce'?)"],
    ["frobnicate", "unknown command 'frobnicate'"],
    ["announce", "'announce' needs what to announce: route, attributes, eor or route-refresh"],
    ["withdraw", "'withdraw' needs what to withdraw: route, attributes, eor or route-refresh"],
    ["announce rout 10.0.0.0/24", "unknown 'announce rout' (did you mean 'route'?)"],
    ["announce routes 10.0.0.0/24", "unknown 'announce routes' (did you mean 'route'?)"],
    ["withdraw eor", "'withdraw eor' is not a command; write 'announce eor'"],
    [
      "withdraw route-refresh ipv4 unicast",
      "'withdraw route-refresh' is not a command; write 'announce route-refresh'",
    ],
    ["announce eor ipv4", "'announce eor' needs an AFI and a SAFI, like 'announce eor ipv6 unicast'"],
    [
      "announce route-refresh",
      "'announce route-refresh' needs an AFI and a SAFI, like 'announce route-refresh ipv6 unicast'",
    ],
    ["announce eor ipv5 unicast", "unknown AFI 'ipv5' (did you mean 'ipv4'?)"],
    ["announce eor ipv4 unicats", "unknown SAFI 'unicats' (did you mean 'unicast'?)"],
    ["announce eor ipv4 unicast now", "unexpected 'now' after 'announce eor ipv4 unicast'"],
    ["flush adj-rib", "expected 'flush adj-rib out'"],
    ["flush adj-rib in", "expected 'flush adj-rib out'"],
    ["flush adj-rib out now", "unexpected 'now' after 'flush adj-rib out'"],
    ["clear adj-rib-in", "expected 'clear adj-rib [in|out]'"],
    ["clear adj-rib both", "expected 'in' or 'out', not 'both'"],
    ["clear adj-rib in out", "unexpected 'out' after 'clear adj-rib in'"],
    ["teardown 4", "'teardown' needs a neighbor: 'neighbor 192.0.2.1 teardown 2'"],
    ["neighbor 192.0.2.1 teardown", "'teardown' needs a Cease subcode from 0 to 255, not ''"],
    ["neighbor 192.0.2.1 teardown x", "'teardown' needs a Cease subcode from 0 to 255, not 'x'"],
    ["neighbor 192.0.2.1 teardown 256", "'teardown' needs a Cease subcode from 0 to 255, not '256'"],
    ["neighbor 192.0.2.1 teardown 2 3", "unexpected '3' after 'teardown 2'"],
    ["neighbor 192.0.2.1 shutdown", "'shutdown' does not take a neighbor selection"],
    ["neighbor 192.0.2.1 version", "'version' does not take a neighbor selection"],
    ["neighbor 192.0.2.1 disable-ack", "'disable-ack' does not take a neighbor selection"],
    ["neighbor 192.0.2.1 show neighbor", "'show' does not take a neighbor selection"],
    ["version 4", "unexpected '4' after 'version'"],
    ["show", "expected 'show neighbor' or 'show adj-rib', not 'show'"],
    ["show route", "expected 'show neighbor' or 'show adj-rib', not 'show route'"],
    [
      "show neighbor summary extensive",
      "choose one of summary, extensive and configuration, not 'summary extensive'",
    ],
    ["show neighbor 192.0.2.1 192.0.2.2", "unexpected '192.0.2.2' after 'show neighbor 192.0.2.1'"],
    ["show adj-rib", "expected 'show adj-rib in' or 'show adj-rib out'"],
    ["show adj-rib out 192.0.2.1 192.0.2.2", "unexpected '192.0.2.2' after 'show adj-rib out 192.0.2.1'"],
    // routes
    ["announce route", "'announce route' needs a prefix, like 'announce route 10.0.0.0/24'"],
    ["withdraw route", "'withdraw route' needs a prefix, like 'withdraw route 10.0.0.0/24'"],
    ["announce route next-hop self", "'announce route' needs a prefix first, not 'next-hop'"],
    ["announce route [ 10.0.0.0/24 ]", "'announce route' needs a prefix first, not '['"],
    ["announce route 10.0.0.0/24", "an announce needs 'next-hop <address>' or 'next-hop self'"],
    ["announce route 10.0.0.0/24 med 5", "an announce needs 'next-hop <address>' or 'next-hop self'"],
    ["announce route 10.0.0.0/24 nexthop self", "unknown keyword 'nexthop' (did you mean 'next-hop'?)"],
    ["announce route 10.0.0.0/24 nexhop self", "unknown keyword 'nexhop' (did you mean 'next-hop'?)"],
    [
      "announce route 10.0.0.0/24 next-hop self local-pref 5",
      "unknown keyword 'local-pref' (did you mean 'local-preference'?)",
    ],
    [
      "announce route 10.0.0.0/24 next-hop self aspath [ 1 ]",
      "unknown keyword 'aspath' (did you mean 'as-path'?)",
    ],
    [
      "announce route 10.0.0.0/24 next-hop self identifier 1",
      "unknown keyword 'identifier' (did you mean 'path-information'?)",
    ],
    [
      "announce route 10.0.0.0/24 next-hop self comunity 1:1",
      "unknown keyword 'comunity' (did you mean 'community'?)",
    ],
    ["announce route 10.0.0.0/24 next-hop self weight 5", "unknown keyword 'weight'"],
    ["announce route 10.0.0.0/24 next-hop self constructor 5", "unknown keyword 'constructor'"],
    ["announce route 10.0.0.0/24 next-hop self toString 5", "unknown keyword 'toString'"],
    ["announce constructor", "unknown 'announce constructor'"],
    ["hasOwnProperty", "unknown command 'hasOwnProperty'"],
    ["announce route 10.0.0.0/24 next-hop self med 5 6", "unexpected '6' after 'med 5'"],
    ["announce route 10.0.0.0/24 next-hop self ]", "unexpected ']' after 'next-hop self'"],
    ["announce route 10.0.0.0/24 { next-hop self }", "unexpected '{'"],
    ["announce route 10.0.0.0/24 next-hop self; med 5", "unexpected ';' after 'next-hop self'"],
    [
      "announce route 10.0.0.0/24 next-hop self community 65000:1 no-export",
      "unexpected 'no-export' after 'community 65000:1': several values go in brackets, community [ 65000:1 no-export ]",
    ],
    [
      "announce route 10.0.0.0/24 next-hop self as-path 65001 65002",
      "unexpected '65002' after 'as-path 65001': several values go in brackets, as-path [ 65001 65002 ]",
    ],
    ["announce route 10.0.0.0/24 next-hop self community [ 1:1 ] no-export", "unknown keyword 'no-export'"],
    ["announce route 10.0.0.0/24 next-hop", "'next-hop' needs a value (an address or 'self')"],
    ["announce route 10.0.0.0/24 next-hop med 5", "'next-hop' needs a value (an address or 'self')"],
    ["announce route 10.0.0.0/24 next-hop self origin", "'origin' needs a value (igp, egp or incomplete)"],
    [
      "announce route 10.0.0.0/24 next-hop self as-path",
      "'as-path' needs a value (an AS number or [ 65001 65002 ])",
    ],
    ["announce route 10.0.0.0/24 next-hop self med", "'med' needs a value (a number)"],
    [
      "announce route 10.0.0.0/24 next-hop self local-preference",
      "'local-preference' needs a value (a number)",
    ],
    [
      "announce route 10.0.0.0/24 next-hop self community",
      "'community' needs a value (a community or [ 65000:1 no-export ])",
    ],
    [
      "announce route 10.0.0.0/24 next-hop self large-community",
      "'large-community' needs a value (a large community or [ 65000:1:2 ])",
    ],
    [
      "announce route 10.0.0.0/24 next-hop self extended-community",
      "'extended-community' needs a value (an extended community or [ target:65000:1 ])",
    ],
    [
      "announce route 10.0.0.0/24 next-hop self path-information",
      "'path-information' needs a value (a number or a dotted quad)",
    ],
    ["announce route 10.0.0.0/24 next-hop self split", "'split' needs a value (/<length>, like /24)"],
    ["announce route 10.0.0.0/24 next-hop self name", "'name' needs a value (a word)"],
    ["announce route 10.0.0.0/24 next-hop self origin ?", "origin must be igp, egp or incomplete, not '?'"],
    [
      "announce route 10.0.0.0/24 next-hop self med -5",
      "'med' needs a number from 0 to 4294967295, not '-5'",
    ],
    [
      "announce route 10.0.0.0/24 next-hop self med 4294967296",
      "'med' needs a number from 0 to 4294967295, not '4294967296'",
    ],
    [
      "announce route 10.0.0.0/24 next-hop self local-preference 1e3",
      "'local-preference' needs a number from 0 to 4294967295, not '1e3'",
    ],
    [
      "announce route 10.0.0.0/24 next-hop self path-information 1.2.3",
      "'path-information' needs a number or a dotted quad like 0.0.0.1, not '1.2.3'",
    ],
    [
      "announce route 10.0.0.0/24 next-hop self path-information 1.2.3.256",
      "'path-information' needs a number or a dotted quad like 0.0.0.1, not '1.2.3.256'",
    ],
    [
      "announce route 10.0.0.0/24 next-hop self split 24",
      "'split' needs /<length>, like 'split /24', not '24'",
    ],
    ["announce route 10.0.0.0/24 next-hop self med 1 med 2", "'med' is given twice"],
    ["announce route 10.0.0.0/24 next-hop self next-hop 192.0.2.1", "'next-hop' is given twice"],
    ["announce route 10.0.0.0/24 next-hop self community 1:1 community 2:2", "'community' is given twice"],
    ["announce route 10.0.0.0/24 next-hop self as-path [ 1 2", "'[' after 'as-path' is not closed"],
    // `]` may close a set (ExaBGP's parser allows it), and then the outer bracket is left open
    ["announce route 10.0.0.0/24 next-hop self as-path [ 1 ( 2 ]", "'[' after 'as-path' is not closed"],
    ["announce route 10.0.0.0/24 next-hop self as-path [ 1 ( 2", "'(' in as-path is not closed"],
    ["announce route 10.0.0.0/24 next-hop self as-path [ 1 ( ) ]", "empty AS_SET in as-path"],
    ["announce route 10.0.0.0/24 next-hop self as-path [ 1 AS2 ]", "'AS2' in as-path is not an AS number"],
    ["announce route 10.0.0.0/24 next-hop self as-path [ 1 ( 2 x ) ]", "'x' in as-path is not an AS number"],
    ["announce route 10.0.0.0/24 next-hop self as-path 1.5", "'1.5' in as-path is not an AS number"],
    ["announce route 10.0.0.0/24 next-hop self as-path [ 1 ) ]", "')' in as-path is not an AS number"],
    ["announce route 10.0.0.0/24 next-hop self community [ 1:1", "'[' after 'community' is not closed"],
    [
      "announce route 10.0.0.0/24 next-hop self community [ 1:1 ( 2:2 ) ]",
      "unexpected '(' inside 'community [ … ]'",
    ],
    [
      "announce route 10.0.0.0/24 next-hop self large-community [",
      "'[' after 'large-community' is not closed",
    ],
    [
      "announce route 10.0.0.0/24 next-hop self extended-community [ a",
      "'[' after 'extended-community' is not closed",
    ],
    // split
    [
      "announce route 10.0.0.1/24 next-hop self split /25",
      "'10.0.0.1/24' is not a prefix with its host bits clear, so it cannot be split",
    ],
    ["announce route 10.0.0.0/24 next-hop self split /33", "'split /33' is longer than 32 bits"],
    ["announce route 2001:db8::/32 next-hop self split /129", "'split /129' is longer than 128 bits"],
    [
      "announce route 10.0.0.0/8 next-hop self split /32",
      "'split /32' of 10.0.0.0/8 makes 2^24 routes; kbgp splits into at most 65536",
    ],
    // announce attributes … nlri
    [
      "announce attributes next-hop self",
      "'announce attributes' needs 'nlri' and the prefixes after the attributes",
    ],
    [
      "announce attribute next-hop self",
      "'announce attribute' needs 'nlri' and the prefixes after the attributes",
    ],
    ["announce attributes next-hop self nlri", "'nlri' needs at least one prefix"],
    [
      "announce attributes med 5 nlri 10.0.0.0/24",
      "an announce needs 'next-hop <address>' or 'next-hop self'",
    ],
    ["announce attributes next-hop self nlri 10.0.0.0/24 med 5", "'med' after 'nlri' is not a prefix"],
    ["announce attributes next-hop self nlri 10.0.0.0/24 [", "'[' after 'nlri' is not a prefix"],
    ["announce attributes med nlri 10.0.0.0/24", "'med' needs a value (a number)"],
  ])("%s", (line, message) => {
    expect(parseExabgpCommand(line)).toEqual({ kind: "error", message });
  });
});

describe("split", () => {
  it("expands IPv6 too", () => {
    expect(splitPrefix("2001:db8::/32", 34)).toEqual([
      "2001:db8::/34",
      "2001:db8:4000::/34",
      "2001:db8:8000::/34",
      "2001:db8:c000::/34",
    ]);
  });

  it("leaves a prefix already as long, or longer, alone (as ExaBGP does)", () => {
    expect(splitPrefix("10.0.0.0/24", 24)).toEqual(["10.0.0.0/24"]);
    expect(splitPrefix("10.0.0.0/24", 16)).toEqual(["10.0.0.0/24"]);
    expect(splitPrefix("10.0.0.1", 24)).toEqual(["10.0.0.1"]);
  });

  it("makes at most MAX_SPLIT_ROUTES", () => {
    expect(splitPrefix("10.0.0.0/8", 24)).toHaveLength(MAX_SPLIT_ROUTES);
    expect(typeof splitPrefix("10.0.0.0/8", 25)).toBe("string");
  });

  it("gives the IPv4 subnets in order, computed independently with numbers", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 32 }),
        fc.integer({ min: 0, max: 12 }),
        fc.nat(),
        (len, extra, seed) => {
          const cut = Math.min(32, len + extra);
          const base = len === 0 ? 0 : (seed & ~(2 ** (32 - len) - 1)) >>> 0;
          const text = `${base >>> 24}.${(base >>> 16) & 255}.${(base >>> 8) & 255}.${base & 255}/${len}`;
          const expected = Array.from({ length: 2 ** (cut - len) }, (_, i) => {
            const a = base + i * 2 ** (32 - cut);
            return `${Math.floor(a / 2 ** 24)}.${Math.floor(a / 2 ** 16) % 256}.${Math.floor(a / 256) % 256}.${a % 256}/${cut}`;
          });
          expect(splitPrefix(text, cut)).toEqual(cut === len ? [text] : expected);
        },
      ),
    );
  });
});

// Round trips -------------------------------------------------------------------------------------------

const route: fc.Arbitrary<RouteText> = fc.record(
  {
    ...routeFields,
    communities: fc.array(community("graceful-shutdown"), { maxLength: 4 }),
    "large-communities": fc.array(largeCommunity, { maxLength: 3 }),
    "extended-communities": fc.array(
      extCommunity(
        fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map((n) => `0x${n.toString(16).padStart(16, "0")}`),
      ),
      { maxLength: 3 },
    ),
    neighbors: fc.uniqueArray(fc.oneof(fc.ipV4(), fc.ipV6()), { minLength: 1, maxLength: 3 }),
  },
  { requiredKeys: ["prefix", "next-hop"] },
);

describe("round trips", () => {
  it("route → formatExabgpAnnounce → parseExabgpCommand → the same route", () => {
    fc.assert(
      fc.property(route, (r) => {
        expect(parseExabgpCommand(formatExabgpAnnounce(r))).toEqual(announce([r], r.neighbors ?? null));
      }),
    );
  });

  it("the same line as a withdraw keeps prefix, identifier and neighbors", () => {
    fc.assert(
      fc.property(route, (r) => {
        const line = formatExabgpAnnounce(r).replace("announce route", "withdraw route");
        const kept: RouteText = { prefix: r.prefix };
        if (r.identifier !== undefined) kept.identifier = r.identifier;
        if (r.neighbors) kept.neighbors = r.neighbors;
        expect(parseExabgpCommand(line)).toEqual(withdraw([kept], r.neighbors ?? null));
      }),
    );
  });

  it("a route without a next hop is announced with next-hop self", () => {
    expect(formatExabgpAnnounce({ prefix: "10.0.0.0/24", "as-path": "1 {2,3}", communities: [] })).toBe(
      "announce route 10.0.0.0/24 next-hop self as-path [ 1 ( 2 3 ) ] community [ ]",
    );
    expect(
      formatExabgpAnnounce({ prefix: "10.0.0.0/24", "as-path": "", neighbors: ["192.0.2.1", "192.0.2.2"] }),
    ).toBe("neighbor 192.0.2.1, neighbor 192.0.2.2 announce route 10.0.0.0/24 next-hop self as-path [ ]");
  });

  it("path-information as a dotted quad is the same number", () => {
    fc.assert(
      fc.property(u32, (n) => {
        const quad = [24, 16, 8, 0].map((s) => (n >>> s) & 255).join(".");
        const base = "announce route 10.0.0.0/24 next-hop self path-information";
        expect(parseExabgpCommand(`${base} ${quad}`)).toEqual(parseExabgpCommand(`${base} ${n}`));
      }),
    );
  });

  it("never throws; errors are one line", () => {
    const token = fc.oneof(
      fc.constantFrom(
        ..."announce withdraw route attributes nlri neighbor * , [ ] ( ) ; # eor next-hop self as-path med".split(
          " ",
        ),
        ..."community split /24 path-information 1.2.3.4 10.0.0.0/24 2001:db8::/32 65000:1 show teardown __proto__".split(
          " ",
        ),
      ),
      fc.string({ maxLength: 5 }).filter((s) => !/[\r\n]/.test(s)),
    );
    const kinds = new Set([
      "announce",
      "withdraw",
      "eor",
      "route-refresh",
      "flush-adj-rib-out",
      "clear-adj-rib",
    ]);
    for (const k of ["teardown", "show-neighbor", "show-adj-rib", "shutdown", "version", "ack", "comment"])
      kinds.add(k);
    for (const k of ["empty", "unsupported", "error"]) kinds.add(k);
    fc.assert(
      fc.property(fc.array(token, { maxLength: 12 }), (tokens) => {
        const c = parseExabgpCommand(tokens.join(" "));
        expect(kinds.has(c.kind)).toBe(true);
        if (c.kind === "error") expect(c.message).not.toMatch(/\n/);
      }),
    );
  });
});
