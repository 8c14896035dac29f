/**
 * Configuration problems as values that name where they are: file, line, column and the field's path
 * (`neighbors[1].hold-time`). Loading collects every problem it can find and throws them together.
 */

/** A field path as a list of map keys and list indices, from the top of the document. */
export type Path = readonly (string | number)[];

export interface ConfigIssue {
  readonly file: string;
  /** 1-based; 0 when the problem has no place in the text (the file could not be read). */
  readonly line: number;
  /** 1-based; 0 together with `line`. */
  readonly column: number;
  /** The field, as `neighbors[1].hold-time`; empty for the document as a whole and for YAML syntax. */
  readonly path: string;
  readonly message: string;
}

/** `FILE:LINE:COL: path: message`, the form compilers use so editors can jump to it. */
export function formatIssue(issue: ConfigIssue): string {
  const where = issue.line > 0 ? `${issue.file}:${issue.line}:${issue.column}` : issue.file;
  return issue.path ? `${where}: ${issue.path}: ${issue.message}` : `${where}: ${issue.message}`;
}

/** Thrown by the loader with every problem found; `message` has one formatted line per issue. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    super(issues.map(formatIssue).join("\n"));
    this.issues = issues;
  }
}

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** `["neighbors", 1, "hold-time"]` → `neighbors[1].hold-time`; odd keys are quoted: `groups["a b"]`. */
export function formatPath(path: Path): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else if (!PLAIN_KEY.test(seg)) out += `[${JSON.stringify(seg)}]`;
    else out += out ? `.${seg}` : seg;
  }
  return out;
}
