/**
 * The annotation table in code (core/k8s/annotations.ts) is the single source of truth: docs/kubernetes.md's
 * "Annotations" table must list the same keys, on the same objects, with the same aliases, and the readers
 * must read exactly the keys the table lists.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { keysRead } from "../../core/k8s/annotation-settings.js";
import { ANNOTATIONS, KUBE_OVN_BGP, KUBE_ROUTER } from "../../core/k8s/annotations.js";

const doc = readFileSync(new URL("../../docs/kubernetes.md", import.meta.url), "utf8");

/** The rows of the table under "## Annotations": cells of each line starting with "| `". */
function annotationRows(): string[][] {
  const section = doc.slice(doc.indexOf("\n## Annotations\n"));
  const end = section.indexOf("\n## ", 1);
  return (end < 0 ? section : section.slice(0, end))
    .split("\n")
    .filter((l) => l.startsWith("| `"))
    .map((l) =>
      l
        .slice(1, -1)
        .split(" | ")
        .map((c) => c.trim()),
    );
}

const backticked = (cell: string): string[] => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]);

describe("docs/kubernetes.md Annotations table", () => {
  const rows = annotationRows();

  it("has one row per key of the code's table, in its order", () => {
    expect(rows.map((r) => backticked(r[0])[0])).toEqual(ANNOTATIONS.map((a) => a.key));
  });

  for (const a of ANNOTATIONS) {
    it(`${a.key}: objects and aliases match`, () => {
      const row = rows.find((r) => backticked(r[0])[0] === a.key)!;
      expect(row[1].split(", ")).toEqual(a.on);
      const aliasKeys = backticked(row[4]).filter((k) => k.includes("/") && !k.startsWith("kbgp.io/"));
      // An alias's companions (keys read with it) are named in its cell too, after it.
      const expected = a.aliases.flatMap((x) => [x.key, ...(x.with ?? [])]);
      expect(aliasKeys).toEqual(expected);
    });
  }

  it("names every kube-router and kube-ovn key the code knows", () => {
    for (const key of [...Object.values(KUBE_ROUTER), KUBE_OVN_BGP]) expect(doc).toContain(`\`${key}\``);
  });
});

describe("the readers", () => {
  it("read exactly the keys the table lists, on the objects it lists", () => {
    const listed = new Set<string>();
    for (const a of ANNOTATIONS)
      for (const kind of a.on) {
        listed.add(`${kind} ${a.key}`);
        for (const alias of a.aliases) if (alias.on.includes(kind)) listed.add(`${kind} ${alias.key}`);
      }
    const read = new Set(keysRead().map((k) => `${k.kind} ${k.key}`));
    expect([...read].sort()).toEqual([...listed].sort());
  });

  it("our keys all live under kbgp.io/", () => {
    for (const a of ANNOTATIONS) expect(a.key.startsWith("kbgp.io/")).toBe(true);
  });
});
