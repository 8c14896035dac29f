// `npm run bench`: runs each benchmark in its own Node process (a clean heap each), compares with the
// peer tools in the same run where one exists, and writes bench/results/<name>.json.
// `node bench/run.mjs [codec] [rib-update] [cli] [shell] [ingest] [real] [fanout] [churn] [sessions] [origination]`
// runs only the sections named (default: all of them).
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const data = resolve(process.env.KBGP_DATA ?? join(root, "../shared/data"));
const out = join(root, "bench/results");
mkdirSync(out, { recursive: true });
const work = mkdtempSync(join(tmpdir(), "kbgp-bench-"));

async function bundle(name) {
  const file = join(work, `${name}.mjs`);
  await build({
    entryPoints: [join(root, `bench/${name}.ts`)],
    outfile: file,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    logLevel: "warning",
  });
  return file;
}

/** Median wall time of a command over `runs` runs, output discarded. */
function wall(cmd, args, runs = 5) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { stdio: ["ignore", "ignore", "ignore"] });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} exited with ${r.status}`);
    times.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  times.sort((a, b) => a - b);
  return Number(times[Math.floor(runs / 2)].toFixed(3));
}

const SECTIONS = [
  "codec",
  "rib-update",
  "cli",
  "shell",
  "ingest",
  "real",
  "fanout",
  "churn",
  "sessions",
  "origination",
];
const wanted = process.argv.slice(2);
for (const s of wanted)
  if (!SECTIONS.includes(s))
    throw new Error(`unknown bench section '${s}' (sections: ${SECTIONS.join(", ")})`);
const sections = wanted.length ? wanted : SECTIONS;

const have = (cmd) => spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;
const machine = {
  node: process.version,
  cpu: cpus()[0]?.model,
  cores: cpus().length,
  date: new Date().toISOString(),
};

async function codecSection() {
  // Codec decode throughput.
  const table = join(data, "mrt/updates.et-header.2015.gz");
  const codec = JSON.parse(
    execFileSync(process.execPath, [await bundle("codec"), table], { encoding: "utf8" }),
  );

  // The same file as text, end to end, against bgpdump (Debian package) in the same run.
  const dumpKbgp = wall(process.execPath, [join(root, "bin/kbgp.cjs"), "mrt", "dump", table]);
  const dumpBgpdump = have("bgpdump") ? wall("bgpdump", ["-m", table]) : null;
  const result = {
    ...machine,
    codec: { ...codec, meetsTarget: codec.prefixesPerSecond >= codec.targetPrefixesPerSecond },
    mrtDump: {
      input: "updates.et-header.2015.gz",
      kbgpSeconds: dumpKbgp,
      bgpdumpSeconds: dumpBgpdump,
      bgpdumpOverKbgp: dumpBgpdump === null ? null : Number((dumpBgpdump / dumpKbgp).toFixed(2)),
      note:
        dumpBgpdump === null
          ? "bgpdump not installed (apt-get install bgpdump)"
          : "median of 5 wall-clock runs, same file, output to /dev/null",
    },
  };
  writeFileSync(join(out, "codec.json"), `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

/** Run bench/NAME.ts (it prints its result as JSON), and write bench/results/NAME.json with the machine. */
async function bundledSection(name, timeoutMinutes) {
  const json = execFileSync(process.execPath, [await bundle(name), root], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    maxBuffer: 64 * 1024 * 1024,
    timeout: timeoutMinutes * 60 * 1000,
  });
  const result = { ...machine, ...JSON.parse(json) };
  writeFileSync(join(out, `${name}.json`), `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

// The CLI and route injection against gobgp 3.10 and BIRD 2 (bench/cli.ts; needs gobgpd, bird2).
const cliSection = () => bundledSection("cli", 30);

// `kbgp shell` start-up to its first frame in a terminal (bench/shell.ts; needs tmux, bird2).
const shellSection = () => bundledSection("shell", 10);

// Full-table ingest from a BIRD sender into kbgpd, gobgpd and BIRD (bench/ingest.ts; needs gobgpd, bird2).
// Its cap per run bounds it: 3 receivers × runs × (sender load + cap + teardown).
const ingestSection = () => bundledSection("ingest", 60);

// Real-table ingest: the UPDATEs of updates.et-header.2015.gz from a raw sender into kbgpd, gobgpd and BIRD
// (bench/real.ts; needs gobgpd, bird2). Bounded by its cap per run.
const realSection = () => bundledSection("real", 45);

// Fan-out of a full table from the daemon in the middle to eight BIRD peers (bench/fanout.ts) and churn on
// one session (bench/churn.ts); both need gobgpd and bird2. Each run is bounded by its cap.
const fanoutSection = () => bundledSection("fanout", 90);
const churnSection = () => bundledSection("churn", 30);

// Scale of sessions (bench/sessions.ts: 200 peers at once) and routes added through each daemon's API while 50
// peers are up (bench/origination.ts); both need gobgpd and bird2, and each run is bounded by its cap.
const sessionsSection = () => bundledSection("sessions", 45);
const originationSection = () => bundledSection("origination", 30);

// The receive path into Adj-RIB-In and Loc-RIB, with nobody monitoring and with a monitor's observer
// attached (a no-op): monitoring off must cost nothing noticeable.
async function ribUpdateSection() {
  const table = join(data, "mrt/updates.et-header.2015.gz");
  const ribBench = await bundle("rib-update");
  const ribRuns = Object.fromEntries(
    [
      ["none", []],
      ["observer", ["--observer"]],
    ].map(([name, extra]) => [
      name,
      JSON.parse(execFileSync(process.execPath, [ribBench, table, ...extra], { encoding: "utf8" })),
    ]),
  );
  const ribResult = { ...machine, ...ribRuns };
  writeFileSync(join(out, "rib-update.json"), `${JSON.stringify(ribResult, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(ribResult, null, 2)}\n`);
}

if (sections.includes("codec")) await codecSection();
if (sections.includes("rib-update")) await ribUpdateSection();
if (sections.includes("cli")) await cliSection();
if (sections.includes("shell")) await shellSection();
if (sections.includes("ingest")) await ingestSection();
if (sections.includes("real")) await realSection();
if (sections.includes("fanout")) await fanoutSection();
if (sections.includes("churn")) await churnSection();
if (sections.includes("sessions")) await sessionsSection();
if (sections.includes("origination")) await originationSection();
