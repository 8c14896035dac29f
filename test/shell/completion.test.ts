/**
 * Word completion as bash, zsh and the shell share it: the command registry says what may come next, the
 * option table which options take a value, and lookups bring neighbors and prefixes.
 */
import { describe, expect, it } from "vitest";
import { OPTIONS } from "../../cli/args.js";
import { completeWord, type Lookups, positionalWords } from "../../cli/completion.js";
import {
  COMMAND_NAMES,
  COMMANDS,
  commandNamed,
  NEIGHBOR_ACTIONS,
  NEIGHBOR_TABLES,
  nextSlot,
} from "../../cli/registry.js";
import { wordsAtCursor } from "../../cli/shell/line-editor.js";
import { ROUTE_KEYWORDS } from "../../core/api/route-keywords.js";

const NEIGHBORS = ["10.0.0.1", "10.0.0.2", "2001:db8::1"];
const asked: string[] = [];
const lookups: Lookups = {
  neighbors: () => NEIGHBORS,
  prefixes: async (partial) => {
    asked.push(partial);
    return ["10.0.0.0/24", "10.0.1.0/24", "10.1.0.0/16"].filter((p) => p.startsWith(partial));
  },
};

/** Complete the last word of `line` (a trailing blank: a new, empty word). */
async function complete(line: string, l: Lookups = lookups): Promise<string[]> {
  const words = line.split(" ");
  const current = words.pop()!;
  return completeWord(words.filter(Boolean), current, l);
}

const sorted = (ws: readonly string[]) => [...ws].sort();

