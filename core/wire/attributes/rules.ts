/**
 * What each known path attribute must look like, as a table: its Optional/Transitive flags and its length
 * rule, with the RFC 7606 action and RFC 4271 §6.3 subcode for a wrong length. Attributes whose checks go
 * beyond flags and length (ORIGIN's value, AS_PATH's segments, MP_REACH/MP_UNREACH, AS4_*) are handled in
 * the scanner with the table's flags.
 */
import { AttrFlag, AttrType } from "../constants.js";
import { UpdateAction, UpdateSubcode } from "../errors.js";

export interface AttributeRule {
  readonly name: string;
  /** The Optional and Transitive bits it must carry (RFC 7606 §3 c). */
  readonly flags: number;
  /** Required value length, or -1. AGGREGATOR's adds the AS number size (RFC 6793). */
  readonly exact: number;
  readonly plusAsSize: boolean;
  /** The length must be a non-zero multiple of this, or 0 for no such rule (RFC 7606 §7.8, §7.10, §7.14,
   *  §7.15; RFC 8092 §6). */
  readonly multiple: number;
  /** The action and RFC 4271 §6.3 subcode for a wrong length (RFC 7606 §7). */
  readonly badLength: UpdateAction;
  readonly subcode: number;
  /** RFC 7606 §7.5, §7.9, §7.10: discarded when received from an external peer, whatever its form. */
  readonly internalOnly: boolean;
}

/** Whether a value of `len` bytes has the length `rule` requires. */
export function lengthOk(rule: AttributeRule, len: number, asSize: number): boolean {
  if (rule.exact >= 0) return len === rule.exact + (rule.plusAsSize ? asSize : 0);
  return rule.multiple === 0 || (len > 0 && len % rule.multiple === 0);
}

const T = AttrFlag.TRANSITIVE;
const O = AttrFlag.OPTIONAL;
const OT = O | T;
const { TREAT_AS_WITHDRAW: WITHDRAW, ATTRIBUTE_DISCARD: DISCARD, NONE } = UpdateAction;
const { ATTRIBUTE_LENGTH_ERROR: LENGTH, OPTIONAL_ATTRIBUTE_ERROR: OPTIONAL } = UpdateSubcode;

/** RFC 5701 (RFC 7606 §7.15). */
export const ATTR_IPV6_EXT_COMMUNITIES = 25;
/** RFC 9234 §5: Only to Customer. */
export const ATTR_OTC = 35;

// Every rule has the same shape, so the scanner's property reads stay monomorphic.
const rule = (
  name: string,
  flags: number,
  length: { exact?: number; plusAsSize?: boolean; multiple?: number } = {},
  badLength: UpdateAction = NONE,
  subcode = 0,
  internalOnly = false,
): AttributeRule => ({
  name,
  flags,
  exact: length.exact ?? -1,
  plusAsSize: length.plusAsSize ?? false,
  multiple: length.multiple ?? 0,
  badLength,
  subcode,
  internalOnly,
});

export const RULES: readonly (AttributeRule | undefined)[] = (() => {
  const r: (AttributeRule | undefined)[] = new Array(256).fill(undefined);
  r[AttrType.ORIGIN] = rule("ORIGIN", T);
  r[AttrType.AS_PATH] = rule("AS_PATH", T);
  r[AttrType.NEXT_HOP] = rule("NEXT_HOP", T, { exact: 4 }, WITHDRAW, LENGTH);
  r[AttrType.MULTI_EXIT_DISC] = rule("MED", O, { exact: 4 }, WITHDRAW, LENGTH);
  r[AttrType.LOCAL_PREF] = rule("LOCAL_PREF", T, { exact: 4 }, WITHDRAW, LENGTH, true);
  r[AttrType.ATOMIC_AGGREGATE] = rule("ATOMIC_AGGREGATE", T, { exact: 0 }, DISCARD, LENGTH);
  r[AttrType.AGGREGATOR] = rule("AGGREGATOR", OT, { exact: 4, plusAsSize: true }, DISCARD, LENGTH);
  r[AttrType.COMMUNITIES] = rule("COMMUNITIES", OT, { multiple: 4 }, WITHDRAW, OPTIONAL);
  r[AttrType.ORIGINATOR_ID] = rule("ORIGINATOR_ID", O, { exact: 4 }, WITHDRAW, LENGTH, true);
  r[AttrType.CLUSTER_LIST] = rule("CLUSTER_LIST", O, { multiple: 4 }, WITHDRAW, LENGTH, true);
  r[AttrType.MP_REACH_NLRI] = rule("MP_REACH_NLRI", O);
  r[AttrType.MP_UNREACH_NLRI] = rule("MP_UNREACH_NLRI", O);
  r[AttrType.EXTENDED_COMMUNITIES] = rule("EXTENDED_COMMUNITIES", OT, { multiple: 8 }, WITHDRAW, OPTIONAL);
  r[AttrType.AS4_PATH] = rule("AS4_PATH", OT);
  r[AttrType.AS4_AGGREGATOR] = rule("AS4_AGGREGATOR", OT);
  r[ATTR_IPV6_EXT_COMMUNITIES] = rule("IPv6 extended communities", OT, { multiple: 20 }, WITHDRAW, OPTIONAL);
  r[AttrType.LARGE_COMMUNITIES] = rule("LARGE_COMMUNITIES", OT, { multiple: 12 }, WITHDRAW, OPTIONAL);
  r[ATTR_OTC] = rule("OTC", OT, { exact: 4 }, WITHDRAW, OPTIONAL);
  return r;
})();
