/**
 * The ExaBGP 4 text API → typed commands.
 *
 * ExaBGP users keep `process` scripts that print commands like `announce route 10.0.0.0/24 next-hop self`
 * on stdout and read `done` or `error` back. `kbgp api` and the daemon's helper processes accept those
 * scripts unchanged: this module turns each line into a command the caller executes and answers. Route
 * values stay text for the daemon's route validator (as with route-args.ts); the syntax is checked here, and
 * every error names the word at fault. exabgp-tokens.ts splits the line into tokens and exabgp-route.ts reads
 * route attributes; this file reads the scope and the command.
 *
 * Grammar, learnt from ExaBGP 4.2 (lib/exabgp/reactor/api/command/{announce,limit,neighbor,rib,reactor}.py,
 * lib/exabgp/configuration/static/{__init__,route,parser}.py, lib/exabgp/configuration/core/format.py, the
 * scripts in etc/exabgp/run/) and its wiki pages Text-API-Reference and API-Commands:
 *
 *   line      = [scope] command | "#" comment | ""
 *   scope     = "neighbor" (address | "*") { "," "neighbor" (address | "*") }
 *   command   = ("announce" | "withdraw") "route" prefix { attribute }
 *             | ("announce" | "withdraw") ("attribute" | "attributes") { attribute } "nlri" prefix { prefix }
 *             | "announce" "eor" [afi safi] | "announce" "route-refresh" afi safi
 *             | "flush" "adj-rib" "out" | "clear" "adj-rib" ["in" | "out"] | "teardown" code
 *             | "show" "neighbor" [address] [summary|extensive|configuration]
 *             | "show" "adj-rib" ("in"|"out") [address] ["extensive"]
 *             | "shutdown" | "version" | "enable-ack" | "disable-ack" | "silence-ack"    (acks: ExaBGP 5)
 *   attribute = "next-hop" (address | "self") | "origin" (igp|egp|incomplete) | "as-path" path
 *             | "med" n | "local-preference" n | "community" list | "large-community" list
 *             | "extended-community" list | "path-information" (n | a.b.c.d) | "split" "/"len | "name" word
 *   path      = asn | "[" { asn | "(" asn… ")" } "]"           parentheses (or inner brackets): an AS_SET
 *   list      = value | "[" { value } "]"
 *
 * `[ ] ( ) , { } ;` are tokens even when glued to a word (`community [14:15]`), quotes group, `#` at a word's
 * start begins a comment, and one `;` may end the line. Keywords are case-sensitive, as in ExaBGP; origin and
 * `self` are not.
 *
 * Mapping: as-path → "65001 65002 {65003,65004}"; local-preference → "local-pref"; path-information →
 * identifier (a dotted quad is its 32-bit number, as ExaBGP's PathInfo packs it); ExaBGP's own spellings
 * become ours: an extended community of two fields X:Y is target:X:Y, community 0x… its decimal value,
 * `nopeer` no-peer. The scope becomes `neighbors` (null for all, i.e. no scope or `neighbor *`) on the
 * command and on each route. A withdraw keeps prefix, identifier and neighbors; its other attributes are
 * checked, then dropped. `split /N` expands the prefix into its /N subnets, IPv4 and IPv6 alike (with
 * core/wire's prefix parser, no node:net); a prefix already /N or longer stays as it is, like ExaBGP.
 *
 * Differences from ExaBGP, on purpose:
 * - A keyword given twice is an error (ExaBGP keeps the first silently).
 * - AS_SETs stay where they are written; ExaBGP gathers every AS_SET number into one set after the sequence.
 *   Commas inside brackets and between nlri prefixes are ignored (ExaBGP fails on them).
 * - `next-hop` is required on every announce (ExaBGP requires it for IPv4 routes only); `split` applies to
 *   `announce attributes … nlri` too (ExaBGP ignores it there) and makes at most 2^16 routes.
 * - Neighbor selectors other than the address (local-ip, local-as, peer-as, router-id, family-allowed) are
 *   "unsupported": kbgp selects by address. `neighbor A neighbor B` (which ExaBGP reads as "A and B", so
 *   nothing) is an error pointing at the comma form. `teardown` without a neighbor (a no-op in ExaBGP) and a
 *   neighbor before shutdown/version/show/ack (ignored by ExaBGP) are errors.
 * - Commands and attributes kbgp has no use for (flow, vpls, watchdog, operational, labels, RDs, aggregator,
 *   reload, …) parse as "unsupported" with a reason, so the caller answers `error` and logs why.
 */
