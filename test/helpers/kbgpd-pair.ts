/** Two kbgpd on loopback that peer with each other, IPv4 and IPv6 unicast: A (AS 65001), whose control socket
 *  the CLI tests talk to, and B (AS 65002). Router IDs are 10.255.`n`.1 and .2, one `n` per test file. */
import { createPeer, type KbgpdPeer, Lab } from "../interop/harness/index.js";

export async function kbgpdPair(name: string, n: number): Promise<{ lab: Lab; a: KbgpdPeer; b: KbgpdPeer }> {
  const lab = Lab.create(name);
  const [ea, eb] = [await lab.endpoint(), await lab.endpoint()];
  const families: ("ipv4" | "ipv6")[] = ["ipv4", "ipv6"];
  const a = createPeer("kbgpd", lab, {
    routerId: `10.255.${n}.1`,
    asn: 65001,
    ...ea,
    neighbors: [{ ...eb, asn: 65002, families }],
  }) as KbgpdPeer;
  const b = createPeer("kbgpd", lab, {
    routerId: `10.255.${n}.2`,
    asn: 65002,
    ...eb,
    neighbors: [{ ...ea, asn: 65001, families }],
  }) as KbgpdPeer;
  return { lab, a, b };
}
