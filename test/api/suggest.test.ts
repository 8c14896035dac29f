/** "did you mean", shared by the configuration loader, the CLI and the route syntaxes. */
import { describe, expect, it } from "vitest";
import { closest, didYouMean } from "../../core/api/suggest.js";

describe("didYouMean", () => {
  it("suggests only close words", () => {
    expect(didYouMean("nexhop", ["nexthop", "med"])).toBe(" (did you mean 'nexthop'?)");
    expect(didYouMean("MED", ["nexthop", "med"])).toBe(" (did you mean 'med'?)");
    expect(didYouMean("weight", ["nexthop", "med"])).toBe("");
  });

  it("compares regardless of case, '_' and camelCase, and answers with the candidate as written", () => {
    expect(closest("local_pref", ["local-pref", "med"])).toBe("local-pref");
    expect(closest("nextHop", ["next-hop", "med"])).toBe("next-hop");
    expect(closest("holdTime", ["hold_time"])).toBe("hold_time");
  });
});
