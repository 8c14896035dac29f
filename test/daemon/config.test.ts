import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import type { KbgpdConfig } from "../../core/config/helpers.js";
import type { NeighborConfig, SpeakerConfig } from "../../core/config/types.js";
import {
  Afi,
  formatExtCommunity,
  IPV4_UNICAST,
  IPV6_UNICAST,
  parsePrefix,
  SegmentType,
} from "../../core/wire/index.js";
import {
  ConfigError,
  type ConfigIssue,
  hashRouterId,
  hostRouterId,
  loadConfigFile,
  parseConfigText,
  parseExtCommunity,
} from "../../daemon/config/index.js";
import { parseAsPath, parsePrefixFilter } from "../../daemon/config/values.js";

const dir = mkdtempSync(join(tmpdir(), "kbgp-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HOST_ID = 0x0a000063; // 10.0.0.99
const opts = { hostRouterId: () => HOST_ID };

let files = 0;
function write(text: string): string {
  const file = join(dir, `config-${files++}.yaml`);
  writeFileSync(file, text);
  return file;
}

const lines = (...l: string[]): string => `${l.join("\n")}\n`;
const load = (text: string): SpeakerConfig => loadConfigFile(write(text), opts);

/** The ConfigError loading `text` from a file throws. */
function failure(text: string): { file: string; error: ConfigError } {
  const file = write(text);
  try {
    loadConfigFile(file, opts);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return { file, error: err as ConfigError };
  }
  throw new Error("expected a ConfigError");
}
const issuesOf = (text: string): readonly ConfigIssue[] => failure(text).error.issues;

/** 1-based line and column of the `nth` occurrence of `needle` in `text`. */
function at(text: string, needle: string, nth = 1): { line: number; column: number } {
  let i = -1;
  for (let k = 0; k < nth; k++) {
    i = text.indexOf(needle, i + 1);
    if (i < 0) throw new Error(`'${needle}' not in text`);
  }
  const before = text.slice(0, i).split("\n");
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

const prefix = (text: string) => {
  const p = parsePrefix(text);
  if (!p) throw new Error(text);
  return p;
};

/** A community from its two halves. */
const comm = (hi: number, lo: number): number => hi * 0x10000 + lo;

const GR_DEFAULT = { enabled: true, restartTime: 120, helperOnly: false, staleTime: 360 };

const FULL = lines(
  "global:",
  "  asn: 65001",
  "  router-id: 192.0.2.1",
  '  listen: { addresses: ["127.0.0.1", "::1"], port: 1179 }',
  "  cluster-id: 192.0.2.100",
  "  graceful-restart: { enabled: true, restart-time: 100, helper-only: true, stale-time: 200, selection-deferral: 90 }",
  '  http: { address: "::1", port: 19179 }',
  "groups:",
  "  clients:",
  "    asn: internal",
  "    route-reflector-client: true",
  "    hold-time: 30",
  "    communities: [no-export]",
  "    max-prefix: { limit: 1000, warning: 80 }",
  "    graceful-restart: { restart-time: 50 }",
  "    next-hop: { ipv4: 198.18.0.1 }",
  "neighbors:",
  "  - address: 192.0.2.2",
  "    group: clients",
  "    description: tor-1",
  "    port: 179",
  "    local-address: 192.0.2.1",
  "    passive: true",
  "    shutdown: false",
  "    keepalive: 5",
  "    connect-retry: 60",
  "    families: [ipv4-unicast]",
  "    next-hop-self: true",
  '    next-hop: { ipv6: "2001:db8::1" }',
  "    as-path-prepend: 0",
  '    large-communities: ["65000:1:2"]',
  '    import-reject: ["10.0.0.0/8", "192.168.0.0/16 le 32", "2001:db8::/32 ge 48 le 64", "172.16.0.0/12 ge 24"]',
  "    max-prefix: { restart-after: 30 }",
  "    graceful-restart: { helper-only: false }",
  "    add-path: { receive: true, send: all }",
  "    extended-next-hop: true",
  '  - address: "2001:db8::2"',
  "    asn: 65002",
  "    description: external peer",
  "    hold-time: 0",
  "    families: [ipv6-unicast, ipv4-unicast]",
  "    as-path-prepend: 3",
  '    communities: ["65000:1", 65000:2, 4259840003]',
  "    max-prefix: { limit: 10, restart-after: never }",
  "    add-path: { send: 2 }",
  "  - address: 192.0.2.3",
  "    asn: external",
  "routes:",
  "  - prefix: 10.1.0.0/24",
  "  - prefix: 10.2.0.0/16",
  "    next-hop: 192.0.2.10",
  "    origin: egp",
  '    as-path: "65010 65011 {65020,65021} 65030"',
  "    med: 10",
  "    local-pref: 200",
  '    communities: ["65000:1", no-advertise]',
  '    large-communities: ["65000:1:2", "4200000000:0:4294967295"]',
  '    extended-communities: ["target:65000:1", "origin:192.0.2.1:7", "target:4200000000:9", "0x0102030405060708"]',
  "  - prefix: 2001:db8:1::/48",
  "    next-hop: self",
  "    origin: incomplete",
  "    as-path: 65010",
  "  - prefix: 2001:db8:1::/48",
  "    identifier: 2",
  '    neighbors: ["2001:DB8::2", 192.0.2.2]',
);

const neighborDefaults = {
  description: "",
  port: 179,
  localAddress: null,
  passive: false,
  password: null,
  shutdown: false,
  holdTime: 90,
  keepalive: 30,
  connectRetry: 120,
  families: [IPV4_UNICAST, IPV6_UNICAST],
  nextHopSelf: false,
  nextHopIpv4: null,
  nextHopIpv6: null,
  routeReflectorClient: false,
  asPathPrepend: 0,
  communities: [],
  largeCommunities: [],
  importReject: [],
  maxPrefix: null,
  gracefulRestart: GR_DEFAULT,
  addPath: { receive: false, send: 0 },
  extendedNextHop: false,
  ebgpMultihop: null,
  ttlSecurity: null,
  learnedToEbgp: true,
  group: null,
} satisfies Omit<NeighborConfig, "address" | "peerAs">;

describe("a full configuration", () => {
  it("resolves into the expected SpeakerConfig", () => {
    const globalGr = { enabled: true, restartTime: 100, helperOnly: true, staleTime: 200 };
    const expected: KbgpdConfig = {
      global: {
        asn: 65001,
        routerId: 0xc0000201,
        listenAddresses: ["127.0.0.1", "::1"],
        port: 1179,
        clusterId: 0xc0000264,
        maxRoutes: 4_000_000,
        gracefulRestart: { ...globalGr, selectionDeferral: 90 },
      },
      neighbors: [
        {
          address: "192.0.2.2",
          description: "tor-1",
          peerAs: "internal",
          port: 179,
          localAddress: "192.0.2.1",
          passive: true,
          password: null,
          shutdown: false,
          holdTime: 30,
          keepalive: 5,
          connectRetry: 60,
          families: [IPV4_UNICAST],
          nextHopSelf: true,
          nextHopIpv4: "198.18.0.1",
          nextHopIpv6: "2001:db8::1",
          routeReflectorClient: true,
          asPathPrepend: 0,
          communities: [0xffffff01],
          largeCommunities: [[65000, 1, 2]],
          importReject: [
            { prefix: prefix("10.0.0.0/8"), ge: 8, le: 8 },
            { prefix: prefix("192.168.0.0/16"), ge: 16, le: 32 },
            { prefix: prefix("2001:db8::/32"), ge: 48, le: 64 },
            { prefix: prefix("172.16.0.0/12"), ge: 24, le: 32 },
          ],
          maxPrefix: { limit: 1000, warningPercent: 80, restartAfter: 30 },
          gracefulRestart: { enabled: true, restartTime: 50, helperOnly: false, staleTime: 200 },
          addPath: { receive: true, send: Infinity },
          extendedNextHop: true,
          ebgpMultihop: null,
          ttlSecurity: null,
          learnedToEbgp: true,
          group: "clients",
        },
        {
          ...neighborDefaults,
          address: "2001:db8::2",
          description: "external peer",
          peerAs: 65002,
          port: 1179,
          holdTime: 0,
          keepalive: 0,
          families: [IPV6_UNICAST, IPV4_UNICAST],
          asPathPrepend: 3,
          communities: [comm(65000, 1), comm(65000, 2), 4259840003],
          maxPrefix: { limit: 10, warningPercent: 90, restartAfter: null },
          gracefulRestart: globalGr,
          addPath: { receive: false, send: 2 },
        },
        {
          ...neighborDefaults,
          address: "192.0.2.3",
          peerAs: "external",
          port: 1179,
          gracefulRestart: globalGr,
          maxPrefix: { limit: 2_000_000, warningPercent: 90, restartAfter: 300 },
        },
      ],
      routes: [
        {
          prefix: prefix("10.1.0.0/24"),
          nextHop: null,
          origin: 0,
          asPath: [],
          med: null,
          localPref: null,
          communities: [],
          largeCommunities: [],
          extCommunities: [],
          identifier: 0,
          neighbors: null,
        },
        {
          prefix: prefix("10.2.0.0/16"),
          nextHop: "192.0.2.10",
          origin: 1,
          asPath: [
            { type: SegmentType.AS_SEQUENCE, asns: [65010, 65011] },
            { type: SegmentType.AS_SET, asns: [65020, 65021] },
            { type: SegmentType.AS_SEQUENCE, asns: [65030] },
          ],
          med: 10,
          localPref: 200,
          communities: [comm(65000, 1), 0xffffff02],
          largeCommunities: [
            [65000, 1, 2],
            [4200000000, 0, 4294967295],
          ],
          extCommunities: [
            Uint8Array.of(0x00, 0x02, 0xfd, 0xe8, 0, 0, 0, 1),
            Uint8Array.of(0x01, 0x03, 192, 0, 2, 1, 0, 7),
            Uint8Array.of(0x02, 0x02, 0xfa, 0x56, 0xea, 0x00, 0, 9),
            Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8),
          ],
          identifier: 0,
          neighbors: null,
        },
        {
          prefix: prefix("2001:db8:1::/48"),
          nextHop: null,
          origin: 2,
          asPath: [{ type: SegmentType.AS_SEQUENCE, asns: [65010] }],
          med: null,
          localPref: null,
          communities: [],
          largeCommunities: [],
          extCommunities: [],
          identifier: 0,
          neighbors: null,
        },
        {
          prefix: prefix("2001:db8:1::/48"),
          nextHop: null,
          origin: 0,
          asPath: [],
          med: null,
          localPref: null,
          communities: [],
          largeCommunities: [],
          extCommunities: [],
          identifier: 2,
          // Canonical (RFC 5952) and sorted, whatever was written.
          neighbors: ["192.0.2.2", "2001:db8::2"],
        },
      ],
      processes: [],
      healthchecks: [],
      kubernetes: null,
      http: { address: "::1", port: 19179 },
    };
    expect(load(FULL)).toEqual(expected);
    expect(parseConfigText(FULL, "inline.yaml", opts)).toEqual(expected);
  });

  it("accepts anchors and aliases", () => {
    const config = load(
      lines(
        "global: { asn: 65001, router-id: 192.0.2.1 }",
        "neighbors:",
        "  - address: 192.0.2.2",
        "    asn: 65002",
        '    communities: &tags ["65000:1", no-export]',
        "  - address: 192.0.2.3",
        "    asn: 65003",
        "    communities: *tags",
      ),
    );
    expect(config.neighbors[1].communities).toEqual([comm(65000, 1), 0xffffff01]);
  });
});

describe("defaults", () => {
  it("fills in everything a minimal file leaves out", () => {
    const config = load(
      lines("global:", "  asn: 65001", "neighbors:", "  - { address: 192.0.2.2, asn: 65002 }"),
    );
    expect(config).toEqual({
      global: {
        asn: 65001,
        routerId: HOST_ID,
        listenAddresses: ["0.0.0.0", "::"],
        port: 179,
        clusterId: HOST_ID,
        maxRoutes: 4_000_000,
        gracefulRestart: { ...GR_DEFAULT, selectionDeferral: 360 },
      },
      // An eBGP neighbor gets a prefix limit unless told otherwise.
      neighbors: [
        {
          ...neighborDefaults,
          address: "192.0.2.2",
          peerAs: 65002,
          maxPrefix: { limit: 2_000_000, warningPercent: 90, restartAfter: 300 },
        },
      ],
      routes: [],
      processes: [],
      healthchecks: [],
      kubernetes: null,
      http: { address: "127.0.0.1", port: 9179 },
    } satisfies KbgpdConfig);
  });

  it("turns off the route guard and an eBGP neighbor's prefix limit with off", () => {
    const config = load(
      lines(
        "global: { asn: 65001, max-routes: off }",
        "groups:",
        "  g: { max-prefix: off }",
        "neighbors:",
        "  - { address: 192.0.2.2, asn: 65002, max-prefix: off }",
        "  - { address: 192.0.2.3, asn: 65003, group: g }",
        "  - { address: 192.0.2.4, asn: 65004, group: g, max-prefix: { limit: 7 } }",
        "  - { address: 192.0.2.5, asn: internal }",
      ),
    );
    expect(config.global.maxRoutes).toBeNull();
    expect(config.neighbors.map((n) => n.maxPrefix?.limit ?? null)).toEqual([null, null, 7, null]);
    expect(load(lines("global: { asn: 65001, max-routes: 10 }")).global.maxRoutes).toBe(10);
  });

  it("treats empty sections as empty and keepalive as a third of hold-time", () => {
    const config = load(
      lines(
        "global: { asn: 65001, listen: { addresses: [] } }",
        "groups:",
        "neighbors:",
        "  - { address: 192.0.2.2, asn: internal, hold-time: 10 }",
        "  - { address: 192.0.2.3, asn: internal, hold-time: 3 }",
        "routes:",
      ),
    );
    expect(config.global.listenAddresses).toEqual([]);
    expect(config.neighbors.map((n) => n.keepalive)).toEqual([3, 1]);
    expect(config.routes).toEqual([]);
  });

  it("asks the host for a router ID only when the file gives none", () => {
    const host = vi.fn(() => 0x0a000001);
    parseConfigText("global: { asn: 1, router-id: 192.0.2.1 }\n", "a.yaml", { hostRouterId: host });
    expect(host).not.toHaveBeenCalled();
    const config = parseConfigText("global: { asn: 1 }\n", "a.yaml", { hostRouterId: host });
    expect(host).toHaveBeenCalledTimes(1);
    expect(config.global.routerId).toBe(0x0a000001);
    expect(config.global.clusterId).toBe(0x0a000001);
  });

  it("derives a non-zero router ID from the host", () => {
    const id = hostRouterId();
    expect(id).toBeGreaterThan(0);
    expect(id).toBeLessThanOrEqual(0xffffffff);
    const hashed = hashRouterId("node-1.example");
    expect(hashed).toBe(hashRouterId("node-1.example"));
    expect(hashed).not.toBe(hashRouterId("node-2.example"));
    expect(hashed >>> 24).toBe(10);
    expect(hashed & 0xffffff).not.toBe(0);
    expect(hashRouterId("") >>> 24).toBe(10);
  });
});

describe("groups", () => {
  const text = lines(
    "global:",
    "  asn: 65001",
    "  graceful-restart: { restart-time: 200, stale-time: 100 }",
    "groups:",
    "  tor:",
    "    asn: external",
    "    hold-time: 9",
    "    families: [ipv4-unicast]",
    '    communities: ["65000:1", "65000:2"]',
    "    max-prefix: { limit: 100, warning: 50 }",
    "    graceful-restart: { restart-time: 30, helper-only: true }",
    "    add-path: { send: all }",
    "    next-hop: { ipv4: 198.18.0.1 }",
    "neighbors:",
    "  - address: 192.0.2.2",
    "    group: tor",
    "  - address: 192.0.2.3",
    "    group: tor",
    "    asn: 65100",
    "    hold-time: 30",
    '    communities: ["65000:3"]',
    "    max-prefix: { limit: 500 }",
    "    graceful-restart: { helper-only: false }",
    "    add-path: { receive: true }",
    '    next-hop: { ipv6: "2001:db8::1" }',
  );

  it("gives a neighbor every key it does not set from its group", () => {
    const [a] = load(text).neighbors;
    expect(a).toMatchObject({
      peerAs: "external",
      holdTime: 9,
      keepalive: 3,
      families: [IPV4_UNICAST],
      communities: [comm(65000, 1), comm(65000, 2)],
      maxPrefix: { limit: 100, warningPercent: 50, restartAfter: null },
      gracefulRestart: { enabled: true, restartTime: 30, helperOnly: true, staleTime: 100 },
      addPath: { receive: false, send: Infinity },
      nextHopIpv4: "198.18.0.1",
      nextHopIpv6: null,
      group: "tor",
    });
  });

  it("lets the neighbor's keys win, merging nested mappings key by key and replacing lists", () => {
    const [, b] = load(text).neighbors;
    expect(b).toMatchObject({
      peerAs: 65100,
      holdTime: 30,
      keepalive: 10,
      families: [IPV4_UNICAST],
      communities: [comm(65000, 3)],
      maxPrefix: { limit: 500, warningPercent: 50, restartAfter: null },
      gracefulRestart: { enabled: true, restartTime: 30, helperOnly: false, staleTime: 100 },
      addPath: { receive: true, send: Infinity },
      nextHopIpv4: "198.18.0.1",
      nextHopIpv6: "2001:db8::1",
    });
  });

  it("reports a problem with an inherited value where the group writes it, under the neighbor's path", () => {
    const t = lines(
      "global: { asn: 65001 }",
      "groups:",
      "  slow:",
      "    asn: internal",
      "    keepalive: 40",
      "neighbors:",
      "  - { address: 192.0.2.2, group: slow, hold-time: 30 }",
    );
    const [issue] = issuesOf(t);
    expect(issue).toMatchObject({
      ...at(t, "40"),
      path: "neighbors[0].keepalive",
      message: "must be less than hold-time 30 (set in group 'slow')",
    });
  });

  it("checks a group's values even when no neighbor uses it", () => {
    const t = lines("global: { asn: 65001 }", "groups:", "  unused: { hold-time: 1, address: 192.0.2.1 }");
    expect(issuesOf(t)).toMatchObject([
      { ...at(t, "1,"), path: "groups.unused.hold-time", message: "must be 0 or at least 3" },
      {
        ...at(t, "address"),
        path: "groups.unused.address",
        message: "'address' cannot be set in a group, only in a neighbor",
      },
    ]);
  });

  it("names an unknown group, with a suggestion", () => {
    const t = lines(
      "global: { asn: 65001 }",
      "groups: { clients: { asn: internal } }",
      "neighbors:",
      "  - { address: 192.0.2.2, group: client }",
    );
    expect(issuesOf(t)).toMatchObject([
      {
        ...at(t, "client }"),
        path: "neighbors[0].group",
        message: "no group named 'client' (did you mean 'clients'?)",
      },
    ]);
  });
});

/** One problem: the text, what it should say, and where (the first occurrence of `mark`, or its nth). */
interface Case {
  readonly name: string;
  readonly yaml: string;
  readonly path: string;
  readonly message: string;
  readonly mark: string;
  readonly nth?: number;
}

const G = "global: { asn: 65001 }";
const neighbor = (body: string): string =>
  lines(G, "neighbors:", `  - { address: 192.0.2.2, asn: 65002, ${body} }`);
const route = (body: string): string => lines(G, "routes:", `  - { prefix: 10.0.0.0/24, ${body} }`);

const cases: Case[] = [
  // global
  {
    name: "missing global",
    yaml: "neighbors: []\n",
    path: "global",
    message: "is required (at least asn)",
    mark: "neighbors",
  },
  {
    name: "missing asn",
    yaml: "global: { router-id: 192.0.2.1 }\n",
    path: "global.asn",
    message: "is required",
    mark: "{",
  },
  {
    name: "asn 0",
    yaml: "global: { asn: 0 }\n",
    path: "global.asn",
    message: "must be between 1 and 4294967295",
    mark: "0",
  },
  {
    name: "asn too big",
    yaml: "global: { asn: 4294967296 }\n",
    path: "global.asn",
    message: "must be between 1 and 4294967295",
    mark: "4294967296",
  },
  {
    name: "asn text",
    yaml: "global: { asn: AS65001 }\n",
    path: "global.asn",
    message: "must be a number, not 'AS65001'",
    mark: "AS65001",
  },
  {
    name: "router-id not IPv4",
    yaml: 'global: { asn: 1, router-id: "2001:db8::1" }\n',
    path: "global.router-id",
    message: "'2001:db8::1' is not an IPv4 address",
    mark: '"2001',
  },
  {
    name: "router-id zero",
    yaml: "global: { asn: 1, router-id: 0.0.0.0 }\n",
    path: "global.router-id",
    message: "must not be 0.0.0.0",
    mark: "0.0.0.0",
  },
  {
    name: "listen address",
    yaml: "global: { asn: 1, listen: { addresses: [127.0.0.1, 127.0.0.256] } }\n",
    path: "global.listen.addresses[1]",
    message: "'127.0.0.256' is not an IP address",
    mark: "127.0.0.256",
  },
  {
    name: "listen address twice",
    yaml: 'global: { asn: 1, listen: { addresses: ["::1", "0:0::1"] } }\n',
    path: "global.listen.addresses[1]",
    message: "duplicate listen address: the same as global.listen.addresses[0]",
    mark: '"0:0::1"',
  },
  {
    name: "listen port 0",
    yaml: "global: { asn: 1, listen: { port: 0 } }\n",
    path: "global.listen.port",
    message: "must be between 1 and 65535",
    mark: "0 }",
  },
  {
    name: "restart-time",
    yaml: "global: { asn: 1, graceful-restart: { restart-time: 4096 } }\n",
    path: "global.graceful-restart.restart-time",
    message: "must be between 0 and 4095",
    mark: "4096",
  },
  {
    name: "selection-deferral 0",
    yaml: "global: { asn: 1, graceful-restart: { selection-deferral: 0 } }\n",
    path: "global.graceful-restart.selection-deferral",
    message: "must be between 1 and 3600",
    mark: "0 }",
  },
  {
    name: "selection-deferral on a neighbor",
    yaml: "global: { asn: 1 }\nneighbors:\n  - { address: 192.0.2.2, asn: 2, graceful-restart: { selection-deferral: 9 } }\n",
    path: "neighbors[0].graceful-restart.selection-deferral",
    message: "unknown key 'selection-deferral'",
    mark: "selection-deferral",
  },
  {
    name: "boolean as yes",
    yaml: "global: { asn: 1, graceful-restart: { enabled: yes } }\n",
    path: "global.graceful-restart.enabled",
    message: "must be true or false, not 'yes'",
    mark: "yes",
  },
  // top level
  {
    name: "empty file",
    yaml: "",
    path: "",
    message: "the file is empty; it needs at least global.asn",
    mark: "",
  },
  {
    name: "root is a list",
    yaml: "- 1\n",
    path: "",
    message:
      "must be a mapping with global, groups, neighbors, routes, processes, healthchecks and kubernetes, not a list",
    mark: "-",
  },
  {
    name: "unknown section",
    yaml: lines(G, "neighbours: []"),
    path: "neighbours",
    message: "unknown key 'neighbours' (did you mean 'neighbors'?)",
    mark: "neighbours",
  },
  {
    name: "neighbors not a list",
    yaml: lines(G, "neighbors: { address: 192.0.2.1 }"),
    path: "neighbors",
    message: "must be a list, not a mapping",
    mark: "{ address",
  },
  // neighbors
  {
    name: "missing address",
    yaml: lines(G, "neighbors:", "  - asn: 65002", "    port: 179"),
    path: "neighbors[0].address",
    message: "is required",
    mark: "asn: 65002",
  },
  {
    name: "missing asn",
    yaml: lines(G, "neighbors:", "  - address: 192.0.2.2", "    port: 179"),
    path: "neighbors[0].asn",
    message: "is required, in the neighbor or its group",
    mark: "address: 192",
  },
  {
    name: "asn keyword",
    yaml: lines(G, "neighbors:", "  - { address: 192.0.2.2, asn: ibgp }"),
    path: "neighbors[0].asn",
    message: "must be an AS number (1..4294967295), 'internal' or 'external'",
    mark: "ibgp",
  },
  {
    name: "bad address",
    yaml: lines(G, "neighbors:", "  - { address: 192.0.2.300, asn: 1 }"),
    path: "neighbors[0].address",
    message: "'192.0.2.300' is not an IP address",
    mark: "192.0.2.300",
  },
  {
    name: "short IPv4 address",
    yaml: lines(G, "neighbors:", "  - { address: 10.1, asn: 1 }"),
    path: "neighbors[0].address",
    message: "must be an IP address, not 10.1",
    mark: "10.1",
  },
  {
    name: "unspecified address",
    yaml: lines(G, "neighbors:", '  - { address: "::", asn: 1 }'),
    path: "neighbors[0].address",
    message: "'::' cannot be a neighbor address",
    mark: '"::"',
  },
  {
    name: "duplicate address",
    yaml: lines(
      G,
      "neighbors:",
      "  - address: 2001:db8::1",
      "    asn: 1",
      "  - address: 2001:DB8:0::1",
      "    asn: 2",
    ),
    path: "neighbors[1].address",
    message: "duplicate neighbor address: the same as neighbors[0]",
    mark: "2001:DB8",
  },
  {
    name: "hold-time 2",
    yaml: neighbor("hold-time: 2"),
    path: "neighbors[0].hold-time",
    message: "must be 0 or at least 3",
    mark: "2 }",
  },
  {
    name: "hold-time negative",
    yaml: neighbor("hold-time: -1"),
    path: "neighbors[0].hold-time",
    message: "must be 0 or at least 3",
    mark: "-1",
  },
  {
    name: "hold-time too long",
    yaml: neighbor("hold-time: 65536"),
    path: "neighbors[0].hold-time",
    message: "must be at most 65535",
    mark: "65536",
  },
  {
    name: "hold-time with unit",
    yaml: neighbor("hold-time: 90s"),
    path: "neighbors[0].hold-time",
    message: "must be a number, not '90s'",
    mark: "90s",
  },
  {
    name: "hold-time fraction",
    yaml: neighbor("hold-time: 4.5"),
    path: "neighbors[0].hold-time",
    message: "must be a whole number, not 4.5",
    mark: "4.5",
  },
  {
    name: "keepalive not below hold-time",
    yaml: neighbor("hold-time: 30, keepalive: 30"),
    path: "neighbors[0].keepalive",
    message: "must be less than hold-time 30",
    mark: "30 }",
  },
  {
    name: "keepalive not below the default hold-time",
    yaml: neighbor("keepalive: 90"),
    path: "neighbors[0].keepalive",
    message: "must be less than the default hold-time 90",
    mark: "90",
  },
  {
    name: "keepalive 0",
    yaml: neighbor("hold-time: 30, keepalive: 0"),
    path: "neighbors[0].keepalive",
    message: "must be at least 1 with hold-time 30",
    mark: "0 }",
  },
  {
    name: "local-address family",
    yaml: neighbor('local-address: "2001:db8::1"'),
    path: "neighbors[0].local-address",
    message: "must be of the same IP family as address 192.0.2.2",
    mark: '"2001',
  },
  {
    name: "port",
    yaml: neighbor("port: 70000"),
    path: "neighbors[0].port",
    message: "must be between 1 and 65535",
    mark: "70000",
  },
  {
    name: "connect-retry",
    yaml: neighbor("connect-retry: 0"),
    path: "neighbors[0].connect-retry",
    message: "must be between 1 and 65535",
    mark: "0 }",
  },
  {
    name: "unknown family",
    yaml: neighbor("families: [ipv4_unicast]"),
    path: "neighbors[0].families[0]",
    message: "must be one of ipv4-unicast, ipv6-unicast, not 'ipv4_unicast' (did you mean 'ipv4-unicast'?)",
    mark: "ipv4_",
  },
  {
    name: "no families",
    yaml: neighbor("families: []"),
    path: "neighbors[0].families",
    message: "must not be empty",
    mark: "[]",
  },
  {
    name: "family twice",
    yaml: neighbor("families: [ipv6-unicast, ipv6-unicast]"),
    path: "neighbors[0].families[1]",
    message: "ipv6-unicast is listed twice",
    mark: "ipv6-unicast",
    nth: 2,
  },
  {
    name: "next-hop.ipv4 given IPv6",
    yaml: neighbor('next-hop: { ipv4: "2001:db8::1" }'),
    path: "neighbors[0].next-hop.ipv4",
    message: "'2001:db8::1' is not an IPv4 address",
    mark: '"2001',
  },
  {
    name: "as-path-prepend",
    yaml: neighbor("as-path-prepend: 17"),
    path: "neighbors[0].as-path-prepend",
    message: "must be between 0 and 16",
    mark: "17",
  },
  {
    name: "route reflector client over eBGP",
    yaml: neighbor("route-reflector-client: true"),
    path: "neighbors[0].route-reflector-client",
    message: "applies only to internal neighbors (asn: internal or our own AS)",
    mark: "true",
  },
  {
    name: "community out of range",
    yaml: neighbor('communities: ["65000:1", "65536:1"]'),
    path: "neighbors[0].communities[1]",
    message: "'65536:1' is not a community (65000:1 or a well-known name)",
    mark: '"65536',
  },
  {
    name: "community misspelt",
    yaml: neighbor("communities: [no-exprot]"),
    path: "neighbors[0].communities[0]",
    message: "'no-exprot' is not a community (65000:1 or a well-known name)",
    mark: "no-exprot",
  },
  {
    name: "large community",
    yaml: neighbor('large-communities: ["65000:1"]'),
    path: "neighbors[0].large-communities[0]",
    message: "'65000:1' is not a large community (65000:1:2)",
    mark: '"65000',
  },
  {
    name: "communities not a list",
    yaml: neighbor('communities: "65000:1"'),
    path: "neighbors[0].communities",
    message: "must be a list, not '65000:1'",
    mark: '"65000',
  },
  {
    name: "prefix filter with host bits",
    yaml: neighbor('import-reject: ["10.0.0.1/8"]'),
    path: "neighbors[0].import-reject[0]",
    message: "'10.0.0.1/8' is not a prefix (like 10.0.0.0/8 or 2001:db8::/32, host bits clear)",
    mark: '"10.0',
  },
  {
    name: "prefix filter ge below the length",
    yaml: neighbor('import-reject: ["10.0.0.0/8 ge 4"]'),
    path: "neighbors[0].import-reject[0]",
    message: "ge 4 is shorter than the prefix length 8",
    mark: '"10.0',
  },
  {
    name: "prefix filter le below ge",
    yaml: neighbor('import-reject: ["10.0.0.0/8 ge 24 le 16"]'),
    path: "neighbors[0].import-reject[0]",
    message: "le 16 is less than ge 24",
    mark: '"10.0',
  },
  {
    name: "prefix filter le past the maximum",
    yaml: neighbor('import-reject: ["2001:db8::/32 le 129"]'),
    path: "neighbors[0].import-reject[0]",
    message: "le 129 is longer than 128 bits",
    mark: '"2001',
  },
  {
    name: "prefix filter le implied by its own length below ge",
    yaml: neighbor('import-reject: ["10.0.0.0/24 le 16"]'),
    path: "neighbors[0].import-reject[0]",
    message: "le 16 is less than ge 24",
    mark: '"10.0',
  },
  {
    name: "prefix filter syntax",
    yaml: neighbor('import-reject: ["10.0.0.0/8 longer"]'),
    path: "neighbors[0].import-reject[0]",
    message: "expected 'ge N' or 'le N' after the prefix, not 'longer'",
    mark: '"10.0',
  },
  {
    name: "max-prefix without limit",
    yaml: neighbor("max-prefix: { warning: 80 }"),
    path: "neighbors[0].max-prefix.limit",
    message: "is required",
    mark: "{ warning",
  },
  {
    name: "max-prefix warning",
    yaml: neighbor("max-prefix: { limit: 10, warning: 101 }"),
    path: "neighbors[0].max-prefix.warning",
    message: "must be between 1 and 100",
    mark: "101",
  },
  {
    name: "max-prefix restart-after",
    yaml: neighbor("max-prefix: { limit: 10, restart-after: soon }"),
    path: "neighbors[0].max-prefix.restart-after",
    message: "must be a whole number between 1 and 2147483, or 'never', not 'soon'",
    mark: "soon",
  },
  {
    name: "add-path send",
    yaml: neighbor("add-path: { send: -1 }"),
    path: "neighbors[0].add-path.send",
    message: "must be a whole number between 0 and 65535, or 'all', not -1",
    mark: "-1",
  },
  {
    name: "unknown key",
    yaml: neighbor("hold_time: 90"),
    path: "neighbors[0].hold_time",
    message: "unknown key 'hold_time' (did you mean 'hold-time'?)",
    mark: "hold_time",
  },
  {
    name: "unknown key in a nested mapping",
    yaml: neighbor("graceful-restart: { restartTime: 90 }"),
    path: "neighbors[0].graceful-restart.restartTime",
    message: "unknown key 'restartTime' (did you mean 'restart-time'?)",
    mark: "restartTime",
  },
  {
    name: "unknown key without a suggestion",
    yaml: neighbor("zebra: 1"),
    path: "neighbors[0].zebra",
    message: "unknown key 'zebra'",
    mark: "zebra",
  },
  // routes
  {
    name: "route without prefix",
    yaml: lines(G, "routes:", "  - { med: 1 }"),
    path: "routes[0].prefix",
    message: "is required",
    mark: "{ med",
  },
  {
    name: "route prefix host bits",
    yaml: lines(G, "routes:", "  - prefix: 10.0.0.1/24"),
    path: "routes[0].prefix",
    message: "'10.0.0.1/24' is not a prefix (like 10.0.0.0/8, host bits clear)",
    mark: "10.0.0.1",
  },
  {
    name: "duplicate route",
    yaml: lines(G, "routes:", "  - prefix: 10.0.0.0/24", "  - prefix: 10.0.0.0/24", "    med: 1"),
    path: "routes[1].prefix",
    message: "duplicate route: the same as routes[0]",
    mark: "10.0.0.0/24",
    nth: 2,
  },
  {
    name: "route next-hop",
    yaml: route("next-hop: selff"),
    path: "routes[0].next-hop",
    message: "'selff' is not an IP address",
    mark: "selff",
  },
  {
    name: "IPv6 route with an IPv4 next hop",
    yaml: lines(G, "routes:", '  - { prefix: "2001:db8::/32", next-hop: 192.0.2.1 }'),
    path: "routes[0].next-hop",
    message: "an IPv6 route needs an IPv6 next hop",
    mark: "192.0.2.1",
  },
  {
    name: "origin",
    yaml: route("origin: igb"),
    path: "routes[0].origin",
    message: "must be one of igp, egp, incomplete, not 'igb' (did you mean 'igp'?)",
    mark: "igb",
  },
  {
    name: "as-path with AS 0",
    yaml: route('as-path: "65001 0"'),
    path: "routes[0].as-path",
    message: "AS number 0 is not between 1 and 4294967295",
    mark: '"65001',
  },
  {
    name: "as-path with an open set",
    yaml: route('as-path: "65001 {1,2"'),
    path: "routes[0].as-path",
    message: "unexpected '{' (AS_SETs are written {65001,65002})",
    mark: '"65001',
  },
  {
    name: "med",
    yaml: route("med: -1"),
    path: "routes[0].med",
    message: "must be between 0 and 4294967295",
    mark: "-1",
  },
  {
    name: "extended community local part out of range",
    yaml: route('extended-communities: ["target:65000:4294967296"]'),
    path: "routes[0].extended-communities[0]",
    message:
      "'target:65000:4294967296' is not an extended community (target:65000:1, origin:192.0.2.1:7 or 0x + 16 hex digits)",
    mark: '"target',
  },
  {
    name: "extended community four-octet AS with a large local part",
    yaml: route('extended-communities: ["target:4200000000:65536"]'),
    path: "routes[0].extended-communities[0]",
    message:
      "'target:4200000000:65536' is not an extended community (target:65000:1, origin:192.0.2.1:7 or 0x + 16 hex digits)",
    mark: '"target',
  },
  {
    name: "extended community unknown type",
    yaml: route('extended-communities: ["color:1:2"]'),
    path: "routes[0].extended-communities[0]",
    message:
      "'color:1:2' is not an extended community (target:65000:1, origin:192.0.2.1:7 or 0x + 16 hex digits)",
    mark: '"color',
  },
];

describe("validation", () => {
  it.each(cases)("$name", (c) => {
    const { file, error } = failure(c.yaml);
    const where = c.mark ? at(c.yaml, c.mark, c.nth) : { line: 1, column: 1 };
    expect(error.issues).toEqual([{ file, ...where, path: c.path, message: c.message }]);
    const pathPart = c.path ? `${c.path}: ` : "";
    expect(error.message).toBe(`${file}:${where.line}:${where.column}: ${pathPart}${c.message}`);
  });

  it("accepts the edges of each rule", () => {
    const config = load(
      lines(
        G,
        "neighbors:",
        "  - { address: 192.0.2.2, asn: 4294967295, hold-time: 3, keepalive: 2, as-path-prepend: 16 }",
        "  - { address: 192.0.2.3, asn: 65001, hold-time: 0, keepalive: 50, route-reflector-client: true }",
        '  - { address: 192.0.2.4, asn: internal, import-reject: ["0.0.0.0/0 le 32", "::/0 ge 128"] }',
        "  - { address: 192.0.2.5, asn: 1, max-prefix: { limit: 1, restart-after: 1 }, add-path: { send: 0 } }",
        "routes:",
        '  - { prefix: 10.0.0.0/8, next-hop: "2001:db8::1", as-path: "" }',
        "  - { prefix: 10.0.0.0/9, med: 4294967295, local-pref: 0 }",
      ),
    );
    expect(config.neighbors.map((n) => [n.holdTime, n.keepalive])).toEqual([
      [3, 2],
      [0, 50],
      [90, 30],
      [90, 30],
    ]);
    expect(config.neighbors[2].importReject).toEqual([
      { prefix: prefix("0.0.0.0/0"), ge: 0, le: 32 },
      { prefix: prefix("::/0"), ge: 128, le: 128 },
    ]);
    expect(config.neighbors[3].maxPrefix).toEqual({ limit: 1, warningPercent: 90, restartAfter: 1 });
    expect(config.routes[0]).toMatchObject({ nextHop: "2001:db8::1", asPath: [] });
  });

  it("reports every problem at once, in file order", () => {
    const t = lines(
      "global:",
      "  asn: 65001",
      "  colour: blue",
      "neighbors:",
      "  - address: 192.0.2.2",
      "    asn: 65002",
      "    hold-time: 2",
      "  - address: 192.0.2.2",
      "    asn: 65003",
      "    keepalive: 100",
      "routes:",
      "  - prefix: 10.0.0.0/33",
    );
    const { file, error } = failure(t);
    expect(error.issues.map((i) => [i.line, i.column, i.path])).toEqual([
      [3, 3, "global.colour"],
      [7, 16, "neighbors[0].hold-time"],
      [8, 14, "neighbors[1].address"],
      [10, 16, "neighbors[1].keepalive"],
      [12, 13, "routes[0].prefix"],
    ]);
    expect(error.message.split("\n")).toEqual([
      `${file}:3:3: global.colour: unknown key 'colour'`,
      `${file}:7:16: neighbors[0].hold-time: must be 0 or at least 3`,
      `${file}:8:14: neighbors[1].address: duplicate neighbor address: the same as neighbors[0]`,
      `${file}:10:16: neighbors[1].keepalive: must be less than the default hold-time 90`,
      `${file}:12:13: routes[0].prefix: '10.0.0.0/33' is not a prefix (like 10.0.0.0/8, host bits clear)`,
    ]);
  });

  it("lets a prefix repeat with another identifier or other neighbors, not with the same ones", () => {
    const t = lines(
      G,
      "routes:",
      "  - { prefix: 10.0.0.0/8 }",
      "  - { prefix: 10.0.0.0/8, identifier: 1 }",
      "  - { prefix: 10.0.0.0/8, neighbors: [192.0.2.2] }",
      '  - { prefix: 10.0.0.0/8, neighbors: ["192.0.2.3", "192.0.2.2"] }',
      "  - { prefix: 10.0.0.0/8, identifier: 1, neighbors: [192.0.2.2] }",
      '  - { prefix: 10.0.0.0/8, neighbors: ["192.0.2.2", "192.0.2.3"], identifier: 0 }',
    );
    expect(issuesOf(t).map((i) => [i.path, i.message])).toEqual([
      ["routes[5].prefix", "duplicate route: the same as routes[3]"],
    ]);
  });

  it("finds duplicates among items with other problems", () => {
    const t = lines(
      G,
      "neighbors:",
      "  - { address: 192.0.2.2, asn: 1 }",
      "  - { address: 192.0.2.2, asn: 1, port: x }",
      "routes:",
      "  - { prefix: 10.0.0.0/8, med: x }",
      "  - { prefix: 10.0.0.0/8 }",
    );
    expect(issuesOf(t).map((i) => [i.path, i.message])).toEqual([
      ["neighbors[1].address", "duplicate neighbor address: the same as neighbors[0]"],
      ["neighbors[1].port", "must be a number, not 'x'"],
      ["routes[0].med", "must be a number, not 'x'"],
      ["routes[1].prefix", "duplicate route: the same as routes[0]"],
    ]);
  });

  it("quotes group names that are not plain words in paths", () => {
    const t = lines(G, "groups:", '  "tor a": { hold-time: 1 }');
    expect(issuesOf(t)).toMatchObject([{ path: 'groups["tor a"].hold-time', ...at(t, "1 }", 2) }]);
  });
});

describe("YAML syntax", () => {
  it("reports a syntax error with its position", () => {
    const t = lines("global:", "  asn: 65001", "neighbors:", "  - address: [192.0.2.1", "routes: []");
    const issues = issuesOf(t);
    expect(issues.length).toBeGreaterThan(0);
    expect(issues[0]).toMatchObject({ line: 5, column: 1, path: "" });
  });

  it("reports a duplicate key", () => {
    const t = lines("global:", "  asn: 65001", "  asn: 65002");
    const { file, error } = failure(t);
    expect(error.issues).toEqual([{ file, line: 3, column: 3, path: "", message: "duplicate key 'asn'" }]);
    expect(error.message).toBe(`${file}:3:3: duplicate key 'asn'`);
  });

  it("reports tab indentation", () => {
    const issues = issuesOf("global:\n\tasn: 65001\n");
    expect(issues[0]).toMatchObject({ line: 2, path: "" });
  });

  it("rejects several documents in one file", () => {
    expect(issuesOf(lines(G, "---", G))[0]).toMatchObject({ line: 2, path: "" });
  });

  it("names the file given to parseConfigText", () => {
    expect(() => parseConfigText("global: [\n", "embedded default", opts)).toThrow(/^embedded default:2:1: /);
  });
});

describe("files", () => {
  it("turns an unreadable file into a ConfigError without a position", () => {
    const missing = join(dir, "missing.yaml");
    try {
      loadConfigFile(missing, opts);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const e = err as ConfigError;
      expect(e.issues).toMatchObject([{ file: missing, line: 0, column: 0, path: "" }]);
      expect(e.message.startsWith(`${missing}: cannot read the file: ENOENT`)).toBe(true);
    }
  });
});

describe("docs/config.md", () => {
  const doc = readFileSync(new URL("../../docs/config.md", import.meta.url), "utf8");
  const example = /```yaml\n([\s\S]*?)```/.exec(doc)?.[1];

  it("has a full example that loads", () => {
    expect(example).toBeDefined();
    const config = parseConfigText(example ?? "", "docs/config.md", opts);
    expect(config.global.asn).toBe(65001);
    expect(config.neighbors.map((n) => n.address)).toEqual([
      "192.0.2.2",
      "2001:db8::2",
      "198.51.100.7",
      "203.0.113.9",
    ]);
    expect(config.neighbors[1]).toMatchObject({
      peerAs: 65100,
      maxPrefix: { limit: 5000, warningPercent: 80, restartAfter: 30 },
      addPath: { receive: true, send: Infinity },
    });
    expect(config.routes.map((r) => r.prefix.afi)).toEqual([Afi.IPV4, Afi.IPV4, Afi.IPV6]);
    expect(config.processes.map((p) => p.name)).toEqual(["announcer"]);
    expect(config.healthchecks.map((h) => [h.name, h.withdrawOnDown])).toEqual([
      ["web", false],
      ["vip", true],
    ]);
    expect(config.healthchecks[0].routes.down[0]).toMatchObject({ med: 1000 });
  });

  it("documents every key the loader accepts", () => {
    for (const key of [
      "router-id",
      "cluster-id",
      "restart-time",
      "helper-only",
      "stale-time",
      "selection-deferral",
      "local-address",
      "password",
      "connect-retry",
      "next-hop-self",
      "route-reflector-client",
      "as-path-prepend",
      "large-communities",
      "import-reject",
      "max-prefix",
      "restart-after",
      "max-routes",
      "add-path",
      "extended-next-hop",
      "extended-communities",
      "local-pref",
      "processes",
      "run",
      "env",
      "working-directory",
      "ack",
      "healthchecks",
      "command",
      "timeout",
      "interval",
      "fast-interval",
      "rise",
      "fall",
      "disable-file",
      "withdraw-on-down",
      "prefixes",
      "up",
      "down",
      "disabled",
    ]) {
      expect(doc).toContain(`\`${key}\``);
    }
  });
});

describe("value parsers", () => {
  it("parses extended communities into what formatExtCommunity prints back", () => {
    for (const text of [
      "target:65000:1",
      "target:65535:4294967295",
      "origin:0:0",
      "origin:192.0.2.1:7",
      "target:10.0.0.1:65535",
      "target:4200000000:9",
      "origin:65536:65535",
      "0x030b000000000001",
    ]) {
      const bytes = parseExtCommunity(text);
      expect(bytes, text).not.toBeNull();
      expect(formatExtCommunity(bytes!)).toBe(text);
    }
    expect(parseExtCommunity("TARGET:65000:1")).toEqual(parseExtCommunity("target:65000:1"));
    for (const bad of [
      "target:65000",
      "target:1.2.3:1",
      "target:192.0.2.1:65536",
      "0x0102",
      "rt:1:2",
      "target:x:1",
    ]) {
      expect(parseExtCommunity(bad), bad).toBeNull();
    }
  });

  it("parses AS paths", () => {
    expect(parseAsPath("")).toEqual({ ok: true, value: [] });
    expect(parseAsPath("  1 2  {3, 4} {5} 6 ")).toEqual({
      ok: true,
      value: [
        { type: SegmentType.AS_SEQUENCE, asns: [1, 2] },
        { type: SegmentType.AS_SET, asns: [3, 4] },
        { type: SegmentType.AS_SET, asns: [5] },
        { type: SegmentType.AS_SEQUENCE, asns: [6] },
      ],
    });
    expect(parseAsPath("4294967295").ok).toBe(true);
    for (const bad of ["4294967296", "1,2", "{}", "1 }", "(1 2)", "a"])
      expect(parseAsPath(bad).ok, bad).toBe(false);
  });

  it("parses prefix filters like a prefix list", () => {
    const f = (text: string) => {
      const r = parsePrefixFilter(text);
      return r.ok ? [r.value.ge, r.value.le] : r.message;
    };
    expect(f("10.0.0.0/8")).toEqual([8, 8]);
    expect(f("10.0.0.0/8 le 24")).toEqual([8, 24]);
    expect(f("10.0.0.0/8 ge 16")).toEqual([16, 32]);
    expect(f("10.0.0.0/8 le 24 ge 16")).toEqual([16, 24]);
    expect(f("2001:db8::/32 ge 48")).toEqual([48, 128]);
    expect(f("10.0.0.0/8  GE 9  LE 9")).toEqual([9, 9]);
    expect(f("10.0.0.0/8 ge 9 ge 10")).toBe("'ge' is given twice");
    expect(f("10.0.0.0/8 le")).toBe("'le' needs a prefix length");
    expect(f("10.0.0.0/8 ge 33")).toBe("ge 33 is longer than 32 bits");
  });
});
