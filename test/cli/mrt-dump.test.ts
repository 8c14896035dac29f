/** `kbgp mrt dump` and the CLI's error conventions, through the built binary. */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { KBGP, kbgp } from "../helpers/cli.js";
import { dataFile } from "../helpers/data.js";

const small = dataFile("mrt", "bview.ipv4_unicast_add_path.gz");
const expected = gunzipSync(
  readFileSync(dataFile("mrt-expect", "bview.ipv4_unicast_add_path.gz.bgp.gz")),
).toString();

describe("kbgp mrt dump", () => {
  it("prints bgpdump -m lines and exits 0", () => {
    const r = kbgp(["mrt", "dump", small]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(expected);
  });

  it("reads standard input with -", () => {
    const r = kbgp(["mrt", "dump", "-"], readFileSync(small));
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(expected);
  });

  it("prints one JSON object per route with -j", () => {
    const r = kbgp(["mrt", "dump", small, "-j"]);
    expect(r.status).toBe(0);
    const rows = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(rows.length).toBe(expected.trim().split("\n").length);
    expect(rows[0]).toMatchObject({
      kbgpJson: 1,
      type: "TABLE_DUMP2",
      event: "rib",
      prefix: "10.0.10.0/24",
      pathId: 36,
    });
  });

  it("warns on stderr about salvaged input but still prints it", () => {
    const r = kbgp(["mrt", "dump", dataFile("mrt", "updates.nlri_mask_trailing_bits.gz")]);
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(
      /^kbgp: .*record 1: UPDATE: malformed NLRI; kept the prefixes before the fault\n$/,
    );
  });

  it("stops quietly when the reader goes away (| head)", async () => {
    const child = spawn(process.execPath, [KBGP, "mrt", "dump", dataFile("mrt", "updates.20160811.1600.gz")]);
    let stderr = "";
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    const firstLine = await new Promise<string>((resolve) =>
      child.stdout.once("data", (d) => resolve(String(d).split("\n")[0])),
    );
    child.stdout.destroy();
    const code = await new Promise((resolve) => child.on("close", resolve));
    expect(firstLine).toMatch(/^BGP4MP\|1470931200\|A\|/);
    expect(stderr).toBe("");
    expect(code).toBe(0);
  });
});

describe("errors: one line on stderr, non-zero exit", () => {
  it("a missing file exits 1 and names it", () => {
    const r = kbgp(["mrt", "dump", "/nonexistent/x.mrt"]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(
      /^kbgp: \/nonexistent\/x\.mrt: cannot read \/nonexistent\/x\.mrt: ENOENT[^\n]*\n$/,
    );
  });

  it("a missing argument exits 2 with a usage hint", () => {
    const r = kbgp(["mrt", "dump"]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^kbgp: .*(see kbgp --help)/);
  });

  it("an unknown command exits 2 naming the word", () => {
    const r = kbgp(["nieghbor"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/nieghbor/);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });
});

describe("kbgp version", () => {
  it("prints the package version", () => {
    const { version } = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
    expect(kbgp(["version"]).stdout).toBe(`kbgp ${version}\n`);
  });
});
