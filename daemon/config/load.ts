/**
 * The configuration file → `KbgpdConfig`. Every problem found is thrown at once as a `ConfigError`
 * naming file, line, column and field; nothing here logs or exits, callers decide.
 */
import { readFileSync } from "node:fs";
import type { KbgpdConfig } from "../../core/config/helpers.js";
import { ConfigError, type ConfigIssue, formatPath } from "./errors.js";
import { type ResolveOptions, resolveConfig } from "./resolve.js";
import type { RawIssue } from "./schema.js";
import { readYaml } from "./source.js";

export type LoadOptions = ResolveOptions;

/** Parse configuration text; `fileName` only names the source in issues. */
export function parseConfigText(text: string, fileName: string, opts: LoadOptions = {}): KbgpdConfig {
  const source = readYaml(text);
  if (source.problems.length) {
    throw new ConfigError(source.problems.map((p) => ({ file: fileName, ...p, path: "" })));
  }
  const raw: RawIssue[] = [];
  const config = resolveConfig(source.data, opts, raw);
  if (config && raw.length === 0) return config;
  const issues: ConfigIssue[] = raw.map((r) => ({
    file: fileName,
    ...source.locate(r.path, r.which),
    path: formatPath(r.field ?? r.path),
    message: r.message,
  }));
  issues.sort((a, b) => a.line - b.line || a.column - b.column);
  throw new ConfigError(issues);
}

/** Read and parse a configuration file; a file that cannot be read is a `ConfigError` too. */
export function loadConfigFile(path: string, opts: LoadOptions = {}): KbgpdConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    const message = `cannot read the file: ${(err as Error).message}`;
    throw new ConfigError([{ file: path, line: 0, column: 0, path: "", message }]);
  }
  return parseConfigText(text, path, opts);
}