import {
  type Attributes,
  asPathToExabgp,
  type Draft,
  isAttribute,
  parseAttributes,
  splitPrefix,
} from "./exabgp-route.js";
import {
  Cursor,
  end,
  error,
  isStop,
  ONLY_UNICAST,
  PUNCTUATION,
  type Stop,
  tokenize,
  unsupported,
} from "./exabgp-tokens.js";
import type { RouteText } from "./route-text.js";
import { didYouMean } from "./suggest.js";
import { parseUint32 } from "./syntax.js";

export interface ExabgpFamily {
  afi: "ipv4" | "ipv6";
  safi: "unicast";
}

/** One line of the API. `neighbors` null means every neighbor. */
export type ExabgpCommand =
  | { kind: "announce" | "withdraw"; neighbors: string[] | null; routes: RouteText[] }
  | { kind: "eor"; neighbors: string[] | null; family: ExabgpFamily }
  | { kind: "route-refresh"; neighbors: string[] | null; family: ExabgpFamily }
  | { kind: "flush-adj-rib-out"; neighbors: string[] | null }
  | { kind: "clear-adj-rib"; neighbors: string[] | null; direction: "in" | "out" }
  | { kind: "teardown"; neighbors: string[] | null; code: number }
  | { kind: "show-neighbor"; neighbor: string | null; view: "summary" | "extensive" | "configuration" | null }
  | { kind: "show-adj-rib"; neighbor: string | null; direction: "in" | "out"; extensive: boolean }
  | { kind: "shutdown" }
  | { kind: "version" }
  | { kind: "ack"; mode: "enable" | "disable" | "silence" }
  | { kind: "comment" }
  | { kind: "empty" }
  | Stop; // error, or unsupported with the reason (exabgp-tokens.ts)

interface Scope {
  given: boolean;
  neighbors: string[] | null;
}

/** Parse one line a process wrote (without its newline). Never throws. */
export function parseExabgpCommand(line: string): ExabgpCommand {
  const t = tokenize(line);
  if (!t.ok) return error(t.error);
  if (t.tokens.length === 0) return { kind: t.comment ? "comment" : "empty" };
  const cur = new Cursor(t.tokens);
  const scope = parseScope(cur);
  return isStop(scope) ? scope : parseCommand(cur, scope);
}

/** The `announce route` line for a route (neighbors as scope; next-hop self when it has none). */
export function formatExabgpAnnounce(route: RouteText): string {
  const words: string[] = [];
  if (route.neighbors?.length) words.push(`${route.neighbors.map((n) => `neighbor ${n}`).join(", ")}`);
  words.push("announce route", route.prefix, "next-hop", route["next-hop"] ?? "self");
  if (route.origin !== undefined) words.push("origin", route.origin);
  if (route["as-path"] !== undefined) words.push("as-path", `[ ${asPathToExabgp(route["as-path"])} ]`);
  if (route.med !== undefined) words.push("med", String(route.med));
  if (route["local-pref"] !== undefined) words.push("local-preference", String(route["local-pref"]));
  const lists = [
    ["community", route.communities],
    ["large-community", route["large-communities"]],
    ["extended-community", route["extended-communities"]],
  ] as const;
  for (const [keyword, values] of lists) if (values) words.push(keyword, `[ ${values.join(" ")} ]`);
  if (route.identifier !== undefined) words.push("path-information", String(route.identifier));
  return words.join(" ").replace(/ {2,}/g, " ");
}

// Scope and commands ------------------------------------------------------------------------------------

const words = (list: string): string[] => list.split(" ");

/** limit.py's selectors that are not the address. */
const SELECTORS = new Set(["local-ip", "local-as", "peer-as", "router-id", "family-allowed"]);

function parseScope(cur: Cursor): Scope | Stop {
  if (cur.peek() !== "neighbor") return { given: false, neighbors: null };
  const addresses: string[] = [];
  let all = false;
  for (;;) {
    cur.next();
    const address = cur.next();
    if (
      address === undefined ||
      PUNCTUATION.has(address) ||
      COMMANDS.includes(address) ||
      address === "neighbor"
    ) {
      return error("'neighbor' needs an address (or '*')");
    }
    if (address === "*") all = true;
    else if (!addresses.includes(address)) addresses.push(address);
    const next = cur.peek();
    if (next !== undefined && SELECTORS.has(next)) {
      return unsupported(
        `neighbor ${address} ${next}`,
        `the neighbor selector '${next}' is not supported: kbgp selects neighbors by address only`,
      );
    }
    if (next === "neighbor") {
      return error(
        `'neighbor ${address} neighbor …' selects peers matching both; list neighbors with commas: 'neighbor A, neighbor B'`,
      );
    }
    if (next !== ",") break;
    cur.next();
    if (cur.peek() !== "neighbor")
      return error(`expected 'neighbor' after ',', not '${cur.peek() ?? "the end"}'`);
  }
  return { given: true, neighbors: all ? null : addresses };
}

