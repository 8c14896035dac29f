/** The configuration file loader: YAML (docs/config.md) → `SpeakerConfig`. */
export { ConfigError, type ConfigIssue, formatIssue } from "./errors.js";
export { parseExtCommunity } from "./ext-community.js";
export { type LoadOptions, loadConfigFile, parseConfigText } from "./load.js";
export {
  DEFAULT_CONNECT_RETRY,
  DEFAULT_GRACEFUL_RESTART,
  DEFAULT_HOLD_TIME,
  DEFAULT_HTTP,
  DEFAULT_LISTEN_ADDRESSES,
  DEFAULT_MAX_PREFIX_WARNING,
  DEFAULT_PORT,
} from "./resolve.js";
export { hashRouterId, hostRouterId } from "./router-id.js";
export { resolveRoute } from "./routes.js";
export type { RawIssue } from "./schema.js";
