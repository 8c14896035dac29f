/**
 * What the per-object rules (service-routes.ts, node-routes.ts, pod-routes.ts) hand to the derivation: one
 * candidate per (object, prefix, rule), and the problems they found. desired-routes.ts merges candidates
 * for the same prefix into one DesiredRoute.
 */

import { Afi } from "../wire/constants.js";
import { parseIp } from "../wire/ip.js";
import { maxLength, type Prefix } from "../wire/prefix.js";
import type { RouteAttributes } from "./attributes.js";
import type { ObjectProblem, RouteRule, RouteSource } from "./types.js";

export interface Candidate {
  readonly prefix: Prefix;
  readonly rule: RouteRule;
  readonly source: RouteSource;
  readonly reason: string;
  readonly attrs: RouteAttributes;
}

/** Rules in the order they win for one source asking for one prefix twice (an ingress IP that is also an
 *  external IP). */
export const RULE_ORDER: readonly RouteRule[] = [
  "loadbalancer-ip",
  "external-ip",
  "cluster-ip",
  "pod-cidr",
  "pod-ip",
];

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Kind, then namespace (none first), then name. */
export function compareSources(a: RouteSource, b: RouteSource): number {
  return (
    cmp(a.kind, b.kind) ||
    (a.namespace === b.namespace
      ? 0
      : a.namespace === null
        ? -1
        : b.namespace === null
          ? 1
          : cmp(a.namespace, b.namespace)) ||
    cmp(a.name, b.name)
  );
}

export const sameSource = (a: RouteSource, b: RouteSource): boolean => compareSources(a, b) === 0;

/** Family, then address bytes, then length. */
export function comparePrefixes(a: Prefix, b: Prefix): number {
  if (a.afi !== b.afi) return a.afi - b.afi;
  for (let i = 0; i < a.addr.length; i++) if (a.addr[i] !== b.addr[i]) return a.addr[i] - b.addr[i];
  return a.length - b.length;
}

/** An address as a host route (/32, /128), or null when the text is not an address. */
export function hostPrefix(text: string): Prefix | null {
  const addr = parseIp(text.trim());
  if (!addr) return null;
  const afi = addr.length === 4 ? Afi.IPV4 : Afi.IPV6;
  return { afi, length: maxLength(afi), addr };
}

/** Problems found on the way, each (source, message) once. */
export class Problems {
  readonly #seen = new Set<string>();
  readonly #list: ObjectProblem[] = [];

  add(source: RouteSource, message: string): void {
    const key = `${source.kind}\0${source.namespace ?? ""}\0${source.name}\0${message}`;
    if (this.#seen.has(key)) return;
    this.#seen.add(key);
    this.#list.push({ source, message });
  }

  /** A reporter for one object. */
  for(source: RouteSource): (message: string) => void {
    return (message) => this.add(source, message);
  }

  sorted(): ObjectProblem[] {
    return this.#list.sort(compareProblems);
  }
}

/** By source, then message. */
export const compareProblems = (a: ObjectProblem, b: ObjectProblem): number =>
  compareSources(a.source, b.source) || cmp(a.message, b.message);
