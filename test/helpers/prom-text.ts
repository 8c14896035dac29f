/** The Prometheus text format as tests read it: each sample as `name{a="1",b="2"}` (labels sorted) → value. */

export type Samples = ReadonlyMap<string, number>;

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** The key of a sample, as `parseSamples` stores it. */
export function sampleKey(name: string, labels: Readonly<Record<string, string | number>> = {}): string {
  const pairs = Object.entries(labels)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}="${v}"`);
  return pairs.length ? `${name}{${pairs.join(",")}}` : name;
}

export function parseSamples(text: string): Samples {
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const m = SAMPLE.exec(line);
    if (!m) throw new Error(`not a Prometheus sample: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(LABEL)) labels[l[1]] = l[2];
    out.set(sampleKey(m[1], labels), Number(m[3]));
  }
  return out;
}

/** A sample's value, or undefined when the scrape does not have it. */
export function sample(
  samples: Samples,
  name: string,
  labels: Readonly<Record<string, string | number>> = {},
): number | undefined {
  return samples.get(sampleKey(name, labels));
}

/** Every sample of metric `name`, keyed as stored. */
export function samplesOf(samples: Samples, name: string): [string, number][] {
  return [...samples].filter(([k]) => k === name || k.startsWith(`${name}{`));
}
