/** What one attribute scan found; reused between scans (read it before the next one). */
import { AttrSummary } from "../attr-set.js";
import { bgpError, UpdateAction, type UpdateProblem } from "../errors.js";
import type { NlriList } from "../nlri.js";

export interface MpReach {
  /** 4, 16 or 32 bytes (global and link-local IPv6, RFC 2545 §3); a view of the message, like the NLRI. */
  readonly nextHop: Uint8Array;
  readonly nlri: NlriList;
}

const EMPTY = new Uint8Array(0);

export class ScanResult {
  action: UpdateAction = UpdateAction.NONE;
  problems: UpdateProblem[] | null = null;
  mpReach: MpReach | null = null;
  mpUnreach: NlriList | null = null;
  hasOrigin = false;
  hasAsPath = false;
  hasNextHop = false;
  /** Some attribute other than MP_UNREACH_NLRI was present (RFC 7606 §5.2). */
  hasOtherThanUnreach = false;
  readonly summary = new AttrSummary();
  /** Canonical attribute bytes are canonical[canonicalStart, canonicalEnd); empty when none. */
  canonical: Uint8Array = EMPTY;
  canonicalStart = 0;
  canonicalEnd = 0;

  reset(): this {
    this.action = UpdateAction.NONE;
    this.problems = this.mpReach = this.mpUnreach = null;
    this.hasOrigin = this.hasAsPath = this.hasNextHop = this.hasOtherThanUnreach = false;
    this.summary.clear();
    this.canonical = EMPTY;
    this.canonicalStart = this.canonicalEnd = 0;
    return this;
  }

  /** Record a fault: the RFC 7606 action, the attribute, and the RFC 4271 §6.3 UPDATE error subcode. */
  problem(
    action: UpdateAction,
    attrType: number,
    subcode: number,
    reason: string,
    data?: Uint8Array,
    family?: number,
  ) {
    const p: UpdateProblem = {
      action,
      attrType,
      error: bgpError(3, subcode, reason, data),
      ...(family === undefined ? {} : { family }),
    };
    (this.problems ??= []).push(p);
    if (action > this.action) this.action = action;
  }

  withdraw(attrType: number, subcode: number, reason: string, data?: Uint8Array) {
    this.problem(UpdateAction.TREAT_AS_WITHDRAW, attrType, subcode, reason, data);
  }

  discard(attrType: number, subcode: number, reason: string) {
    this.problem(UpdateAction.ATTRIBUTE_DISCARD, attrType, subcode, reason);
  }

  disable(attrType: number, subcode: number, reason: string, family: number, data?: Uint8Array) {
    this.problem(UpdateAction.AFI_SAFI_DISABLE, attrType, subcode, reason, data, family);
  }

  resetSession(attrType: number, subcode: number, reason: string, data?: Uint8Array) {
    this.problem(UpdateAction.SESSION_RESET, attrType, subcode, reason, data);
  }
}
