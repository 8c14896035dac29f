/**
 * The `kubernetes` section (docs/config.md, docs/kubernetes.md) as a zod schema; kubernetes.ts applies the
 * defaults. Communities are read exactly as a route's.
 */
import * as z from "zod";
import { bool, community, intIn, largeCommunity } from "./schema.js";

const DRAIN_CONDITIONS = ["unschedulable", "taint", "exclude-label", "network-unavailable"] as const;

/** "" is the same as leaving the key out: the ConfigMap in deploy/ lists every key with an empty default. */
const optionalText = z
  .string()
  .optional()
  .transform((s) => (s ? s : undefined));

export const kubernetesSchema = z.strictObject({
  enabled: bool.optional(),
  "node-name": optionalText,
  kubeconfig: optionalText,
  announce: z
    .strictObject({
      "load-balancer-ips": bool,
      "external-ips": bool,
      "cluster-ips": bool,
      "pod-cidrs": bool,
      pods: bool,
    })
    .partial()
    .optional(),
  "pod-watch": z.enum(["cluster", "node"]).optional(),
  "load-balancer-class": optionalText,
  drain: z
    .strictObject({
      when: z.array(z.enum(DRAIN_CONDITIONS)),
      taints: z.array(z.string().min(1)),
      action: z.enum(["withdraw", "deprefer"]),
      prepend: intIn(0, 16),
      "local-pref": intIn(0, 0xffffffff),
    })
    .partial()
    .optional(),
  communities: z.array(community).optional(),
  "large-communities": z.array(largeCommunity).optional(),
  peering: z
    .strictObject({
      mesh: bool,
      "node-selector": z.record(z.string().min(1), z.string()),
      "node-annotations": bool,
      group: optionalText,
    })
    .partial()
    .optional(),
});
export type KubernetesInput = z.output<typeof kubernetesSchema>;
