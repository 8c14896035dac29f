/**
 * The `processes` and `healthchecks` sections (docs/config.md) as zod schemas. Like schema.ts, these check
 * each value on its own; defaults and the rules between fields are helpers.ts's. Route attributes are the
 * `routes` entry's own schemas, so a health-checked prefix is checked exactly as a configured route.
 */
import * as z from "zod";
import { bool, describe, intIn, routeSchema } from "./schema.js";

/** Names become source names (`process:<name>`) and log fields: plain words only. */
const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/, {
  error: "must be 1 to 63 letters, digits, '.', '_' or '-', starting with a letter or digit",
});

/** A program and its arguments. No shell runs it, so a single string would be one program name with spaces. */
const argv = (example: string) =>
  z
    .array(z.string().min(1), {
      error: (iss) => {
        if (iss.code !== "invalid_type") return undefined;
        if (iss.input === undefined) return "is required";
        return typeof iss.input === "string"
          ? `must be a list of the program and its arguments, like ${example} (no shell runs it)`
          : `must be a list, not ${describe(iss.input)}`;
      },
    })
    .min(1);

const absolutePath = z
  .string()
  .refine((p) => p.startsWith("/"), { error: "must be an absolute path (starting with /)" });

/** Environment variables: names without '=', values as text (numbers and booleans written as such). */
const env = z
  .record(
    z.string().regex(/^[^=\0]+$/, { error: "a variable name must not be empty or contain '='" }),
    z.unknown().transform((v, ctx): string => {
      if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return String(v);
      ctx.addIssue({ code: "custom", message: `must be a string, not ${describe(v)}` });
      return z.NEVER;
    }),
  )
  .optional();

export const processSchema = z.strictObject({
  name,
  run: argv('["/usr/local/bin/announce.py", "--flag"]'),
  env,
  "working-directory": absolutePath.optional(),
  ack: bool.optional(),
});
export type ProcessInput = z.output<typeof processSchema>;

/** Seconds, fractions allowed (ExaBGP's healthcheck takes them too). */
const seconds = z.number().min(0.1).max(86400);
const count = intIn(1, 1000);
const r = routeSchema.shape;

/** What may differ between the states up, down and disabled. */
export const stateAttributesSchema = z.strictObject({
  med: r.med,
  "local-pref": r["local-pref"],
  "as-path": r["as-path"],
  communities: r.communities,
  "large-communities": r["large-communities"],
  "extended-communities": r["extended-communities"],
});

export const healthcheckSchema = z.strictObject({
  name,
  command: argv('["curl", "-sf", "http://127.0.0.1/healthz"]'),
  timeout: seconds.optional(),
  interval: seconds.optional(),
  "fast-interval": seconds.optional(),
  rise: count.optional(),
  fall: count.optional(),
  "disable-file": absolutePath.optional(),
  "withdraw-on-down": bool.optional(),
  prefixes: z.array(r.prefix).min(1),
  "next-hop": r["next-hop"],
  origin: r.origin,
  "as-path": r["as-path"],
  med: r.med,
  "local-pref": r["local-pref"],
  communities: r.communities,
  "large-communities": r["large-communities"],
  "extended-communities": r["extended-communities"],
  identifier: r.identifier,
  neighbors: r.neighbors,
  up: stateAttributesSchema.optional(),
  down: stateAttributesSchema.optional(),
  disabled: stateAttributesSchema.optional(),
});
export type HealthcheckInput = z.output<typeof healthcheckSchema>;
