/** Running MRT files through the reader and a formatter, in process. */

import { readMrt } from "../../cli/mrt/read-mrt.js";
import { MrtDecoder, type MrtItem } from "../../core/mrt/index.js";

export interface DumpResult {
  readonly lines: string[];
  readonly warnings: string[];
  readonly error: string | null;
}

export async function dump(
  path: string,
  format: (item: MrtItem, out: string[]) => void,
): Promise<DumpResult> {
  const decoder = new MrtDecoder();
  const lines: string[] = [];
  const warnings: string[] = [];
  const { error } = await readMrt(path, (record) => {
    const item = decoder.decode(record);
    if (item.kind === "error") warnings.push(item.reason);
    if (item.kind === "update") warnings.push(...item.warnings);
    format(item, lines);
  });
  return { lines, warnings, error };
}
