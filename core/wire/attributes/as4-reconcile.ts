/**
 * RFC 6793 §4.2.3: the real AS path and aggregator of an UPDATE from a speaker without 4-octet AS support,
 * from its 2-octet AS_PATH and AGGREGATOR plus AS4_PATH and AS4_AGGREGATOR. Offsets are value starts in
 * `b` (-1 when absent); the AS4_* values were validated by the scanner.
 */
import { AS_TRANS, SegmentType } from "../constants.js";
import { type AsPath, decodeAsPath, mergeAs4Path } from "./as-path.js";

export interface As2Spans {
  asPathStart: number;
  asPathEnd: number;
  as4PathStart: number;
  as4PathEnd: number;
  aggregator: number;
  as4Aggregator: number;
}

export interface Reconciled {
  readonly path: AsPath | null;
  /** -1 when there is no AGGREGATOR. */
  readonly aggregatorAsn: number;
  readonly aggregatorAddress: number;
}

const u16 = (b: Uint8Array, i: number) => (b[i] << 8) | b[i + 1];
const u32 = (b: Uint8Array, i: number) =>
  ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;

export function reconcileAs4(b: Uint8Array, s: As2Spans): Reconciled {
  // When AGGREGATOR and AS4_AGGREGATOR are both present and AGGREGATOR is not AS_TRANS, an OLD speaker
  // aggregated last: AS4_PATH and AS4_AGGREGATOR are stale and ignored.
  const ignoreAs4 = s.aggregator >= 0 && s.as4Aggregator >= 0 && u16(b, s.aggregator) !== AS_TRANS;
  let aggregatorAsn = -1;
  let aggregatorAddress = 0;
  if (s.aggregator >= 0) {
    const useAs4 = s.as4Aggregator >= 0 && !ignoreAs4;
    aggregatorAsn = useAs4 ? u32(b, s.as4Aggregator) : u16(b, s.aggregator);
    aggregatorAddress = useAs4 ? u32(b, s.as4Aggregator + 4) : u32(b, s.aggregator + 2);
  }
  let path: AsPath | null = null;
  if (s.asPathStart >= 0) {
    path = decodeAsPath(b, s.asPathStart, s.asPathEnd, 2);
    if (!ignoreAs4 && s.as4PathStart >= 0) {
      // RFC 6793 §6: confederation segments in AS4_PATH are dropped, the rest is used.
      const as4Path = decodeAsPath(b, s.as4PathStart, s.as4PathEnd, 4).filter(
        (seg) => seg.type === SegmentType.AS_SEQUENCE || seg.type === SegmentType.AS_SET,
      );
      path = mergeAs4Path(path, as4Path);
    }
  }
  return { path, aggregatorAsn, aggregatorAddress };
}
