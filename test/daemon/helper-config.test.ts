/**
 * The configuration's `processes` and `healthchecks` sections: what they resolve to (ExaBGP's healthcheck
 * defaults, each state's routes with its own attributes) and every mistake refused with file:line:col and
 * field, misspelt keys with a suggestion.
 */
import { describe, expect, it } from "vitest";
import type { HealthcheckConfig } from "../../core/config/helpers.js";
import { ConfigError, type ConfigIssue, parseConfigText } from "../../daemon/config/index.js";
import { route } from "../helpers/speaker-config.js";

const opts = { hostRouterId: () => 0x0a000063 };
const G = "global: { asn: 65001 }";
const lines = (...l: string[]): string => `${l.join("\n")}\n`;
const load = (text: string) => parseConfigText(text, "k.yaml", opts);

function issues(text: string): Pick<ConfigIssue, "line" | "column" | "path" | "message">[] {
  try {
    load(text);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).issues.map(({ line, column, path, message }) => ({
      line,
      column,
      path,
      message,
    }));
  }
  throw new Error("expected a ConfigError");
}

/** An issue expected where `mark` is written (its `nth` occurrence, counting from 1). */
function at(text: string, mark: string, path: string, message: string, nth = 1) {
  let i = -1;
  for (let k = 0; k < nth; k++) {
    i = text.indexOf(mark, i + 1);
    if (i < 0) throw new Error(`'${mark}' not in the text`);
  }
  const before = text.slice(0, i).split("\n");
  return { line: before.length, column: before[before.length - 1].length + 1, path, message };
}

describe("processes", () => {
  it("resolves with defaults: kbgpd's directory and environment, answers on", () => {
    const c = load(
      lines(
        G,
        "processes:",
        '  - { name: announcer, run: ["/usr/local/bin/announce.py", "--flag"] }',
        "  - name: other.one",
        "    run: [/bin/helper]",
        "    env: { TOKEN: abc, PORT: 8080, DEBUG: true }",
        "    working-directory: /var/lib/helper",
        "    ack: false",
      ),
    );
    expect(c.processes).toEqual([
      {
        name: "announcer",
        run: ["/usr/local/bin/announce.py", "--flag"],
        env: {},
        workingDirectory: null,
        ack: true,
      },
      {
        name: "other.one",
        run: ["/bin/helper"],
        env: { TOKEN: "abc", PORT: "8080", DEBUG: "true" },
        workingDirectory: "/var/lib/helper",
        ack: false,
      },
    ]);
    expect(load(lines(G)).processes).toEqual([]);
  });

  it("refuses mistakes, each at its place", () => {
    const text = lines(
      G,
      "processes:",
      '  - { name: a, run: "/bin/announce --flag" }',
      "  - { name: a, run: [/bin/x], working_directory: /tmp }",
      "  - { name: -bad, run: [], env: { X: [1] } }",
      "  - { run: [/bin/x], ack: yes, working-directory: tmp }",
    );
    expect(issues(text)).toEqual([
      at(
        text,
        '"/bin/announce',
        "processes[0].run",
        'must be a list of the program and its arguments, like ["/usr/local/bin/announce.py", "--flag"] (no shell runs it)',
      ),
      at(text, "a, run: [/bin/x]", "processes[1].name", "duplicate process name: the same as processes[0]"),
      at(
        text,
        "working_directory",
        "processes[1].working_directory",
        "unknown key 'working_directory' (did you mean 'working-directory'?)",
      ),
      at(
        text,
        "-bad",
        "processes[2].name",
        "must be 1 to 63 letters, digits, '.', '_' or '-', starting with a letter or digit",
      ),
      at(text, "[], env", "processes[2].run", "must not be empty"),
      at(text, "[1]", "processes[2].env.X", "must be a string, not a list"),
      at(text, "{ run: [/bin/x], ack", "processes[3].name", "is required"),
      at(text, "yes", "processes[3].ack", "must be true or false, not 'yes'"),
      at(text, "tmp }", "processes[3].working-directory", "must be an absolute path (starting with /)", 2),
    ]);
  });
});

