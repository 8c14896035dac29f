/**
 * The file format (docs/config.md) as zod schemas. These check each value on its own and turn text into
 * values (addresses, prefixes, communities); defaults, groups and rules between fields are resolve.ts's.
 * Every key is optional here unless nothing can stand in for it, so a group can hold any subset.
 */
import { readFileSync } from "node:fs";
import * as z from "zod";
import { didYouMean } from "../../core/api/suggest.js";
import { MAX_PASSWORD_BYTES } from "../../core/config/types.js";
import {
  formatIp,
  type LargeCommunity,
  parseCommunity,
  parseIp,
  parseIpv4Number,
  parseLargeCommunity,
  parsePrefix,
} from "../../core/wire/index.js";
import type { Path } from "./errors.js";
import { parseExtCommunity } from "./ext-community.js";
import { fail, MAX_ASN, ok, type Parsed, parseAsPath, parsePeerAs, parsePrefixFilter } from "./values.js";

/** How a value looks in a message: `'text'`, `42`, `empty`, `a list`. */
export function describe(v: unknown): string {
  if (v === null || v === undefined) return "empty";
  if (typeof v === "string") return `'${v}'`;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  return typeof v;
}

const EXPECTED: Readonly<Record<string, string>> = {
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  string: "a string",
  array: "a list",
  object: "a mapping of keys to values",
};

/** Messages for the issues zod raises itself; ours carry their own. */
const errorMap: z.core.$ZodErrorMap = (iss) => {
  switch (iss.code) {
    case "invalid_type":
      if (iss.input === undefined) return "is required";
      return `must be ${EXPECTED[iss.expected] ?? iss.expected}, not ${describe(iss.input)}`;
    case "too_small":
      return iss.origin === "array" || iss.origin === "string"
        ? "must not be empty"
        : `must be at least ${iss.minimum}`;
    case "too_big":
      return `must be at most ${iss.maximum}`;
    case "invalid_value": {
      const values = iss.values.map(String);
      const hint = typeof iss.input === "string" ? didYouMean(iss.input, values) : "";
      return `must be one of ${values.join(", ")}, not ${describe(iss.input)}${hint}`;
    }
    default:
      return undefined;
  }
};

/** A value given as text (or, with `numbers`, as a number written as text), checked by `parse`. */
function text<T>(parse: (s: string) => Parsed<T>, what: string, numbers = false) {
  return z.unknown().transform((v, ctx): T => {
    let message = "is required";
    if (typeof v === "string" || (numbers && typeof v === "number")) {
      const r = parse(String(v));
      if (r.ok) return r.value;
      message = r.message;
    } else if (v !== undefined) {
      message = `must be ${what}, not ${describe(v)}`;
    }
    ctx.addIssue({ code: "custom", message });
    return z.NEVER;
  });
}

const orNull =
  <T>(parse: (s: string) => T | null, what: string) =>
  (s: string): Parsed<T> => {
    const v = parse(s);
    return v === null ? fail(`'${s}' is not ${what}`) : ok(v);
  };

/** An address as configured, with its bytes (4 or 16) for comparisons. */
export interface Address {
  readonly text: string;
  readonly bytes: Uint8Array;
}

function parseAddress(s: string, family?: 4 | 6): Parsed<Address> {
  const bytes = parseIp(s);
  if (!bytes || (family && bytes.length !== (family === 4 ? 4 : 16))) {
    return fail(`'${s}' is not ${family ? `an IPv${family} address` : "an IP address"}`);
  }
  // The canonical text (RFC 5952 for IPv6): neighbors are named by it everywhere, whatever was written.
  return ok({ text: formatIp(bytes), bytes });
}

const address = (family?: 4 | 6) =>
  text((s) => parseAddress(s, family), family ? `an IPv${family} address` : "an IP address");

export const intIn = (min: number, max: number) => {
  const error = `must be between ${min} and ${max}`;
  return z.int().min(min, { error }).max(max, { error });
};

/** A number in [min, max] or one keyword, which maps to `keywordValue`. */
function intOr<K extends string, V>(keyword: K, keywordValue: V, min: number, max: number) {
  const error = `must be a whole number between ${min} and ${max}, or '${keyword}'`;
  return z.unknown().transform((v, ctx): number | V => {
    if (v === keyword) return keywordValue;
    if (typeof v === "number" && Number.isInteger(v) && v >= min && v <= max) return v;
    ctx.addIssue({
      code: "custom",
      message: v === undefined ? "is required" : `${error}, not ${describe(v)}`,
    });
    return z.NEVER;
  });
}

export const bool = z.boolean();
const port = intIn(1, 65535);
const asNumber = intIn(1, MAX_ASN);
const u32 = intIn(0, 0xffffffff);

const routerId = text((s) => {
  const n = parseIpv4Number(s);
  if (n === null) return fail(`'${s}' is not an IPv4 address`);
  return n === 0 ? fail("must not be 0.0.0.0") : ok(n);
}, "an IPv4 address");
const clusterId = text(
  (s) => {
    const n = /^\d+$/.test(s) ? Number(s) : parseIpv4Number(s);
    return n === null || n > 0xffffffff ? fail(`'${s}' is not an IPv4 address or 32-bit number`) : ok(n);
  },
  "an IPv4 address or 32-bit number",
  true,
);

