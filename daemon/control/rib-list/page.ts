/**
 * `rib.list`'s `offset`, `limit` and `total` (docs/api.md): the rows of one page of a listing. Items are
 * cheap references to a table's entries (the prefix query's), `keep` applies the filters, and only the
 * page's items are rendered, so skipping or counting costs the walk over the table and nothing per row.
 * Without `total` the walk stops at the page's end.
 */

export interface Paging {
  /** Matching rows skipped before the first one sent. */
  readonly offset: number;
  /** Rows sent at most (Infinity: all). */
  readonly limit: number;
  /** Count every matching row. */
  readonly total: boolean;
}

/** What a finished walk found: every matching row, when the paging asked for the total. */
export interface Tally {
  total: number;
}

/**
 * Items walked between two turns of the event loop. Skipping or counting a million routes takes a few
 * hundred milliseconds with no row to send (the server lets the speaker run between chunks of rows only);
 * the walk gives way on its own so sessions are not held up meanwhile.
 */
const WALK_SLICE = 65_536;
const turn = () => new Promise((r) => setImmediate(r));

/** The page's rows: `items` walked in order, those `keep` refuses left out, the others numbered. */
export async function* page<T, R>(
  items: Iterable<T>,
  keep: ((item: T) => boolean) | null,
  paging: Paging,
  render: (item: T) => R,
  tally: Tally,
): AsyncIterableIterator<R> {
  const end = paging.offset + paging.limit;
  let walked = 0;
  let n = 0;
  for (const item of items) {
    if (++walked % WALK_SLICE === 0) await turn();
    if (keep && !keep(item)) continue;
    if (n >= end) {
      if (!paging.total) return;
    } else if (n >= paging.offset) yield render(item);
    n++;
  }
  tally.total = n;
}
