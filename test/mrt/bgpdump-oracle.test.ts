/**
 * `kbgp mrt dump` against bgpdump's own output: for every MRT file in the shared data folder, the lines
 * must equal the ones bgpdump -m printed (mrt-expect/), in order. bgpdump's known defects (docs/mrt.md)
 * do not show in these files, so no line is exempt.
 */
import { readdirSync, readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { bgpdumpLines } from "../../cli/mrt/bgpdump-format.js";
import { DATA_DIR, dataFile } from "../helpers/data.js";
import { dump } from "../helpers/mrt.js";

const files = readdirSync(`${DATA_DIR}/mrt`).filter((f) => f.endsWith(".gz"));

/** Files whose input is malformed where a line was salvaged, with the warning kbgp gives for it. */
const EXPECTED_WARNINGS: Record<string, string[]> = {
  // The NLRI field ends in a /11 with no address bytes: RFC 7606 §5.3 makes the UPDATE unusable for a
  // session; the dump keeps the complete prefix before it (as bgpdump does) and says so.
  "updates.nlri_mask_trailing_bits.gz": ["UPDATE: malformed NLRI; kept the prefixes before the fault"],
};

describe("kbgp mrt dump matches bgpdump -m", () => {
  it("has every expected-output file for the MRT files", () => {
    expect(files.length).toBeGreaterThanOrEqual(8);
  });

  it.each(files)("%s", async (file) => {
    const expected = gunzipSync(readFileSync(dataFile("mrt-expect", `${file}.bgp.gz`)))
      .toString("utf8")
      .split("\n");
    if (expected.at(-1) === "") expected.pop();
    const { lines, warnings, error } = await dump(dataFile("mrt", file), bgpdumpLines);
    expect(error).toBeNull();
    expect(warnings).toEqual(EXPECTED_WARNINGS[file] ?? []);
    expect(lines.length).toBe(expected.length);
    // Report the first differing line rather than a 577,744-line diff.
    const first = lines.findIndex((l, i) => l !== expected[i]);
    expect(first === -1 ? null : { line: first + 1, got: lines[first], want: expected[first] }).toBeNull();
  });
});