const COMMANDS = words(
  "announce withdraw flush clear teardown show shutdown version enable-ack disable-ack silence-ack",
);
const NOT_HERE: Readonly<Record<string, string>> = {
  reload: "kbgpd reloads its configuration on SIGHUP, not from a helper process",
  restart: "a helper process cannot restart kbgpd",
  reset: "kbgp does not queue commands, so there is nothing to reset",
  help: "kbgp's API has no 'help'; its documentation lists the commands it accepts",
  crash: "not a command kbgp offers",
};

function parseCommand(cur: Cursor, scope: Scope): ExabgpCommand {
  const verb = cur.next();
  if (verb === undefined)
    return error("a command must follow the neighbor selection, like 'announce route …'");
  const neighbors = scope.neighbors;
  const unscoped = (): Stop | undefined =>
    scope.given ? error(`'${verb}' does not take a neighbor selection`) : end(cur, verb);
  switch (verb) {
    case "announce":
    case "withdraw":
      return parseAnnounce(verb, cur, neighbors);
    case "flush":
      if (cur.next() !== "adj-rib" || cur.next() !== "out") return error("expected 'flush adj-rib out'");
      return end(cur, "flush adj-rib out") ?? { kind: "flush-adj-rib-out", neighbors };
    case "clear": {
      if (cur.next() !== "adj-rib") return error("expected 'clear adj-rib [in|out]'");
      const direction = cur.next() ?? "out";
      if (direction !== "in" && direction !== "out")
        return error(`expected 'in' or 'out', not '${direction}'`);
      return end(cur, `clear adj-rib ${direction}`) ?? { kind: "clear-adj-rib", neighbors, direction };
    }
    case "teardown": {
      const code = cur.next();
      const n = code === undefined ? null : parseUint32(code);
      if (n === null || n > 255)
        return error(`'teardown' needs a Cease subcode from 0 to 255, not '${code ?? ""}'`);
      if (!scope.given) return error("'teardown' needs a neighbor: 'neighbor 192.0.2.1 teardown 2'");
      return end(cur, `teardown ${code}`) ?? { kind: "teardown", neighbors, code: n };
    }
    case "show":
      return scope.given ? error("'show' does not take a neighbor selection") : parseShow(cur);
    case "shutdown":
    case "version":
      return unscoped() ?? { kind: verb };
    case "enable-ack":
    case "disable-ack":
    case "silence-ack":
      return (
        unscoped() ?? { kind: "ack", mode: verb.slice(0, -"-ack".length) as "enable" | "disable" | "silence" }
      );
  }
  if (Object.hasOwn(NOT_HERE, verb)) return unsupported(verb, NOT_HERE[verb]);
  return error(`unknown command '${verb}'${didYouMean(verb, COMMANDS)}`);
}

function parseShow(cur: Cursor): ExabgpCommand {
  const what = cur.next();
  if (what !== "neighbor" && what !== "adj-rib") {
    return error(`expected 'show neighbor' or 'show adj-rib', not '${["show", what].join(" ").trim()}'`);
  }
  const words = cur.rest();
  const pick = (options: readonly string[]) => words.filter((w) => options.includes(w));
  if (what === "neighbor") {
    const views = pick(["summary", "extensive", "configuration"]);
    const others = words.filter((w) => !views.includes(w));
    if (views.length > 1)
      return error(`choose one of summary, extensive and configuration, not '${views.join(" ")}'`);
    if (others.length > 1) return error(`unexpected '${others[1]}' after 'show neighbor ${others[0]}'`);
    const view = (views[0] ?? null) as "summary" | "extensive" | "configuration" | null;
    return { kind: "show-neighbor", neighbor: others[0] ?? null, view };
  }
  const direction = words.shift();
  if (direction !== "in" && direction !== "out")
    return error(`expected 'show adj-rib in' or 'show adj-rib out'`);
  const extensive = pick(["extensive"]).length > 0;
  const others = words.filter((w) => w !== "extensive");
  if (others.length > 1)
    return error(`unexpected '${others[1]}' after 'show adj-rib ${direction} ${others[0]}'`);
  return { kind: "show-adj-rib", neighbor: others[0] ?? null, direction, extensive };
}

const OTHER_FAMILIES: Readonly<Record<string, string>> = {
  flow: ONLY_UNICAST,
  vpls: ONLY_UNICAST,
  vpn: ONLY_UNICAST,
  evpn: ONLY_UNICAST,
  ipv4: "write 'announce route …' (the 'announce ipv4 unicast …' form is ExaBGP 5's)",
  ipv6: "write 'announce route …' (the 'announce ipv6 unicast …' form is ExaBGP 5's)",
  watchdog: "watchdogs are not supported: announce and withdraw the routes themselves",
  operational: "operational messages are not supported",
};

