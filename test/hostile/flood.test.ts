/**
 * Floods against a real kbgpd, each bounded in count and time: 200,000 prefixes in UPDATEs written as fast
 * as the socket takes them, then withdrawn; 100,000 KEEPALIVEs in one burst. The session stays up, the
 * counts are exact, and the witness session is untouched.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  encodeAnnouncements,
  encodeAttributes,
  encodeWithdrawals,
  IPV4_UNICAST,
  KEEPALIVE,
  type Prefix,
} from "../../core/wire/index.js";
import { waitUntil } from "../interop/harness/index.js";
import { HostileLab } from "./fixture.js";
import { message, updateBody } from "./script-peer.js";
import { base, nlri } from "./updates.js";

const AS = 65040;
const COUNT = 200_000;
let h: HostileLab;
beforeAll(async () => {
  h = await HostileLab.start("hostile-flood", [AS, AS]);
});
afterAll(() => h?.close());

/** COUNT distinct /24s: 20.0.0.0/24, 20.0.1.0/24, … */
function prefixes(): Prefix[] {
  return Array.from({ length: COUNT }, (_, i) => ({
    afi: 1,
    length: 24,
    addr: Uint8Array.of(20 + (i >>> 16), (i >>> 8) & 0xff, i & 0xff, 0),
  }));
}

describe("floods", () => {
  it(`${COUNT} prefixes announced and withdrawn in a burst`, async () => {
    const s = h.slot(AS);
    const p = await h.established(s);
    const all = prefixes();
    const attrs = encodeAttributes({ origin: 0, asPath: [{ type: 2, asns: [AS] }], nextHop: "192.0.2.40" });
    const announce = encodeAnnouncements(IPV4_UNICAST, attrs, null, all, { maxLength: 4096, addPath: false });
    expect(announce.unsent).toEqual([]);
    const started = Date.now();
    for (const m of announce.messages) await p.write(m);
    let accepted = 0;
    await waitUntil(
      `${COUNT} prefixes accepted`,
      async () => {
        accepted = (await h.neighbor(s)).accepted;
        return accepted === COUNT;
      },
      { timeoutMs: 30_000, intervalMs: 100, detail: () => `accepted ${accepted}\n${h.kbgpd.logTail(10)}` },
    );
    const announced = Date.now() - started;
    for (const m of encodeWithdrawals(IPV4_UNICAST, all, { maxLength: 4096, addPath: false }))
      await p.write(m);
    await waitUntil("all withdrawn", async () => (await h.neighbor(s)).accepted === 0, {
      timeoutMs: 30_000,
      intervalMs: 100,
    });
    console.log(`${COUNT} prefixes: in ${announced} ms, out in ${Date.now() - started - announced} ms`);
    const v = await h.neighbor(s);
    expect(v.state).toBe("established");
    expect(v.establishedTransitions).toBe(1);
    p.destroy();
    await h.intact();
  });

  it("100,000 KEEPALIVEs in one write, then an UPDATE that still counts", async () => {
    const s = h.slot(AS);
    const p = await h.established(s);
    const burst = new Uint8Array(KEEPALIVE.length * 100_000);
    for (let i = 0; i < 100_000; i++) burst.set(KEEPALIVE, i * KEEPALIVE.length);
    await p.write(burst);
    await p.write(message(2, updateBody(base(AS), nlri("10.60.0.0/16"))));
    await h.waitPrefixes(s, ["10.60.0.0/16"], "ipv4", 15_000);
    const v = await h.neighbor(s);
    expect(v.state).toBe("established");
    expect(v.establishedTransitions).toBe(1);
    p.destroy();
    await h.intact();
  });
});
