/**
 * MessageFramer: however a byte stream of real messages is cut into chunks, the same messages come out,
 * and header errors (RFC 4271 §6.1, RFC 8654 §4) are found whichever chunk completes the bad header.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type BgpError,
  decodeOpen,
  encodeAnnouncements,
  encodeAttributes,
  encodeEndOfRib,
  encodeNotification,
  encodeOpen,
  encodeRouteRefresh,
  encodeShutdown,
  encodeWithdrawals,
  IPV4_UNICAST,
  IPV6_UNICAST,
  KEEPALIVE,
  MAX_EXTENDED_MESSAGE_LENGTH,
  MessageFramer,
  MessageType,
  type PathAttributes,
  parseIp,
  parsePrefix,
  RefreshSubtype,
} from "../../core/wire/index.js";
import { body, concat, toHex } from "../helpers/hex.js";

const P = (s: string) => parsePrefix(s)!;
const opts = { maxLength: 4096, addPath: false };
const attrs4: PathAttributes = {
  origin: 0,
  asPath: [{ type: 2, asns: [65001, 4200000000] }],
  nextHop: "192.0.2.1",
  communities: [0xfde80064],
};
const attrs6: PathAttributes = { origin: 2, asPath: [{ type: 2, asns: [65001] }], med: 10 };

/** One of each message type, built with the encoders. */
const MESSAGES: Uint8Array[] = [
  encodeOpen({
    asn: 4200000000,
    holdTime: 90,
    bgpId: 0x0a000001,
    capabilities: [
      { kind: "multiprotocol", afi: 1, safi: 1 },
      { kind: "multiprotocol", afi: 2, safi: 1 },
      { kind: "route-refresh" },
      { kind: "enhanced-route-refresh" },
      { kind: "four-octet-as", asn: 4200000000 },
      { kind: "fqdn", hostname: "node-1", domain: "example.net" },
    ],
  }),
  KEEPALIVE,
  ...encodeAnnouncements(
    IPV4_UNICAST,
    encodeAttributes(attrs4),
    null,
    [P("10.0.0.0/8"), P("192.168.1.0/24")],
    opts,
  ).messages,
  ...encodeAnnouncements(
    IPV6_UNICAST,
    encodeAttributes(attrs6),
    parseIp("2001:db8::1")!,
    [P("2001:db8::/32")],
    opts,
  ).messages,
  KEEPALIVE,
  ...encodeWithdrawals(IPV4_UNICAST, [P("172.16.0.0/12")], opts),
  ...encodeWithdrawals(IPV6_UNICAST, [P("2001:db8:1::/48"), P("::/0")], opts),
  encodeEndOfRib(IPV4_UNICAST),
  encodeEndOfRib(IPV6_UNICAST),
  encodeRouteRefresh(2, 1, RefreshSubtype.BORR),
  encodeRouteRefresh(1, 1),
  encodeShutdown(2, "maintenance ✓"),
  encodeNotification(6, 4),
];

const STREAM = concat(...MESSAGES);
/** Offsets where a message starts (and the end of the stream). */
const BOUNDARIES = [0];
for (const m of MESSAGES) BOUNDARIES.push(BOUNDARIES[BOUNDARIES.length - 1] + m.length);

/** What the sink saw, as "type:body-hex" (bodies are copied: they are views valid only during the call). */
const describeMessage = (type: number, b: Uint8Array) => `${type}:${toHex(b)}`;
const EXPECTED = MESSAGES.map((m) => describeMessage(m[18], body(m)));

interface Fed {
  readonly got: string[];
  /** What each push returned. */
  readonly results: (BgpError | null)[];
  readonly framer: MessageFramer;
}

function feed(chunks: readonly Uint8Array[], maxLength?: number): Fed {
  const framer = new MessageFramer();
  if (maxLength !== undefined) framer.maxLength = maxLength;
  const got: string[] = [];
  const results = chunks.map((c) => framer.push(c, (type, b) => got.push(describeMessage(type, b))));
  return { got, results, framer };
}

/** Cut `b` at the given ascending offsets. */
const cut = (b: Uint8Array, at: readonly number[]): Uint8Array[] =>
  [0, ...at].map((start, i) => b.subarray(start, i < at.length ? at[i] : b.length));

function expectClean(f: Fed): void {
  expect(f.results.every((r) => r === null)).toBe(true);
  expect(f.got).toEqual(EXPECTED);
  expect(f.framer.buffered).toBe(0);
}

