/**
 * kbgpd's logs: JSON lines through pino when stdout is not a terminal (files, journald, Kubernetes), short
 * human lines on a terminal. Levels: debug, info, warn, error.
 */
import pino from "pino";
import type { LogLevel } from "../core/speaker/io.js";

export interface Logger {
  log(level: LogLevel, msg: string, fields?: Record<string, unknown>): void;
}

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export function createLogger(level: LogLevel, human = process.stdout.isTTY === true): Logger {
  if (!human) {
    const p = pino({ level, base: { name: "kbgpd" } });
    return { log: (l, msg, fields) => p[l](fields ?? {}, msg) };
  }
  return {
    log(l, msg, fields) {
      if (RANK[l] < RANK[level]) return;
      const t = new Date().toISOString().slice(11, 19);
      // The neighbor, helper process or health check a line is about.
      const about = fields?.neighbor ?? fields?.process ?? fields?.healthcheck;
      const who = about ? `${about}: ` : "";
      process.stdout.write(`${t} ${l.toUpperCase().padEnd(5)} ${who}${msg}\n`);
    },
  };
}
