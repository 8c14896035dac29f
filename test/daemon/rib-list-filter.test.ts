/**
 * `rib.list`'s filters and paging without sockets: community text in each form the API shows, the byte-level
 * matching against encoded attributes (AS_PATH segments, AS4_PATH for a 2-octet peer), and on a speaker
 * holding thousands of routes that share a few attribute sets, a filtered, counted page that decodes the
 * attributes of the rows it sends and of nothing else.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { Speaker } from "../../core/speaker/speaker.js";
import {
  AttrSet,
  AttrSummary,
  encodeAttributes,
  type PathAttributes,
  SegmentType,
  uninternedSet,
} from "../../core/wire/index.js";
import { parseExtCommunity } from "../../daemon/config/ext-community.js";
import { ribList } from "../../daemon/control/rib-list/listing.js";
import { ribListRequest } from "../../daemon/control/rib-list/request.js";
import { parseCommunityText, RouteFilter } from "../../daemon/control/rib-list/route-filter.js";
import { RawJson } from "../../daemon/control/server.js";
import { route, speakerConfig } from "../helpers/speaker-config.js";

const set = (a: PathAttributes, asSize: 2 | 4 = 4) => {
  const bytes = encodeAttributes(a, { asSize });
  return { bytes, attrs: uninternedSet(bytes, 0, bytes.length, new AttrSummary()) };
};
const filter = (community: string | null, asn: number | null = null) =>
  new RouteFilter(community === null ? null : parseCommunityText(community), asn);

describe("community text", () => {
  it("reads the forms rib.list shows: standard, well-known name, large, extended", () => {
    expect(parseCommunityText("65000:1")).toEqual({ kind: "standard", value: ((65000 << 16) | 1) >>> 0 });
    expect(parseCommunityText("no-export")).toEqual({ kind: "standard", value: 0xffffff01 });
    expect(parseCommunityText("65000:1:2")).toEqual({ kind: "large", value: [65000, 1, 2] });
    expect(parseCommunityText("target:65000:1")).toEqual({ kind: "extended", text: "target:65000:1" });
    // Written another way, an extended community is matched as the rows show it.
    expect(parseCommunityText("0x0002fde800000001")).toEqual({ kind: "extended", text: "target:65000:1" });
    for (const bad of ["", "65000:70000", "1:2:3:4", "target:x:1", "bogus"])
      expect(parseCommunityText(bad)).toBeNull();
  });
});

describe("RouteFilter", () => {
  const attrs: PathAttributes = {
    origin: 0,
    asPath: [
      { type: SegmentType.AS_SEQUENCE, asns: [65002, 4200000000] },
      { type: SegmentType.AS_SET, asns: [64500, 64501] },
    ],
    nextHop: "192.0.2.1",
    communities: [((65002 << 16) | 7) >>> 0, 0xffffff01],
    largeCommunities: [[65002, 1, 2]],
    extCommunities: [parseExtCommunity("target:65002:9")!, parseExtCommunity("origin:192.0.2.1:7")!],
  };

  it("finds each kind of community, and nothing that is not there", () => {
    const { attrs: s } = set(attrs);
    for (const c of ["65002:7", "no-export", "65002:1:2", "target:65002:9", "origin:192.0.2.1:7"])
      expect(filter(c).set(s)).toBe(true);
    for (const c of ["65002:8", "no-advertise", "65002:1:3", "target:65002:8", "origin:192.0.2.1:8"])
      expect(filter(c).set(s)).toBe(false);
    expect(filter("65002:7").set(set({ origin: 0, asPath: [] }).attrs)).toBe(false);
  });

  it("finds an AS in any AS_PATH segment; community and AS together must both hold", () => {
    const { attrs: s } = set(attrs);
    for (const asn of [65002, 4200000000, 64500, 64501]) expect(filter(null, asn).set(s)).toBe(true);
    expect(filter(null, 65003).set(s)).toBe(false);
    expect(filter("65002:7", 64501).set(s)).toBe(true);
    expect(filter("65002:8", 64501).set(s)).toBe(false);
    expect(filter("65002:7", 65003).set(s)).toBe(false);
  });

  it("reads attributes as sent to a 2-octet peer: AS_PATH of 2-octet numbers, the real path in AS4_PATH", () => {
    const { bytes } = set(attrs, 2);
    const sent = { bytes };
    expect(filter(null, 4200000000).sent(sent, 2)).toBe(true);
    expect(filter(null, 23456).sent(sent, 2)).toBe(true); // AS_TRANS, as the row shows it
    expect(filter(null, 64501).sent(sent, 2)).toBe(true);
    expect(filter(null, 65003).sent(sent, 2)).toBe(false);
  });

  it("decides once per attribute set", () => {
    const f = filter("65002:7");
    const { attrs: s } = set(attrs);
    expect(f.set(s)).toBe(true);
    // The same object is not read again: changing its bytes does not change the answer for this listing.
    s.bytes.fill(0);
    expect(f.set(s)).toBe(true);
    expect(filter("65002:7").set(s)).toBe(false);
  });
});

describe("a filtered, counted page", () => {
  afterEach(() => vi.restoreAllMocks());

  it("decodes only the attributes of the rows it sends, however many routes it skips and counts", async () => {
    // 3,000 routes over three attribute sets; one set carries the community.
    const N = 3000;
    const sp = new Speaker(
      speakerConfig(
        65001,
        "10.0.0.1",
        [],
        Array.from({ length: N }, (_, i) =>
          route(`10.${i >> 8}.${i & 0xff}.0/24`, {
            med: i % 3,
            communities: i % 3 === 1 ? [((65001 << 16) | 5) >>> 0] : [],
          }),
        ),
      ),
    );
    sp.handle({ kind: "start" }, 1);
    const decoded = vi.spyOn(AttrSet.prototype, "decoded");
    for (const form of ["rows", "lines", "cells"]) {
      decoded.mockClear();
      const params = { community: "65001:5", offset: 500, limit: 2, total: true, form };
      const s = ribList(sp, ribListRequest(params, sp.peers));
      const rows: unknown[] = [];
      for await (const r of s.rows as AsyncIterable<unknown>) rows.push(r);
      expect(s.done(rows.length)).toEqual({ count: 2, total: N / 3 });
      // Two rows of one set: at most one decoding each, none for the 998 skipped and 500 counted.
      expect(decoded.mock.calls.length).toBeLessThanOrEqual(2);
      const text = rows.map((r) => (r instanceof RawJson ? r.json : JSON.stringify(r))).join("\n");
      expect(text).toContain("65001:5");
    }
  });
});
