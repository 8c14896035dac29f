/**
 * Hostile-input rules checked on the pure speaker (no sockets, virtual time), each a regression test for
 * a fix made while testing kbgpd against hostile peers, plus the OpenSent hold timer that would take four
 * real minutes to see on a daemon.
 */
import { describe, expect, it } from "vitest";
import type { Output } from "../../core/speaker/io.js";
import { Speaker } from "../../core/speaker/speaker.js";
import { codecContext, decodeUpdate, encodeOpen, UpdateAction } from "../../core/wire/index.js";
import { hex } from "../helpers/hex.js";
import { neighbor, speakerConfig } from "../helpers/speaker-config.js";
import { openMessage, updateBody } from "./script-peer.js";
import { attr, attrs, nextHop, nlri, ORIGIN_IGP } from "./updates.js";

const A = "10.0.0.1";
const B = "10.0.0.2";

/** A speaker passive towards B, with a connection from B accepted; returns the outputs so far. */
function accepted(peerAs: number | "external") {
  const sp = new Speaker(speakerConfig(65001, A, [neighbor(B, peerAs, { passive: true })]));
  sp.handle({ kind: "start" }, 0);
  const out = sp.handle(
    { kind: "accepted", conn: 2, local: { address: A, port: 179 }, remote: { address: B, port: 40000 } },
    0,
  );
  return { sp, out };
}

/** The NOTIFICATION in `out` as [code, subcode], and whether a close of its connection follows. */
function notification(out: Output[]): { codes: [number, number]; closed: boolean } | null {
  const i = out.findIndex((o) => o.kind === "send" && o.data[18] === 3);
  if (i < 0) return null;
  const d = (out[i] as Extract<Output, { kind: "send" }>).data;
  return { codes: [d[19], d[20]], closed: out.slice(i).some((o) => o.kind === "close" && o.conn === 2) };
}

describe("RFC 7607: AS number zero", () => {
  it("an OPEN with My Autonomous System 0 gets Bad Peer AS even from an 'external' neighbor (§2)", () => {
    const { sp } = accepted("external");
    const out = sp.handle({ kind: "data", conn: 2, bytes: openMessage({ asn: 0, bgpId: 0x0a000002 }) }, 10);
    expect(notification(out)).toEqual({ codes: [2, 2], closed: true });
  });

  it("so does a 4-octet AS capability carrying 0", () => {
    const { sp } = accepted("external");
    const open = encodeOpen({
      asn: 23456,
      holdTime: 90,
      bgpId: 0x0a000002,
      capabilities: [{ kind: "four-octet-as", asn: 0 }],
    });
    expect(notification(sp.handle({ kind: "data", conn: 2, bytes: open }, 10))).toEqual({
      codes: [2, 2],
      closed: true,
    });
  });

  it("an AS_PATH holding AS 0 is malformed: treat-as-withdraw (§2, RFC 7606 §7.2)", () => {
    const body = updateBody(
      attrs(ORIGIN_IGP, attr(0x40, 2, "02 02 0000fdea 00000000"), nextHop("192.0.2.1")),
      nlri("10.0.0.0/8"),
    );
    const u = decodeUpdate(body, codecContext({ ebgp: true }));
    expect(u.action).toBe(UpdateAction.TREAT_AS_WITHDRAW);
    expect(u.problems[0].error.subcode).toBe(11);
    // Two-octet AS paths too.
    const two = updateBody(
      attrs(ORIGIN_IGP, attr(0x40, 2, "02 01 0000"), nextHop("192.0.2.1")),
      hex("08 0a"),
    );
    expect(decodeUpdate(two, codecContext({ as4: false, ebgp: true })).action).toBe(
      UpdateAction.TREAT_AS_WITHDRAW,
    );
  });
});

