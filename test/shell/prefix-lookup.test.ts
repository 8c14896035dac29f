/**
 * Prefix completion's question to kbgpd: the widest prefix the whole octets (IPv4) or groups (IPv6) typed
 * so far cover, or nothing when too little is typed to narrow anything; and the candidates it keeps, matched
 * by address for IPv6 (kbgpd's compressed text need not start with what was typed).
 */
import { describe, expect, it } from "vitest";
import type { Client } from "../../cli/client.js";
import {
  coveringPrefix,
  lookupQueries,
  prefixCandidates,
  prefixMatches,
} from "../../cli/shell/prefix-lookup.js";

describe("coveringPrefix", () => {
  it.each([
    ["10.", "10.0.0.0/8"],
    ["10.0", "10.0.0.0/8"],
    ["10.0.", "10.0.0.0/16"],
    ["10.0.1", "10.0.0.0/16"],
    ["10.0.1.", "10.0.1.0/24"],
    ["10.0.1.0", "10.0.1.0/24"],
    ["10.0.1.0/2", "10.0.1.0/24"],
    ["192.168.255.25", "192.168.255.0/24"],
    ["2001:db8:", "2001:db8::/32"],
    ["2001:db8", "2001::/16"],
    ["2001:", "2001::/16"],
    ["2001:db8:1:2:3:4:5:", "2001:db8:1:2:3:4:5::/112"],
    ["1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7::/112"],
    // The groups before `::` are whole.
    ["2001:db8::", "2001:db8::/32"],
    ["2001::1", "2001::/16"],
    ["2001:DB8:0:0::", "2001:db8:0:0::/64"],
    ["2001:0db8:", "2001:db8::/32"],
    ["2001:db8::/48", "2001:db8::/32"],
  ])("%s → %s", (partial, cover) => {
    expect(coveringPrefix(partial)).toBe(cover);
  });

  it.each([
    "",
    "10",
    "2001",
    "300.1.",
    "10..",
    ".1",
    "1.2.3.4.",
    ":",
    "::",
    "::1",
    "2001::db8::",
    "2001:12345:",
    "1:2:3:4:5:6:7:8:",
    "fe80::1%eth0",
    "summary",
    "g",
  ])("%j → null", (partial) => {
    expect(coveringPrefix(partial)).toBeNull();
  });
});

describe("lookupQueries", () => {
  it("inside and around the covering prefix while the address is typed", () => {
    expect(lookupQueries("10.0.1")).toEqual([
      { prefix: "10.0.0.0/16", match: "longer" },
      { prefix: "10.0.0.0/16", match: "shorter" },
    ]);
    expect(lookupQueries("2001:db8::")?.[0]).toEqual({ prefix: "2001:db8::/32", match: "longer" });
    expect(lookupQueries("10")).toBeNull();
  });

  it("once `/` is typed: every prefix around the address (a prefix of that address contains it)", () => {
    expect(lookupQueries("10.0.0.0/")).toEqual([{ prefix: "10.0.0.0/32", match: "shorter" }]);
    expect(lookupQueries("2001:db8::/3")).toEqual([{ prefix: "2001:db8::/128", match: "shorter" }]);
    expect(lookupQueries("10.0.0/2")).toBeNull();
  });
});

