// Builds kbgpd's native addon (daemon/native: TCP MD5, RFC 2385; the TTL options of RFC 5082 TTL security) with node-gyp. Run by `npm ci`/`npm install`
// as the package's install script, and by the Dockerfile. The addon is optional: where it cannot be built
// (no compiler, not Linux) this says so and exits 0, and kbgpd runs without TCP MD5 (refusing any neighbor
// with a `password`). KBGP_NATIVE=required makes a failure fail the install instead (CI, the image);
// KBGP_NATIVE=skip builds nothing.
//
// Offline: node-gyp needs Node's headers. npm passes its `nodedir` setting as npm_config_nodedir; otherwise
// the headers of the running Node (<prefix>/include/node, as Debian's nodejs and the node images install
// them) are used, so nothing is downloaded.
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const DIR = join(ROOT, "daemon/native");
const mode = process.env.KBGP_NATIVE ?? "optional";

function done(problem) {
  if (!problem) return process.exit(0);
  const msg = `kbgp: native addon (TCP MD5) not built: ${problem}`;
  if (mode === "required") {
    process.stderr.write(`${msg}\n`);
    process.exit(1);
  }
  process.stderr.write(`${msg}; kbgpd will run without TCP MD5 (KBGP_NATIVE=required to fail instead)\n`);
  process.exit(0);
}

if (mode === "skip") done("KBGP_NATIVE=skip");
if (process.platform !== "linux") done(`TCP MD5 is implemented for Linux only, not ${process.platform}`);

/** node-gyp: npm's own (npm sets npm_config_node_gyp in scripts), else the one bundled with npm. */
function nodeGyp() {
  if (process.env.npm_config_node_gyp && existsSync(process.env.npm_config_node_gyp))
    return process.env.npm_config_node_gyp;
  const prefix = dirname(dirname(process.execPath));
  for (const npm of [
    join(prefix, "lib/node_modules/npm"),
    "/usr/share/nodejs/npm",
    "/usr/lib/node_modules/npm",
  ]) {
    const f = join(npm, "node_modules/node-gyp/bin/node-gyp.js");
    if (existsSync(f)) return f;
  }
  try {
    return createRequire(import.meta.url).resolve("node-gyp/bin/node-gyp.js");
  } catch {
    return null;
  }
}

function nodedir() {
  const configured = process.env.npm_config_nodedir;
  if (configured && existsSync(join(configured, "include/node/node_api.h"))) return configured;
  const prefix = dirname(dirname(process.execPath));
  return existsSync(join(prefix, "include/node/node_api.h")) ? prefix : null;
}

const gyp = nodeGyp();
if (!gyp) done("node-gyp not found (it comes with npm)");
const dir = nodedir();
const args = [gyp, "rebuild", "--directory", DIR, ...(dir ? [`--nodedir=${dir}`] : [])];
const r = spawnSync(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });
if (r.status !== 0) {
  process.stderr.write(r.stdout + r.stderr);
  done(`node-gyp rebuild failed (exit ${r.status}${dir ? "" : "; no Node headers found locally"})`);
}
// Beside the bundles too, where kbgpd loads it from (daemon/native/tcp-md5.ts).
const built = join(DIR, "build/Release/kbgp_tcp_md5.node");
mkdirSync(join(ROOT, "dist"), { recursive: true });
copyFileSync(built, join(ROOT, "dist/kbgp_tcp_md5.node"));
process.stdout.write("kbgp: built the native addon (TCP MD5): dist/kbgp_tcp_md5.node\n");
done(null);
