/**
 * Turns MRT records into typed items: RIB snapshots (TABLE_DUMP, TABLE_DUMP_V2), BGP messages with the
 * UPDATE decoded by the same code a live session uses (BGP4MP/_ET), and FSM state changes. It keeps the
 * PEER_INDEX_TABLE that later RIB records refer to. Nothing here throws on malformed input: a record that
 * cannot be decoded becomes an `error` item and the stream goes on.
 */
import {
  type AttrInterner,
  type CodecContext,
  checkHeader,
  codecContext,
  decodeMessage,
  decodeUpdate,
  IPV4_UNICAST,
  IPV6_UNICAST,
  MAX_EXTENDED_MESSAGE_LENGTH,
  type Message,
  MessageType,
  type Prefix,
  UPDATE_ACTION_NAMES,
  UpdateAction,
  type UpdateMessage,
} from "../wire/index.js";
import { decodeMrtAttributes, type MrtAttributes } from "./attributes.js";
import { type Bgp4mpMessage, type Bgp4mpStateChange, decodeBgp4mp } from "./bgp4mp.js";
import { MrtType, TableDumpV2Subtype } from "./constants.js";
import type { MrtRecord } from "./record-framer.js";
import { trimMalformedPrefixes } from "./salvage.js";
import { decodeTableDump } from "./table-dump.js";
import {
  decodePeerIndexTable,
  decodeRibRecord,
  type PeerEntry,
  type PeerIndexTable,
} from "./table-dump-v2.js";

export interface RibPath {
  readonly peer: PeerEntry;
  readonly originatedTime: number;
  /** RFC 8050 path identifier, -1 when the record has none. */
  readonly pathId: number;
  readonly attributes: MrtAttributes;
}

export type MrtItem =
  | { readonly kind: "peer-index"; readonly record: MrtRecord; readonly table: PeerIndexTable }
  | {
      readonly kind: "rib";
      readonly record: MrtRecord;
      readonly source: "TABLE_DUMP" | "TABLE_DUMP2";
      readonly prefix: Prefix;
      readonly safi: number;
      readonly addPath: boolean;
      readonly paths: readonly RibPath[];
    }
  | {
      readonly kind: "update";
      readonly record: MrtRecord;
      readonly bgp: Bgp4mpMessage;
      readonly update: UpdateMessage;
      /** What was wrong with the UPDATE (RFC 7606 problems, salvaged prefixes), for the operator. */
      readonly warnings: readonly string[];
    }
  | {
      readonly kind: "message";
      readonly record: MrtRecord;
      readonly bgp: Bgp4mpMessage;
      readonly message: Message;
    }
  | { readonly kind: "state"; readonly record: MrtRecord; readonly state: Bgp4mpStateChange }
  | { readonly kind: "unsupported"; readonly record: MrtRecord; readonly reason: string }
  | { readonly kind: "error"; readonly record: MrtRecord; readonly reason: string };

const ALL_PREFIX_FAMILIES = new Set([IPV4_UNICAST, IPV6_UNICAST, (1 << 8) | 2, (2 << 8) | 2]);
const V4_FAMILIES = new Set([IPV4_UNICAST, (1 << 8) | 2]);
const contextFor = (as4: boolean, addPath: boolean) =>
  codecContext({
    as4,
    addPath: addPath ? ALL_PREFIX_FAMILIES : new Set(),
    // Collectors record whatever the session negotiated; accept every size and next-hop form.
    extendedMessage: true,
    extendedNextHop: V4_FAMILIES,
  });
const CONTEXTS = [
  contextFor(false, false),
  contextFor(false, true),
  contextFor(true, false),
  contextFor(true, true),
];

export class MrtDecoder {
  private peers: PeerIndexTable | null = null;

  constructor(private readonly interner?: AttrInterner) {}

  decode(record: MrtRecord): MrtItem {
    switch (record.type) {
      case MrtType.TABLE_DUMP_V2:
        return this.tableDumpV2(record);
      case MrtType.TABLE_DUMP:
        return this.tableDump(record);
      case MrtType.BGP4MP:
      case MrtType.BGP4MP_ET:
        return this.bgp4mp(record);
      default:
        return { kind: "unsupported", record, reason: `MRT type ${record.type} is not supported` };
    }
  }

