/**
 * Any BGP message: the union of the per-type decoders, dispatched on the header's type. Each decoder
 * lives in its own file; this one only routes.
 */

import type { AttrInterner } from "./attr-set.js";
import { MessageType } from "./constants.js";
import type { CodecContext } from "./context.js";
import { type Decoded, fail, ok, UpdateAction } from "./errors.js";
import { decodeNotification, type NotificationMessage } from "./notification.js";
import { decodeOpen, type OpenMessage } from "./open.js";
import { decodeRouteRefresh, type RouteRefreshMessage } from "./route-refresh.js";
import { decodeUpdate, type UpdateMessage } from "./update.js";

export interface KeepaliveMessage {
  readonly type: typeof MessageType.KEEPALIVE;
}

export type Message =
  | OpenMessage
  | UpdateMessage
  | NotificationMessage
  | KeepaliveMessage
  | RouteRefreshMessage;

const KEEPALIVE_MESSAGE: KeepaliveMessage = { type: MessageType.KEEPALIVE };

export interface DecodeOptions {
  readonly interner?: AttrInterner;
  /** The peer advertised Enhanced Route Refresh (RFC 7313 §5 length rule). */
  readonly enhancedRouteRefresh?: boolean;
}

/** Decode a message body of the given type (the framer has checked the header). An UPDATE whose RFC 7606
 *  action is a session reset becomes the error; lesser actions travel inside the UpdateMessage. */
export function decodeMessage(
  type: number,
  body: Uint8Array,
  ctx: CodecContext,
  opts: DecodeOptions = {},
): Decoded<Message> {
  switch (type) {
    case MessageType.OPEN:
      return decodeOpen(body);
    case MessageType.UPDATE: {
      const u = decodeUpdate(body, ctx, opts.interner);
      if (u.action === UpdateAction.SESSION_RESET) {
        return fail(u.problems.find((p) => p.action === UpdateAction.SESSION_RESET)!.error);
      }
      return ok(u);
    }
    case MessageType.NOTIFICATION:
      return decodeNotification(body);
    case MessageType.KEEPALIVE:
      return ok(KEEPALIVE_MESSAGE);
    case MessageType.ROUTE_REFRESH:
      return decodeRouteRefresh(body, opts.enhancedRouteRefresh ?? false);
    default:
      return fail({ code: 1, subcode: 3, data: Uint8Array.of(type), reason: `unknown message type ${type}` });
  }
}
