/**
 * The words of a route on kbgp's command line (`global rib add PREFIX nexthop … med …`, gobgp's words), and
 * what each one's value looks like: route-args.ts parses them, the CLI's completion offers them.
 */
/** What each keyword's value looks like, for "needs a value" messages. */
export const VALUE_HINT = {
  nexthop: "an address or 'self'",
  origin: "igp, egp or incomplete",
  aspath: 'AS numbers, like "65001 65002"',
  med: "a number",
  "local-pref": "a number",
  identifier: "a number",
  community: "communities, like 65000:1,no-export",
  "large-community": "large communities, like 65000:1:2",
  "extended-community": "extended communities, like target:65000:1",
  rt: "route targets, like 65000:1",
} as const;

export const ROUTE_KEYWORDS = Object.keys(VALUE_HINT) as readonly (keyof typeof VALUE_HINT)[];
