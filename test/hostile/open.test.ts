/**
 * Bad OPENs and out-of-order messages against a real kbgpd: each gets the NOTIFICATION RFC 4271 §6.2,
 * RFC 5492, RFC 6286, RFC 7607 and RFC 6608 require, then the connection closes; the witness session is
 * untouched. The OpenSent hold timer (4 minutes) is tested on the pure speaker, in open-hold.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KEEPALIVE } from "../../core/wire/index.js";
import { hex } from "../helpers/hex.js";
import { bgpIdOf, HostileLab, LOCAL_AS, ROUTER_ID } from "./fixture.js";
import { message, openMessage, type ScriptPeer, updateBody } from "./script-peer.js";
import { base, nlri } from "./updates.js";

const AS = 65020;
let h: HostileLab;
beforeAll(async () => {
  h = await HostileLab.start("hostile-open", [...Array(24).fill(AS), LOCAL_AS, LOCAL_AS]);
});
afterAll(() => h?.close());

/** Connect from a fresh slot of `asn`, write `bytes` (a function of the slot), return kbgpd's NOTIFICATION. */
async function answer(bytes: (bgpId: number) => Uint8Array | Uint8Array[], asn = AS) {
  const s = h.slot(asn);
  const p = await h.connect(s);
  for (const b of [bytes(bgpIdOf(s.address))].flat()) await p.write(b);
  const n = await p.notification();
  expect(p.closed).toBe(true);
  await h.intact();
  return { code: n.code, subcode: n.subcode, data: [...n.data] };
}

/** An OPEN body with its parts given in hex: version, AS, hold time, identifier, optional parameters. */
function rawOpen(version: number, asn: number, hold: number, id: number, params = ""): Uint8Array {
  const p = hex(params);
  const b = new Uint8Array(10 + p.length);
  const v = new DataView(b.buffer);
  b[0] = version;
  v.setUint16(1, asn);
  v.setUint16(3, hold);
  v.setUint32(5, id);
  b[9] = p.length;
  b.set(p, 10);
  return message(1, b);
}

describe("OPEN message errors (RFC 4271 §6.2)", () => {
  it("version 3: Unsupported Version Number (2/1), data the version we support as 2 octets", async () => {
    expect(await answer((id) => rawOpen(3, AS, 90, id))).toEqual({ code: 2, subcode: 1, data: [0, 4] });
  });

  it("version 5: 2/1 with data 4", async () => {
    expect(await answer((id) => rawOpen(5, AS, 90, id))).toEqual({ code: 2, subcode: 1, data: [0, 4] });
  });

  it("a peer AS other than configured: Bad Peer AS (2/2)", async () => {
    expect(await answer((id) => openMessage({ asn: 65099, bgpId: id }))).toMatchObject({
      code: 2,
      subcode: 2,
    });
  });

  it("AS 0 in My Autonomous System: Bad Peer AS (2/2, RFC 7607 §2)", async () => {
    expect(await answer((id) => rawOpen(4, 0, 90, id))).toMatchObject({ code: 2, subcode: 2 });
  });

  it.each([1, 2])("hold time %i: Unacceptable Hold Time (2/6)", async (hold) => {
    expect(await answer((id) => openMessage({ asn: AS, bgpId: id, holdTime: hold }))).toMatchObject({
      code: 2,
      subcode: 6,
    });
  });

  it("BGP Identifier 0.0.0.0: Bad BGP Identifier (2/3, RFC 6286 §2.2)", async () => {
    expect(await answer(() => openMessage({ asn: AS, bgpId: 0 }))).toMatchObject({ code: 2, subcode: 3 });
  });

  it("an internal peer with our BGP Identifier: 2/3 (RFC 6286 §2.2)", async () => {
    expect(
      await answer(() => openMessage({ asn: LOCAL_AS, bgpId: bgpIdOf(ROUTER_ID) }), LOCAL_AS),
    ).toMatchObject({ code: 2, subcode: 3 });
  });

  it("an external peer with our BGP Identifier is accepted (RFC 6286 §2.2 asks uniqueness within an AS)", async () => {
    const s = h.slot(AS);
    const p = await h.established(s, { bgpId: bgpIdOf(ROUTER_ID) });
    p.destroy();
    await h.intact();
  });

  it("optional parameter type 1 (Authentication, deprecated): Unsupported Optional Parameter (2/4)", async () => {
    expect(await answer((id) => rawOpen(4, AS, 90, id, "01 02 0000"))).toMatchObject({ code: 2, subcode: 4 });
  });

  it("a capability overrunning its parameter: 2/0 (malformed recognized parameter, RFC 4271 §6.2)", async () => {
    expect(await answer((id) => rawOpen(4, AS, 90, id, "02 06 01 08 00010001"))).toMatchObject({
      code: 2,
      subcode: 0,
    });
  });

  it("optional parameters length past the message: 2/0", async () => {
    const m = rawOpen(4, AS, 90, 1, "02 06 01 04 00010001");
    m[28] = 20; // says 20 parameter bytes, 8 follow
    expect(await answer(() => m)).toMatchObject({ code: 2, subcode: 0 });
  });

  it("a capability with a wrong inner length is ignored, not fatal (RFC 5492 §3)", async () => {
    const s = h.slot(AS);
    const p = await h.connect(s);
    // 4-octet AS capability with 3 value bytes, then a valid one: the session comes up.
    await p.write(rawOpen(4, AS, 0, bgpIdOf(s.address), "02 05 41 03 000000 02 06 41 04 0000fdfc"));
    expect((await p.next())?.type).toBe(1);
    expect((await p.next())?.type).toBe(4);
    await p.write(KEEPALIVE);
    await h.waitState(s, "established");
    p.destroy();
    await h.intact();
  });
});

