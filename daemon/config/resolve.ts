/**
 * Checked sections → `KbgpdConfig`: defaults applied, groups merged into neighbors, and the rules that
 * involve more than one value (keepalive below hold-time, unique addresses, address families that must
 * match). Each section item is checked on its own, so one bad neighbor does not hide another's problems.
 */

import { didYouMean } from "../../core/api/suggest.js";
import type { HttpListen, KbgpdConfig } from "../../core/config/helpers.js";
import {
  DEFAULT_EBGP_MAX_PREFIX,
  DEFAULT_MAX_ROUTES,
  type GlobalConfig,
  type GracefulRestartConfig,
  type MaxPrefixConfig,
  type NeighborConfig,
  type PeerAs,
} from "../../core/config/types.js";
import {
  type FamilyKey,
  IPV4_UNICAST,
  IPV6_UNICAST,
  type Prefix,
  parseIp,
  parsePrefix,
} from "../../core/wire/index.js";
import { formatPath, type Path } from "./errors.js";
import { resolveHealthchecks, resolveProcesses } from "./helpers.js";
import { hostNodeName, type PeerTemplate, resolveKubernetes } from "./kubernetes.js";
import { isMapping, listOf, noDuplicates } from "./lists.js";
import { hostRouterId } from "./router-id.js";
import { resolveRoutes } from "./routes.js";
import {
  type Address,
  check,
  describe,
  type FamilyName,
  type GlobalInput,
  type GroupInput,
  globalSchema,
  groupSchema,
  type NeighborInput,
  neighborSchema,
  type RawIssue,
  routeSchema,
  SECTIONS,
} from "./schema.js";

export interface ResolveOptions {
  /** The router ID when the file gives none; defaults to `hostRouterId` (from the host's addresses). */
  readonly hostRouterId?: () => number;
  /** The Kubernetes node name when the file gives none; defaults to `hostNodeName`. */
  readonly hostNodeName?: () => string;
}

export const DEFAULT_PORT = 179;
/** Metrics and health (docs/metrics.md): on, on loopback only, at BGP's port number plus 9000. */
export const DEFAULT_HTTP: HttpListen = { address: "127.0.0.1", port: 9179 };
export const DEFAULT_LISTEN_ADDRESSES: readonly string[] = ["0.0.0.0", "::"];
export const DEFAULT_HOLD_TIME = 90;
export const DEFAULT_CONNECT_RETRY = 120;
export const DEFAULT_MAX_PREFIX_WARNING = 90;
export const DEFAULT_GRACEFUL_RESTART: GracefulRestartConfig = {
  enabled: true,
  restartTime: 120,
  helperOnly: false,
  staleTime: 360,
};
/** RFC 4724 §4.1: "The default value is 360 seconds." */
export const DEFAULT_SELECTION_DEFERRAL = 360;

const FAMILIES: Readonly<Record<FamilyName, FamilyKey>> = {
  "ipv4-unicast": IPV4_UNICAST,
  "ipv6-unicast": IPV6_UNICAST,
};

const bytesKey = (b: Uint8Array): string => Buffer.from(b).toString("hex");
const bytesOf = (b: Uint8Array | null): string | null => (b ? bytesKey(b) : null);
const prefixKey = (p: Prefix | null): string | null => (p ? `${bytesKey(p.addr)}/${p.length}` : null);
const textKey = (v: unknown, parse: (s: string) => Uint8Array | null): string | null =>
  typeof v === "string" ? bytesOf(parse(v)) : null;

/** A route is the same route when prefix, identifier and neighbors are (core/config/route-key.ts). */
function routeIdentity(r: Record<string, unknown>): string | null {
  const p = typeof r.prefix === "string" ? prefixKey(parsePrefix(r.prefix)) : null;
  if (p === null) return null;
  const neighbors = Array.isArray(r.neighbors)
    ? r.neighbors
        .map((a) => textKey(a, parseIp) ?? String(a))
        .sort()
        .join(",")
    : "";
  return `${p}#${String(r.identifier ?? 0)}@${neighbors}`;
}

