/** A route whose attributes cannot fit in any UPDATE is refused in the configuration file as in the API. */
import { describe, expect, it } from "vitest";
import { parseConfigText } from "../../daemon/config/index.js";

const config = (route: string) =>
  `global:\n  asn: 65001\n  router-id: 192.0.2.1\nneighbors: []\nroutes:\n  - prefix: 10.0.0.0/8\n${route}\n`;

describe("route size", () => {
  it("refuses communities past one attribute's 65,535 bytes, naming the field", () => {
    const communities = Array.from({ length: 20_000 }, (_, i) => `"65000:${i % 65536}"`).join(", ");
    expect(() => parseConfigText(config(`    communities: [${communities}]`), "f.yaml")).toThrow(
      /routes\[0\]\.communities: takes 80000 bytes, more than one attribute holds \(65535\)/,
    );
  });

  it("keeps a route of 8 KB of communities (for peers with extended messages)", () => {
    const communities = Array.from({ length: 2000 }, (_, i) => `"65000:${i}"`).join(", ");
    expect(
      parseConfigText(config(`    communities: [${communities}]`), "f.yaml").routes[0].communities,
    ).toHaveLength(2000);
  });
});
