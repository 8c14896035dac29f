/**
 * Framing attacks on a real kbgpd (RFC 4271 §4.1, §6.1): bytes that are not BGP messages get Message
 * Header Error with the subcode and data §6.1 requires, then the connection closes; valid messages cut
 * into pieces at any point still make a session. After each one the witness session is untouched.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KEEPALIVE } from "../../core/wire/index.js";
import { bgpIdOf, HostileLab } from "./fixture.js";
import { message, openMessage, updateBody } from "./script-peer.js";
import { base, nlri } from "./updates.js";

const AS = 65010;
let h: HostileLab;
beforeAll(async () => {
  h = await HostileLab.start("hostile-framing", Array(10).fill(AS));
});
afterAll(() => h?.close());

/** Connect from a fresh slot, write `bytes`, and return the NOTIFICATION kbgpd answers with. */
async function answer(bytes: Uint8Array) {
  const s = h.slot(AS);
  const p = await h.connect(s);
  await p.write(bytes);
  const n = await p.notification();
  expect(p.closed).toBe(true);
  await h.intact();
  return { ...n, data: [...n.data] };
}

describe("message header errors (RFC 4271 §6.1)", () => {
  it("garbage before the OPEN: Connection Not Synchronized (1/1)", async () => {
    const open = openMessage({ asn: AS, bgpId: 1 });
    const garbage = new Uint8Array(40).fill(0x41);
    expect(await answer(new Uint8Array([...garbage, ...open]))).toMatchObject({ code: 1, subcode: 1 });
  });

  it("a marker that is not all ones: 1/1", async () => {
    const open = openMessage({ asn: AS, bgpId: 1 });
    open[7] = 0xfe;
    expect(await answer(open)).toMatchObject({ code: 1, subcode: 1 });
  });

  it("length below 19: Bad Message Length (1/2) with the length field as data", async () => {
    expect(await answer(message(4, new Uint8Array(0), 18))).toEqual({ code: 1, subcode: 2, data: [0, 18] });
  });

  it("length above 4096: 1/2 with the length field as data", async () => {
    const big = message(2, new Uint8Array(4100));
    expect(await answer(big)).toEqual({ code: 1, subcode: 2, data: [0x10, 0x17] });
  });

  it("a KEEPALIVE of 20 bytes: 1/2 (RFC 4271 §6.1: KEEPALIVE is exactly 19)", async () => {
    expect(await answer(message(4, Uint8Array.of(0)))).toEqual({ code: 1, subcode: 2, data: [0, 20] });
  });

  it("an OPEN shorter than 29 bytes: 1/2", async () => {
    expect(await answer(message(1, new Uint8Array(5)))).toEqual({ code: 1, subcode: 2, data: [0, 24] });
  });

  it("unknown message type 7: Bad Message Type (1/3) with the type as data", async () => {
    expect(await answer(message(7, new Uint8Array(4)))).toEqual({ code: 1, subcode: 3, data: [7] });
  });
});

describe("split delivery", () => {
  it("a session written one byte per write is established and carries its routes", async () => {
    const s = h.slot(AS);
    const p = await h.connect(s);
    await p.writeInPieces(openMessage({ asn: AS, bgpId: bgpIdOf(s.address) }), 1);
    expect((await p.next())?.type).toBe(1); // kbgpd's OPEN
    expect((await p.next())?.type).toBe(4); // its KEEPALIVE
    await p.writeInPieces(KEEPALIVE, 1);
    await h.waitState(s, "established");
    const up = message(2, updateBody(base(AS), nlri("10.1.0.0/16", "10.2.2.0/24", "10.3.3.3/32")));
    await p.writeInPieces(up, 1);
    await h.waitPrefixes(s, ["10.1.0.0/16", "10.2.2.0/24", "10.3.3.3/32"]);
    p.destroy();
    await h.intact();
  });

  it("an UPDATE cut at every byte boundary, each cut its own pair of writes", async () => {
    const s = h.slot(AS);
    const p = await h.established(s);
    const want: string[] = [];
    const sample = message(2, updateBody(base(AS), nlri("10.9.0.0/24")));
    for (let cut = 1; cut < sample.length; cut++) {
      const prefix = `10.${100 + (cut >> 8)}.${cut & 0xff}.0/24`;
      want.push(prefix);
      const m = message(2, updateBody(base(AS), nlri(prefix)));
      await p.write(m.subarray(0, cut));
      await new Promise((r) => setImmediate(r));
      await p.write(m.subarray(cut));
    }
    // And several messages in one write, the last one cut short and finished later.
    const two = [message(2, updateBody(base(AS), nlri("10.250.0.0/16"))), KEEPALIVE];
    const joined = new Uint8Array([...two[0], ...two[1], ...two[0].subarray(0, 10)]);
    await p.write(joined);
    await p.write(two[0].subarray(10));
    want.push("10.250.0.0/16");
    await h.waitPrefixes(s, want);
    expect((await h.neighbor(s)).state).toBe("established");
    p.destroy();
    await h.intact();
  });
});
