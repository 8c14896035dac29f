/**
 * The embedded default: with no --config, kbgpd runs a small demo on loopback — itself (AS 65001 on
 * 127.0.0.1) and a second kbgpd process as its peer (AS 65002 on 127.0.0.2) — each announcing a few example
 * routes, so a newcomer sees a session come up and routes cross without configuring anything. Documentation
 * prefixes only; nothing leaves the machine.
 */
export const DEMO_PORT = 1790;

export const DEMO_MAIN = `
global:
  asn: 65001
  router-id: 127.0.0.1
  listen: { addresses: [127.0.0.1], port: ${DEMO_PORT} }
neighbors:
  - address: 127.0.0.2
    asn: 65002
    description: demo peer (second kbgpd)
    port: ${DEMO_PORT}
    local-address: 127.0.0.1
    connect-retry: 5
    next-hop: { ipv4: 198.18.0.1, ipv6: "2001:db8:ffff::1" }
routes:
  - { prefix: 192.0.2.0/25, communities: ["65001:100"] }
  - { prefix: 192.0.2.128/25, med: 10 }
  - { prefix: "2001:db8:1::/48", large-communities: ["65001:1:1"] }
`;

export const DEMO_PEER = `
global:
  asn: 65002
  router-id: 127.0.0.2
  listen: { addresses: [127.0.0.2], port: ${DEMO_PORT} }
  http: { enabled: false }          # the main demo kbgpd serves metrics on 127.0.0.1:9179
neighbors:
  - address: 127.0.0.1
    asn: 65001
    description: demo main
    port: ${DEMO_PORT}
    local-address: 127.0.0.2
    passive: true
    next-hop: { ipv4: 198.18.0.2, ipv6: "2001:db8:ffff::2" }
routes:
  - { prefix: 198.51.100.0/24, as-path: "65010" }
  - { prefix: 203.0.113.0/24, communities: [no-export] }
  - { prefix: "2001:db8:2::/48" }
`;
