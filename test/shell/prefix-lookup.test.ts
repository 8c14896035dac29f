/**
 * Prefix completion's question to kbgpd: the widest prefix the whole octets (IPv4) or groups (IPv6) typed
 * so far cover, or nothing when too little is typed to narrow anything; and the candidates it keeps.
 */
import { describe, expect, it } from "vitest";
import type { Client } from "../../cli/client.js";
import { coveringPrefix, prefixCandidates } from "../../cli/shell/prefix-lookup.js";

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
    "2001::1",
    "2001:db8::",
    ":",
    "2001:12345:",
    "1:2:3:4:5:6:7:8:",
    "fe80::1%eth0",
    "summary",
    "g",
  ])("%j → null", (partial) => {
    expect(coveringPrefix(partial)).toBeNull();
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

  it("asks for the prefixes inside the covering one and keeps those starting with what was typed", async () => {
    const { client, asked } = fakeClient(["10.0.0.0/24", "10.0.1.0/24", "10.0.10.0/24", "10.0.2.0/24"]);
    expect(await prefixCandidates(client, "10.0.1")).toEqual(["10.0.1.0/24", "10.0.10.0/24"]);
    expect(asked).toEqual([
      { method: "rib.list", params: { prefix: "10.0.0.0/16", match: "longer", limit: 500 } },
    ]);
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
