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

/** A gauge whose series are exactly what `fill` puts at each scrape. */
export function snapshotGauge<L extends string>(registry: Registry, spec: Spec<L>): Gauge<L> {
  const { fill } = spec;
  return new Gauge<L>({
    name: spec.name,
    help: spec.help,
    labelNames: spec.labelNames,
    registers: [registry],
    collect() {
      this.reset();
      fill((labels, value) => this.set(labels as Record<L, string | number>, value));
    },
  });
}

/**
 * A counter whose series are exactly what `fill` puts at each scrape: totals kept elsewhere (they only grow
 * while their subject lives; a neighbor re-created by a reload starts again from 0, which Prometheus'
 * `rate()` reads as a counter reset, as it is meant to).
 */
export function snapshotCounter<L extends string>(registry: Registry, spec: Spec<L>): Counter<L> {
  const { fill } = spec;
  return new Counter<L>({
    name: spec.name,
    help: spec.help,
    labelNames: spec.labelNames,
    registers: [registry],
    collect() {
      this.reset();
      fill((labels, value) => this.inc(labels as Record<L, string | number>, value));
    },
  });
}