describe("messages out of order (RFC 6608: the subcode names the state, the data the message type)", () => {
  it("KEEPALIVE in OpenSent: 5/1 with data 4", async () => {
    expect(await answer(() => KEEPALIVE)).toEqual({ code: 5, subcode: 1, data: [4] });
  });

  it("UPDATE in OpenSent: 5/1 with data 2", async () => {
    expect(await answer(() => message(2, updateBody(base(AS), nlri("10.0.0.0/8"))))).toEqual({
      code: 5,
      subcode: 1,
      data: [2],
    });
  });

  it("ROUTE-REFRESH in OpenSent: 5/1 with data 5", async () => {
    expect(await answer(() => message(5, Uint8Array.of(0, 1, 0, 1)))).toEqual({
      code: 5,
      subcode: 1,
      data: [5],
    });
  });

  it("a second OPEN in OpenConfirm: 5/2 with data 1", async () => {
    expect(
      await answer((id) => [openMessage({ asn: AS, bgpId: id }), openMessage({ asn: AS, bgpId: id })]),
    ).toEqual({ code: 5, subcode: 2, data: [1] });
  });

  it("UPDATE in OpenConfirm: 5/2 with data 2", async () => {
    expect(
      await answer((id) => [
        openMessage({ asn: AS, bgpId: id }),
        message(2, updateBody(base(AS), nlri("10.0.0.0/8"))),
      ]),
    ).toEqual({ code: 5, subcode: 2, data: [2] });
  });

  it("an OPEN in Established: 5/3 with data 1, and the session's routes go", async () => {
    const s = h.slot(AS);
    const p = await h.established(s);
    await p.write(message(2, updateBody(base(AS), nlri("10.77.0.0/16"))));
    await h.waitPrefixes(s, ["10.77.0.0/16"]);
    await p.write(openMessage({ asn: AS, bgpId: bgpIdOf(s.address) }));
    const n = await p.notification();
    expect({ code: n.code, subcode: n.subcode, data: [...n.data] }).toEqual({
      code: 5,
      subcode: 3,
      data: [1],
    });
    await h.waitPrefixes(s, []);
    await h.intact();
  });
});

describe("a peer that says nothing", () => {
  it("stays in OpenSent with its connection open (the OpenSent hold timer is 4 minutes)", async () => {
    const s = h.slot(AS);
    const p: ScriptPeer = await h.connect(s);
    expect((await p.next())?.type).toBe(1);
    await new Promise((r) => setTimeout(r, 500));
    expect((await h.neighbor(s)).state).toBe("opensent");
    expect(p.closed).toBe(false);
    p.destroy();
    await h.intact();
  });
});
