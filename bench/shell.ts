/**
 * `kbgp shell` start-up, as an operator meets it: a terminal (tmux, 80×24) runs `kbgp shell` against a kbgpd
 * with 10 neighbors (one BIRD session up, nine down); the clock runs from starting the terminal until its
 * screen shows the prompt (first frame) and until it shows the neighbor rows from kbgpd (first data).
 * The same terminal running `node -e` that prints a line is the floor, measured in the same run,
 * interleaved. Target: first frame ≤ 0.7 s (median). Prints JSON on stdout.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { join, resolve } from "node:path";
import { closeAllLabs, Lab } from "../test/interop/harness/lab.js";
import { median, round } from "./lib/measure.js";
import { requirePeerTools, startBird, startKbgpd, topology, waitEstablished } from "./lib/peers.js";

const root = resolve(process.argv[2] ?? ".");
const RUNS = 9;
const TARGET_FIRST_FRAME = 0.7;
const KBGP = join(root, "bin/kbgp.cjs");
const now = (): number => Number(process.hrtime.bigint()) / 1e9;
const log = (msg: string) => process.stderr.write(`[shell bench] ${msg}\n`);

const tmux = (...args: string[]) => execFileSync("tmux", args, { encoding: "utf8" });

/** Seconds from starting a terminal running `command` until each of `marks` is on its screen. */
function timeToScreen(command: string, marks: readonly RegExp[], timeoutS = 20): number[] {
  const session = `kbgp-bench-${process.pid}`;
  spawnSync("tmux", ["kill-session", "-t", session]);
  const t0 = now();
  tmux("new-session", "-d", "-s", session, "-x", "80", "-y", "24", "bash", "-c", `${command}; sleep 60`);
  const seen: number[] = [];
  try {
    while (seen.length < marks.length) {
      if (now() - t0 > timeoutS) throw new Error(`no ${marks[seen.length]} on screen after ${timeoutS} s`);
      const screen = tmux("capture-pane", "-p", "-t", session);
      while (seen.length < marks.length && marks[seen.length].test(screen)) seen.push(round(now() - t0));
    }
  } finally {
    spawnSync("tmux", ["kill-session", "-t", session]);
  }
  return seen;
}

requirePeerTools();
if (spawnSync("tmux", ["-V"]).status !== 0) throw new Error("tmux is missing (apt-get install tmux)");
const lab = Lab.create("bench-shell");
try {
  const topo = await topology(lab);
  const kbgpd = await startKbgpd(lab, root, topo.kbgpd, topo.birdK, topo.dummies);
  const bird = await startBird(lab, "bird-k", topo.birdK, topo.kbgpd);
  await waitEstablished(bird);
  log(`kbgpd up with 10 neighbors; ${RUNS} interleaved runs of the shell and of node -e`);
  const frame: number[] = [];
  const data: number[] = [];
  const floor: number[] = [];
  const history = join(lab.dir, "history");
  for (let i = 0; i < RUNS; i++) {
    const [f, d] = timeToScreen(`KBGP_HISTORY=${history} ${KBGP} -s ${kbgpd.socket} shell`, [
      /^kbgp>/m,
      /Establ/,
    ]);
    frame.push(f);
    data.push(d);
    floor.push(timeToScreen(`${process.execPath} -e 'console.log("ready")'`, [/^ready$/m])[0]);
  }
  const result = {
    benchmark: "kbgp shell start-up in an 80×24 tmux terminal, kbgpd with 10 neighbors",
    runs: RUNS,
    firstFrameSeconds: { median: round(median(frame)), min: Math.min(...frame), max: Math.max(...frame) },
    firstDataSeconds: { median: round(median(data)), min: Math.min(...data), max: Math.max(...data) },
    nodeFloorSeconds: { median: round(median(floor)), min: Math.min(...floor), max: Math.max(...floor) },
    firstFrameOverNode: round(median(frame) / median(floor), 2),
    target: { firstFrameSeconds: `≤ ${TARGET_FIRST_FRAME}`, met: median(frame) <= TARGET_FIRST_FRAME },
    method:
      "tmux new-session … then capture-pane polled until the prompt (first frame) and an Establ row (kbgpd's data) show; the floor is the same terminal running node -e printing one line",
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
} finally {
  await closeAllLabs();
}
