/**
 * Who may use the control sockets: the file mode and group given on kbgpd's command line, checked before
 * anything starts so a typo stops kbgpd with one line instead of leaving a socket nobody can open.
 */
import { readFileSync } from "node:fs";

/** "0660", "660" or "0o660": octal permission bits, at most 0777. */
export function parseMode(text: string, flag: string): number {
  const digits = text.replace(/^0o/, "");
  if (!/^[0-7]{1,4}$/.test(digits) || Number.parseInt(digits, 8) > 0o777)
    throw new Error(`${flag} must be octal permission bits like 0660, not '${text}'`);
  return Number.parseInt(digits, 8);
}

/** A group name (looked up in /etc/group, as getgrnam would) or a numeric id. */
export function resolveGroup(text: string, groupFile = "/etc/group"): number {
  if (/^\d+$/.test(text)) return Number(text);
  let lines: string[] = [];
  try {
    lines = readFileSync(groupFile, "utf8").split("\n");
  } catch {
    // No group file: only numeric ids can work.
  }
  for (const line of lines) {
    const [name, , gid] = line.split(":");
    if (name === text && /^\d+$/.test(gid ?? "")) return Number(gid);
  }
  throw new Error(`--socket-group: no group '${text}' in ${groupFile} (give a name there or a number)`);
}

/** --socket-max-clients: a whole number of connections, 1 to 65536. */
export function parseMaxClients(text: string, flag: string): number {
  const n = /^\d{1,6}$/.test(text) ? Number(text) : Number.NaN;
  if (!(n >= 1 && n <= 65536))
    throw new Error(`${flag} must be a whole number from 1 to 65536, not '${text}'`);
  return n;
}
