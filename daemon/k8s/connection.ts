/**
 * Everything that talks to the API server, in one module loaded only when the sync runs: @kubernetes/client-node
 * is most of kbgpd's code by size (0.3 s and 20 MB to load), and a kbgpd without the sync should not pay for
 * it. The build makes this its own file (scripts/build.mjs).
 */
export { EventRecorder } from "./events.js";
export { Informers } from "./informers.js";
export { loadKubeConfig } from "./kubeconfig.js";
