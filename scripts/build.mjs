// Bundles the two programs into dist/ so a one-shot `kbgp` command loads one file, not hundreds.
// The CLI is CommonJS: Node starts a CommonJS file ~15 ms sooner than an ES module, and that is a fifth of
// a one-shot command's budget. Commands are imported lazily inside it, so only the one asked for runs.
import { readFileSync } from "node:fs";
import { relative, resolve } from "node:path";
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
const SEPARATE = {
  "cli/help.ts": "kbgp-help",
  "cli/commands/mrt-dump.ts": "kbgp-mrt",
  "cli/commands/rib-change.ts": "kbgp-rib-change",
  "cli/commands/api.ts": "kbgp-api",
  "cli/commands/mrt-inject.ts": "kbgp-mrt-inject",
  "cli/commands/monitor.ts": "kbgp-monitor",
};

const cli = {
  ...common,
  format: "cjs",
  // ESM dependencies (yargs, chalk) read import.meta.url, which CommonJS spells differently.
  define: { ...common.define, "import.meta.url": "__kbgpImportMetaUrl" },
  banner: { js: 'const __kbgpImportMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
};

/** An import of one of SEPARATE's modules (`./x.js` for `x.ts`) becomes a require of its own file. */
const separate = (self) => ({
  name: "separate",
  setup(b) {
    b.onResolve({ filter: /^\.\.?\// }, (args) => {
      const file = relative(process.cwd(), resolve(args.resolveDir, args.path)).replace(/\.js$/, ".ts");
      const name = SEPARATE[file];
      return name && name !== self ? { path: `./${name}.cjs`, external: true } : undefined;
    });
  },
});

await Promise.all([
  build({ ...cli, entryPoints: ["cli/main.ts"], outfile: "dist/kbgp.cjs", plugins: [separate("kbgp")] }),
  ...Object.entries(SEPARATE).map(([src, name]) =>
    build({ ...cli, entryPoints: [src], outfile: `dist/${name}.cjs`, plugins: [separate(name)] }),
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