  private tableDumpV2(record: MrtRecord): MrtItem {
    if (record.subtype === TableDumpV2Subtype.PEER_INDEX_TABLE) {
      const table = decodePeerIndexTable(record.body);
      if (typeof table === "string") return { kind: "error", record, reason: table };
      this.peers = table;
      return { kind: "peer-index", record, table };
    }
    const rib = decodeRibRecord(record.subtype, record.body);
    if (typeof rib === "string") return { kind: "error", record, reason: rib };
    const peers = this.peers?.peers;
    if (!peers && rib.entries.length > 0)
      return { kind: "error", record, reason: "RIB record before any PEER_INDEX_TABLE" };
    const paths: RibPath[] = [];
    for (const e of rib.entries) {
      const peer = peers![e.peerIndex];
      if (!peer)
        return {
          kind: "error",
          record,
          reason: `RIB entry names peer ${e.peerIndex}, not in the peer table`,
        };
      const attributes = decodeMrtAttributes(record.body, e.attrStart, e.attrEnd, true, this.interner);
      paths.push({ peer, originatedTime: e.originatedTime, pathId: e.pathId, attributes });
    }
    return {
      kind: "rib",
      record,
      source: "TABLE_DUMP2",
      prefix: rib.prefix,
      safi: rib.safi,
      addPath: rib.addPath,
      paths,
    };
  }

  private tableDump(record: MrtRecord): MrtItem {
    const td = decodeTableDump(record.subtype, record.body);
    if (typeof td === "string") return { kind: "error", record, reason: td };
    const attributes = decodeMrtAttributes(record.body, td.attrStart, td.attrEnd, false, this.interner);
    const peer = { bgpId: 0, address: td.peerAddress, asn: td.peerAs };
    return {
      kind: "rib",
      record,
      source: "TABLE_DUMP",
      prefix: td.prefix,
      safi: 1,
      addPath: false,
      paths: [{ peer, originatedTime: td.originatedTime, pathId: -1, attributes }],
    };
  }

  private bgp4mp(record: MrtRecord): MrtItem {
    const bgp = decodeBgp4mp(record.subtype, record.body);
    if (typeof bgp === "string") return { kind: "unsupported", record, reason: bgp };
    if (bgp.kind === "state") return { kind: "state", record, state: bgp };
    const m = bgp.message;
    if (m.length < 19) return { kind: "error", record, reason: "BGP message shorter than its header" };
    const headerError = checkHeader(m, 0, MAX_EXTENDED_MESSAGE_LENGTH);
    if (headerError) return { kind: "error", record, reason: `BGP message header: ${headerError.reason}` };
    // The BGP length is trusted only as far as the record goes.
    const body = m.subarray(19, Math.min((m[16] << 8) | m[17], m.length));
    const ctx = CONTEXTS[(bgp.as4 ? 2 : 0) + (bgp.addPath ? 1 : 0)];
    if (m[18] === MessageType.UPDATE) return this.update(record, bgp, body, ctx);
    const decoded = decodeMessage(m[18], body, ctx);
    if (!decoded.ok) return { kind: "error", record, reason: decoded.error.reason };
    return { kind: "message", record, bgp, message: decoded.value };
  }

  private update(record: MrtRecord, bgp: Bgp4mpMessage, body: Uint8Array, ctx: CodecContext): MrtItem {
    let update = decodeUpdate(body, ctx, this.interner, true);
    const warnings: string[] = [];
    if (update.action === UpdateAction.SESSION_RESET) {
      const fault = update.problems.find((p) => p.action === UpdateAction.SESSION_RESET)!.error.reason;
      const trimmed = trimMalformedPrefixes(body, bgp.addPath);
      if (trimmed) update = decodeUpdate(trimmed, ctx, this.interner, true);
      if (update.action === UpdateAction.SESSION_RESET)
        return { kind: "error", record, reason: `UPDATE: ${fault}` };
      warnings.push(`UPDATE: ${fault}; kept the prefixes before the fault`);
    }
    for (const p of update.problems)
      warnings.push(`UPDATE: ${p.error.reason} (${UPDATE_ACTION_NAMES[p.action]})`);
    return { kind: "update", record, bgp, update, warnings };
  }
}
