/**
 * RFC 7606 as a table: each malformed UPDATE, the action the RFC prescribes, and the NOTIFICATION subcode
 * (sent only for session resets, but carried for logs in every case).
 */
import { describe, expect, it } from "vitest";
import {
  AttrInterner,
  codecContext,
  decodeMessage,
  decodeUpdate,
  formatPrefix,
  IPV6_UNICAST,
  nlriPrefixes,
  UPDATE_ACTION_NAMES,
  UpdateAction,
} from "../../core/wire/index.js";
import { hex } from "../helpers/hex.js";

/** An UPDATE body from hex pieces. */
function update(attrs: string, nlri = "", withdrawn = ""): Uint8Array {
  const a = hex(attrs);
  const n = hex(nlri);
  const w = hex(withdrawn);
  const b = new Uint8Array(4 + w.length + a.length + n.length);
  b[0] = w.length >> 8;
  b[1] = w.length;
  b.set(w, 2);
  b[2 + w.length] = a.length >> 8;
  b[3 + w.length] = a.length;
  b.set(a, 4 + w.length);
  b.set(n, 4 + w.length + a.length);
  return b;
}

const ORIGIN = "40 01 01 00";
const AS_PATH = "40 02 06 02 01 0000fde9";
const NEXT_HOP = "40 03 04 c6120001";
const BASE = `${ORIGIN} ${AS_PATH} ${NEXT_HOP}`;
const NLRI = "08 0a";
const V6_REACH = "80 0e 1a 0002 01 10 20010db8000000000000000000000001 00 20 20010db8";

const ibgp = codecContext({ ebgp: false });
const ebgp = codecContext({ ebgp: true });
const old2 = codecContext({ as4: false, ebgp: true });

type Row = [name: string, body: Uint8Array, action: UpdateAction, subcode: number, ctx?: typeof ibgp];
const {
  NONE,
  ATTRIBUTE_DISCARD: DISCARD,
  TREAT_AS_WITHDRAW: TAW,
  AFI_SAFI_DISABLE: DISABLE,
  SESSION_RESET: RESET,
} = UpdateAction;