describe("a stream of real messages", () => {
  it(`is ${MESSAGES.length} messages of every type, ${STREAM.length} bytes`, () => {
    expect(new Set(MESSAGES.map((m) => m[18]))).toEqual(new Set([1, 2, 3, 4, 5]));
  });

  it("pushed whole", () => {
    expectClean(feed([STREAM]));
  });

  it("split into two chunks at every offset (empty chunks included)", () => {
    for (let i = 0; i <= STREAM.length; i++) expectClean(feed(cut(STREAM, [i])));
  });

  it("split into three chunks at many offset pairs", () => {
    // Every first cut, with the second cut anywhere in the next 20 bytes (a header in three pieces) or
    // next to any message boundary.
    const near = BOUNDARIES.flatMap((b) => [b - 1, b, b + 1]);
    let pairs = 0;
    for (let i = 0; i <= STREAM.length; i++) {
      const seconds = new Set([...Array.from({ length: 21 }, (_, k) => i + k), ...near]);
      for (const j of seconds) {
        if (j < i || j > STREAM.length) continue;
        expectClean(feed(cut(STREAM, [i, j])));
        pairs++;
      }
    }
    expect(pairs).toBeGreaterThan(10_000);
  });

  it("pushed byte by byte", () => {
    const f = feed(Array.from(STREAM, (_, i) => STREAM.subarray(i, i + 1)));
    expectClean(f);
  });

  it("cut at random offsets", () => {
    const cuts = fc
      .uniqueArray(fc.integer({ min: 0, max: STREAM.length }), { maxLength: 40 })
      .map((a) => a.sort((x, y) => x - y));
    fc.assert(
      fc.property(cuts, (at) => expectClean(feed(cut(STREAM, at)))),
      { numRuns: 500 },
    );
  });

  it("hands out the bodies as they were encoded", () => {
    const bodies: Uint8Array[] = [];
    new MessageFramer().push(STREAM, (_t, b) => bodies.push(b.slice()));
    expect(bodies).toEqual(MESSAGES.map((m) => body(m)));
  });
});

// ------------------------------------------------------------------------------------------ header errors

function header(length: number, type: number): Uint8Array {
  const h = new Uint8Array(19).fill(0xff);
  h[16] = length >>> 8;
  h[17] = length & 0xff;
  h[18] = type;
  return h;
}

const badMarker = header(19, MessageType.KEEPALIVE);
badMarker[7] = 0xfe;

const headerErrors: [name: string, bad: Uint8Array, code: number, subcode: number, data: string][] = [
  ["marker not all ones", badMarker, 1, 1, ""],
  ["length 18", header(18, MessageType.UPDATE), 1, 2, "0012"],
  ["length 4097", header(4097, MessageType.UPDATE), 1, 2, "1001"],
  ["KEEPALIVE of length 20", header(20, MessageType.KEEPALIVE), 1, 2, "0014"],
  ["type 6", header(19, 6), 1, 3, "06"],
];

describe.each(headerErrors)("header error: %s", (_name, bad, code, subcode, data) => {
  /** Good messages, then the bad header and a few bytes after it. */
  const stream = concat(...MESSAGES.slice(0, 3), bad, new Uint8Array(3));
  const goodCount = 3;
  const badAt = stream.length - 3 - bad.length;

  /** The error came from the push that completed the bad header, and every later push returns the same
   *  object; the messages before it were all delivered and nothing after. */
  function expectError(f: Fed, chunks: readonly Uint8Array[]): void {
    expect(f.got).toEqual(EXPECTED.slice(0, goodCount));
    let seen = 0;
    const first = f.results.findIndex((r) => r !== null);
    expect(first).toBeGreaterThanOrEqual(0);
    for (const [i, c] of chunks.entries()) {
      if (i < first) seen += c.length;
    }
    // The failing push is the one that brought the 19th byte of the bad header.
    expect(seen).toBeLessThan(badAt + 19);
    expect(seen + chunks[first].length).toBeGreaterThanOrEqual(badAt + 19);
    const err = f.results[first]!;
    expect({ code: err.code, subcode: err.subcode, data: toHex(err.data) }).toEqual({ code, subcode, data });
    for (const r of f.results.slice(first)) expect(r).toBe(err);
    // And afterwards: the same error, no messages.
    expect(f.framer.push(KEEPALIVE, () => expect.unreachable())).toBe(err);
    expect(f.framer.push(STREAM, () => expect.unreachable())).toBe(err);
  }

  it("in one chunk", () => {
    expectError(feed([stream]), [stream]);
  });

  it("split into two chunks at every offset", () => {
    for (let i = 0; i <= stream.length; i++) {
      const chunks = cut(stream, [i]);
      expectError(feed(chunks), chunks);
    }
  });

  it("with the bad header cut in three anywhere", () => {
    for (let i = badAt; i <= badAt + 19; i++) {
      for (let j = i; j <= badAt + 19; j++) {
        const chunks = cut(stream, [i, j]);
        expectError(feed(chunks), chunks);
      }
    }
  });

  it("byte by byte", () => {
    const chunks = Array.from(stream, (_, i) => stream.subarray(i, i + 1));
    expectError(feed(chunks), chunks);
  });
});

