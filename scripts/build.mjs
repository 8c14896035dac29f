// Bundles the two programs into dist/ so a one-shot `kbgp` command loads one file, not hundreds.
import { readFileSync } from "node:fs";
import { build } from "esbuild";

const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));

const common = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: "linked",
  define: { __KBGP_VERSION__: JSON.stringify(version) },
  // CommonJS dependencies inside an ESM bundle need `require`.
  banner: {
    js: "import { createRequire as __kbgpRequire } from 'node:module'; const require = __kbgpRequire(import.meta.url);",
  },
  logLevel: "warning",
};

await Promise.all([
  build({ ...common, entryPoints: ["cli/main.ts"], outfile: "dist/kbgp.mjs" }),
  build({ ...common, entryPoints: ["daemon/main.ts"], outfile: "dist/kbgpd.mjs" }),
]);
