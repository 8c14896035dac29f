/**
 * The shell's command history, kept per user across sessions: `$KBGP_HISTORY`, else
 * `$XDG_STATE_HOME/kbgp/history` (default `~/.local/state/kbgp/history`); the newest 1,000 lines, no
 * consecutive repeats, no lines starting with a blank (bash's ignorespace, for things not to keep). A
 * history that cannot be read or written costs the history only, never the shell.
 */
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";

export const HISTORY_MAX = 1000;

export function historyPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.KBGP_HISTORY) return env.KBGP_HISTORY;
  const state = env.XDG_STATE_HOME || join(env.HOME || homedir(), ".local", "state");
  return join(state, "kbgp", "history");
}

export class History {
  readonly entries: string[];

  constructor(private readonly path: string | null) {
    let lines: string[] = [];
    try {
      if (path) lines = readFileSync(path, "utf8").split("\n").filter(Boolean);
    } catch {
      // No history yet, or unreadable: start empty.
    }
    this.entries = lines.slice(-HISTORY_MAX);
  }

  add(line: string): void {
    if (!line.trim() || line.startsWith(" ") || this.entries[this.entries.length - 1] === line) return;
    this.entries.push(line);
    const full = this.entries.length > HISTORY_MAX;
    if (full) this.entries.splice(0, this.entries.length - HISTORY_MAX);
    if (!this.path) return;
    try {
      mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
      if (full) writeFileSync(this.path, `${this.entries.join("\n")}\n`, { mode: 0o600 });
      else appendFileSync(this.path, `${line}\n`, { mode: 0o600 });
    } catch {
      // A read-only home (a pod's): the history lives for this session only.
    }
  }
}
