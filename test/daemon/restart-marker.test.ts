import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { clearRestartMarker, takeRestartMarker, writeRestartMarker } from "../../daemon/restart-marker.js";

describe("graceful restart marker", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "kbgp-marker-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("says how long ago a graceful stop was, once", () => {
    writeRestartMarker(join(dir, "state"), 1_000_000, 120);
    expect(takeRestartMarker(join(dir, "state"), 1_030_000)).toBe(30);
    expect(takeRestartMarker(join(dir, "state"), 1_030_000)).toBeNull();
  });

  it("does not count a stop older than the restart time: the peers have dropped our routes", () => {
    writeRestartMarker(dir, 1_000_000, 120);
    expect(takeRestartMarker(dir, 1_120_000)).toBeNull();
    expect(readdirSync(dir)).toEqual([]);
  });

  it("ignores a marker from the future (clock stepped back) and a corrupt one", () => {
    writeRestartMarker(dir, 2_000_000, 120);
    expect(takeRestartMarker(dir, 1_000_000)).toBeNull();
    writeFileSync(join(dir, "graceful-restart.json"), "{ not json");
    expect(takeRestartMarker(dir, 1_000_000)).toBeNull();
    writeFileSync(join(dir, "graceful-restart.json"), '{"stoppedAt":"yesterday","restartTime":120}');
    expect(takeRestartMarker(dir, 1_000_000)).toBeNull();
    expect(readdirSync(dir)).toEqual([]);
  });

  it("is removed by a stop that withdraws our routes, and absent without a stop", () => {
    expect(takeRestartMarker(dir, 0)).toBeNull();
    writeRestartMarker(dir, 1_000_000, 120);
    clearRestartMarker(dir);
    expect(existsSync(join(dir, "graceful-restart.json"))).toBe(false);
    clearRestartMarker(join(dir, "missing"));
  });
});
