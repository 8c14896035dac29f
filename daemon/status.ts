/**
 * A neighbor summary in gobgp's layout (Peer, AS, Up/Down, State, #Received, Accepted), logged now and then
 * by the demo until the `kbgp` command line can ask for it.
 */
import type { Peer } from "../core/speaker/peer.js";
import type { Speaker } from "../core/speaker/speaker.js";

const SHORT: Record<string, string> = {
  idle: "Idle",
  connect: "Connect",
  active: "Active",
  opensent: "Sent",
  openconfirm: "Confirm",
  established: "Establ",
};

/** gobgp's Up/Down: HH:MM:SS, "Nd HH:MM:SS" past a day, "never" before the first session. */
export function upDown(p: Peer, now: number): string {
  if (p.establishedCount === 0 && !p.upSince) return "never";
  const s = Math.floor((now - (p.upSince ?? p.downSince)) / 1000);
  const hms = [Math.floor((s % 86400) / 3600), Math.floor((s % 3600) / 60), s % 60]
    .map((n) => String(n).padStart(2, "0"))
    .join(":");
  return s >= 86400 ? `${Math.floor(s / 86400)}d ${hms}` : hms;
}

export function stateLabel(p: Peer): string {
  if (p.adminDown) return "Idle(Admin)";
  if (p.prefixLimitDown) return "Idle(PfxCt)";
  return SHORT[p.state] ?? p.state;
}

export function neighborTable(sp: Speaker, now: number): string {
  const rows = [["Peer", "AS", "Up/Down", "State", "#Received", "Accepted"]];
  for (const p of sp.peers.values()) {
    const received = [...p.ribIn.received.values()].reduce((a, b) => a + b, 0);
    const name = p.hostname ? `${p.hostname}(${p.id})` : p.id;
    rows.push([
      name,
      String(p.peerAs),
      upDown(p, now),
      stateLabel(p),
      String(received),
      String(p.ribIn.acceptedCount()),
    ]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows
    .map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  "))
    .join("\n");
}
