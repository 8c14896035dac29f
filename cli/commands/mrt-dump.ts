/** `kbgp mrt dump FILE [-j]`: print every route and state change in an MRT file, bgpdump -m style or JSON. */
import { MrtDecoder } from "../../core/mrt/index.js";
import { CliError } from "../errors.js";
import { bgpdumpLines } from "../mrt/bgpdump-format.js";
import { jsonLines } from "../mrt/json-format.js";
import { readMrt } from "../mrt/read-mrt.js";
import { LineWriter } from "../output.js";

/** Malformed records and RFC 7606 problems are reported on stderr, up to this many, then counted. */
const MAX_REPORTED = 20;

export async function mrtDump(file: string, json: boolean): Promise<void> {
  const out = new LineWriter();
  const decoder = new MrtDecoder();
  const format = json ? jsonLines : bgpdumpLines;
  let bad = 0;
  let index = 0;
  const report = (reason: string) => {
    if (++bad <= MAX_REPORTED) process.stderr.write(`kbgp: ${file}: record ${index}: ${reason}\n`);
  };
  const result = await readMrt(
    file,
    (record) => {
      index++;
      const item = decoder.decode(record);
      if (item.kind === "error") return report(item.reason);
      if (item.kind === "update") for (const w of item.warnings) report(w);
      format(item, out.lines);
    },
    async () => {
      await out.flush();
      return !out.closed; // nobody reads any more (| head): stop
    },
  );
  await out.flush(true);
  if (bad > MAX_REPORTED) process.stderr.write(`kbgp: ${file}: ${bad} problems in all\n`);
  if (result.error) throw new CliError(`${file}: ${result.error}`);
}
