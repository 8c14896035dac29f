/** Address order for neighbors and prefixes (cli/format/address.ts): by bytes as core/wire/ip.ts parses them, never by text. */
import { describe, expect, it } from "vitest";
import { addressOrder, prefixOrder } from "../../cli/format/address.js";
import { parseIp } from "../../core/wire/ip.js";

describe("parseIp, which orders them", () => {
  it.each([
    ["10.0.0.1", [10, 0, 0, 1]],
    ["255.255.255.255", [255, 255, 255, 255]],
  ])("%s", (text, bytes) => {
    expect([...(parseIp(text) ?? [])]).toEqual(bytes);
  });

  it("IPv6 in every spelling gives the same 16 bytes", () => {
    const want = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0];
    for (const t of ["2001:db8:0:1::", "2001:DB8:0:1:0:0:0:0", "2001:0db8:0000:0001::0"])
      expect([...(parseIp(t) ?? [])]).toEqual(want);
    expect([...(parseIp("::ffff:192.0.2.1") ?? [])]).toEqual([
      0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1,
    ]);
    expect([...(parseIp("::") ?? [])]).toEqual(new Array(16).fill(0));
  });

  it.each([
    "",
    "10.0.0",
    "10.0.0.256",
    "10.0.0.1.2",
    "2001:db8",
    "1:2:3:4:5:6:7:8:9",
    "1::2::3",
    "1:2:3:4:5:6:7:8::",
    "2001:db8::g",
    "12345::",
    "neighbor",
  ])("%j is no address", (text) => {
    expect(parseIp(text)).toBeNull();
  });
});

describe("addressOrder", () => {
  it("IPv4 before IPv6, each by value", () => {
    const list = ["2001:db8::10", "10.0.0.10", "2001:DB8::9", "10.0.0.9", "::ffff:1.2.3.4", "9.255.255.255"];
    expect(list.sort(addressOrder)).toEqual([
      "9.255.255.255",
      "10.0.0.9",
      "10.0.0.10",
      "::ffff:1.2.3.4",
      "2001:DB8::9",
      "2001:db8::10",
    ]);
  });

  it("compressed and written-out zeros compare by value", () => {
    expect(addressOrder("2001:db8::", "2001:db8:0:1::")).toBeLessThan(0);
    expect(addressOrder("2001:db8:0:0::1", "2001:db8::1")).toBe(0);
    expect(addressOrder("2001:db8:1::", "2001:db8:0:ffff::")).toBeGreaterThan(0);
  });

  it("text that is no address goes after the addresses", () => {
    expect(["peer-b", "10.0.0.1", "peer-a"].sort(addressOrder)).toEqual(["10.0.0.1", "peer-a", "peer-b"]);
  });
});

describe("prefixOrder", () => {
  it("by address, then by length", () => {
    expect(
      ["10.0.0.0/24", "10.0.0.0/8", "9.0.0.0/8", "2001:db8::/32", "10.0.0.0/16"].sort(prefixOrder),
    ).toEqual(["9.0.0.0/8", "10.0.0.0/8", "10.0.0.0/16", "10.0.0.0/24", "2001:db8::/32"]);
  });
});