const rows: Row[] = [
  ["well-formed", update(BASE, NLRI), NONE, 0],
  // §3 (b), §4, §5.3: lengths and NLRI that cannot be parsed.
  ["withdrawn length past the end", hex("00ff 0000"), RESET, 1],
  ["total attribute length past the end", hex("0000 00ff 400101"), RESET, 1],
  ["NLRI prefix longer than 32", update(BASE, "21 0a000000 00"), RESET, 10],
  ["NLRI prefix overruns the message", update(BASE, "18 0a00"), RESET, 10],
  ["withdrawn prefix longer than 32", update("", "", "21 0a00000000"), RESET, 10],
  ["attribute overruns the attributes (§4)", update(`${BASE} c0 08 08 0000`, NLRI), TAW, 5],
  ["two trailing octets (§4)", update(`${BASE} c0 08`, NLRI), TAW, 1],
  ["extended-length header cut short (§4)", update(`${BASE} d0 08 00`, NLRI), TAW, 1],
  // §3 (c): Optional/Transitive bits in conflict.
  ["ORIGIN marked optional", update(`c0 01 01 00 ${AS_PATH} ${NEXT_HOP}`, NLRI), TAW, 4],
  ["COMMUNITIES marked well-known", update(`${BASE} 40 08 04 fde80064`, NLRI), TAW, 4],
  [
    "MP_REACH_NLRI marked transitive (§5.3)",
    update(`c0 0e 1a 0002 01 10 ${"00".repeat(16)} 00 20 20010db8 ${ORIGIN} ${AS_PATH}`),
    DISABLE,
    4,
  ],
  // §3 (d): missing well-known attributes.
  ["ORIGIN missing", update(`${AS_PATH} ${NEXT_HOP}`, NLRI), TAW, 3],
  ["AS_PATH missing", update(`${ORIGIN} ${NEXT_HOP}`, NLRI), TAW, 3],
  ["NEXT_HOP missing with IPv4 NLRI", update(`${ORIGIN} ${AS_PATH}`, NLRI), TAW, 3],
  [
    "NEXT_HOP not needed with MP_REACH only (RFC 4760 §3)",
    update(`${V6_REACH} ${ORIGIN} ${AS_PATH}`),
    NONE,
    0,
  ],
  // §3 (g): repeats.
  [
    "COMMUNITIES twice: the second is discarded",
    update(`${BASE} c0 08 04 fde80064 c0 08 04 fde80065`, NLRI),
    DISCARD,
    1,
  ],
  ["MP_REACH_NLRI twice", update(`${V6_REACH} ${V6_REACH} ${ORIGIN} ${AS_PATH}`), RESET, 1],
  // §7: per attribute.
  ["ORIGIN value 3", update(`40 01 01 03 ${AS_PATH} ${NEXT_HOP}`, NLRI), TAW, 6],
  ["ORIGIN length 0", update(`40 01 00 ${AS_PATH} ${NEXT_HOP}`, NLRI), TAW, 6],
  ["AS_PATH segment of length zero", update(`${ORIGIN} 40 02 02 02 00 ${NEXT_HOP}`, NLRI), TAW, 11],
  ["AS_PATH unknown segment type", update(`${ORIGIN} 40 02 06 05 01 0000fde9 ${NEXT_HOP}`, NLRI), TAW, 11],
  ["AS_PATH segment overruns", update(`${ORIGIN} 40 02 06 02 02 0000fde9 ${NEXT_HOP}`, NLRI), TAW, 11],
  ["AS_PATH one stray octet", update(`${ORIGIN} 40 02 07 02 01 0000fde9 02 ${NEXT_HOP}`, NLRI), TAW, 11],
  ["empty AS_PATH is valid", update(`${ORIGIN} 40 02 00 ${NEXT_HOP}`, NLRI), NONE, 0],
  ["NEXT_HOP length 5", update(`${ORIGIN} ${AS_PATH} 40 03 05 c612000100`, NLRI), TAW, 5],
  ["MED length 3", update(`${BASE} 80 04 03 000001`, NLRI), TAW, 5],
  ["LOCAL_PREF from an internal peer, length 2", update(`${BASE} 40 05 02 0064`, NLRI), TAW, 5],
  [
    "LOCAL_PREF from an external peer is discarded",
    update(`${BASE} 40 05 04 00000064`, NLRI),
    DISCARD,
    0,
    ebgp,
  ],
  ["ATOMIC_AGGREGATE length 1", update(`${BASE} 40 06 01 00`, NLRI), DISCARD, 5],
  ["AGGREGATOR length 7", update(`${BASE} c0 07 07 0000fde9 0a0000`, NLRI), DISCARD, 5],
  ["AGGREGATOR of 6 octets on a 4-octet session", update(`${BASE} c0 07 06 fde9 0a000001`, NLRI), DISCARD, 5],
  ["COMMUNITIES length 6", update(`${BASE} c0 08 06 fde80064 0000`, NLRI), TAW, 9],
  ["COMMUNITIES length 0", update(`${BASE} c0 08 00`, NLRI), TAW, 9],
  ["ORIGINATOR_ID from an internal peer, length 3", update(`${BASE} 80 09 03 0a0000`, NLRI), TAW, 5],
  [
    "ORIGINATOR_ID from an external peer is discarded",
    update(`${BASE} 80 09 04 0a000001`, NLRI),
    DISCARD,
    0,
    ebgp,
  ],
  ["CLUSTER_LIST length 5", update(`${BASE} 80 0a 05 0a00000100`, NLRI), TAW, 5],
  [
    "CLUSTER_LIST from an external peer is discarded",
    update(`${BASE} 80 0a 04 0a000001`, NLRI),
    DISCARD,
    0,
    ebgp,
  ],
  ["MP_REACH_NLRI shorter than 5", update(`80 0e 04 0002 0110 ${ORIGIN} ${AS_PATH}`), RESET, 9],
  [
    "MP_REACH_NLRI IPv6 with a 4-byte next hop (§7.11)",
    update(`80 0e 0a 0002 01 04 0a000001 00 20 20010db8 ${ORIGIN} ${AS_PATH}`),
    DISABLE,
    9,
  ],
  [
    "MP_REACH_NLRI with a /129",
    update(`80 0e 16 0002 01 10 ${"00".repeat(16)} 00 81 ${ORIGIN} ${AS_PATH}`),
    DISABLE,
    10,
  ],
  [
    "MP_REACH_NLRI next hop past its end",
    update(`80 0e 06 0002 01 20 0000 ${ORIGIN} ${AS_PATH}`),
    DISABLE,
    9,
  ],
  ["MP_UNREACH_NLRI shorter than 3", update("80 0f 02 0002"), RESET, 9],
  ["MP_UNREACH_NLRI with an overrunning prefix", update("80 0f 05 0002 01 30 20"), DISABLE, 10],
  ["EXTENDED_COMMUNITIES length 7", update(`${BASE} c0 10 07 00020000fde800`, NLRI), TAW, 9],
  ["LARGE_COMMUNITIES length 13 (RFC 8092 §6)", update(`${BASE} c0 20 0d ${"00".repeat(13)}`, NLRI), TAW, 9],
  ["OTC length 3 (RFC 9234 §5)", update(`${BASE} c0 23 03 000000`, NLRI), TAW, 9],
  ["unrecognized well-known attribute (RFC 4271 §6.3)", update(`${BASE} 40 63 01 00`, NLRI), RESET, 2],
  ["unrecognized optional transitive attribute passes", update(`${BASE} c0 63 02 abcd`, NLRI), NONE, 0],
  // RFC 6793 §6
  [
    "AS4_PATH between 4-octet speakers is discarded",
    update(`${BASE} c0 11 06 02 01 0000fde9`, NLRI),
    DISCARD,
    9,
  ],
  [
    "AS4_AGGREGATOR of 6 octets from a 2-octet speaker",
    update(`${ORIGIN} 40 02 04 02 01 fde9 ${NEXT_HOP} c0 12 06 0000fde9 0a00`, NLRI),
    DISCARD,
    9,
    old2,
  ],
  [
    "AS4_PATH too short from a 2-octet speaker",
    update(`${ORIGIN} 40 02 04 02 01 fde9 ${NEXT_HOP} c0 11 02 0200`, NLRI),
    DISCARD,
    9,
    old2,
  ],
  // §5.2: attributes but no NLRI: only attribute discard is tolerable.
  ["bad ORIGIN in an UPDATE without NLRI", update(`40 01 01 07 ${AS_PATH}`, "", "08 0a"), RESET, 6],
  ["bad AGGREGATOR in an UPDATE without NLRI", update(`${BASE} c0 07 02 0000`), DISCARD, 5],
  ["MP_UNREACH alone with a bad length stays a withdrawal", update("80 0f 03 0002 01"), NONE, 0],
];

