/**
 * How a Node's peering annotations read (the keys are in annotations.ts): AS numbers, route-reflector
 * cluster IDs, prefix and address lists, and the three ways to list external peers — our `kbgp.io/peers`,
 * kube-router's `kube-router.io/peers` YAML list, and kube-router's older parallel lists
 * (`peer.ips`, `peer.asns`, `peer.ports`, `peer.passwords`, `peer.localips`).
 */
import { parse as parseYaml } from "yaml";
import type { PrefixFilter } from "../config/types.js";
import { formatIp, parseIp, parseIpv4Number } from "../wire/ip.js";
import { maxLength, parsePrefix } from "../wire/prefix.js";
import { bad, KUBE_ROUTER, listItems, ok, type Parsed, parseList } from "./annotations.js";

/** An external peer as an annotation lists it. */
export interface AnnotatedPeer {
  /** Canonical text. */
  readonly address: string;
  readonly asn: number;
  readonly port: number | null;
  readonly localAddress: string | null;
  /** Decoded from base64. */
  readonly password: string | null;
}

/** AS_TRANS (RFC 6793 §9) stands in for a 4-octet AS and is nobody's; 0 and 4294967295 are reserved
 *  (RFC 7607, RFC 7300). */
function asnOf(v: unknown): number | null {
  const n = typeof v === "number" ? v : typeof v === "string" && /^\s*\d{1,10}\s*$/.test(v) ? Number(v) : NaN;
  return Number.isInteger(n) && n >= 1 && n <= 0xfffffffe && n !== 23456 ? n : null;
}

export function parseAsn(text: string): Parsed<number> {
  const n = asnOf(text);
  return n === null ? bad("is not an AS number (1 to 4294967294, not 23456)") : ok(n);
}

/** RFC 4456 §7 CLUSTER_ID: 4 octets, written as a number or, as kube-router also takes it, an IPv4 address. */
export function parseClusterId(text: string): Parsed<number> {
  const t = text.trim();
  if (/^\d{1,10}$/.test(t) && Number(t) <= 0xffffffff) return ok(Number(t));
  const ip = parseIpv4Number(t);
  return ip === null ? bad("is not a cluster ID (a number up to 4294967295, or an IPv4 address)") : ok(ip);
}

/** Each prefix rejects itself and every longer prefix inside it (kube-router's mask-length range up to the
 *  family's maximum). */
export const parseImportReject = (text: string): Parsed<PrefixFilter[]> =>
  parseList(
    text,
    (item) => {
      const prefix = parsePrefix(item);
      return prefix && { prefix, ge: prefix.length, le: maxLength(prefix.afi) };
    },
    "prefixes (address/length, host bits clear)",
  );

const canonical = (text: string): string | null => {
  const b = parseIp(text.trim());
  return b ? formatIp(b) : null;
};

export const parseAddresses = (text: string): Parsed<string[]> => parseList(text, canonical, "addresses");

