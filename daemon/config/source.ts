/**
 * The YAML layer: text → plain data, plus a locator that maps a field path back to a line and column.
 * YAML syntax errors and warnings (an unknown tag, say) come back as positioned problems; nothing here
 * knows what the keys mean.
 */
import { type Document, isAlias, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import type { Path } from "./errors.js";

export interface Position {
  readonly line: number;
  readonly column: number;
}

export interface SyntaxProblem extends Position {
  readonly message: string;
}

export interface YamlSource {
  /** The document as plain data (maps as objects, sequences as arrays); undefined when it has errors. */
  readonly data: unknown;
  readonly problems: readonly SyntaxProblem[];
  /**
   * Where the field at `path` is written: the value, or with `key` the key. A path that leads past what
   * the document holds (a missing key) gives the deepest node that exists.
   */
  locate(path: Path, which?: "key" | "value"): Position;
}

export function readYaml(text: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, version: "1.2" });
  const at = (offset: number): Position => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  const problems: SyntaxProblem[] = [...doc.errors, ...doc.warnings].map((e) => {
    let message = e.message;
    if (e.code === "DUPLICATE_KEY") {
      const key = /^("[^"\n]*"|'[^'\n]*'|[^:\n]*?)\s*:/.exec(text.slice(e.pos[0]));
      message = key ? `duplicate key '${key[1].replace(/^["']|["']$/g, "")}'` : "duplicate key";
    }
    return { ...at(e.pos[0]), message };
  });
  let data: unknown;
  if (problems.length === 0) {
    try {
      data = doc.toJS({ maxAliasCount: 100 });
    } catch (err) {
      // Only an alias explosion gets here ("billion laughs"); it has no single position.
      problems.push({ line: 1, column: 1, message: (err as Error).message });
    }
  }
  return {
    data,
    problems,
    locate: (path, which = "value") => at(locateOffset(doc, path, which)),
  };
}

function locateOffset(doc: Document, path: Path, which: "key" | "value"): number {
  let node: unknown = doc.contents;
  let keyNode: Node | undefined;
  for (const seg of path) {
    if (isAlias(node)) node = node.resolve(doc);
    let next: unknown;
    let nextKey: Node | undefined;
    if (isMap(node)) {
      const pair = node.items.find((p) => String(isScalar(p.key) ? p.key.value : p.key) === String(seg));
      if (pair) {
        nextKey = pair.key as Node;
        next = pair.value ?? pair.key;
      }
    } else if (isSeq(node) && typeof seg === "number") {
      next = node.items[seg];
    }
    if (next === undefined) break;
    node = next;
    keyNode = nextKey;
  }
  const target = which === "key" && keyNode ? keyNode : ((node as Node | null) ?? keyNode);
  return target?.range?.[0] ?? 0;
}
