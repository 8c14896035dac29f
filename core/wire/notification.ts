/**
 * NOTIFICATION (RFC 4271 §4.5) with the two structured data forms in use: the shutdown communication of
 * RFC 9003 (Cease/Administrative Shutdown or Reset) and the Hard Reset of RFC 8538 §3.1, which wraps a
 * whole inner NOTIFICATION. A NOTIFICATION cannot be answered with another (§6.4), so decoding never
 * fails once the two code octets are there; malformed data is reported, not rejected.
 */

import { utf8Bytes } from "./capabilities.js";
import { MessageType } from "./constants.js";
import { type BgpError, bgpError, CeaseSubcode, type Decoded, ErrorCode, fail, ok } from "./errors.js";
import { beginMessage, finishMessage } from "./header.js";
import { ByteWriter } from "./writer.js";

export interface NotificationMessage {
  readonly type: typeof MessageType.NOTIFICATION;
  readonly code: number;
  readonly subcode: number;
  readonly data: Uint8Array;
  /** For Hard Reset (Cease/9): the encapsulated code and subcode. */
  readonly inner?: { readonly code: number; readonly subcode: number };
  /** RFC 9003 shutdown communication, when present and valid UTF-8. */
  readonly shutdownMessage?: string;
  /** Data was present where a shutdown communication belongs but it was malformed (RFC 9003 §4: log it). */
  readonly malformedShutdown?: boolean;
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

const isShutdown = (code: number, subcode: number) =>
  code === ErrorCode.CEASE &&
  (subcode === CeaseSubcode.ADMINISTRATIVE_SHUTDOWN || subcode === CeaseSubcode.ADMINISTRATIVE_RESET);

/** RFC 9003 §2: one length octet, then that many octets of UTF-8. */
function readShutdown(d: Uint8Array): { shutdownMessage?: string; malformedShutdown?: boolean } {
  if (d.length === 0) return {};
  if (d[0] + 1 !== d.length) return { malformedShutdown: true };
  if (d[0] === 0) return {};
  try {
    return { shutdownMessage: strictUtf8.decode(d.subarray(1)) };
  } catch {
    return { malformedShutdown: true };
  }
}

export function decodeNotification(body: Uint8Array): Decoded<NotificationMessage> {
  if (body.length < 2) return fail(bgpError(ErrorCode.MESSAGE_HEADER, 2, "NOTIFICATION too short"));
  const code = body[0];
  const subcode = body[1];
  const data = body.slice(2);
  const base = { type: MessageType.NOTIFICATION, code, subcode, data } as const;
  if (code === ErrorCode.CEASE && subcode === CeaseSubcode.HARD_RESET && data.length >= 2) {
    const inner = { code: data[0], subcode: data[1] };
    return ok({
      ...base,
      inner,
      ...(isShutdown(inner.code, inner.subcode) ? readShutdown(data.subarray(2)) : {}),
    });
  }
  return ok(isShutdown(code, subcode) ? { ...base, ...readShutdown(data) } : base);
}

export function encodeNotification(
  code: number,
  subcode: number,
  data: Uint8Array = new Uint8Array(0),
): Uint8Array {
  const w = new ByteWriter(32 + data.length);
  const start = beginMessage(w, MessageType.NOTIFICATION);
  w.u8(code).u8(subcode).bytes(data);
  finishMessage(w, start);
  return w.toBytes();
}

/** The NOTIFICATION that reports `e`. Data is cut so the message stays within 4096 bytes (RFC 8654 §5). */
export function encodeError(e: BgpError): Uint8Array {
  return encodeNotification(e.code, e.subcode, e.data.subarray(0, 4096 - 21));
}

/** RFC 9003 shutdown data: the text is cut at 255 bytes on a character boundary. */
export function shutdownData(text: string): Uint8Array {
  const t = utf8Bytes(text, 255);
  const d = new Uint8Array(1 + t.length);
  d[0] = t.length;
  d.set(t, 1);
  return d;
}

/** Cease / Administrative Shutdown (2) or Reset (4) with an optional communication. */
export function encodeShutdown(subcode: 2 | 4, text = ""): Uint8Array {
  return encodeNotification(ErrorCode.CEASE, subcode, text ? shutdownData(text) : new Uint8Array(0));
}

/** RFC 8538 §3.1: Cease / Hard Reset carrying the real reason. */
export function encodeHardReset(
  code: number,
  subcode: number,
  data: Uint8Array = new Uint8Array(0),
): Uint8Array {
  const inner = new Uint8Array(2 + data.length);
  inner[0] = code;
  inner[1] = subcode;
  inner.set(data, 2);
  return encodeNotification(ErrorCode.CEASE, CeaseSubcode.HARD_RESET, inner);
}