describe("healthchecks", () => {
  it("resolves with ExaBGP's defaults: MED 100 up, 1000 down, 500 disabled, and each state's own attributes", () => {
    const c = load(
      lines(
        G,
        "healthchecks:",
        "  - name: web",
        '    command: [curl, -sf, "http://127.0.0.1/healthz"]',
        "    prefixes: [203.0.113.10/32, 2001:db8::10/128]",
        '    communities: ["65001:1"]',
        '    down: { communities: ["65001:2"], as-path: "65001 65001" }',
      ),
    );
    const [h] = c.healthchecks;
    expect(h).toEqual({
      name: "web",
      command: ["curl", "-sf", "http://127.0.0.1/healthz"],
      timeout: 5,
      interval: 5,
      fastInterval: 1,
      rise: 3,
      fall: 3,
      disableFile: null,
      withdrawOnDown: false,
      routes: {
        up: [
          route("203.0.113.10/32", { med: 100, communities: [65001 * 65536 + 1] }),
          route("2001:db8::10/128", { med: 100, communities: [65001 * 65536 + 1] }),
        ],
        down: [
          route("203.0.113.10/32", {
            med: 1000,
            communities: [65001 * 65536 + 2],
            asPath: [{ type: 2, asns: [65001, 65001] }],
          }),
          route("2001:db8::10/128", {
            med: 1000,
            communities: [65001 * 65536 + 2],
            asPath: [{ type: 2, asns: [65001, 65001] }],
          }),
        ],
        disabled: [
          route("203.0.113.10/32", { med: 500, communities: [65001 * 65536 + 1] }),
          route("2001:db8::10/128", { med: 500, communities: [65001 * 65536 + 1] }),
        ],
      },
    } satisfies HealthcheckConfig);
  });

  it("takes every setting, and withdraws when down or disabled with withdraw-on-down", () => {
    const c = load(
      lines(
        G,
        "healthchecks:",
        "  - name: vip",
        "    command: [test, -f, /run/vip-ok]",
        "    timeout: 0.5",
        "    interval: 2",
        "    fast-interval: 0.2",
        "    rise: 2",
        "    fall: 4",
        "    disable-file: /etc/kbgp/vip.disabled",
        "    withdraw-on-down: true",
        "    prefixes: [198.51.100.1/32]",
        "    next-hop: 192.0.2.7",
        "    origin: egp",
        "    med: 7",
        "    local-pref: 300",
        '    large-communities: ["65001:1:1"]',
        '    extended-communities: ["target:65001:1"]',
        "    identifier: 4",
        "    neighbors: [192.0.2.2]",
        "    up: { local-pref: 400 }",
      ),
    );
    const [h] = c.healthchecks;
    expect(h).toMatchObject({
      timeout: 0.5,
      interval: 2,
      fastInterval: 0.2,
      rise: 2,
      fall: 4,
      disableFile: "/etc/kbgp/vip.disabled",
      withdrawOnDown: true,
      routes: { down: [], disabled: [] },
    });
    expect(h.routes.up).toEqual([
      route("198.51.100.1/32", {
        nextHop: "192.0.2.7",
        origin: 1,
        med: 7,
        localPref: 400,
        largeCommunities: [[65001, 1, 1]],
        extCommunities: [Uint8Array.from([0, 2, 0xfd, 0xe9, 0, 0, 0, 1])],
        identifier: 4,
        neighbors: ["192.0.2.2"],
      }),
    ]);
  });

  it("refuses mistakes, each at its place", () => {
    const text = lines(
      G,
      "healthchecks:",
      "  - name: web",
      "    command: test -f /x",
      "    fast_interval: 1",
      "    interval: 0",
      "    rise: 0",
      "    disable-file: web.disabled",
      "  - name: web",
      "    command: [true]",
      "    prefixes: []",
      "    up: { med: x, nexthop: self }",
      "  - name: vip",
      "    command: [test]",
      "    prefixes: [2001:db8::/64, 10.0.0.1/24]",
    );
    expect(issues(text)).toEqual([
      at(text, "name: web", "healthchecks[0].prefixes", "is required"),
      at(
        text,
        "test -f",
        "healthchecks[0].command",
        'must be a list of the program and its arguments, like ["curl", "-sf", "http://127.0.0.1/healthz"] (no shell runs it)',
      ),
      at(
        text,
        "fast_interval",
        "healthchecks[0].fast_interval",
        "unknown key 'fast_interval' (did you mean 'fast-interval'?)",
      ),
      at(text, "0\n    rise", "healthchecks[0].interval", "must be at least 0.1"),
      at(text, "0\n    disable", "healthchecks[0].rise", "must be between 1 and 1000"),
      at(text, "web.disabled", "healthchecks[0].disable-file", "must be an absolute path (starting with /)"),
      at(
        text,
        "web\n    command: [true]",
        "healthchecks[1].name",
        "duplicate health check name: the same as healthchecks[0]",
      ),
      at(text, "true", "healthchecks[1].command[0]", "must be a string, not true"),
      at(text, "[]", "healthchecks[1].prefixes", "must not be empty"),
      at(text, "x,", "healthchecks[1].up.med", "must be a number, not 'x'"),
      at(text, "nexthop", "healthchecks[1].up.nexthop", "unknown key 'nexthop'"),
      at(
        text,
        "10.0.0.1/24",
        "healthchecks[2].prefixes[1]",
        "'10.0.0.1/24' is not a prefix (like 10.0.0.0/8, host bits clear)",
      ),
    ]);
    // The rules between fields, once each value is valid.
    const rules = lines(
      G,
      "healthchecks:",
      "  - name: vip",
      "    command: [test]",
      "    prefixes: [10.0.0.0/24, 2001:db8::/64, 10.0.0.0/24]",
      "    next-hop: 192.0.2.1",
      "    withdraw-on-down: true",
      "    disabled: { med: 1 }",
    );
    expect(issues(rules)).toEqual([
      at(
        rules,
        "2001:db8::/64",
        "healthchecks[0].prefixes[1].next-hop",
        "an IPv6 route needs an IPv6 next hop",
      ),
      at(rules, "10.0.0.0/24", "healthchecks[0].prefixes[2]", "10.0.0.0/24 is listed twice", 2),
      at(
        rules,
        "disabled:",
        "healthchecks[0].disabled",
        "has no effect with withdraw-on-down: true (the routes are withdrawn when disabled)",
      ),
    ]);
  });
});
