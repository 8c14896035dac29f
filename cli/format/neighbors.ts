/**
 * `kbgp neighbor` in gobgp's layouts (see ../shared/CLI.md): the one-line-per-peer summary and the detail
 * block, with what gobgp leaves out (description, local address, last error and NOTIFICATION, prefix limit,
 * graceful restart) added at the end of the block.
 */
import type { NeighborDetailView, NeighborView } from "../../daemon/control/views.js";
import { addressOrder } from "./address.js";
import { color } from "./color.js";
import { age, hms } from "./duration.js";

const SHORT: Readonly<Record<string, string>> = {
  idle: "Idle",
  connect: "Connect",
  active: "Active",
  opensent: "Sent",
  openconfirm: "Confirm",
  established: "Establ",
};

/** `Establ`, `Idle(Admin)`, `Idle(PfxCt)`… as gobgp writes them. */
export function stateLabel(n: NeighborView): string {
  if (n.adminDown) return "Idle(Admin)";
  if (n.prefixLimitReached) return "Idle(PfxCt)";
  if (n.unavailable) return "Idle(Unavail)";
  return SHORT[n.state] ?? n.state;
}

/** gobgp's Up/Down: time in the current state, `never` before the first session. */
export function upDown(n: NeighborView, now: number): string {
  if (n.upSince) return age(n.upSince, now);
  if (n.establishedTransitions === 0) return "never";
  return n.downSince ? age(n.downSince, now) : "never";
}

const label = (n: NeighborView) => (n.hostname ? `${n.hostname}(${n.address})` : n.address);

export function neighborTable(list: readonly NeighborView[], now: number): string {
  const rows = [...list].sort((a, b) => addressOrder(a.address, b.address));
  const peer = Math.max(4, ...rows.map((n) => label(n).length));
  const as = Math.max(2, ...rows.map((n) => String(n.asn).length));
  const time = Math.max(7, ...rows.map((n) => upDown(n, now).length));
  const line = (
    p: string,
    a: string,
    t: string,
    s: string,
    r: string,
    acc: string,
    paint = (x: string) => x,
  ) =>
    `${p.padEnd(peer)} ${a.padStart(as)} ${t.padStart(time)} ${paint(s.padEnd(11))} |${r.padStart(9)} ${acc.padStart(9)}`;
  const out = [line("Peer", "AS", "Up/Down", "State", "#Received", "Accepted")];
  for (const n of rows) {
    const s = stateLabel(n);
    const paint = n.state === "established" ? color.green : s.startsWith("Idle(") ? color.red : color.yellow;
    out.push(line(label(n), String(n.asn), upDown(n, now), s, String(n.received), String(n.accepted), paint));
  }
  return out.join("\n");
}

const STATE_WORDS: Readonly<Record<string, string>> = {
  idle: "IDLE",
  connect: "CONNECT",
  active: "ACTIVE",
  opensent: "OPENSENT",
  openconfirm: "OPENCONFIRM",
  established: "ESTABLISHED",
};

