/** MRT (RFC 6396) reading: record framing and typed decoding. */
export * from "./attributes.js";
export * from "./bgp4mp.js";
export * from "./constants.js";
export * from "./decoder.js";
export * from "./record-framer.js";
export * from "./salvage.js";
export * from "./table-dump.js";
export * from "./table-dump-v2.js";