/** The configuration in `data` (a parsed YAML document), or undefined when `out` got any issue. */
export function resolveConfig(data: unknown, opts: ResolveOptions, out: RawIssue[]): KbgpdConfig | undefined {
  if (data === null || data === undefined) {
    out.push({ path: [], message: "the file is empty; it needs at least global.asn" });
    return undefined;
  }
  if (!isMapping(data)) {
    out.push({
      path: [],
      message: `must be a mapping with ${SECTIONS.slice(0, -1).join(", ")} and ${SECTIONS.at(-1)}, not ${describe(data)}`,
    });
    return undefined;
  }
  for (const key of Object.keys(data)) {
    if (!(SECTIONS as readonly string[]).includes(key)) {
      out.push({ path: [key], which: "key", message: `unknown key '${key}'${didYouMean(key, SECTIONS)}` });
    }
  }
  let global: GlobalConfig | undefined;
  let http: HttpListen | null = DEFAULT_HTTP;
  if (data.global === undefined) {
    out.push({ path: [], field: ["global"], message: "is required (at least asn)" });
  } else {
    const input = check(globalSchema, data.global, ["global"], out);
    if (input) {
      global = resolveGlobal(input, opts, out);
      http = resolveHttp(input.http);
    }
  }
  const groups = checkGroups(data.groups, out);
  const rawNeighbors = listOf(data.neighbors, "neighbors", out);
  const rawRoutes = listOf(data.routes, "routes", out);
  // On the raw items, so that a duplicate is found even when the item has other problems.
  noDuplicates(
    rawNeighbors,
    ["neighbors"],
    "address",
    (n) => textKey(n.address, parseIp),
    "neighbor address",
    out,
  );
  noDuplicates(rawRoutes, ["routes"], "prefix", routeIdentity, "route", out);
  const neighbors = rawNeighbors.flatMap((raw, i) => {
    const input = check(neighborSchema, raw, ["neighbors", i], out);
    return input ? [{ input, path: ["neighbors", i] as Path }] : [];
  });
  const routes = rawRoutes.flatMap((raw, i) => {
    const input = check(routeSchema, raw, ["routes", i], out);
    return input ? [{ input, path: ["routes", i] as Path }] : [];
  });
  const config: KbgpdConfig = {
    global: global ?? PLACEHOLDER_GLOBAL,
    neighbors: resolveNeighbors(neighbors, groups, global, out),
    routes: resolveRoutes(routes, out),
    processes: resolveProcesses(data.processes, out),
    healthchecks: resolveHealthchecks(data.healthchecks, out),
    kubernetes: resolveKubernetes(
      data.kubernetes,
      opts.hostNodeName ?? hostNodeName,
      (group) => peerTemplate(group, groups, global, out),
      out,
    ),
    http,
  };
  return out.length === 0 && global ? config : undefined;
}

/** The neighbor settings peers from the Kubernetes cluster start from: a neighbor with no settings of its
 *  own, in `group` if one is named (its problems are reported at `kubernetes.peering`), and the prefix limit
 *  an eBGP one gets (the same neighbor resolved as external: the group's max-prefix, `off`, or the default). */
function peerTemplate(
  group: string | undefined,
  groups: Groups,
  global: GlobalConfig | undefined,
  out: RawIssue[],
): PeerTemplate | undefined {
  const input: NeighborInput = {
    address: { text: "0.0.0.0", bytes: new Uint8Array(4) },
    asn: "internal",
    ...(group === undefined ? {} : { group }),
  };
  const path = ["kubernetes", "peering"];
  const template = resolveNeighbors([{ input, path }], groups, global, out)[0];
  if (!template) return undefined;
  // Its problems are the template's, reported once above (an internal-only key would add a false one).
  const external = resolveNeighbors([{ input: { ...input, asn: "external" }, path }], groups, global, []);
  return { template, ebgpMaxPrefix: external[0]?.maxPrefix ?? template.maxPrefix };
}

/** Stands in for a global section with problems, so neighbors are still checked against the defaults. */
const PLACEHOLDER_GLOBAL: GlobalConfig = {
  asn: 0,
  routerId: 0,
  listenAddresses: [],
  port: DEFAULT_PORT,
  clusterId: 0,
  gracefulRestart: { ...DEFAULT_GRACEFUL_RESTART, selectionDeferral: DEFAULT_SELECTION_DEFERRAL },
};

interface Groups {
  /** Every group the file names, valid or not. */
  readonly declared: ReadonlySet<string>;
  readonly valid: ReadonlyMap<string, GroupInput>;
}

function checkGroups(value: unknown, out: RawIssue[]): Groups {
  const declared = new Set<string>();
  const valid = new Map<string, GroupInput>();
  if (value === undefined || value === null) return { declared, valid };
  if (!isMapping(value)) {
    out.push({
      path: ["groups"],
      message: `must be a mapping of group names to neighbor settings, not ${describe(value)}`,
    });
    return { declared, valid };
  }
  for (const [name, raw] of Object.entries(value)) {
    declared.add(name);
    const input = check(groupSchema, raw ?? {}, ["groups", name], out);
    if (input) valid.set(name, input);
  }
  return { declared, valid };
}

type GrInput = NonNullable<GroupInput["graceful-restart"]>;

