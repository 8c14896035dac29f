/**
 * A Node's addresses as a BGP speaker on it uses them: per family, the first InternalIP, else the first
 * ExternalIP (kube-router's FindBestIPv4NodeAddress); the primary one is the first InternalIP of any
 * family, else the first ExternalIP (kube-router's GetPrimaryNodeIP). Sessions run between primary
 * addresses; the other family's address is the next hop for that family's routes (dual stack).
 */
import { formatIp, parseIp } from "../wire/ip.js";
import type { Node } from "./types.js";

export interface NodeAddresses {
  /** Canonical text, or null when the node lists no usable address of that family. */
  readonly ipv4: string | null;
  readonly ipv6: string | null;
  readonly primary: string | null;
  /** Every address the node lists (canonical), to recognise our own. */
  readonly all: ReadonlySet<string>;
}

const ORDER = ["InternalIP", "ExternalIP"];

export function nodeAddresses(node: Node | undefined): NodeAddresses {
  const listed: { type: string; address: string; v4: boolean }[] = [];
  for (const a of node?.status?.addresses ?? []) {
    const b = a.address ? parseIp(a.address.trim()) : null;
    if (b && a.type && ORDER.includes(a.type))
      listed.push({ type: a.type, address: formatIp(b), v4: b.length === 4 });
  }
  const first = (pick: (a: (typeof listed)[number]) => boolean): string | null => {
    for (const type of ORDER) {
      const found = listed.find((a) => a.type === type && pick(a));
      if (found) return found.address;
    }
    return null;
  };
  return {
    ipv4: first((a) => a.v4),
    ipv6: first((a) => !a.v4),
    primary: first(() => true),
    all: new Set(listed.map((a) => a.address)),
  };
}

/** Whether canonical address text is IPv4. */
export const isIpv4Text = (address: string): boolean => !address.includes(":");
