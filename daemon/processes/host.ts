/**
 * Where a helper process's ExaBGP commands go inside kbgpd (core/api/exabgp-session.ts's host): its routes
 * straight to the speaker as the source `process:<name>` — checked with the configuration's route rules,
 * not written to the state directory (a helper re-announces when it is started again) — and its neighbor
 * commands as the same admin inputs the control API uses. Everything here is synchronous with the speaker,
 * so lines apply in the order the helper wrote them.
 */

import { VERSION } from "../../cli/version.js";
import type { ExabgpHost, NeighborAction } from "../../core/api/exabgp-session.js";
import type { Input } from "../../core/speaker/io.js";
import { formatIp, parseIp } from "../../core/wire/index.js";
import { resolveRoutes } from "../routes/api-routes.js";

export interface HelperContext {
  readonly dispatch: (input: Input) => void;
  /** The configured neighbors' addresses. */
  readonly neighbors: () => Iterable<string>;
}

export interface HelperIo {
  /** False once the process has exited: whatever it wrote last is moot, its routes are already gone. */
  readonly alive: () => boolean;
  readonly say: (line: string) => void;
  readonly unanswered: (line: number, error: string) => void;
}

/** `process:<name>`: the helper's routes in the Loc-RIB (rib.list shows them from `local:process:<name>`). */
export const processSource = (name: string): string => `process:${name}`;

const canonical = (address: string): string => {
  const bytes = parseIp(address);
  return bytes ? formatIp(bytes) : address;
};

export function helperHost(name: string, ctx: HelperContext, io: HelperIo): ExabgpHost {
  const source = processSource(name);
  return {
    async send(op, texts) {
      if (!io.alive()) return [];
      const { routes, refused } = resolveRoutes(texts);
      if (routes.length)
        ctx.dispatch({ kind: "routes", source, op: op === "add" ? "add" : "remove", routes });
      return refused;
    },
    async neighbors(action: NeighborAction, scope) {
      if (!io.alive()) return;
      const known = new Set(ctx.neighbors());
      const list = scope ? scope.map(canonical) : [...known];
      const unknown = list.find((n) => !known.has(n));
      if (unknown !== undefined) throw new Error(`no neighbor ${unknown}`);
      for (const neighbor of list) ctx.dispatch({ kind: "admin", neighbor, action });
    },
    async clear() {
      if (io.alive()) ctx.dispatch({ kind: "routes", source, op: "clear" });
    },
    clearRefusal: "a helper process clears only its own routes: 'clear adj-rib out'",
    shutdownRefusal: "a helper process cannot stop kbgpd; use its service manager",
    version: `kbgpd ${VERSION}`,
    say: io.say,
    unanswered: io.unanswered,
  };
}