/** Graceful restart settings key by key: the first layer that sets a key wins, then `base`. */
function gracefulRestart(
  layers: readonly (GrInput | undefined)[],
  base: GracefulRestartConfig,
): GracefulRestartConfig {
  const pick = <K extends keyof GrInput>(key: K): GrInput[K] =>
    layers.find((l) => l?.[key] !== undefined)?.[key];
  return {
    enabled: pick("enabled") ?? base.enabled,
    restartTime: pick("restart-time") ?? base.restartTime,
    helperOnly: pick("helper-only") ?? base.helperOnly,
    staleTime: pick("stale-time") ?? base.staleTime,
  };
}

function resolveGlobal(g: GlobalInput, opts: ResolveOptions, out: RawIssue[]): GlobalConfig {
  const addresses = g.listen?.addresses;
  if (addresses) uniqueAddresses(addresses, ["global", "listen", "addresses"], "listen address", out);
  const routerId = g["router-id"] ?? (opts.hostRouterId ?? hostRouterId)();
  return {
    asn: g.asn,
    routerId,
    listenAddresses: addresses ? addresses.map((a) => a.text) : DEFAULT_LISTEN_ADDRESSES,
    port: g.listen?.port ?? DEFAULT_PORT,
    clusterId: g["cluster-id"] ?? routerId,
    maxRoutes: g["max-routes"] === undefined ? DEFAULT_MAX_ROUTES : g["max-routes"],
    gracefulRestart: {
      ...gracefulRestart([g["graceful-restart"]], DEFAULT_GRACEFUL_RESTART),
      selectionDeferral: g["graceful-restart"]?.["selection-deferral"] ?? DEFAULT_SELECTION_DEFERRAL,
    },
  };
}

function resolveHttp(h: GlobalInput["http"]): HttpListen | null {
  if (h?.enabled === false) return null;
  return { address: h?.address?.text ?? DEFAULT_HTTP.address, port: h?.port ?? DEFAULT_HTTP.port };
}

function uniqueAddresses(list: readonly Address[], path: Path, what: string, out: RawIssue[]): void {
  const seen = new Map<string, number>();
  list.forEach((a, i) => {
    const first = seen.get(bytesKey(a.bytes));
    if (first === undefined) {
      seen.set(bytesKey(a.bytes), i);
    } else {
      out.push({
        path: [...path, i],
        message: `duplicate ${what}: the same as ${formatPath([...path, first])}`,
      });
    }
  });
}

/** A value and the path it is written at. */
interface Sourced<T> {
  readonly value: T;
  readonly path: Path;
}

interface Layer {
  readonly input: GroupInput;
  readonly path: Path;
}

/** A nested mapping's type: the object among what the key may hold. */
type Mapping<K extends keyof GroupInput> = Extract<NonNullable<GroupInput[K]>, object>;

/** A neighbor's keys looked up in the neighbor, then its group. */
class Layers {
  constructor(readonly layers: readonly Layer[]) {}

  get<K extends keyof GroupInput>(key: K): Sourced<NonNullable<GroupInput[K]>> | undefined {
    for (const l of this.layers) {
      const value = l.input[key];
      if (value !== undefined) return { value: value as NonNullable<GroupInput[K]>, path: [...l.path, key] };
    }
    return undefined;
  }

  /** A key of one of the nested mappings (`max-prefix.limit`), merged key by key across the layers. */
  sub<K extends keyof GroupInput, S extends keyof Mapping<K>>(
    key: K,
    sub: S,
  ): Sourced<NonNullable<Mapping<K>[S]>> | undefined {
    for (const l of this.layers) {
      const layer = l.input[key];
      // A keyword in place of the mapping (`max-prefix: off`) has no keys.
      const value = typeof layer === "object" ? (layer as Mapping<K>)[sub] : undefined;
      if (value !== undefined) {
        return { value: value as NonNullable<Mapping<K>[S]>, path: [...l.path, key, sub as string] };
      }
    }
    return undefined;
  }
}