function parseAnnounce(
  action: "announce" | "withdraw",
  cur: Cursor,
  neighbors: string[] | null,
): ExabgpCommand {
  const what = cur.next();
  switch (what) {
    case "route":
      return parseRoute(action, cur, neighbors);
    case "attribute":
    case "attributes":
      return parseAttributesNlri(action, cur, neighbors, what);
    case "eor":
    case "route-refresh": {
      if (action === "withdraw")
        return error(`'withdraw ${what}' is not a command; write 'announce ${what}'`);
      const family = parseFamily(cur, `announce ${what}`, what === "eor");
      if (isStop(family)) return family;
      return { kind: what, neighbors, family };
    }
    case undefined:
      return error(`'${action}' needs what to ${action}: route, attributes, eor or route-refresh`);
  }
  if (Object.hasOwn(OTHER_FAMILIES, what)) return unsupported(`${action} ${what}`, OTHER_FAMILIES[what]);
  const known = ["route", "attributes", ...(action === "announce" ? ["eor", "route-refresh"] : [])];
  return error(`unknown '${action} ${what}'${didYouMean(what, known)}`);
}

const AFIS = new Set(words("ipv4 ipv6 l2vpn bgp-ls"));
const SAFIS = new Set(
  words("unicast multicast nlri-mpls vpls evpn bgp-ls bgp-ls-vpn mpls-vpn rtc flow flow-vpn"),
);

/** `afi safi` after eor (optional there: IPv4 unicast) or route-refresh. */
function parseFamily(cur: Cursor, command: string, optional: boolean): ExabgpFamily | Stop {
  const afi = cur.next();
  if (afi === undefined && optional) return { afi: "ipv4", safi: "unicast" };
  const safi = cur.next();
  if (afi === undefined || safi === undefined) {
    return error(`'${command}' needs an AFI and a SAFI, like '${command} ipv6 unicast'`);
  }
  if (!AFIS.has(afi)) return error(`unknown AFI '${afi}'${didYouMean(afi, AFIS)}`);
  if (!SAFIS.has(safi)) return error(`unknown SAFI '${safi}'${didYouMean(safi, SAFIS)}`);
  const stop = end(cur, `${command} ${afi} ${safi}`);
  if (stop) return stop;
  if ((afi !== "ipv4" && afi !== "ipv6") || safi !== "unicast") {
    return unsupported(`${command} ${afi} ${safi}`, ONLY_UNICAST);
  }
  return { afi, safi };
}

// Routes ------------------------------------------------------------------------------------------------

function parseRoute(action: "announce" | "withdraw", cur: Cursor, neighbors: string[] | null): ExabgpCommand {
  const prefix = cur.next();
  if (prefix === undefined)
    return error(`'${action} route' needs a prefix, like '${action} route 10.0.0.0/24'`);
  if (PUNCTUATION.has(prefix) || isAttribute(prefix)) {
    return error(`'${action} route' needs a prefix first, not '${prefix}'`);
  }
  const attrs = parseAttributes(cur, false);
  if (isStop(attrs)) return attrs;
  return routes(action, [prefix], attrs, neighbors);
}

function parseAttributesNlri(
  action: "announce" | "withdraw",
  cur: Cursor,
  neighbors: string[] | null,
  what: string,
): ExabgpCommand {
  const attrs = parseAttributes(cur, true);
  if (isStop(attrs)) return attrs;
  if (cur.next() !== "nlri")
    return error(`'${action} ${what}' needs 'nlri' and the prefixes after the attributes`);
  const prefixes = cur.rest().filter((p) => p !== ",");
  if (prefixes.length === 0) return error("'nlri' needs at least one prefix");
  const bad = prefixes.find((p) => PUNCTUATION.has(p) || isAttribute(p));
  if (bad !== undefined) return error(`'${bad}' after 'nlri' is not a prefix`);
  return routes(action, prefixes, attrs, neighbors);
}

/** Announces carry every attribute; withdraws only what names the path. */
function routes(
  action: "announce" | "withdraw",
  prefixes: readonly string[],
  attrs: Attributes,
  neighbors: string[] | null,
): ExabgpCommand {
  const { draft, split } = attrs;
  if (action === "announce" && draft["next-hop"] === undefined) {
    return error("an announce needs 'next-hop <address>' or 'next-hop self'");
  }
  const kept: Draft =
    action === "announce" ? draft : draft.identifier === undefined ? {} : { identifier: draft.identifier };
  if (neighbors) kept.neighbors = neighbors;
  const out: RouteText[] = [];
  for (const prefix of prefixes) {
    const expanded = split === undefined ? [prefix] : splitPrefix(prefix, split);
    if (typeof expanded === "string") return error(expanded);
    for (const p of expanded) out.push({ prefix: p, ...kept });
  }
  return { kind: action, neighbors, routes: out };
}
