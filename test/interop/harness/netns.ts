/** Three network namespaces in a line, A — R — B, for tests that need a real router hop (TTL security, eBGP
 *  multihop): A and B reach each other only through R, which forwards and takes one off every TTL. Their
 *  10.255.0.x addresses exist only inside these namespaces, nothing is connected to the host's network,
 *  and everything goes when the lab closes (deleting a namespace destroys its veth ends), or at exit. */
import { execFileSync } from "node:child_process";
import type { Lab } from "./lab.js";
import { requireBinary, runOk } from "./proc.js";

const IP = "/usr/sbin/ip";
const NSTAT = "/usr/bin/nstat";
const SYSCTL = "/usr/sbin/sysctl";

export interface Hop {
  /** Namespace names. */
  readonly a: string;
  readonly r: string;
  readonly b: string;
  /** A's and B's addresses (10.255.0.1 and 10.255.0.6), two hops apart. */
  readonly addressA: string;
  readonly addressB: string;
}

const live = new Set<string>();
let serial = 0;

function deleteSync(name: string): void {
  try {
    execFileSync(IP, ["netns", "del", name], { stdio: "ignore", timeout: 10_000 });
  } catch {
    // already gone
  }
  live.delete(name);
}

process.once("exit", () => {
  for (const name of [...live]) deleteSync(name);
});

/** `ip netns exec NS cmd…`, bounded. */
export function inNetns(ns: string, cmd: string, args: string[]): Promise<string> {
  return runOk(IP, ["netns", "exec", ns, cmd, ...args]);
}

/** A kernel counter of one namespace (`nstat -a`: absolute; `-s`: leave nstat's history file alone). */
export async function counter(ns: string, name: string): Promise<number> {
  const out = await inNetns(ns, NSTAT, ["-asz", name]);
  const m = new RegExp(`^${name}\\s+(\\d+)`, "m").exec(out);
  if (!m) throw new Error(`nstat in ${ns} has no counter ${name}:\n${out}`);
  return Number(m[1]);
}

/** Creates A — R — B for this lab (names unique by pid and serial); deleted when the lab closes. */
export async function createHop(lab: Lab): Promise<Hop> {
  requireBinary(IP, "iproute2");
  requireBinary(NSTAT, "iproute2");
  requireBinary(SYSCTL, "procps");
  const base = `kbgp-${process.pid}-${++serial}`;
  const hop: Hop = {
    a: `${base}-a`,
    r: `${base}-r`,
    b: `${base}-b`,
    addressA: "10.255.0.1",
    addressB: "10.255.0.6",
  };
  lab.onClose(() => {
    for (const ns of [hop.a, hop.r, hop.b]) deleteSync(ns);
  });
  const ip = (...args: string[]) => runOk(IP, args);
  for (const ns of [hop.a, hop.r, hop.b]) {
    live.add(ns);
    await ip("netns", "add", ns);
    await ip("-n", ns, "link", "set", "lo", "up");
  }
  // The veth pairs are created inside the namespaces: no interface ever appears on the host.
  await ip("-n", hop.a, "link", "add", "to-r", "type", "veth", "peer", "name", "to-a", "netns", hop.r);
  await ip("-n", hop.b, "link", "add", "to-r", "type", "veth", "peer", "name", "to-b", "netns", hop.r);
  await ip("-n", hop.a, "addr", "add", "10.255.0.1/30", "dev", "to-r");
  await ip("-n", hop.r, "addr", "add", "10.255.0.2/30", "dev", "to-a");
  await ip("-n", hop.r, "addr", "add", "10.255.0.5/30", "dev", "to-b");
  await ip("-n", hop.b, "addr", "add", "10.255.0.6/30", "dev", "to-r");
  for (const [ns, dev] of [
    [hop.a, "to-r"],
    [hop.r, "to-a"],
    [hop.r, "to-b"],
    [hop.b, "to-r"],
  ] as const)
    await ip("-n", ns, "link", "set", dev, "up");
  await ip("-n", hop.a, "route", "add", "10.255.0.4/30", "via", "10.255.0.2");
  await ip("-n", hop.b, "route", "add", "10.255.0.0/30", "via", "10.255.0.5");
  // Forwarding in R's own sysctl only (per namespace).
  await inNetns(hop.r, SYSCTL, ["-qw", "net.ipv4.ip_forward=1"]);
  return hop;
}

/** Namespaces this process created and has not deleted yet (tests check that none are left). */
export function liveNamespaces(): string[] {
  return [...live];
}