function resolveNeighbors(
  neighbors: readonly { input: NeighborInput; path: Path }[],
  groups: Groups,
  global: GlobalConfig | undefined,
  out: RawIssue[],
): NeighborConfig[] {
  const g = global ?? PLACEHOLDER_GLOBAL;
  const result: NeighborConfig[] = [];
  for (const { input: n, path: np } of neighbors) {
    const layers: Layer[] = [{ input: n, path: np }];
    if (n.group !== undefined) {
      const group = groups.valid.get(n.group);
      if (!group) {
        // A group with problems of its own has been reported; checking against half of it would mislead.
        if (!groups.declared.has(n.group)) {
          out.push({
            path: [...np, "group"],
            message: `no group named '${n.group}'${didYouMean(n.group, groups.declared)}`,
          });
        }
        continue;
      }
      layers.push({ input: group, path: ["groups", n.group] });
    }
    const f = new Layers(layers);
    /** Report a problem with neighbor field `field`, at the place its value is written. */
    const report = (src: Sourced<unknown> | undefined, field: string[], message: string) => {
      const inherited = src && src.path[0] === "groups" ? ` (set in group '${n.group}')` : "";
      out.push({ path: src?.path ?? np, field: [...np, ...field], message: message + inherited });
    };

    const asn = f.get("asn");
    if (!asn) report(undefined, ["asn"], "is required, in the neighbor or its group");
    const peerAs: PeerAs = asn?.value ?? "external";

    const local = f.get("local-address");
    if (local && local.value.bytes.length !== n.address.bytes.length) {
      report(local, ["local-address"], `must be of the same IP family as address ${n.address.text}`);
    }

    const hold = f.get("hold-time");
    const holdTime = hold?.value ?? DEFAULT_HOLD_TIME;
    const ka = f.get("keepalive");
    let keepalive = Math.floor(holdTime / 3);
    if (ka) {
      keepalive = ka.value;
      const against = hold ? `hold-time ${holdTime}` : `the default hold-time ${holdTime}`;
      if (holdTime > 0 && keepalive === 0) {
        report(ka, ["keepalive"], `must be at least 1 with ${against}`);
      } else if (holdTime > 0 && keepalive >= holdTime) {
        report(ka, ["keepalive"], `must be less than ${against}`);
      }
    }

    const rrClient = f.get("route-reflector-client");
    const external = peerAs === "external" || (typeof peerAs === "number" && global && peerAs !== global.asn);
    if (rrClient?.value && asn && external) {
      report(
        rrClient,
        ["route-reflector-client"],
        "applies only to internal neighbors (asn: internal or our own AS)",
      );
    }

    // Both set the TTL sent with, to different values: FRR refuses the pair too.
    const multihop = f.get("ebgp-multihop");
    const ttlSecurity = f.get("ttl-security");
    if (multihop && ttlSecurity) {
      const later =
        ttlSecurity.path[0] === "groups" && multihop.path[0] !== "groups" ? multihop : ttlSecurity;
      const other = later === ttlSecurity ? "ebgp-multihop" : "ttl-security";
      report(
        later,
        [later === ttlSecurity ? "ttl-security" : "ebgp-multihop"],
        `cannot be set together with ${other}`,
      );
    }

    // Unset, an eBGP neighbor gets DEFAULT_EBGP_MAX_PREFIX (a memory guard); `off` means no limit.
    let maxPrefix: MaxPrefixConfig | null = external ? DEFAULT_EBGP_MAX_PREFIX : null;
    const maxPrefixSet = f.get("max-prefix");
    if (maxPrefixSet?.value === "off") maxPrefix = null;
    else if (maxPrefixSet) {
      const limit = f.sub("max-prefix", "limit");
      if (!limit) {
        out.push({ path: maxPrefixSet.path, field: [...np, "max-prefix", "limit"], message: "is required" });
      }
      maxPrefix = {
        limit: limit?.value ?? 0,
        warningPercent: f.sub("max-prefix", "warning")?.value ?? DEFAULT_MAX_PREFIX_WARNING,
        restartAfter: f.sub("max-prefix", "restart-after")?.value ?? null,
      };
    }

    result.push({
      address: n.address.text,
      description: f.get("description")?.value ?? "",
      peerAs,
      port: f.get("port")?.value ?? g.port,
      localAddress: local?.value.text ?? null,
      passive: f.get("passive")?.value ?? false,
      password: f.get("password")?.value ?? null,
      ebgpMultihop: multihop?.value ?? null,
      ttlSecurity: ttlSecurity?.value ?? null,
      shutdown: f.get("shutdown")?.value ?? false,
      holdTime,
      keepalive,
      connectRetry: f.get("connect-retry")?.value ?? DEFAULT_CONNECT_RETRY,
      families: (f.get("families")?.value ?? ["ipv4-unicast", "ipv6-unicast"]).map((name) => FAMILIES[name]),
      nextHopSelf: f.get("next-hop-self")?.value ?? false,
      nextHopIpv4: f.sub("next-hop", "ipv4")?.value.text ?? null,
      nextHopIpv6: f.sub("next-hop", "ipv6")?.value.text ?? null,
      routeReflectorClient: rrClient?.value ?? false,
      asPathPrepend: f.get("as-path-prepend")?.value ?? 0,
      communities: f.get("communities")?.value ?? [],
      largeCommunities: f.get("large-communities")?.value ?? [],
      importReject: f.get("import-reject")?.value ?? [],
      maxPrefix,
      gracefulRestart: gracefulRestart(
        layers.map((l) => l.input["graceful-restart"]),
        g.gracefulRestart,
      ),
      addPath: {
        receive: f.sub("add-path", "receive")?.value ?? false,
        send: f.sub("add-path", "send")?.value ?? 0,
      },
      extendedNextHop: f.get("extended-next-hop")?.value ?? false,
      learnedToEbgp: true,
      group: n.group ?? null,
    });
  }
  return result;
}