describe("RFC 7606 actions", () => {
  it.each(rows)("%s", (_name, body, action, subcode, ctx = ibgp) => {
    const u = decodeUpdate(body, ctx);
    expect(UPDATE_ACTION_NAMES[u.action]).toBe(UPDATE_ACTION_NAMES[action]);
    if (action === NONE) {
      expect(u.problems).toEqual([]);
      return;
    }
    const strongest = u.problems.find((p) => p.action === action)!;
    expect(strongest.error.code).toBe(3);
    expect(strongest.error.subcode).toBe(subcode);
  });
});

describe("what each action leaves behind", () => {
  it("treat-as-withdraw keeps the NLRI (to be withdrawn) and drops the attributes", () => {
    const u = decodeUpdate(update(`40 01 01 03 ${AS_PATH} ${NEXT_HOP}`, "08 0a 10 ac10", "18 c0a801"), ibgp);
    expect(u.action).toBe(TAW);
    expect(u.attrs).toBeNull();
    expect(nlriPrefixes(u.nlri!).map(formatPrefix)).toEqual(["10.0.0.0/8", "172.16.0.0/16"]);
    expect(nlriPrefixes(u.withdrawn!).map(formatPrefix)).toEqual(["192.168.1.0/24"]);
  });

  it("treat-as-withdraw of an MP_REACH UPDATE keeps its NLRI", () => {
    const u = decodeUpdate(update(`${V6_REACH} 40 01 01 09 ${AS_PATH}`), ibgp);
    expect(u.action).toBe(TAW);
    expect(nlriPrefixes(u.mpReach!.nlri).map(formatPrefix)).toEqual(["2001:db8::/32"]);
  });

  it("attribute discard removes only that attribute", () => {
    const u = decodeUpdate(update(`${BASE} 40 05 04 00000064 c0 08 04 fde80064`, NLRI), ebgp);
    expect(u.action).toBe(DISCARD);
    expect(u.attrs!.decoded()).toEqual({
      origin: 0,
      asPath: [{ type: 2, asns: [65001] }],
      nextHop: "198.18.0.1",
      communities: [0xfde80064],
    });
    expect(u.attrs!.localPref).toBe(-1);
  });

  it("a repeated attribute keeps the first occurrence", () => {
    const u = decodeUpdate(update(`${BASE} c0 08 04 fde80064 c0 08 04 fde80065`, NLRI), ibgp);
    expect(u.attrs!.decoded().communities).toEqual([0xfde80064]);
  });

  it("AFI/SAFI disable names the family", () => {
    const u = decodeUpdate(update(`80 0e 0a 0002 01 04 0a000001 00 20 20010db8 ${ORIGIN} ${AS_PATH}`), ibgp);
    expect(u.problems[0].family).toBe(IPV6_UNICAST);
  });

  it("a session reset surfaces from decodeMessage as the NOTIFICATION to send", () => {
    const r = decodeMessage(2, update(`${V6_REACH} ${V6_REACH} ${ORIGIN} ${AS_PATH}`), ibgp);
    expect(r.ok).toBe(false);
    if (!r.ok) expect([r.error.code, r.error.subcode]).toEqual([3, 1]);
  });

  it("unknown optional transitive attributes stay in the set", () => {
    const u = decodeUpdate(update(`${BASE} c0 63 02 abcd`, NLRI), ibgp);
    expect(u.attrs!.decoded().unknown).toEqual([{ flags: 0xc0, type: 0x63, value: hex("abcd") }]);
  });
});

