/**
 * TCP MD5 signatures (RFC 2385), and the TTL options of TTL security (RFC 5082) and eBGP multihop, through
 * kbgpd's native addon (tcp_md5.c, built by scripts/build-native.mjs).
 * The addon is optional: kbgpd runs without it, says so once, and keeps a neighbor that needs it Idle
 * rather than peering without the signature its router expects (which would just fail, RFC 2385 §2.0).
 *
 * It is loaded at run time, never bundled: from beside the bundle (dist/, where the build copies it and the
 * image ships it), or from node-gyp's build directory (running from source, or a dist/ built before it).
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import type { NeighborConfig } from "../../core/config/types.js";

/** What tcp_md5.c exports. Keys are the password's UTF-8 bytes; errors carry the errno name as `code`. */
export interface TcpMd5Addon {
  /** Set (key) or remove (null) the key for one peer on a socket: a listener's passes to what it accepts. */
  setKey(fd: number, peer: string, key: Buffer | null): void;
  /** A non-blocking TCP socket of the peer's family, keyed for it and bound to `local` (port 0) if given. */
  socket(peer: string, key: Buffer | null, local: string | null): number;
  /** The TTL (IPv6: hop limit) the socket sends with, 1..255, or -1 for the system's default (RFC 5082). */
  setTtl(fd: number, ttl: number): void;
  /** Received segments with a lower TTL / hop limit are dropped by the kernel (0 = off; RFC 5082 §3). */
  setMinTtl(fd: number, minTtl: number): void;
  /** Both as the socket's own family's options say now (the TTL is the system's default when unset). */
  ttl(fd: number): { ttl: number; minTtl: number };
}

const TTL_FUNCTIONS = ["setTtl", "setMinTtl", "ttl"] as const satisfies readonly (keyof TcpMd5Addon)[];

export type TcpMd5 =
  | { readonly ok: true; readonly addon: TcpMd5Addon; readonly path: string }
  | { readonly ok: false; readonly reason: string };

export const ADDON_FILE = "kbgp_tcp_md5.node";
/** A path to the addon instead of the usual places, or `off` to run as if it were not built. */
export const ADDON_ENV = "KBGP_TCP_MD5_ADDON";

/** Where to look, first found wins: beside this module (the bundle in dist/), node-gyp's output. */
function candidates(): string[] {
  const here = dirname(fileURLToPath(import.meta.url));
  return [
    join(here, ADDON_FILE),
    join(here, "build/Release", ADDON_FILE), // daemon/native/ when running from source
    join(here, "../daemon/native/build/Release", ADDON_FILE), // dist/ in a checkout
  ];
}

export type AddonLoader = (path: string) => unknown;
const nodeRequire: AddonLoader = (path) => createRequire(import.meta.url)(path);

/** Load the addon; never throws. `env` and `load` are for tests. */
export function loadTcpMd5(
  env: NodeJS.ProcessEnv = process.env,
  load: AddonLoader = nodeRequire,
  platform: string = process.platform,
): TcpMd5 {
  if (platform !== "linux")
    return { ok: false, reason: `TCP MD5 is implemented for Linux only, not ${platform}` };
  const forced = env[ADDON_ENV];
  if (forced === "off") return { ok: false, reason: `${ADDON_ENV}=off` };
  const paths = forced ? [forced] : candidates();
  const path = paths.find((p) => existsSync(p));
  if (!path) {
    const where = paths.map((p) => relative(process.cwd(), p) || p).join(", ");
    return { ok: false, reason: `the native addon is not built (looked for ${where}; npm run build:native)` };
  }
  try {
    const addon = load(path) as Partial<TcpMd5Addon>;
    if (typeof addon.setKey !== "function" || typeof addon.socket !== "function")
      return { ok: false, reason: `${path} is not kbgp's TCP MD5 addon` };
    // One built before the TTL functions were added is refused whole: rebuilding it is the fix.
    const missing = TTL_FUNCTIONS.filter((f) => typeof addon[f] !== "function");
    if (missing.length > 0)
      return {
        ok: false,
        reason: `${path} is an old build without ${missing.join(", ")} (npm run build:native)`,
      };
    return { ok: true, addon: addon as TcpMd5Addon, path };
  } catch (e) {
    return { ok: false, reason: `cannot load ${path}: ${(e as Error).message.split("\n")[0]}` };
  }
}

/** The one line kbgpd logs about it at start. */
export function describeTcpMd5(md5: TcpMd5): string {
  return md5.ok ? `TCP MD5 available (${md5.path})` : `TCP MD5 unavailable: ${md5.reason}`;
}

/**
 * Why a neighbor's session cannot run on this kbgpd, or null: a password, ttl-security or ebgp-multihop without
 * the addon. The speaker keeps such a session Idle with this reason (SpeakerOptions.unavailable) rather than
 * peering unsigned (which its router would drop segment by segment, RFC 2385 §2.0) or without the TTL asked
 * for; the rest of kbgpd runs.
 */
export function sessionUnavailable(
  n: Pick<NeighborConfig, "password" | "ttlSecurity" | "ebgpMultihop">,
  md5: TcpMd5,
): string | null {
  if (md5.ok) return null;
  const needs = [
    ...(n.password !== null ? ["a password (TCP MD5, RFC 2385)"] : []),
    ...(n.ttlSecurity !== null ? ["ttl-security (RFC 5082)"] : []),
    ...(n.ebgpMultihop !== null ? ["ebgp-multihop"] : []),
  ];
  if (needs.length === 0) return null;
  return `${needs.join(" and ")} set, but kbgpd's native addon is unavailable: ${md5.reason}`;
}