/** Base64 text to the password it encodes (UTF-8), or null when it is not base64. */
function decodePassword(text: string): string | null {
  const t = text.trim();
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(t) || t.length % 4 !== 0) return null;
  const bytes = Uint8Array.from(atob(t), (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

/** The fields of one listed peer, by the names its format uses. */
interface PeerFields {
  readonly address: string;
  readonly asn: string;
  readonly port: string;
  readonly localAddress: string;
  readonly password: string;
}

const OURS: PeerFields = {
  address: "address",
  asn: "asn",
  port: "port",
  localAddress: "local-address",
  password: "password",
};
const KUBE_ROUTER_YAML: PeerFields = {
  address: "remoteip",
  asn: "remoteasn",
  port: "port",
  localAddress: "localip",
  password: "password",
};

const isMapping = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** One entry of a YAML list; what is wrong with it, named by its fields. */
function peerEntry(v: unknown, f: PeerFields): AnnotatedPeer | string {
  if (!isMapping(v)) return "is not a mapping";
  const unknown = Object.keys(v).filter((k) => !Object.values(f).includes(k) && k !== "bfd");
  if (unknown.length) return `has unknown key${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")}`;
  const address = typeof v[f.address] === "string" ? canonical(v[f.address] as string) : null;
  if (!address) return `${f.address} is not an IP address`;
  const asn = asnOf(v[f.asn]);
  if (asn === null) return `${f.asn} is not an AS number (1 to 4294967294, not 23456)`;
  let port: number | null = null;
  if (v[f.port] !== undefined && v[f.port] !== null) {
    const p = Number(v[f.port]);
    if (!Number.isInteger(p) || p < 1 || p > 65535) return `${f.port} is not a port (1 to 65535)`;
    port = p;
  }
  let localAddress: string | null = null;
  const local = v[f.localAddress];
  if (local !== undefined && local !== null && local !== "") {
    localAddress = typeof local === "string" ? canonical(local) : null;
    if (!localAddress) return `${f.localAddress} is not an IP address`;
  }
  let password: string | null = null;
  const pw = v[f.password];
  if (pw !== undefined && pw !== null && pw !== "") {
    password = typeof pw === "string" ? decodePassword(pw) : null;
    if (password === null) return `${f.password} is not base64`;
  }
  return { address, asn, port, localAddress, password };
}

/** The entries that read; the others reported (by `name`) and left out. */
function entries(
  list: readonly unknown[],
  f: PeerFields,
  name: (i: number) => string,
): Parsed<AnnotatedPeer[]> {
  const good: AnnotatedPeer[] = [];
  const wrong: string[] = [];
  list.forEach((entry, i) => {
    const p = peerEntry(entry, f);
    if (typeof p === "string") wrong.push(`${name(i)} ${p}`);
    else good.push(p);
  });
  if (wrong.length === 0) return ok(good);
  const error = `${wrong.join("; ")} (left out)`;
  return good.length ? { value: good, error } : bad(error);
}

/** A YAML (or JSON) list of peers. */
function peerList(text: string, f: PeerFields): Parsed<AnnotatedPeer[]> {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    return bad(`is not YAML: ${(e as Error).message.split("\n")[0]}`);
  }
  if (!Array.isArray(doc)) return bad("is not a list of peers");
  return entries(doc, f, (i) => `entry ${i + 1}`);
}

export const parsePeers = (text: string): Parsed<AnnotatedPeer[]> => peerList(text, OURS);
export const parseKubeRouterPeers = (text: string): Parsed<AnnotatedPeer[]> =>
  peerList(text, KUBE_ROUTER_YAML);

/** kube-router's items: split on commas only, so that a blank item ("pass,,pass") stands for a default. */
const commaItems = (text: string): string[] => text.split(",").map((s) => s.trim());

/**
 * kube-router's parallel lists, read from `peer.ips` with the others beside it. As in kube-router
 * (NewPeerConfigs) the lists must line up: as many AS numbers as addresses, and ports, passwords and local
 * addresses either absent or one per address (a blank item takes the default). Lists that do not line up
 * give no peer at all, since which item belongs to which peer is unknown; a single peer that does not read
 * is left out and reported.
 */
export function parseKubeRouterPeerLists(
  ipsText: string,
  all: Readonly<Record<string, string>>,
): Parsed<AnnotatedPeer[]> {
  const ips = listItems(ipsText);
  const asnsText = all[KUBE_ROUTER.peerAsns];
  if (asnsText === undefined) return bad(`needs ${KUBE_ROUTER.peerAsns} as well`);
  const asns = listItems(asnsText);
  if (asns.length !== ips.length)
    return bad(`lists ${ips.length} addresses but ${KUBE_ROUTER.peerAsns} ${asns.length} AS numbers`);
  const column = (key: string): Parsed<string[] | null> => {
    const t = all[key];
    if (t === undefined) return ok(null);
    const items = commaItems(t);
    return items.length === ips.length
      ? ok(items)
      : bad(`lists ${ips.length} addresses but ${key} ${items.length} items (none, or one per address)`);
  };
  const ports = column(KUBE_ROUTER.peerPorts);
  const passwords = column(KUBE_ROUTER.peerPasswords);
  const locals = column(KUBE_ROUTER.peerLocalIps);
  for (const c of [ports, passwords, locals]) if (c.error) return bad(c.error);
  const rows = ips.map((ip, i) => ({
    remoteip: ip,
    remoteasn: asns[i],
    port: ports.value?.[i] || undefined,
    password: passwords.value?.[i] || undefined,
    localip: locals.value?.[i] || undefined,
  }));
  return entries(rows, KUBE_ROUTER_YAML, (i) => `peer ${i + 1} (${ips[i]}):`);
}
