/**
 * The `processes` and `healthchecks` sections → ProcessConfig and HealthcheckConfig (core/config/helpers.ts):
 * defaults applied (ExaBGP's healthcheck defaults, so a migrated check behaves the same), names unique, and
 * each health check's routes built once per state with that state's attributes.
 */
import type { AnnouncedState, HealthcheckConfig, ProcessConfig } from "../../core/config/helpers.js";
import type { RouteConfig } from "../../core/config/types.js";
import { formatPrefix } from "../../core/wire/index.js";
import type { Path } from "./errors.js";
import { type HealthcheckInput, healthcheckSchema, processSchema } from "./helper-schema.js";
import { listOf, noDuplicates } from "./lists.js";
import { resolveRoutes } from "./routes.js";
import { check, type RawIssue, type RouteInput } from "./schema.js";

/** ExaBGP's healthcheck defaults (`--timeout`, `--interval`, `--fast-interval`, `--rise`, `--fall`). */
export const HEALTHCHECK_DEFAULTS = { timeout: 5, interval: 5, fastInterval: 1, rise: 3, fall: 3 } as const;
/** ExaBGP's `--up-metric`, `--down-metric`, `--disabled-metric`: the MED of each state unless set. */
export const DEFAULT_MED: Readonly<Record<AnnouncedState, number>> = { up: 100, down: 1000, disabled: 500 };

const STATES: readonly AnnouncedState[] = ["up", "down", "disabled"];
const nameOf = (item: Record<string, unknown>) => (typeof item.name === "string" ? item.name : null);

export function resolveProcesses(value: unknown, out: RawIssue[]): ProcessConfig[] {
  const raw = listOf(value, "processes", out);
  noDuplicates(raw, ["processes"], "name", nameOf, "process name", out);
  return raw.flatMap((item, i) => {
    const p = check(processSchema, item, ["processes", i], out);
    if (!p) return [];
    return [
      {
        name: p.name,
        run: p.run,
        env: p.env ?? {},
        workingDirectory: p["working-directory"] ?? null,
        ack: p.ack ?? true,
      },
    ];
  });
}

export function resolveHealthchecks(value: unknown, out: RawIssue[]): HealthcheckConfig[] {
  const raw = listOf(value, "healthchecks", out);
  noDuplicates(raw, ["healthchecks"], "name", nameOf, "health check name", out);
  return raw.flatMap((item, i) => {
    const path: Path = ["healthchecks", i];
    const h = check(healthcheckSchema, item, path, out);
    if (!h) return [];
    const withdrawOnDown = h["withdraw-on-down"] ?? false;
    if (withdrawOnDown) {
      for (const state of ["down", "disabled"] as const) {
        if (h[state])
          out.push({
            path: [...path, state],
            which: "key",
            message: `has no effect with withdraw-on-down: true (the routes are withdrawn when ${state})`,
          });
      }
    }
    return [
      {
        name: h.name,
        command: h.command,
        timeout: h.timeout ?? HEALTHCHECK_DEFAULTS.timeout,
        interval: h.interval ?? HEALTHCHECK_DEFAULTS.interval,
        fastInterval: h["fast-interval"] ?? HEALTHCHECK_DEFAULTS.fastInterval,
        rise: h.rise ?? HEALTHCHECK_DEFAULTS.rise,
        fall: h.fall ?? HEALTHCHECK_DEFAULTS.fall,
        disableFile: h["disable-file"] ?? null,
        withdrawOnDown,
        routes: stateRoutes(h, path, withdrawOnDown, out),
      },
    ];
  });
}

/** Each state's routes: its own attributes, else the check's, else (MED) ExaBGP's default for the state. */
function stateRoutes(
  h: HealthcheckInput,
  path: Path,
  withdrawOnDown: boolean,
  out: RawIssue[],
): Record<AnnouncedState, RouteConfig[]> {
  const seen = new Map<string, number>();
  h.prefixes.forEach((p, i) => {
    const key = formatPrefix(p);
    const first = seen.get(key);
    if (first === undefined) seen.set(key, i);
    else out.push({ path: [...path, "prefixes", i], message: `${key} is listed twice` });
  });
  const routes = {} as Record<AnnouncedState, RouteConfig[]>;
  for (const state of STATES) {
    if (withdrawOnDown && state !== "up") {
      routes[state] = [];
      continue;
    }
    const s = h[state] ?? {};
    const inputs = h.prefixes.map((prefix, i) => {
      const input: RouteInput = {
        prefix,
        "next-hop": h["next-hop"],
        origin: h.origin,
        "as-path": s["as-path"] ?? h["as-path"],
        med: s.med ?? h.med ?? DEFAULT_MED[state],
        "local-pref": s["local-pref"] ?? h["local-pref"],
        communities: s.communities ?? h.communities,
        "large-communities": s["large-communities"] ?? h["large-communities"],
        "extended-communities": s["extended-communities"] ?? h["extended-communities"],
        identifier: h.identifier,
        neighbors: h.neighbors,
      };
      return { input, path: [...path, "prefixes", i] };
    });
    // The rules between fields (an IPv6 prefix needs an IPv6 next hop) hold alike in every state: report once.
    routes[state] = resolveRoutes(inputs, state === "up" ? out : []);
  }
  return routes;
}