describe("RFC 7607: AS 0 in AGGREGATOR and AS4_AGGREGATOR", () => {
  it("is malformed on a session: the attribute is discarded, the route kept (§2, RFC 7606 §7.7)", () => {
    const body = updateBody(
      attrs(
        ORIGIN_IGP,
        attr(0x40, 2, "02 01 0000fdea"),
        nextHop("192.0.2.1"),
        attr(0xc0, 7, "00000000 c0000201"),
      ),
      nlri("10.0.0.0/8"),
    );
    const u = decodeUpdate(body, codecContext({ ebgp: true }));
    expect(u.action).toBe(UpdateAction.ATTRIBUTE_DISCARD);
    expect(u.problems.map((p) => p.error.reason)).toEqual(["AGGREGATOR with AS 0"]);
    // From a 2-octet speaker, AS4_AGGREGATOR (18) with AS 0 likewise.
    const two = updateBody(
      attrs(
        ORIGIN_IGP,
        attr(0x40, 2, "02 01 fdea"),
        nextHop("192.0.2.1"),
        attr(0xc0, 18, "00000000 c0000201"),
      ),
      hex("08 0a"),
    );
    const u2 = decodeUpdate(two, codecContext({ as4: false, ebgp: true }));
    expect(u2.problems.map((p) => p.error.reason)).toEqual(["AS4_AGGREGATOR with AS 0"]);
    // Read from an MRT file (no session), kept as recorded.
    expect(decodeUpdate(body, codecContext({})).problems).toEqual([]);
  });
});

describe("RFC 6286 §2.3: connection collision between speakers with the same BGP Identifier", () => {
  it("keeps the connection opened by the speaker with the larger AS number, on both sides", () => {
    // Both speakers connect at once and each sees both OPENs before any KEEPALIVE: both detect the
    // collision. Comparing identifiers alone, each closed its own outgoing connection: both died.
    const id = 0x0a0000fe;
    const a = new Speaker(speakerConfig(65001, A, [neighbor(B, 65002)], [], { routerId: id, clusterId: id }));
    const b = new Speaker(speakerConfig(65002, B, [neighbor(A, 65001)], [], { routerId: id, clusterId: id }));
    a.handle({ kind: "start" }, 0);
    b.handle({ kind: "start" }, 0);
    const sent = (out: Output[], conn: number) =>
      out.filter((o) => o.kind === "send" && o.conn === conn).map((o) => (o as { data: Uint8Array }).data);
    // Connection X: A's conn 1 = B's conn 2. Connection Y: B's conn 1 = A's conn 2.
    const aOpenX = sent(a.handle({ kind: "connected", conn: 1, local: { address: A, port: 1 } }, 1), 1);
    const bOpenY = sent(b.handle({ kind: "connected", conn: 1, local: { address: B, port: 2 } }, 1), 1);
    const acc = (sp: Speaker, from: string) =>
      sp.handle(
        { kind: "accepted", conn: 2, local: { address: "x", port: 179 }, remote: { address: from, port: 9 } },
        1,
      );
    const aOpenY = sent(acc(a, B), 2);
    const bOpenX = sent(acc(b, A), 2);
    const closes = (out: Output[]) =>
      out.filter((o) => o.kind === "close").map((o) => (o as { conn: number }).conn);
    const aClosed = [
      ...closes(a.handle({ kind: "data", conn: 1, bytes: bOpenX[0] }, 2)),
      ...closes(a.handle({ kind: "data", conn: 2, bytes: bOpenY[0] }, 2)),
    ];
    const bClosed = [
      ...closes(b.handle({ kind: "data", conn: 1, bytes: aOpenY[0] }, 2)),
      ...closes(b.handle({ kind: "data", conn: 2, bytes: aOpenX[0] }, 2)),
    ];
    // B (AS 65002) opened Y, which survives: A closes its conn 1 (X), B its conn 2 (X).
    expect(aClosed).toEqual([1]);
    expect(bClosed).toEqual([2]);
  });
});

describe("RFC 4271 §8.2.2: a peer that connects and sends nothing", () => {
  it("is dropped with Hold Timer Expired (4/0) after the OpenSent hold time of 4 minutes, not before", () => {
    const { sp } = accepted(65002);
    expect(sp.peers.get(B)!.state).toBe("opensent");
    expect(notification(sp.handle({ kind: "tick" }, 239_999))).toBeNull();
    expect(sp.peers.get(B)!.state).toBe("opensent");
    expect(notification(sp.handle({ kind: "tick" }, 240_000))).toEqual({ codes: [4, 0], closed: true });
    expect(sp.peers.get(B)!.state).not.toBe("opensent");
  });
});