export const community = text(
  orNull(parseCommunity, "a community (65000:1 or a well-known name)"),
  "a community",
  true,
);
export const largeCommunity = text(
  orNull<LargeCommunity>(parseLargeCommunity, "a large community (65000:1:2)"),
  "a large community",
);
const extCommunity = text(
  orNull(
    parseExtCommunity,
    "an extended community (target:65000:1, origin:192.0.2.1:7 or 0x + 16 hex digits)",
  ),
  "an extended community",
);
const prefix = text(orNull(parsePrefix, "a prefix (like 10.0.0.0/8, host bits clear)"), "a prefix");
const prefixFilter = text(parsePrefixFilter, "a prefix filter");

const FAMILY_NAMES = ["ipv4-unicast", "ipv6-unicast"] as const;
export type FamilyName = (typeof FAMILY_NAMES)[number];

export const gracefulRestartSchema = z
  .strictObject({
    enabled: bool,
    "restart-time": intIn(0, 4095),
    "helper-only": bool,
    "stale-time": intIn(0, 65535),
  })
  .partial();

/** The password's own rules, wherever it came from: 1..80 bytes (Linux's limit). */
function checkPassword(v: string, ctx: z.RefinementCtx, path: PropertyKey[] = []): string {
  const bytes = Buffer.byteLength(v);
  if (bytes >= 1 && bytes <= MAX_PASSWORD_BYTES) return v;
  const message =
    bytes === 0 ? "must not be empty" : `must be at most ${MAX_PASSWORD_BYTES} bytes, not ${bytes}`;
  ctx.addIssue({ code: "custom", message, path });
  return z.NEVER;
}

/**
 * A TCP MD5 password: the text itself, `{ file: PATH }` (a mounted Secret: read at every load, so a reload
 * picks up a rotated one; one trailing newline dropped) or `{ env: NAME }` (kbgpd's environment). Messages
 * never show the value: a password written as a YAML number would appear.
 */
const password = z.unknown().transform((v, ctx): string => {
  if (typeof v === "string") return checkPassword(v, ctx);
  if (v && typeof v === "object" && !Array.isArray(v)) {
    const keys = Object.keys(v);
    const o = v as Record<string, unknown>;
    if (keys.length === 1 && typeof o.file === "string" && o.file !== "") {
      let text: string;
      try {
        text = readFileSync(o.file, "utf8");
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
        ctx.addIssue({ code: "custom", message: `cannot read '${o.file}' (${code})`, path: ["file"] });
        return z.NEVER;
      }
      return checkPassword(text.replace(/\r?\n$/, ""), ctx, ["file"]);
    }
    if (keys.length === 1 && typeof o.env === "string" && o.env !== "") {
      const text = process.env[o.env];
      if (text === undefined) {
        ctx.addIssue({ code: "custom", message: `environment variable ${o.env} is not set`, path: ["env"] });
        return z.NEVER;
      }
      return checkPassword(text, ctx, ["env"]);
    }
  }
  ctx.addIssue({
    code: "custom",
    message:
      v === undefined
        ? "is required"
        : "must be a string, { file: PATH } or { env: NAME } (quote a password that YAML reads as a number)",
  });
  return z.NEVER;
});

const maxPrefixMapping = z
  .strictObject({
    limit: intIn(1, MAX_ASN),
    warning: intIn(1, 100),
    "restart-after": intOr("never", null, 1, 2147483),
  })
  .partial();

/** Every neighbor key except `address` and `group`: what a group may set. */
const neighborFields = {
  asn: z.unknown().transform((v, ctx) => {
    const r = parsePeerAs(v);
    if (r.ok) return r.value;
    ctx.addIssue({ code: "custom", message: r.message });
    return z.NEVER;
  }),
  description: z.string(),
  port,
  "local-address": address(),
  passive: bool,
  password,
  "ebgp-multihop": intIn(1, 255),
  // RFC 5082 §3: at most 255 - 1 hops, since a TTL of 255 - N must still be at least 1.
  "ttl-security": intIn(1, 254),
  shutdown: bool,
  "hold-time": z
    .int()
    .refine((v) => v === 0 || v >= 3, { error: "must be 0 or at least 3" })
    .max(65535),
  keepalive: intIn(0, 65535),
  "connect-retry": intIn(1, 65535),
  families: z
    .array(z.enum(FAMILY_NAMES))
    .min(1)
    .superRefine((list, ctx) => {
      list.forEach((f, i) => {
        if (list.indexOf(f) !== i)
          ctx.addIssue({ code: "custom", message: `${f} is listed twice`, path: [i] });
      });
    }),
  "next-hop-self": bool,
  "next-hop": z.strictObject({ ipv4: address(4), ipv6: address(6) }).partial(),
  "route-reflector-client": bool,
  "as-path-prepend": intIn(0, 16),
  communities: z.array(community),
  "large-communities": z.array(largeCommunity),
  "import-reject": z.array(prefixFilter),
  "max-prefix": z.unknown().transform((v, ctx): "off" | z.output<typeof maxPrefixMapping> => {
    // `off` turns off an eBGP neighbor's default limit; a union would lose the mapping's own messages.
    if (v === "off") return v;
    const r = maxPrefixMapping.safeParse(v, { error: errorMap });
    if (r.success) return r.data;
    for (const iss of r.error.issues) ctx.addIssue({ ...iss, input: v } as never);
    return z.NEVER;
  }),
  "graceful-restart": gracefulRestartSchema,
  "add-path": z.strictObject({ receive: bool, send: intOr("all", Infinity, 0, 65535) }).partial(),
  "extended-next-hop": bool,
};

