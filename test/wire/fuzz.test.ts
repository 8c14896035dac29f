/**
 * Mutation fuzzing: real BGP messages taken from the shared MRT data are corrupted 200,000+ times (bit
 * flips, interesting byte values, length-field tweaks, truncation, insertion, deletion, splicing) and
 * decoded under several session contexts. Every result must be a decoded message or a typed error; an
 * accepted UPDATE's attribute set must decode lazily and re-encode. MRT records get the same treatment
 * through the MRT decoder and both output formats. Seeded, so a failure reproduces.
 */
import { readdirSync, readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { bgpdumpLines } from "../../cli/mrt/bgpdump-format.js";
import { jsonLines } from "../../cli/mrt/json-format.js";
import { decodeBgp4mp, MrtDecoder, type MrtRecord, MrtRecordFramer } from "../../core/mrt/index.js";
import {
  AttrInterner,
  codecContext,
  decodeMessage,
  encodeAttributes,
  IPV4_UNICAST,
  IPV6_UNICAST,
  MessageFramer,
  nlriPrefixes,
  UpdateAction,
} from "../../core/wire/index.js";
import { DATA_DIR, dataFile } from "../helpers/data.js";
import { bgpStreams } from "../helpers/pcap.js";

const SEED = Number(process.env.KBGP_FUZZ_SEED ?? 0x6b626770);
const MUTATIONS = Number(process.env.KBGP_FUZZ_MUTATIONS ?? 200_000);

/** xorshift32: small, fast, reproducible. */
function rng(seed: number) {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n) };
}

const INTERESTING = [
  0x00, 0x01, 0x02, 0x03, 0x04, 0x0f, 0x10, 0x20, 0x40, 0x7f, 0x80, 0x90, 0xc0, 0xd0, 0xfe, 0xff,
];

/** b with `remove` bytes at `at` replaced by `insert`. */
function splice(
  b: Uint8Array,
  at: number,
  remove: number,
  insert: Uint8Array = new Uint8Array(0),
): Uint8Array {
  const end = Math.min(b.length, at + remove);
  const c = new Uint8Array(b.length - (end - at) + insert.length);
  c.set(b.subarray(0, at));
  c.set(insert, at);
  c.set(b.subarray(end), at + insert.length);
  return c;
}

function mutate(src: Uint8Array, r: ReturnType<typeof rng>, pool: Uint8Array[]): Uint8Array {
  let b: Uint8Array = src.slice();
  const rounds = 1 + r.int(4);
  for (let k = 0; k < rounds; k++) {
    const n = b.length;
    const at = r.int(n + 1);
    switch (r.int(8)) {
      case 0: // bit flip
        if (at < n) b[at] ^= 1 << r.int(8);
        break;
      case 1: // interesting byte
        if (at < n) b[at] = INTERESTING[r.int(INTERESTING.length)];
        break;
      case 2: // nudge a 16-bit length-like field
        if (at + 1 < n) {
          const v = ((b[at] << 8) | b[at + 1]) + (r.int(9) - 4);
          b[at] = (v >>> 8) & 0xff;
          b[at + 1] = v & 0xff;
        }
        break;
      case 3: // truncate
        b = b.slice(0, at);
        break;
      case 4: // insert random bytes
        b = splice(
          b,
          at,
          0,
          Uint8Array.from({ length: 1 + r.int(8) }, () => r.int(256)),
        );
        break;
      case 5: // delete a range
        b = splice(b, at, 1 + r.int(8));
        break;
      case 6: {
        // splice in a piece of another message
        const o = pool[r.int(pool.length)];
        const s = r.int(o.length);
        b = splice(b, at, 0, o.subarray(s, s + 1 + r.int(24)));
        break;
      }
      default: {
        // duplicate a range (repeated attributes, repeated prefixes)
        const s = r.int(n + 1);
        b = splice(b, at, 0, b.slice(s, s + 1 + r.int(16)));
      }
    }
  }
  return b;
}

/** Real BGP messages (bodies, by type) and raw MRT records from the shared data. */
function corpus() {
  const messages: { type: number; body: Uint8Array }[] = [];
  const records: Uint8Array[] = [];
  for (const f of [
    "updates.20160811.1600.gz",
    "updates.20100722.2015.gz",
    "bview.64k_stream_overflow.gz",
    "bview.ipv4_unicast_add_path.gz",
    "bview.ipv6_unicast_add_path.gz",
    "updates.long_withdrawal.gz",
  ]) {
    const bytes = gunzipSync(readFileSync(dataFile("mrt", f)));
    let offset = 0;
    new MrtRecordFramer().push(bytes, (rec: MrtRecord) => {
      const start = rec.body.byteOffset - bytes.byteOffset - (rec.microseconds >= 0 ? 16 : 12);
      // Small records keep the mutation loop fast; the 64 KiB record is read whole by the oracle test.
      if (records.length < 4000 && offset++ % 7 === 0 && rec.body.length < 8192)
        records.push(bytes.slice(start, start + rec.body.length + (rec.microseconds >= 0 ? 16 : 12)));
      if (rec.type !== 16 && rec.type !== 17) return;
      const m = decodeBgp4mp(rec.subtype, rec.body);
      if (typeof m === "string" || m.kind !== "message" || m.message.length < 19) return;
      if (messages.length < 3000 && (m.message[18] !== 2 || offset % 11 === 0))
        messages.push({ type: m.message[18], body: m.message.slice(19) });
    });
  }
  // OPEN, NOTIFICATION, KEEPALIVE and ROUTE-REFRESH come from the packet captures.
  for (const cap of readdirSync(`${DATA_DIR}/pcap`)) {
    for (const stream of bgpStreams(dataFile("pcap", cap), [179, 1179])) {
      new MessageFramer().push(stream.bytes, (type, body) => {
        if (type !== 2) messages.push({ type, body: body.slice() });
      });
    }
  }
  return { messages, records };
}