describe("prefixMatches", () => {
  it.each([
    // IPv4: as text (dotted quads have one spelling).
    ["10.0.1", "10.0.1.0/24", true],
    ["10.0.1", "10.0.10.0/24", true],
    ["10.0.1", "10.0.2.0/24", false],
    ["10.0.1", "2001:db8::/32", false],
    // IPv6: `::` ends the fixed groups, whatever follows is still to come.
    ["2001:db8::", "2001:db8:0:1::/64", true],
    ["2001:db8::", "2001:db8::/32", true],
    ["2001:db8::", "2001:db8:1::/48", true],
    ["2001:db8::", "2001:db9::/32", false],
    ["2001:db8::", "10.0.0.0/8", false],
    // Zero groups written out match kbgpd's compressed form.
    ["2001:db8:0:0:", "2001:db8::/64", true],
    ["2001:db8:0:0:", "2001:db8::1/128", true],
    ["2001:db8:0:0:", "2001:db8:0:1::/64", false],
    ["2001:0DB8:", "2001:db8::/32", true],
    // A group being typed: its hex digits, with or without leading zeros.
    ["2001:db", "2001:db8::/32", true],
    ["2001:0d", "2001:db8::/32", true],
    ["2001:db8:0:1", "2001:db8:0:1::/64", true],
    ["2001:db8:0:1", "2001:db8:0:10::/64", true],
    ["2001:db8:0:1", "2001:db8::/64", false],
    // After `::`, as kbgpd writes it.
    ["2001:db8::1", "2001:db8::1/128", true],
    ["2001:db8::1", "2001:db8::10/128", true],
    ["2001:db8::1", "2001:db8:0:1::/64", false],
    // With `/`: that address exactly, and the length as typed so far.
    ["2001:db8::/", "2001:db8::/32", true],
    ["2001:db8:0::/3", "2001:db8::/32", true],
    ["2001:db8::/3", "2001:db8::/48", false],
    ["2001:db8::/", "2001:db8:0:1::/64", false],
    ["10.0.0.0/1", "10.0.0.0/16", true],
    ["10.0.0.0/1", "10.0.0.0/8", false],
  ])("%s starts %s: %s", (partial, prefix, yes) => {
    expect(prefixMatches(partial, prefix)).toBe(yes);
  });
});

describe("prefixCandidates", () => {
  /** A client that answers rib.list from a fixed table, recording what it was asked. */
  function fakeClient(prefixes: string[], fail = false) {
    const asked: unknown[] = [];
    const client = {
      stream: async (method: string, params: unknown, onRows: (rows: unknown[]) => void) => {
        asked.push({ method, params });
        if (fail) throw new Error("lost kbgpd");
        onRows(prefixes.slice(0, 2).map((prefix) => ({ prefix })));
        onRows(prefixes.slice(2).map((prefix) => ({ prefix })));
      },
    } as unknown as Client;
    return { client, asked };
  }

  it("asks for the prefixes inside and around the covering one and keeps those starting with what was typed, once each", async () => {
    const { client, asked } = fakeClient(["10.0.0.0/24", "10.0.1.0/24", "10.0.10.0/24", "10.0.2.0/24"]);
    expect(await prefixCandidates(client, "10.0.1")).toEqual(["10.0.1.0/24", "10.0.10.0/24"]);
    expect(asked).toEqual([
      { method: "rib.list", params: { prefix: "10.0.0.0/16", match: "longer", limit: 500 } },
      { method: "rib.list", params: { prefix: "10.0.0.0/16", match: "shorter", limit: 500 } },
    ]);
  });

  it("IPv6: keeps what the typed groups start by address, not by text", async () => {
    const { client, asked } = fakeClient([
      "2001:db8::/32",
      "2001:db8:0:1::/64",
      "2001:db8:1::/48",
      "2001:db8::1/128",
    ]);
    expect(await prefixCandidates(client, "2001:db8:0:")).toEqual([
      "2001:db8::/32",
      "2001:db8:0:1::/64",
      "2001:db8::1/128",
    ]);
    expect(asked[0]).toEqual({
      method: "rib.list",
      params: { prefix: "2001:db8:0::/48", match: "longer", limit: 500 },
    });
  });

  it("asks nothing without a daemon or without a whole octet", async () => {
    const { client, asked } = fakeClient(["10.0.0.0/24"]);
    expect(await prefixCandidates(null, "10.0.")).toEqual([]);
    expect(await prefixCandidates(client, "10")).toEqual([]);
    expect(asked).toEqual([]);
  });

  it("a failed lookup completes nothing and throws nothing", async () => {
    const { client } = fakeClient([], true);
    expect(await prefixCandidates(client, "10.0.")).toEqual([]);
  });
});