// ------------------------------------------------------------------------------------------ RFC 8654

/** An UPDATE of exactly `size` bytes, padded with an unknown optional transitive attribute. */
function updateOfSize(size: number): Uint8Array {
  const prefixes = [P("10.0.0.0/8")];
  const big = { maxLength: MAX_EXTENDED_MESSAGE_LENGTH, addPath: false };
  const bare = encodeAnnouncements(IPV4_UNICAST, encodeAttributes(attrs4), null, prefixes, big).messages[0]
    .length;
  // The padding attribute takes a 4-byte (extended length) header.
  const padded = { ...attrs4, unknown: [{ flags: 0xc0, type: 99, value: new Uint8Array(size - bare - 4) }] };
  const [m] = encodeAnnouncements(IPV4_UNICAST, encodeAttributes(padded), null, prefixes, big).messages;
  expect(m.length).toBe(size);
  return m;
}

/** An OPEN of exactly 4096 bytes: unknown capabilities in RFC 9072 extended parameters. */
function openOf4096(): Uint8Array {
  // 19 header + 10 fixed + 3 (255, 255, length) + 3 (type, length) + capabilities = 4096.
  const values = [...Array.from({ length: 15 }, () => 255), 4061 - 15 * 257 - 2];
  const capabilities = values.map((n) => ({ kind: "unknown" as const, code: 200, value: new Uint8Array(n) }));
  const m = encodeOpen({ asn: 65001, holdTime: 90, bgpId: 1, capabilities });
  expect(m.length).toBe(4096);
  return m;
}

describe("Extended Messages (RFC 8654 §4)", () => {
  const update = updateOfSize(60_000);
  const stream = concat(MESSAGES[0], update, KEEPALIVE, updateOfSize(MAX_EXTENDED_MESSAGE_LENGTH));
  const expected = [MESSAGES[0], update, KEEPALIVE, updateOfSize(MAX_EXTENDED_MESSAGE_LENGTH)].map((m) =>
    describeMessage(m[18], body(m)),
  );

  it("with maxLength 65535 a 60,000-byte UPDATE passes, whole and split at many offsets", () => {
    const offsets = [
      ...Array.from({ length: 120 }, (_, i) => i),
      ...Array.from({ length: 200 }, (_, i) => Math.floor((i * stream.length) / 200)),
      stream.length - 1,
      stream.length,
    ];
    for (const i of offsets) {
      const f = feed(cut(stream, [i]), MAX_EXTENDED_MESSAGE_LENGTH);
      expect(f.results).toEqual([null, null]);
      expect(f.got).toEqual(expected);
      expect(f.framer.buffered).toBe(0);
    }
  });

  it("without it the same UPDATE is a bad length (1/2)", () => {
    const f = feed([update]);
    expect(f.results[0]).toMatchObject({ code: 1, subcode: 2, data: Uint8Array.of(0xea, 0x60) });
  });

  it("OPEN stays within 4096 bytes: 4096 passes, 4097 fails (1/2) even with maxLength 65535", () => {
    const open = openOf4096();
    const ok = feed([open], MAX_EXTENDED_MESSAGE_LENGTH);
    expect(ok.results).toEqual([null]);
    expect(ok.got).toEqual([describeMessage(1, body(open))]);
    expect(decodeOpen(body(open)).ok).toBe(true);

    const tooLong = concat(header(4097, MessageType.OPEN), new Uint8Array(4097 - 19));
    for (const i of [0, 1, 18, 19, 20, 4097]) {
      const chunks = cut(tooLong, [i]);
      const f = feed(chunks, MAX_EXTENDED_MESSAGE_LENGTH);
      const err = f.results.find((r) => r !== null)!;
      expect(err).toMatchObject({ code: 1, subcode: 2, data: Uint8Array.of(0x10, 0x01) });
      expect(f.got).toEqual([]);
      expect(f.framer.push(KEEPALIVE, () => expect.unreachable())).toBe(err);
    }
  });

  it("KEEPALIVE stays 19 bytes with maxLength 65535", () => {
    const f = feed([header(4097, MessageType.KEEPALIVE)], MAX_EXTENDED_MESSAGE_LENGTH);
    expect(f.results[0]).toMatchObject({ code: 1, subcode: 2, data: Uint8Array.of(0x10, 0x01) });
  });
});