const { messages, records } = corpus();
const CONTEXTS = [
  codecContext({ ebgp: true }),
  codecContext({ ebgp: false, as4: false }),
  codecContext({
    ebgp: false,
    addPath: new Set([IPV4_UNICAST, IPV6_UNICAST]),
    extendedNextHop: new Set([IPV4_UNICAST]),
  }),
  codecContext({ mrtRibEntry: true }),
];

describe("fuzz", () => {
  it("has a corpus of real messages of several types", () => {
    expect(messages.length).toBeGreaterThan(1000);
    expect(new Set(messages.map((m) => m.type))).toEqual(new Set([1, 2, 3, 4, 5]));
  });

  it(`decodes ${MUTATIONS} mutated messages into messages or typed errors (seed ${SEED})`, () => {
    const r = rng(SEED);
    const pool = messages.map((m) => m.body);
    const interner = new AttrInterner();
    const tally = { ok: 0, error: 0, withdraw: 0 };
    for (let i = 0; i < MUTATIONS; i++) {
      const m = messages[r.int(messages.length)];
      const body = mutate(m.body, r, pool);
      const type = r.int(20) === 0 ? r.int(7) : m.type;
      const ctx = CONTEXTS[i & 3];
      let result: ReturnType<typeof decodeMessage>;
      try {
        result = decodeMessage(type, body, ctx, { interner, enhancedRouteRefresh: (i & 4) !== 0 });
        if (result.ok && result.value.type === 2) {
          const u = result.value;
          if (u.action >= UpdateAction.TREAT_AS_WITHDRAW) tally.withdraw++;
          for (const list of [u.nlri, u.withdrawn, u.mpReach?.nlri ?? null, u.mpUnreach])
            if (list && list.count >= 0) nlriPrefixes(list);
          // The interned set must be well-formed canonical bytes: they decode and re-encode.
          if (u.attrs) encodeAttributes(u.attrs.decoded());
        }
      } catch (e) {
        throw new Error(
          `mutation ${i} (seed ${SEED}) of a type-${m.type} message threw: ${(e as Error).stack}\nbody: ${Buffer.from(body).toString("hex")}`,
        );
      }
      if (result.ok) tally.ok++;
      else {
        tally.error++;
        expect(typeof result.error.code).toBe("number");
        expect(result.error.code).toBeGreaterThanOrEqual(1);
        expect(result.error.code).toBeLessThanOrEqual(7);
        expect(result.error.reason.length).toBeGreaterThan(0);
      }
      if (interner.size > 50_000) interner.clear();
    }
    // The corpus and mutators must exercise both outcomes, or the test proves little.
    expect(tally.ok).toBeGreaterThan(MUTATIONS / 10);
    expect(tally.error).toBeGreaterThan(MUTATIONS / 10);
    expect(tally.withdraw).toBeGreaterThan(1000);
  });

  it("frames mutated byte streams without throwing", () => {
    const r = rng(SEED ^ 0x5a5a);
    const pool = records;
    for (let i = 0; i < 20_000; i++) {
      const m = messages[r.int(messages.length)];
      const whole = new Uint8Array(19 + m.body.length);
      whole.fill(0xff, 0, 16);
      whole[16] = whole.length >>> 8;
      whole[17] = whole.length & 0xff;
      whole[18] = m.type;
      whole.set(m.body, 19);
      const stream = mutate(whole, r, pool);
      const framer = new MessageFramer();
      if (i & 1) framer.maxLength = 65535;
      const cut = r.int(stream.length + 1);
      const e1 = framer.push(stream.subarray(0, cut), () => {});
      const e2 = framer.push(stream.subarray(cut), () => {});
      for (const e of [e1, e2]) if (e) expect(e.code).toBe(1);
    }
  });

  it("decodes and prints mutated MRT records without throwing", () => {
    const r = rng(SEED ^ 0xa5a5);
    const out: string[] = [];
    // Peer tables first and now and then (a mutated one may replace them), so RIB records have peers.
    const peerTables = records.filter((rec) => rec[5] === 13 && rec[7] === 1);
    expect(peerTables.length).toBeGreaterThan(0);
    const decoder = new MrtDecoder();
    const feed = (rec: MrtRecord) => {
      const item = decoder.decode(rec);
      bgpdumpLines(item, out);
      jsonLines(item, out);
      out.length = 0;
    };
    for (let i = 0; i < 30_000; i++) {
      const framer = new MrtRecordFramer();
      if (i % 100 === 0) for (const t of peerTables) framer.push(t, feed);
      framer.push(mutate(records[r.int(records.length)], r, records), feed);
    }
  });
});