describe("completeWord", () => {
  it("completes command names, help among them", async () => {
    expect(await complete("")).toEqual(sorted(COMMAND_NAMES));
    expect(await complete("ne")).toEqual(["neighbor"]);
    expect(await complete("m")).toEqual(["monitor", "mrt"]);
    expect(await complete("he")).toEqual(["help"]);
    expect(await complete("zzz")).toEqual([]);
  });

  it("after help, the commands", async () => {
    expect(await complete("help ")).toEqual(sorted(COMMANDS.map((c) => c.name)));
    expect(await complete("help gl")).toEqual(["global"]);
    expect(await complete("help global ")).toEqual([]);
  });

  it("after neighbor, the neighbors from the lookup; after one, its tables and actions", async () => {
    expect(await complete("neighbor ")).toEqual(NEIGHBORS);
    expect(await complete("neighbor 10.0.0.")).toEqual(["10.0.0.1", "10.0.0.2"]);
    expect(await complete("neighbor 2")).toEqual(["2001:db8::1"]);
    expect(await complete("neighbor ", {})).toEqual([]);
    expect(await complete("neighbor 10.0.0.1 ")).toEqual(sorted([...NEIGHBOR_TABLES, ...NEIGHBOR_ACTIONS]));
    expect(await complete("neighbor 10.0.0.1 soft")).toEqual(["softreset", "softresetin", "softresetout"]);
    expect(await complete("neighbor 10.0.0.1 adj-")).toEqual(["adj-in", "adj-out"]);
    expect(await complete("neighbor 10.0.0.1 reset ")).toEqual([]);
  });

  it("after a neighbor's table: prefixes, then longer-/shorter-prefixes", async () => {
    expect(await complete("neighbor 10.0.0.1 adj-in 10.0.")).toEqual(["10.0.0.0/24", "10.0.1.0/24"]);
    expect(await complete("neighbor 10.0.0.1 adj-in 10.0.0.0/24 ")).toEqual([
      "longer-prefixes",
      "shorter-prefixes",
    ]);
    expect(await complete("neighbor 10.0.0.1 adj-in 10.0.0.0/24 longer-prefixes ")).toEqual([]);
  });

  it("global rib's words", async () => {
    expect(await complete("global ")).toEqual(["rib"]);
    expect(await complete("global rib ")).toEqual(["add", "del", "summary"]);
    expect(await complete("global rib s")).toEqual(["summary"]);
    expect(await complete("global rib summary ")).toEqual([]);
    expect(await complete("global rib del ")).toEqual(["all"]);
    expect(await complete("global rib 10.0.0.0/24 ")).toEqual(["longer-prefixes", "shorter-prefixes"]);
  });

  it("route keywords after `global rib add PREFIX`, and none where a keyword's value goes", async () => {
    expect(await complete("global rib add ")).toEqual([]);
    expect(await complete("global rib add 10.0.0.0/24 ")).toEqual(sorted(ROUTE_KEYWORDS));
    expect(await complete("global rib add 10.0.0.0/24 ne")).toEqual(["nexthop"]);
    expect(await complete("global rib add 10.0.0.0/24 nexthop ")).toEqual([]);
    expect(await complete("global rib add 10.0.0.0/24 med ")).toEqual([]);
    expect(await complete("global rib add 10.0.0.0/24 nexthop 192.0.2.1 ")).toEqual(sorted(ROUTE_KEYWORDS));
    expect(await complete("global rib add 10.0.0.0/24 nexthop 192.0.2.1 l")).toEqual([
      "large-community",
      "local-pref",
    ]);
    expect(await complete("global rib add 10.0.0.0/24 nexthop 192.0.2.1 med ")).toEqual([]);
    expect(await complete("global rib del 10.0.0.0/24 ")).toEqual(sorted(ROUTE_KEYWORDS));
  });

  it("at the shell's prompt, a quoted value counts as one word", async () => {
    const l = 'global rib add 10.0.0.0/24 aspath "65001 65002" ';
    const { done, current } = wordsAtCursor({ text: l, cursor: l.length });
    expect(await completeWord(done, current, lookups)).toEqual(sorted(ROUTE_KEYWORDS));
  });

  it("nothing after `global rib del all`", async () => {
    expect(await complete("global rib del all ")).toEqual([]);
  });

  it("prefixes only when a prefix lookup is given, and only once something is typed", async () => {
    asked.length = 0;
    expect(await complete("global rib 10.0.0")).toEqual(["10.0.0.0/24"]);
    expect(asked).toEqual(["10.0.0"]);
    expect(await complete("global rib 10.0.0", {})).toEqual([]);
    expect(await complete("global rib add 10.1", { neighbors: () => NEIGHBORS })).toEqual([]);
    expect(await complete("global rib add 10.1")).toEqual(["10.1.0.0/16"]);
    asked.length = 0;
    expect(await complete("global rib add ")).toEqual([]);
    expect(asked).toEqual([]);
  });

  it("monitor, mrt and k8s", async () => {
    expect(await complete("monitor ")).toEqual(["global", "k8s", "neighbor"]);
    expect(await complete("k8s ")).toEqual(["disable", "enable", "peers", "routes", "status"]);
    expect(await complete("k8s routes 10.1")).toEqual(["10.1.0.0/16"]);
    expect(await complete("k8s status ")).toEqual([]);
    expect(await complete("monitor global ")).toEqual(["rib"]);
    expect(await complete("monitor neighbor ")).toEqual(NEIGHBORS);
    expect(await complete("monitor neighbor 10.0.0.1 ")).toEqual(["adj-in"]);
    expect(await complete("mrt ")).toEqual(["dump", "inject"]);
    expect(await complete("mrt inject ")).toEqual(["global"]);
    expect(await complete("mrt dump ", { files: () => ["a.mrt", "b.mrt"] })).toEqual(["a.mrt", "b.mrt"]);
    expect(await complete("completion ")).toEqual(["bash", "zsh"]);
  });

  it("-a's values, and no value for an option whose values are not known", async () => {
    expect(await complete("global rib -a ")).toEqual(["ipv4", "ipv6"]);
    expect(await complete("global rib -a ipv")).toEqual(["ipv4", "ipv6"]);
    expect(await complete("global rib --address-family i")).toEqual(["ipv4", "ipv6"]);
    expect(await complete("global rib --limit ")).toEqual([]);
    expect(await complete("neighbor 10.0.0.1 shutdown -m ")).toEqual([]);
    expect(await complete("global rib add -f ", { files: (p) => [`${p}routes.txt`] })).toEqual([
      "routes.txt",
    ]);
  });

  it("options after a dash, every one that exists", async () => {
    const all = await complete("neighbor -");
    for (const [name, o] of Object.entries(OPTIONS)) {
      expect(all).toContain(`--${name}`);
      if (o.alias) expect(all).toContain(`-${o.alias}`);
    }
    expect(await complete("global rib --li")).toEqual(["--limit"]);
    expect(await complete("global rib --c")).toEqual(["--current"]);
  });

  it("options and their values do not count as positional words", async () => {
    expect(await complete("global -a ipv6 rib ")).toEqual(["add", "del", "summary"]);
    expect(await complete("-j neighbor ")).toEqual(NEIGHBORS);
    expect(await complete("neighbor -j 10.0.0.1 ")).toEqual(
      sorted([...NEIGHBOR_TABLES, ...NEIGHBOR_ACTIONS]),
    );
  });

  it("candidates are unique and sorted", async () => {
    const dup: Lookups = { neighbors: () => ["10.0.0.2", "10.0.0.1", "10.0.0.2"] };
    expect(await complete("neighbor ", dup)).toEqual(["10.0.0.1", "10.0.0.2"]);
  });

  it("neighbors in address order, by bytes: IPv4 before IPv6, 10.0.0.9 before 10.0.0.10", async () => {
    const many: Lookups = {
      neighbors: () => [
        "2001:db8::10",
        "10.0.0.10",
        "2001:db8::9",
        "10.0.0.9",
        "2001:db8:0:1::1",
        "192.0.2.1",
      ],
    };
    expect(await complete("neighbor ", many)).toEqual([
      "10.0.0.9",
      "10.0.0.10",
      "192.0.2.1",
      "2001:db8::9",
      "2001:db8::10",
      "2001:db8:0:1::1",
    ]);
    expect(await complete("neighbor 10.0.0.", many)).toEqual(["10.0.0.9", "10.0.0.10"]);
  });

  it("prefixes as the lookup matched them (by address), in address order, then by length", async () => {
    const v6: Lookups = {
      prefixes: () => ["2001:db8:0:1::/64", "2001:db8::/48", "2001:db8::/32", "2001:db8::1/128"],
    };
    expect(await complete("global rib 2001:db8::", v6)).toEqual([
      "2001:db8::/32",
      "2001:db8::/48",
      "2001:db8::1/128",
      "2001:db8:0:1::/64",
    ]);
  });
});

