/** The Kubernetes sync's pure side, as the daemon and the CLI use it. */
export {
  type AliasKey,
  ANNOTATIONS,
  type AnnotationKey,
  KBGP,
  KUBE_OVN_BGP,
  KUBE_ROUTER,
} from "./annotations.js";
export {
  describeRoute,
  formatProblem,
  formatRouteAttributes,
  formatSource,
  type RouteDescription,
} from "./describe.js";
export { derive } from "./desired-routes.js";
export { desiredRouteKey, diffRoutes, type RouteDiff, sameAttributes } from "./diff.js";
export { EXCLUDE_FROM_LB_LABEL } from "./drain.js";
export { SERVICE_NAME_LABEL } from "./endpoints.js";
export type * from "./types.js";