export function neighborDetail(n: NeighborDetailView, now: number): string {
  const out: string[] = [];
  const push = (indent: number, text: string) => out.push(`${" ".repeat(indent)}${text}`);
  push(0, `BGP neighbor is ${n.address}, remote AS ${n.asn}${n.description ? `, ${n.description}` : ""}`);
  push(
    2,
    `BGP version 4, remote router ID ${n.routerId ?? "unknown"}${n.hostname ? `, hostname ${n.hostname}` : ""}`,
  );
  const state = STATE_WORDS[n.state] ?? n.state.toUpperCase();
  const why = n.adminDown
    ? " (administratively shut down)"
    : n.prefixLimitReached
      ? " (prefix limit reached)"
      : n.unavailable
        ? ` (cannot run here: ${n.unavailable})`
        : "";
  push(2, `BGP state = ${state}${n.upSince ? `, up for ${age(n.upSince, now)}` : ""}${why}`);
  push(2, `BGP OutQ = 0, Flops = ${Math.max(0, n.establishedTransitions - 1)}`);
  const neg = n.timers.negotiated;
  push(
    2,
    `Hold time is ${neg?.holdTime ?? 0}, keepalive interval is ${Math.floor(neg?.keepalive ?? 0)} seconds`,
  );
  const conf = n.timers.configured;
  push(2, `Configured hold time is ${conf.holdTime}, keepalive interval is ${conf.keepalive} seconds`);
  push(
    2,
    `Local address ${n.localAddress ?? "any"}${n.localPort ? ` port ${n.localPort}` : ""}, local AS ${n.localAs}; remote port ${n.remotePort}${n.passive ? ", passive" : ""}`,
  );
  const transport = transportText(n);
  if (transport) push(2, transport);
  push(0, "");
  push(2, "Neighbor capabilities:");
  for (const c of n.capabilities) {
    const both =
      c.advertised && c.received ? "advertised and received" : c.advertised ? "advertised" : "received";
    push(4, `${c.name}:\t${both}`);
    if (c.local) push(8, `Local:  ${c.local}`);
    if (c.remote) push(8, `Remote: ${c.remote}`);
  }
  if (n.capabilities.length === 0) push(4, "(none yet: no session)");
  push(2, "Message statistics:");
  push(0, `${"".padEnd(25)}Sent       Rcvd`);
  const m = n.messages;
  const stat = (name: string, s: number, r: number) =>
    push(4, `${`${name}:`.padEnd(16)}${String(s).padStart(9)}  ${String(r).padStart(9)}`);
  stat("Opens", m.sent.open, m.received.open);
  stat("Notifications", m.sent.notification, m.received.notification);
  stat("Updates", m.sent.update, m.received.update);
  stat("Keepalives", m.sent.keepalive, m.received.keepalive);
  stat("Route Refresh", m.sent.routeRefresh, m.received.routeRefresh);
  const total = (x: typeof m.sent) => x.open + x.notification + x.update + x.keepalive + x.routeRefresh;
  stat("Total", total(m.sent), total(m.received));
  push(2, "Route statistics:");
  const route = (name: string, v: number | string) =>
    push(4, `${`${name}:`.padEnd(16)}${String(v).padStart(9)}`);
  route("Advertised", n.advertised);
  route("Received", n.received);
  route("Accepted", n.accepted);
  if (n.prefixLimit) {
    const after =
      n.prefixLimit.restartAfter === null ? "stay down" : `restart after ${hms(n.prefixLimit.restartAfter)}`;
    push(
      4,
      `Prefix limit: ${n.prefixLimit.limit} (warning at ${n.prefixLimit.warningPercent}%, then ${after})`,
    );
  }
  if (n.sendHoldTime) push(4, `Send hold time: ${n.sendHoldTime} s (RFC 9687)`);
  if (n.staleFamilies.length)
    push(2, `Graceful restart: stale routes kept for ${n.staleFamilies.join(", ")}`);
  if (n.lastNotification) {
    const l = n.lastNotification;
    push(2, `Last NOTIFICATION ${l.direction} ${age(l.at, now)} ago: ${l.message} (${l.code}/${l.subcode})`);
  }
  if (n.lastError && n.state !== "established") push(2, `Last error: ${n.lastError}`);
  return out.join("\n");
}

/** `TCP MD5 password set; TTL security hops 2 (sends TTL 255, accepts TTL >= 254)`, or "" when none is set. */
export function transportText(
  n: Pick<NeighborDetailView, "password" | "ebgpMultihop" | "ttlSecurity">,
): string {
  const parts: string[] = [];
  if (n.password) parts.push("TCP MD5 password set");
  if (n.ttlSecurity !== null)
    parts.push(`TTL security hops ${n.ttlSecurity} (sends TTL 255, accepts TTL >= ${256 - n.ttlSecurity})`);
  if (n.ebgpMultihop !== null) parts.push(`eBGP multihop (sends TTL ${n.ebgpMultihop})`);
  return parts.join("; ");
}