describe("RFC 6793 §4.2.3: AS4_PATH from a 2-octet speaker", () => {
  const asPath2 = (asns: number[]) => {
    const v = asns.map((a) => a.toString(16).padStart(4, "0")).join("");
    return `40 02 ${(2 + asns.length * 2).toString(16).padStart(2, "0")} 02 ${asns.length.toString(16).padStart(2, "0")} ${v}`;
  };
  const as4Path = (asns: number[]) => {
    const v = asns.map((a) => a.toString(16).padStart(8, "0")).join("");
    return `c0 11 ${(2 + asns.length * 4).toString(16).padStart(2, "0")} 02 ${asns.length.toString(16).padStart(2, "0")} ${v}`;
  };

  it("prepends the leading part of AS_PATH to AS4_PATH", () => {
    const u = decodeUpdate(
      update(
        `${ORIGIN} ${asPath2([65001, 23456, 23456, 300])} ${NEXT_HOP} ${as4Path([400000, 500000, 300])}`,
        NLRI,
      ),
      old2,
    );
    expect(u.attrs!.decoded().asPath).toEqual([{ type: 2, asns: [65001, 400000, 500000, 300] }]);
    expect(u.attrs!.asPathLength).toBe(4);
  });

  it("ignores an AS4_PATH longer than AS_PATH", () => {
    const u = decodeUpdate(
      update(`${ORIGIN} ${asPath2([65001, 23456])} ${NEXT_HOP} ${as4Path([1, 400000, 500000])}`, NLRI),
      old2,
    );
    expect(u.attrs!.decoded().asPath).toEqual([{ type: 2, asns: [65001, 23456] }]);
  });

  it("takes AS4_AGGREGATOR when AGGREGATOR is AS_TRANS", () => {
    const u = decodeUpdate(
      update(
        `${ORIGIN} ${asPath2([23456])} ${NEXT_HOP} c0 07 06 5ba0 0a000001 ${as4Path([400000])} c0 12 08 00061a80 0a000002`,
        NLRI,
      ),
      old2,
    );
    expect(u.attrs!.decoded()).toMatchObject({
      asPath: [{ type: 2, asns: [400000] }],
      aggregator: { asn: 400000, address: "10.0.0.2" },
    });
  });

  it("ignores AS4_PATH and AS4_AGGREGATOR when AGGREGATOR is a real 2-octet AS", () => {
    const u = decodeUpdate(
      update(
        `${ORIGIN} ${asPath2([23456])} ${NEXT_HOP} c0 07 06 fde9 0a000001 ${as4Path([400000])} c0 12 08 00061a80 0a000002`,
        NLRI,
      ),
      old2,
    );
    expect(u.attrs!.decoded()).toMatchObject({
      asPath: [{ type: 2, asns: [23456] }],
      aggregator: { asn: 65001, address: "10.0.0.1" },
    });
  });
});

describe("interning", () => {
  it("gives equal attribute sets one object, and forgets it after the last release", () => {
    const interner = new AttrInterner();
    const a = decodeUpdate(update(BASE, NLRI), ibgp, interner).attrs!;
    const b = decodeUpdate(update(BASE, "10 ac10"), ibgp, interner).attrs!;
    const c = decodeUpdate(update(`${BASE} 80 04 04 00000001`, NLRI), ibgp, interner).attrs!;
    expect(a).toBe(b);
    expect(c).not.toBe(a);
    expect(interner.size).toBe(2);
    interner.retain(a);
    interner.retain(b);
    interner.release(a);
    expect(interner.size).toBe(2);
    interner.release(b);
    expect(interner.size).toBe(1);
    expect(decodeUpdate(update(BASE, NLRI), ibgp, interner).attrs).not.toBe(a);
  });

  it("copies the canonical bytes, so the set does not hold the receive buffer", () => {
    const body = update(BASE, NLRI);
    const set = decodeUpdate(body, ibgp, new AttrInterner()).attrs!;
    expect(set.bytes.buffer).not.toBe(body.buffer);
  });
});
