/** Human names of NOTIFICATION codes and subcodes (IANA "BGP Error (Notification) Codes"), for logs and the
 *  CLI. */

const CODES: Record<number, [string, Record<number, string>]> = {
  1: [
    "Message Header Error",
    { 0: "Unspecific", 1: "Connection Not Synchronized", 2: "Bad Message Length", 3: "Bad Message Type" },
  ],
  2: [
    "OPEN Message Error",
    {
      0: "Unspecific",
      1: "Unsupported Version Number",
      2: "Bad Peer AS",
      3: "Bad BGP Identifier",
      4: "Unsupported Optional Parameter",
      6: "Unacceptable Hold Time",
      7: "Unsupported Capability",
      11: "Role Mismatch",
    },
  ],
  3: [
    "UPDATE Message Error",
    {
      0: "Unspecific",
      1: "Malformed Attribute List",
      2: "Unrecognized Well-known Attribute",
      3: "Missing Well-known Attribute",
      4: "Attribute Flags Error",
      5: "Attribute Length Error",
      6: "Invalid ORIGIN Attribute",
      8: "Invalid NEXT_HOP Attribute",
      9: "Optional Attribute Error",
      10: "Invalid Network Field",
      11: "Malformed AS_PATH",
    },
  ],
  4: ["Hold Timer Expired", {}],
  5: [
    "Finite State Machine Error",
    {
      0: "Unspecified Error",
      1: "Receive Unexpected Message in OpenSent State",
      2: "Receive Unexpected Message in OpenConfirm State",
      3: "Receive Unexpected Message in Established State",
    },
  ],
  6: [
    "Cease",
    {
      1: "Maximum Number of Prefixes Reached",
      2: "Administrative Shutdown",
      3: "Peer De-configured",
      4: "Administrative Reset",
      5: "Connection Rejected",
      6: "Other Configuration Change",
      7: "Connection Collision Resolution",
      8: "Out of Resources",
      9: "Hard Reset",
      10: "BFD Down",
    },
  ],
  7: ["ROUTE-REFRESH Message Error", { 1: "Invalid Message Length" }],
  8: ["Send Hold Timer Expired", {}],
};

export function errorCodeName(code: number): string {
  return CODES[code]?.[0] ?? `Unknown Error ${code}`;
}

/** "Cease / Administrative Shutdown"; unknown values are printed as numbers. */
export function notificationName(code: number, subcode: number): string {
  const entry = CODES[code];
  if (!entry) return `Unknown Error ${code}/${subcode}`;
  const sub = entry[1][subcode];
  if (sub) return `${entry[0]} / ${sub}`;
  return subcode === 0 ? entry[0] : `${entry[0]} / subcode ${subcode}`;
}
