/**
 * Metrics read at scrape time. kbgpd keeps its own counters (the speaker's per-peer message counts, the
 * RIBs' route counts) and never touches a Prometheus object while routes move; a scrape asks each metric
 * to `collect`, which clears it and copies the current numbers in. A series whose subject is gone (a
 * neighbor removed by a reload, a helper process no longer configured) therefore disappears at the next
 * scrape instead of lingering with its last value.
 */
import { Counter, Gauge, type Registry } from "prom-client";

/** Labels as the fill function gives them: every label of the metric, numbers allowed. */
export type Labels<L extends string> = Readonly<Record<L, string | number>>;
/** Called once per scrape with a function that records one series. */
export type Fill<L extends string> = (put: (labels: Labels<L>, value: number) => void) => void;

interface Spec<L extends string> {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly L[];
  readonly fill: Fill<L>;
}

/** prom-client options for a metric that `collect`s by clearing itself and putting each series with `put`
 *  (a gauge's `set`, a counter's `inc`). */
function snapshotOptions<L extends string, M extends { reset(): void }>(
  registry: Registry,
  spec: Spec<L>,
  put: (metric: M, labels: Record<L, string | number>, value: number) => void,
) {
  return {
    name: spec.name,
    help: spec.help,
    labelNames: spec.labelNames,
    registers: [registry],
    collect(this: M) {
      this.reset();
      spec.fill((labels, value) => put(this, labels as Record<L, string | number>, value));
    },
  };
}

/** A gauge whose series are exactly what `fill` puts at each scrape. */
export const snapshotGauge = <L extends string>(registry: Registry, spec: Spec<L>): Gauge<L> =>
  new Gauge<L>(snapshotOptions<L, Gauge<L>>(registry, spec, (g, labels, v) => g.set(labels, v)));

/**
 * A counter whose series are exactly what `fill` puts at each scrape: totals kept elsewhere (they only grow
 * while their subject lives; a neighbor re-created by a reload starts again from 0, which Prometheus'
 * `rate()` reads as a counter reset, as it is meant to).
 */
export const snapshotCounter = <L extends string>(registry: Registry, spec: Spec<L>): Counter<L> =>
  new Counter<L>(snapshotOptions<L, Counter<L>>(registry, spec, (c, labels, v) => c.inc(labels, v)));