describe("positionalWords", () => {
  it("leaves out options and the values of those that take one", () => {
    expect(positionalWords(["global", "rib", "-a", "ipv6", "10::/64", "-j"])).toEqual([
      "global",
      "rib",
      "10::/64",
    ]);
    expect(positionalWords(["neighbor", "10.0.0.1", "shutdown", "-m", "maintenance"])).toEqual([
      "neighbor",
      "10.0.0.1",
      "shutdown",
    ]);
    expect(positionalWords(["--limit", "5", "global", "rib"])).toEqual(["global", "rib"]);
    expect(positionalWords(["global", "rib", "--address-family=ipv6", "summary"])).toEqual([
      "global",
      "rib",
      "summary",
    ]);
    expect(positionalWords(["--current", "monitor", "global", "rib"])).toEqual(["monitor", "global", "rib"]);
  });

  it("keeps `-` (standard input) as a word", () => {
    expect(positionalWords(["mrt", "dump", "-"])).toEqual(["mrt", "dump", "-"]);
  });
});

describe("the command registry", () => {
  it("every command has a synopsis starting with its name, and a summary", () => {
    for (const c of COMMANDS) {
      expect(c.synopsis === c.name || c.synopsis.startsWith(`${c.name} `)).toBe(true);
      expect(c.summary.length).toBeGreaterThan(0);
    }
  });

  it("names each command once, and help", () => {
    expect(new Set(COMMAND_NAMES).size).toBe(COMMAND_NAMES.length);
    expect(COMMAND_NAMES).toContain("help");
    for (const c of COMMANDS) expect(commandNamed(c.name)).toBe(c);
    expect(commandNamed("help")).toBeUndefined();
  });

  it("nextSlot: command names first, the commands after help, nothing after `help X`", () => {
    expect(nextSlot([])).toEqual({ words: COMMAND_NAMES });
    expect(nextSlot(["help"])).toEqual({ words: COMMANDS.map((c) => c.name) });
    expect(nextSlot(["help", "neighbor"])).toEqual({});
    expect(nextSlot(["nosuch"])).toEqual({});
    expect(nextSlot(["neighbor"])).toEqual({ value: "neighbor" });
    expect(nextSlot(["global", "rib"])).toEqual({ words: ["summary", "add", "del"], value: "prefix" });
  });

  it("marks the commands the shell does not run, with the reason", () => {
    expect(COMMANDS.filter((c) => c.notInShell).map((c) => c.name)).toEqual(["api", "shell"]);
  });
});
