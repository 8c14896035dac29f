import { spawn } from "node:child_process";
import * as fs from "node:fs";
import {
  cpSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { createRequire, syncBuiltinESMExports } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type CompactStep, RouteStore, RouteStoreError } from "../../daemon/routes/store.js";

const STORE_SOURCE = fileURLToPath(new URL("../../daemon/routes/store.ts", import.meta.url));

let root: string;
let dirs = 0;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "kbgp-route-store-"));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));
const newDir = (): string => join(root, `store-${dirs++}`);

/** A RouteText-like value: the store must not care about its shape. */
const route = (i: number, tag = "") => ({
  prefix: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}/32`,
  "next-hop": "192.0.2.1",
  "as-path": "65010 65011",
  communities: ["65000:1", `65000:${i % 65536}`],
  med: i,
  ...(tag ? { tag } : {}),
});

const open = (dir: string) => RouteStore.open(dir);
const sorted = (m: Map<string, unknown>) => [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
const journals = (dir: string) => readdirSync(dir).filter((n) => n.startsWith("routes.journal"));

/** What open() should find: the truth, kept by applying the same operations to a Map. */
class Model {
  readonly map = new Map<string, unknown>();
  put(store: RouteStore, entries: [string, unknown][]): Promise<void> {
    for (const [k, v] of entries) this.map.set(k, v);
    return store.put(entries);
  }
  delete(store: RouteStore, keys: string[]): Promise<void> {
    for (const k of keys) this.map.delete(k);
    return store.delete(keys);
  }
  clear(store: RouteStore): Promise<void> {
    this.map.clear();
    return store.clear();
  }
}

async function reopened(dir: string, store: RouteStore): Promise<Map<string, unknown>> {
  await store.close();
  const again = open(dir);
  await again.store.close();
  expect(again.dropped).toBeNull();
  return again.entries;
}

describe("route store: round trip", () => {
  it("starts empty, then keeps puts, deletes and clears across reopen, in order", async () => {
    const dir = newDir();
    const first = open(dir);
    expect(first.entries.size).toBe(0);
    expect(first.dropped).toBeNull();
    const { store } = first;
    await store.put([
      ["a", route(1)],
      ["b", route(2)],
      ["c", route(3)],
    ]);
    await store.delete(["b", "missing"]);
    expect(sorted(await reopened(dir, store))).toEqual([
      ["a", route(1)],
      ["c", route(3)],
    ]);

    const { store: s2 } = open(dir);
    // One tick: put then delete of the same key, delete then put, clear then put: order decides.
    const done = Promise.all([
      s2.put([["x", route(9)]]),
      s2.delete(["x", "a"]),
      s2.delete(["y"]),
      s2.put([["y", route(10)]]),
    ]);
    await done;
    expect(sorted(await reopened(dir, s2))).toEqual([
      ["c", route(3)],
      ["y", route(10)],
    ]);

    const { store: s3 } = open(dir);
    const p1 = s3.clear();
    const p2 = s3.put([
      ["z", route(11)],
      ["dup", 1],
      ["dup", 2],
    ]);
    await Promise.all([p1, p2]);
    expect(sorted(await reopened(dir, s3))).toEqual([
      ["dup", 2],
      ["z", route(11)],
    ]);
  });

  it("keeps any JSON value and any string key exactly", async () => {
    const dir = newDir();
    const { store } = open(dir);
    const odd: [string, unknown][] = [
      ["line\nbreak", { nested: [1, 2.5, null, true, "x"] }],
      ["", "empty key"],
      ["ünïcødé 🚀", ["🚀", "\u2028"]],
      ["lone \ud800 surrogate", 0],
      ["null", null],
    ];
    await store.put(odd);
    expect(sorted(await reopened(dir, store))).toEqual(sorted(new Map(odd)));
  });

  it("resolves operations in the order they were made, one write and fdatasync per group", async () => {
    const { store } = open(newDir());
    // Count fdatasync calls: patch the CommonJS fs object and copy it to the ESM namespace the store sees.
    const fsObject = createRequire(import.meta.url)("node:fs") as typeof fs;
    const real = fsObject.fdatasync;
    let syncs = 0;
    fsObject.fdatasync = ((...args: Parameters<typeof real>) => {
      syncs++;
      return real(...args);
    }) as typeof real;
    syncBuiltinESMExports();
    try {
      const order: number[] = [];
      const made = (i: number) => () => order.push(i);
      // One tick: one group.
      await Promise.all([0, 1, 2, 3, 4].map((i) => store.put([[`k${i}`, i]]).then(made(i))));
      expect(syncs).toBe(1);
      // A group in flight; what comes meanwhile, over several ticks, forms the next one.
      const first = [5, 6].map((i) => store.put([[`k${i}`, i]]).then(made(i)));
      await Promise.resolve();
      await Promise.resolve();
      const next = [7, 8].map((i) => store.delete([`k${i - 7}`]).then(made(i)));
      await Promise.resolve();
      next.push(store.clear().then(made(9)));
      await Promise.all([...first, ...next]);
      expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(syncs).toBe(3);
    } finally {
      fsObject.fdatasync = real;
      syncBuiltinESMExports();
      await store.close();
    }
  });

  it("refuses keys that are not strings and values that are not JSON, writing nothing", async () => {
    const dir = newDir();
    const { store } = open(dir);
    const before = store.journalBytes;
    await expect(store.put([[1 as unknown as string, "v"]])).rejects.toBeInstanceOf(RouteStoreError);
    await expect(store.put([["k", 1n]])).rejects.toBeInstanceOf(RouteStoreError);
    await expect(store.delete([2 as unknown as string])).rejects.toBeInstanceOf(RouteStoreError);
    await store.put([["ok", 1]]);
    expect(store.journalBytes).toBeGreaterThan(before);
    expect(sorted(await reopened(dir, store))).toEqual([["ok", 1]]);
    await expect(store.put([["late", 1]])).rejects.toThrow(/closed/);
  });

  it("compacts: the snapshot holds the state, the journal starts again, and appends made meanwhile stay", async () => {
    const dir = newDir();
    const { store } = open(dir);
    const model = new Model();
    for (let b = 0; b < 20; b++) {
      await model.put(
        store,
        Array.from({ length: 50 }, (_, j): [string, unknown] => [`r${b * 50 + j}`, route(b * 50 + j)]),
      );
    }
    await model.delete(store, ["r0", "r1"]);
    expect(store.journalBytes).toBeGreaterThan(50_000);
    const compacted = store.compact(model.map);
    // Made after compact() was called, while it runs: they go to the next journal.
    const during = [
      model.put(store, [["r2", route(2, "changed")]]),
      model.delete(store, ["r3"]),
      model.put(store, [["new", route(5000)]]),
    ];
    await expect(store.compact(model.map)).rejects.toThrow(/already running/);
    await Promise.all([compacted, ...during]);
    expect(store.journalBytes).toBeLessThan(1000);
    expect(readdirSync(dir).sort()).toEqual(["routes.journal.1", "routes.snapshot"]);
    expect(sorted(await reopened(dir, store))).toEqual(sorted(model.map));

    // Compact again from the reopened state, then more operations, a clear among them.
    const { store: s2, entries } = open(dir);
    await s2.compact(entries);
    await model.clear(s2);
    await model.put(s2, [["after", route(7)]]);
    expect(readdirSync(dir).sort()).toEqual(["routes.journal.2", "routes.snapshot"]);
    expect(sorted(await reopened(dir, s2))).toEqual([["after", route(7)]]);
  });

  it("survives a failed compaction: the old snapshot and both journals stay the truth", async () => {
    const dir = newDir();
    const { store } = open(dir);
    const model = new Model();
    await model.put(store, [["a", 1]]);
    function* failing(): Generator<[string, unknown]> {
      yield ["a", 1];
      throw new Error("caller's iterator broke");
    }
    const failed = store.compact(failing());
    const meanwhile = model.put(store, [["b", 2]]);
    await expect(failed).rejects.toBeInstanceOf(RouteStoreError);
    await meanwhile;
    await model.put(store, [["c", 3]]);
    expect(readdirSync(dir).sort()).toEqual(["routes.journal.0", "routes.journal.1"]);
    const state = await reopened(dir, store);
    expect(sorted(state)).toEqual(sorted(model.map));
    // The next compaction covers both journals.
    const { store: s2, entries } = open(dir);
    await s2.compact(entries);
    expect(readdirSync(dir).sort()).toEqual(["routes.journal.2", "routes.snapshot"]);
    expect(sorted(await reopened(dir, s2))).toEqual(sorted(model.map));
  });
});

describe("route store: torn and damaged files", () => {
  /** A journal whose last record is a put of multi-byte text; returns the state before it and after it. */
  async function journalWithLastRecord(dir: string) {
    const { store } = open(dir);
    const model = new Model();
    await model.put(store, [
      ["a", route(1)],
      ["b", route(2)],
    ]);
    await model.delete(store, ["a"]);
    const before = sorted(model.map);
    const sizeBefore = statSync(join(dir, "routes.journal.0")).size;
    await model.put(store, [
      ["b", { text: "é→🚀", n: 1 }],
      ["c", route(3)],
    ]);
    await store.close();
    return { before, after: sorted(model.map), sizeBefore, path: join(dir, "routes.journal.0") };
  }

  it("drops a last line cut at any byte, repairs the file, and appends cleanly after it", async () => {
    const dir = newDir();
    const { before, after, sizeBefore, path } = await journalWithLastRecord(dir);
    const whole = readFileSync(path);
    expect(sorted(open(dir).entries)).toEqual(after);
    for (let cut = sizeBefore; cut < whole.length; cut++) {
      const copy = join(root, `cut-${cut}`);
      cpSync(dir, copy, { recursive: true });
      truncateSync(join(copy, "routes.journal.0"), cut);
      const { store, entries, dropped } = open(copy);
      expect(sorted(entries), `cut at ${cut}`).toEqual(before);
      expect(dropped, `cut at ${cut}`).toEqual(
        cut === sizeBefore
          ? null
          : { path: join(copy, "routes.journal.0"), line: 4, bytes: cut - sizeBefore },
      );
      expect(statSync(join(copy, "routes.journal.0")).size).toBe(sizeBefore);
      await store.put([["later", cut]]);
      await store.close();
      const again = open(copy);
      await again.store.close();
      expect(again.dropped).toBeNull();
      expect(again.entries.get("later")).toBe(cut);
      expect(again.entries.size).toBe(before.length + 1);
      rmSync(copy, { recursive: true });
    }
  });

  it("drops a last line that is complete but unparsable (zeros where the data should be)", async () => {
    const dir = newDir();
    const { before, sizeBefore, path } = await journalWithLastRecord(dir);
    const whole = readFileSync(path);
    whole.fill(0, sizeBefore, whole.length - 1); // keep the newline: the page of data was lost, not the size
    writeFileSync(path, whole);
    const { store, entries, dropped } = open(dir);
    await store.close();
    expect(sorted(entries)).toEqual(before);
    expect(dropped?.line).toBe(4);
    expect(statSync(path).size).toBe(sizeBefore);
  });

  it("refuses a damaged line that is not the last, naming the file and line", async () => {
    const dir = newDir();
    const { path } = await journalWithLastRecord(dir);
    const text = readFileSync(path, "utf8").split("\n");
    text[2] = text[2]!.slice(0, 10); // line 3 of 4: the delete
    writeFileSync(path, text.join("\n"));
    const error = (() => {
      try {
        open(dir);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(RouteStoreError);
    expect(error).toMatchObject({ path, line: 3 });
    expect((error as Error).message).toContain(`${path}:3:`);
    expect(readFileSync(path, "utf8")).toBe(text.join("\n")); // nothing repaired behind our back
  });

  it("refuses a last line that parses but is not an operation: that is no crash artefact", async () => {
    const dir = newDir();
    const { path } = await journalWithLastRecord(dir);
    fs.appendFileSync(path, '{"op":"put","entries":[[1,2]]}\n');
    expect(() => open(dir)).toThrow(expect.objectContaining({ path, line: 5 }));
  });

  it("refuses a damaged snapshot, a missing journal and a journal of the wrong generation", async () => {
    const dir = newDir();
    const { store, entries } = open(dir);
    await store.put([
      ["a", 1],
      ["b", 2],
    ]);
    entries.set("a", 1).set("b", 2);
    await store.compact(entries);
    await store.close();
    const snapshot = join(dir, "routes.snapshot");
    const good = readFileSync(snapshot, "utf8");
    const lines = good.split("\n"); // header, a, b, trailer, ""
    expect(lines).toHaveLength(5);

    writeFileSync(snapshot, [lines[0], lines[1], lines[3], ""].join("\n"));
    expect(() => open(dir)).toThrow(expect.objectContaining({ path: snapshot, line: 3 }));
    writeFileSync(snapshot, [lines[0], lines[1], lines[2], ""].join("\n"));
    expect(() => open(dir)).toThrow(/without its trailer/);
    writeFileSync(snapshot, [lines[0], "[1,", lines[2], lines[3], ""].join("\n"));
    expect(() => open(dir)).toThrow(expect.objectContaining({ path: snapshot, line: 2 }));
    writeFileSync(snapshot, good);

    const journal = join(dir, "routes.journal.1");
    fs.renameSync(journal, join(dir, "routes.journal.2"));
    expect(() => open(dir)).toThrow(expect.objectContaining({ path: journal }));
    fs.renameSync(join(dir, "routes.journal.2"), journal);
    writeFileSync(journal, '{"kbgp":"routes.journal","version":1,"generation":0}\n');
    expect(() => open(dir)).toThrow(expect.objectContaining({ path: journal, line: 1 }));
  });
});

describe("route store: crash during compaction", () => {
  /**
   * Copy the directory at every step of a compaction (what a crash there leaves, the page cache surviving);
   * each copy must open to the truth. Operations are made before, during and after, with their
   * acknowledgements recorded at copy time.
   */
  it("opens to the truth from the files left at every step", async () => {
    const dir = newDir();
    const images: { step: string; dir: string; acked: number }[] = [];
    let acked = 0;
    const image = (step: string) => {
      const copy = join(root, `image-${images.length}-${step}`);
      cpSync(dir, copy, { recursive: true });
      images.push({ step, dir: copy, acked });
    };
    const { store } = RouteStore.open(dir, { onCompactStep: (step: CompactStep) => image(step) });
    const model = new Model();
    await model.put(
      store,
      Array.from({ length: 30_000 }, (_, i): [string, unknown] => [`r${i}`, route(i)]),
    );
    await model.delete(store, ["r0"]);
    // A clear then puts: replayed in the wrong order against the new journal, the old one would undo it.
    await model.clear(store);
    await model.put(
      store,
      Array.from({ length: 10_000 }, (_, i): [string, unknown] => [`s${i}`, route(i, "second")]),
    );

    // The truth after each operation made from here on; `acked` counts those acknowledged.
    const truths = [sorted(model.map)];
    const track = (p: Promise<void>) => {
      truths.push(sorted(model.map));
      return p.then(() => {
        acked++;
      });
    };
    const compaction = store.compact(model.map);
    const during = [
      track(model.put(store, [["s1", route(1, "changed during compaction")]])),
      track(model.delete(store, ["s2"])),
    ];
    await compaction;
    await Promise.all(during);
    await track(model.put(store, [["after", route(3)]]));
    image("after");
    await store.close();

    expect(images.map((i) => i.step)).toEqual([
      "snapshot-writing",
      "snapshot-written",
      "snapshot-renamed",
      "journals-removed",
      "after",
    ]);
    const names = images.map((i) => readdirSync(i.dir).sort());
    expect(names[0]).toContain("routes.snapshot.tmp");
    expect(names[2]).toEqual(["routes.journal.0", "routes.journal.1", "routes.snapshot"]); // the window
    expect(names[3]).toEqual(["routes.journal.1", "routes.snapshot"]);

    for (const { step, dir: copy, acked: ackedThen } of images) {
      const { store: s, entries } = RouteStore.open(copy);
      await s.close();
      // Every acknowledged operation is there; unacknowledged ones may be, in order.
      const state = sorted(entries);
      const matches = truths.map((t, i) => i >= ackedThen && JSON.stringify(t) === JSON.stringify(state));
      expect(matches.some(Boolean), `image at ${step}: ${entries.size} entries`).toBe(true);
      expect(readdirSync(copy).filter((n) => n.endsWith(".tmp"))).toEqual([]);
      expect(journals(copy).sort()[0]).toBe(
        step === "snapshot-writing" || step === "snapshot-written" ? "routes.journal.0" : "routes.journal.1",
      );
    }
  });

  it("ignores temp files left by a crash: a half-written snapshot and a new journal not yet renamed", async () => {
    const dir = newDir();
    const { store } = open(dir);
    await store.put([["a", 1]]);
    await store.close();
    writeFileSync(
      join(dir, "routes.snapshot.tmp"),
      '{"kbgp":"routes.snapshot","version":1,"generation":1}\n["a",',
    );
    writeFileSync(join(dir, "routes.journal.1.tmp"), '{"kbgp":"routes.jour');
    writeFileSync(join(dir, "unrelated.txt"), "kept");
    const { store: s, entries } = open(dir);
    await s.close();
    expect(sorted(entries)).toEqual([["a", 1]]);
    expect(readdirSync(dir).sort()).toEqual(["routes.journal.0", "unrelated.txt"]);
  });

  it("refuses a torn line in a journal that is not the last: it was complete before the next was made", async () => {
    const dir = newDir();
    const { store } = open(dir);
    await store.put([["a", 1]]);
    const broken: Iterable<[string, unknown]> = {
      [Symbol.iterator]() {
        throw new Error("stop after the switch");
      },
    };
    const failed = store.compact(broken);
    await expect(failed).rejects.toBeInstanceOf(RouteStoreError);
    await store.put([["b", 2]]);
    await store.close();
    const old = join(dir, "routes.journal.0");
    truncateSync(old, statSync(old).size - 2);
    expect(() => open(dir)).toThrow(expect.objectContaining({ path: old, line: 2 }));
  });
});

describe("route store: a real process killed while writing", () => {
  let work: string;
  let bundle: string;
  beforeEach(async () => {
    work = mkdtempSync(join(tmpdir(), "kbgp-route-store-child-"));
    const entry = join(work, "writer.ts");
    // The child: 100 batches of 1,000 routes, up to 4 puts in flight, the count printed after each one
    // resolves; with `compact`, it also keeps the map and compacts every 10 batches.
    writeFileSync(
      entry,
      `import { RouteStore } from ${JSON.stringify(STORE_SOURCE)};
const [dir, mode] = process.argv.slice(2);
const { store, entries } = RouteStore.open(dir);
const value = (i) => ({ prefix: "10." + (i >> 16) + "." + ((i >> 8) & 255) + "." + (i & 255) + "/32",
  "next-hop": "192.0.2.1", "as-path": "65010 65011 65012", communities: ["65000:" + (i % 65536)], med: i });
let acked = 0;
const inflight = [];
for (let b = 0; b < 100; b++) {
  const batch = [];
  for (let j = 0; j < 1000; j++) batch.push(["k" + (b * 1000 + j), value(b * 1000 + j)]);
  for (const [k, v] of batch) entries.set(k, v);
  inflight.push(store.put(batch).then(() => { acked += 1000; process.stdout.write(acked + "\\n"); }));
  if (mode === "compact" && b % 10 === 9) inflight.push(store.compact(entries));
  while (inflight.length >= 4) await inflight.shift();
}
await Promise.all(inflight);
process.stdout.write("done\\n");
`,
    );
    bundle = join(work, "writer.mjs");
    await build({
      entryPoints: [entry],
      bundle: true,
      platform: "node",
      format: "esm",
      outfile: bundle,
      logLevel: "warning",
    });
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  /** Run the child until it has acknowledged `killAt` entries, SIGKILL it; returns the last count it printed. */
  async function runAndKill(dir: string, mode: string, killAt: number): Promise<number> {
    const child = spawn(process.execPath, [bundle, dir, mode], { stdio: ["ignore", "pipe", "pipe"] });
    let acked = 0;
    let out = "";
    let err = "";
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`child timed out; acked ${acked}; ${err}`)), 30_000);
        child.stderr.on("data", (d: Buffer) => {
          err += d.toString();
        });
        child.stdout.on("data", (d: Buffer) => {
          out += d.toString();
          const lines = out.split("\n");
          out = lines.pop()!;
          for (const line of lines) {
            if (line === "done") return reject(new Error("the child finished before it was killed"));
            acked = Number(line);
            if (acked >= killAt) {
              child.kill("SIGKILL");
              clearTimeout(timer);
              return resolve();
            }
          }
        });
        child.on("exit", (code, signal) => {
          clearTimeout(timer);
          if (signal !== "SIGKILL") reject(new Error(`child exited ${code}: ${err}`));
        });
      });
      await new Promise((resolve) =>
        child.exitCode !== null || child.signalCode !== null ? resolve(null) : child.on("exit", resolve),
      );
    } finally {
      child.kill("SIGKILL");
    }
    return acked;
  }

  for (const [mode, killAt] of [
    ["plain", 20_000],
    ["compact", 35_000],
  ] as const) {
    it(`keeps every acknowledged batch whole (${mode}, killed after ${killAt} acknowledged)`, async () => {
      const dir = join(work, `store-${mode}`);
      const acked = await runAndKill(dir, mode, killAt);
      expect(acked).toBeGreaterThanOrEqual(killAt);
      const { store, entries } = RouteStore.open(dir);
      // What is there is batches 0 … n-1 whole, n ≥ the acknowledged count, every value intact.
      const n = entries.size;
      expect(n % 1000).toBe(0);
      expect(n).toBeGreaterThanOrEqual(acked);
      expect(n).toBeLessThan(100_000);
      const wrong: string[] = [];
      for (let i = 0; i < n && wrong.length < 5; i++) {
        const expected = {
          prefix: `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}/32`,
          "next-hop": "192.0.2.1",
          "as-path": "65010 65011 65012",
          communities: [`65000:${i % 65536}`],
          med: i,
        };
        const got = JSON.stringify(entries.get(`k${i}`));
        if (got !== JSON.stringify(expected)) wrong.push(`k${i}: ${got}`);
      }
      expect(wrong).toEqual([]);
      // The repaired store takes appends, and they read back.
      await store.put([["after-crash", 1]]);
      await store.close();
      const again = RouteStore.open(dir);
      await again.store.close();
      expect(again.dropped).toBeNull();
      expect(again.entries.size).toBe(n + 1);
      if (mode === "compact") expect(readdirSync(dir)).toContain("routes.snapshot");
    });
  }
});
