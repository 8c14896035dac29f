/** Replaced at build time from package.json; the fallback serves unbundled runs (tests, tsx). */
declare const __KBGP_VERSION__: string | undefined;
export const VERSION: string = typeof __KBGP_VERSION__ === "string" ? __KBGP_VERSION__ : "0.0.0-dev";
