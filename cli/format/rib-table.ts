/**
 * RIB listings in gobgp's layout (`   Network  Next Hop  AS_PATH  Age  Attrs`, `*>` for the best path, `S`
 * for stale), written as the rows stream in: column widths come from the first chunk (at least gobgp's 20),
 * so the first line prints at once and memory stays flat however large the table.
 */
import type { Ages } from "./duration.js";

/** The tables `rib.list` lists: Loc-RIB, a neighbor's Adj-RIB-In, its rejected part, its Adj-RIB-Out. */
export type Table = "local" | "in" | "filtered" | "out";

export interface Column {
  readonly title: string;
  /** Narrowest width; 0 for the last column, which is never padded. */
  readonly min: number;
}

export class TableWriter {
  private widths: number[] | null = null;
  rows = 0;

  constructor(
    private readonly columns: readonly Column[],
    /** The marker column before the first, `*>`; its width. */
    private readonly marker: number,
  ) {}

  /** Lines for a chunk of rows (each: marker, then one cell per column); the header before the first. */
  lines(cells: readonly (readonly string[])[]): string[] {
    const out: string[] = [];
    if (!this.widths) {
      this.widths = this.columns.map((c, i) =>
        c.min === 0 ? 0 : Math.max(c.min, c.title.length, ...cells.map((r) => (r[i + 1] ?? "").length)),
      );
      out.push(this.line(["", ...this.columns.map((c) => c.title)]));
    }
    for (const r of cells) out.push(this.line(r));
    this.rows += cells.length;
    return out;
  }

  private line(r: readonly string[]): string {
    let s = r[0].padEnd(this.marker);
    const w = this.widths!;
    for (let i = 0; i < w.length; i++) {
      const cell = r[i + 1] ?? "";
      s += i === 0 ? cell.padEnd(w[i]) : ` ${w[i] ? cell.padEnd(w[i]) : cell}`;
    }
    return s.trimEnd();
  }
}

/** Where each table's lines carry `since` (ms since the epoch) for the Age column; -1: no Age column. */
const SINCE_CELL: Readonly<Record<Table, number>> = { local: 4, in: 5, filtered: 5, out: -1 };

/**
 * Table lines of one chunk of `form: "cells"` rows (each row: its lines, each line: marker, then the
 * cells), with `since` turned into an age in place.
 */
export function tableLines(table: Table, rows: unknown[], ages: Ages): (string | number)[][] {
  const at = SINCE_CELL[table];
  const out: (string | number)[][] = [];
  for (const row of rows as (string | number)[][][])
    for (const line of row) {
      if (at >= 0) line[at] = ages.of(line[at] as number);
      out.push(line);
    }
  return out;
}
