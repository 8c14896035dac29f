/**
 * Codec benchmark: decode the full IPv4 table a peer sent after session start (RIPE's
 * updates.et-header.2015.gz: 577,706 prefixes in 89,679 UPDATEs) from decompressed bytes: MRT framing,
 * BGP4MP header, UPDATE decoding with RFC 7606 checks, attribute interning, and a walk over every prefix.
 * Prints one JSON object. Target (issue 2): ≥ 3 million prefixes/s on one core.
 */
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { decodeBgp4mp, MrtRecordFramer } from "../core/mrt/index.js";
import { AttrInterner, codecContext, decodeUpdate, NlriCursor } from "../core/wire/index.js";

const file = process.argv[2];
if (!file) throw new Error("usage: codec <updates.et-header.2015.gz>");
const raw = readFileSync(file);
const bytes = gunzipSync(raw);
const ctx = codecContext({ as4: true, extendedMessage: true });

interface Pass {
  seconds: number;
  updates: number;
  announced: number;
  withdrawn: number;
  sets: number;
  checksum: number;
}

function pass(): Pass {
  const interner = new AttrInterner();
  const framer = new MrtRecordFramer();
  const cursor = new NlriCursor();
  let updates = 0;
  let announced = 0;
  let withdrawn = 0;
  let checksum = 0;
  const t0 = process.hrtime.bigint();
  framer.push(bytes, (r) => {
    if (r.type !== 16 && r.type !== 17) return;
    const m = decodeBgp4mp(r.subtype, r.body);
    if (typeof m === "string" || m.kind !== "message" || m.message[18] !== 2) return;
    const u = decodeUpdate(m.message.subarray(19), ctx, interner);
    updates++;
    if (u.nlri) {
      cursor.reset(u.nlri);
      while (cursor.next()) {
        announced++;
        checksum = (checksum + cursor.v4 + cursor.length) | 0;
      }
    }
    if (u.withdrawn) {
      cursor.reset(u.withdrawn);
      while (cursor.next()) withdrawn++;
    }
    if (u.attrs) checksum = (checksum + u.attrs.asPathLength) | 0;
  });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { seconds, updates, announced, withdrawn, sets: interner.size, checksum };
}

pass(); // warm-up: let V8 optimise before measuring
const passes: Pass[] = [];
for (let i = 0; i < 7; i++) passes.push(pass());
const times = passes.map((p) => p.seconds).sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];
const p = passes[0];
process.stdout.write(
  `${JSON.stringify({
    benchmark: "codec-decode-full-table",
    input: file.split("/").pop(),
    compressedBytes: raw.length,
    bytes: bytes.length,
    updates: p.updates,
    prefixes: p.announced,
    withdrawn: p.withdrawn,
    attributeSets: p.sets,
    runsSeconds: passes.map((x) => Number(x.seconds.toFixed(4))),
    medianSeconds: Number(median.toFixed(4)),
    prefixesPerSecond: Math.round(p.announced / median),
    megabytesPerSecond: Number((bytes.length / 1e6 / median).toFixed(1)),
    targetPrefixesPerSecond: 3_000_000,
    heapUsedMB: Math.round(process.memoryUsage().heapUsed / 1e6),
  })}\n`,
);
