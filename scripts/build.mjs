// Bundles the programs into dist/ so a one-shot `kbgp` command loads one file, not hundreds: `kbgp` (with
// its lazily loaded chunks), the shell, `kbgpd` and the Kubernetes sync's own bundle; and copies the TCP MD5
// addon beside them.
// The CLI is CommonJS: Node starts a CommonJS file ~15 ms sooner than an ES module, and that is a fifth of
// a one-shot command's budget. Commands are imported lazily inside it, so only the one asked for runs.
import { copyFileSync, existsSync, readFileSync } from "node:fs";
import { relative, resolve } from "node:path";
import { build } from "esbuild";

const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));

/** CommonJS dependencies inside an ESM bundle need `require`. */
const ESM_REQUIRE = {
  js: "import { createRequire as __kbgpRequire } from 'node:module'; const require = __kbgpRequire(import.meta.url);",
};

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
  "cli/completion-request.ts": "kbgp-complete",
  "cli/commands/mrt-dump.ts": "kbgp-mrt",
  "cli/commands/rib-change.ts": "kbgp-rib-change",
  "cli/commands/api.ts": "kbgp-api",
  "cli/commands/mrt-inject.ts": "kbgp-mrt-inject",
  "cli/commands/monitor.ts": "kbgp-monitor",
};

/**
 * The interactive shell, apart and as an ES module: Ink's layout engine (yoga) starts with a top-level await,
 * which CommonJS cannot hold. The CLI reaches it with a real `import()`.
 */
const SHELL = { src: "cli/shell/start.ts", name: "kbgp-shell" };

const cli = {
  ...common,
  format: "cjs",
  // ESM dependencies (yargs, chalk) read import.meta.url, which CommonJS spells differently.
  define: { ...common.define, "import.meta.url": "__kbgpImportMetaUrl" },
  banner: { js: 'const __kbgpImportMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
};

/**
 * Modules of Ink's replaced in the shell's bundle:
 * - React's devtools, used only with DEV=true, which kbgp never sets: an empty module.
 * - is-in-ci: with CI set, Ink only prints <Static> output and the last frame at exit, never redrawing —
 *   right for a build log, but `kbgp shell` runs only on a terminal (start.ts refuses anything else), where
 *   CI=true in the environment (a CI job's tmux, a developer's shell) must not blank the live view.
 */
const STUBS = { "react-devtools-core": "export default {};", "is-in-ci": "export default false;" };
const inkStubs = {
  name: "ink-stubs",
  setup(b) {
    b.onResolve({ filter: /^(react-devtools-core|is-in-ci)$/ }, (args) => ({
      path: args.path,
      namespace: "stub",
    }));
    b.onLoad({ filter: /.*/, namespace: "stub" }, (args) => ({ contents: STUBS[args.path], loader: "js" }));
  },
};

/**
 * Ink 6 keeps every distinct text it ever measured or wrapped in two module-level caches that never forget
 * (vadimdemedes/ink#986): a shell open for days, its Up/Down clocks ticking, would grow without end. Both
 * are bounded here, cleared when full; the build fails if Ink's code no longer looks as expected.
 */
const boundedInkCaches = {
  name: "bounded-ink-caches",
  setup(b) {
    const patches = {
      "measure-text.js": [
        [
          "cache.set(text, dimensions);",
          "if (cache.size >= 10000) cache.clear();\n    cache.set(text, dimensions);",
        ],
      ],
      "wrap-text.js": [
        ["const cache = {};", "let cache = {};\nlet cached = 0;"],
        [
          "cache[cacheKey] = wrappedText;",
          "if (++cached > 10000) {\n        cache = {};\n        cached = 1;\n    }\n    cache[cacheKey] = wrappedText;",
        ],
      ],
    };
    b.onLoad({ filter: /[\\/]ink[\\/]build[\\/](measure-text|wrap-text)\.js$/ }, (args) => {
      let contents = readFileSync(args.path, "utf8");
      for (const [from, to] of patches[args.path.split(/[\\/]/).pop()]) {
        if (!contents.includes(from))
          throw new Error(`${args.path}: expected \`${from}\` (Ink changed: review the cache patch)`);
        contents = contents.replace(from, to);
      }
      return { contents, loader: "js" };
    });
  },
};

/**
 * kbgpd's Kubernetes client (@kubernetes/client-node: most of kbgpd's code, 0.3 s and 20 MB to load) in a
 * file of its own, imported only when the sync runs.
 */
const K8S_CONNECTION = { src: "daemon/k8s/connection.ts", name: "kbgpd-k8s" };
const k8sApart = {
  name: "k8s-apart",
  setup(b) {
    b.onResolve({ filter: /^\.\/connection\.js$/ }, (args) =>
      relative(process.cwd(), resolve(args.resolveDir, args.path)) === "daemon/k8s/connection.js"
        ? { path: `./${K8S_CONNECTION.name}.mjs`, external: true }
        : undefined,
    );
  },
};

/** An import of one of SEPARATE's modules (`./x.js` for `x.ts`) becomes a require of its own file. */
const separate = (self) => ({
  name: "separate",
  setup(b) {
    b.onResolve({ filter: /^\.\.?\// }, (args) => {
      const file = relative(process.cwd(), resolve(args.resolveDir, args.path)).replace(/\.js$/, ".ts");
      if (file === SHELL.src && self !== SHELL.name) return { path: `./${SHELL.name}.mjs`, external: true };
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
    entryPoints: [SHELL.src],
    outfile: `dist/${SHELL.name}.mjs`,
    format: "esm",
    jsx: "automatic",
    define: { ...common.define, "process.env.NODE_ENV": '"production"' },
    plugins: [separate(SHELL.name), inkStubs, boundedInkCaches],
    banner: ESM_REQUIRE,
  }),
  ...[
    ["daemon/main.ts", "dist/kbgpd.mjs"],
    [K8S_CONNECTION.src, `dist/${K8S_CONNECTION.name}.mjs`],
  ].map(([entry, outfile]) =>
    build({
      ...common,
      entryPoints: [entry],
      outfile,
      format: "esm",
      plugins: [k8sApart],
      banner: ESM_REQUIRE,
    }),
  ),
]);

// kbgpd's native addon (TCP MD5), built by scripts/build-native.mjs, is loaded at run time from beside the
// bundle (daemon/native/tcp-md5.ts), never bundled: copied here so a dist/ rebuilt from scratch keeps it.
const ADDON = "daemon/native/build/Release/kbgp_tcp_md5.node";
if (existsSync(ADDON)) copyFileSync(ADDON, "dist/kbgp_tcp_md5.node");
