// Bundles the two programs into dist/ so a one-shot `kbgp` command loads one file, not hundreds.
// The CLI is CommonJS: Node starts a CommonJS file ~15 ms sooner than an ES module, and that is a fifth of
// a one-shot command's budget. Commands are imported lazily inside it, so only the one asked for runs.
import { readFileSync } from "node:fs";
import { build } from "esbuild";

const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));

const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  sourcemap: "linked",
  define: { __KBGP_VERSION__: JSON.stringify(version) },
  logLevel: "warning",
};

/** Modules the CLI loads only for some commands: each its own file, so the others never compile them. */
const SEPARATE = { "./help.js": "kbgp-help", "./commands/mrt-dump.js": "kbgp-mrt" };

const cli = {
  ...common,
  format: "cjs",
  // ESM dependencies (yargs, chalk) read import.meta.url, which CommonJS spells differently.
  define: { ...common.define, "import.meta.url": "__kbgpImportMetaUrl" },
  banner: { js: 'const __kbgpImportMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
};

const separate = {
  name: "separate",
  setup(b) {
    b.onResolve({ filter: /^\.\/(help|commands\/mrt-dump)\.js$/ }, (args) =>
      args.importer.endsWith("cli/main.ts")
        ? { path: `./${SEPARATE[args.path]}.cjs`, external: true }
        : undefined,
    );
  },
};

await Promise.all([
  build({ ...cli, entryPoints: ["cli/main.ts"], outfile: "dist/kbgp.cjs", plugins: [separate] }),
  ...Object.entries(SEPARATE).map(([src, name]) =>
    build({
      ...cli,
      entryPoints: [`cli/${src.slice(2).replace(/\.js$/, ".ts")}`],
      outfile: `dist/${name}.cjs`,
    }),
  ),
  build({
    ...common,
    entryPoints: ["daemon/main.ts"],
    outfile: "dist/kbgpd.mjs",
    format: "esm",
    // CommonJS dependencies inside an ESM bundle need `require`.
    banner: {
      js: "import { createRequire as __kbgpRequire } from 'node:module'; const require = __kbgpRequire(import.meta.url);",
    },
  }),
]);