export const groupSchema = z.strictObject(neighborFields).partial();
export type GroupInput = z.output<typeof groupSchema>;

export const neighborSchema = z.strictObject({
  ...groupSchema.shape,
  address: text((s) => {
    const a = parseAddress(s);
    return a.ok && a.value.bytes.every((b) => b === 0) ? fail(`'${s}' cannot be a neighbor address`) : a;
  }, "an IP address"),
  group: z.string().min(1).optional(),
});
export type NeighborInput = z.output<typeof neighborSchema>;

export const globalSchema = z.strictObject({
  asn: asNumber,
  "router-id": routerId.optional(),
  listen: z
    .strictObject({ addresses: z.array(address()), port })
    .partial()
    .optional(),
  "cluster-id": clusterId.optional(),
  "max-routes": intOr("off", null, 1, MAX_ASN).optional(),
  "graceful-restart": gracefulRestartSchema
    .extend({ "selection-deferral": intIn(1, 3600).optional() })
    .optional(),
  /** kbgpd's metrics and health endpoints (docs/metrics.md); the daemon's, not the speaker's. */
  http: z.strictObject({ enabled: bool, address: address(), port }).partial().optional(),
});
export type GlobalInput = z.output<typeof globalSchema>;

const ORIGINS = ["igp", "egp", "incomplete"] as const;

export const routeSchema = z.strictObject({
  prefix,
  "next-hop": text<Address | null>(
    (s) => (s === "self" ? ok(null) : parseAddress(s)),
    "'self' or an IP address",
  ).optional(),
  origin: z
    .enum(ORIGINS)
    .transform((o) => ORIGINS.indexOf(o) as 0 | 1 | 2)
    .optional(),
  "as-path": text(parseAsPath, "an AS path (65010 65011 {65020,65021})", true).optional(),
  med: u32.optional(),
  "local-pref": u32.optional(),
  communities: z.array(community).optional(),
  "large-communities": z.array(largeCommunity).optional(),
  "extended-communities": z.array(extCommunity).optional(),
  identifier: u32.optional(),
  neighbors: z.array(address()).min(1).optional(),
});
export type RouteInput = z.output<typeof routeSchema>;

/** The top-level keys and what each holds. */
export const SECTIONS = [
  "global",
  "groups",
  "neighbors",
  "routes",
  "processes",
  "healthchecks",
  "kubernetes",
] as const;

/** A problem before positions are known: where it is written and, when that differs, the field it is
 *  about (a neighbor's value inherited from its group is written in the group). */
export interface RawIssue {
  readonly path: Path;
  readonly field?: Path;
  readonly which?: "key" | "value";
  readonly message: string;
}

/** The keys an object schema at `path` inside `schema` accepts, for suggestions. */
function keysAt(schema: z.ZodType, path: Path): string[] {
  let s: unknown = schema;
  for (let i = 0; ; i++) {
    for (;;) {
      if (s instanceof z.ZodOptional) s = s.unwrap();
      else if (s instanceof z.ZodPipe) s = s.in;
      else break;
    }
    if (i === path.length) return s instanceof z.ZodObject ? Object.keys(s.shape) : [];
    if (s instanceof z.ZodObject) s = s.shape[path[i]];
    else if (s instanceof z.ZodArray) s = s.element;
    else return [];
  }
}

/** Check `value` against `schema`; issues go to `out` with `base` in front of their paths. */
export function check<S extends z.ZodType>(
  schema: S,
  value: unknown,
  base: Path,
  out: RawIssue[],
): z.output<S> | undefined {
  const r = schema.safeParse(value, { error: errorMap });
  if (r.success) return r.data;
  for (const iss of r.error.issues) {
    const path = [...base, ...(iss.path as (string | number)[])];
    if (iss.code === "unrecognized_keys") {
      const known = keysAt(schema, iss.path as Path);
      for (const key of iss.keys) {
        const inGroup = base[0] === "groups" && (key === "address" || key === "group");
        const message = inGroup
          ? `'${key}' cannot be set in a group, only in a neighbor`
          : `unknown key '${key}'${didYouMean(key, known)}`;
        out.push({ path: [...path, key], which: "key", message });
      }
    } else {
      out.push({ path, message: iss.message });
    }
  }
  return undefined;
}
