/**
 * Where the API server is and how to authenticate: the configured kubeconfig file, else the pod's service
 * account (in-cluster), else what kubectl would use (KUBECONFIG, ~/.kube/config).
 */
import { KubeConfig } from "@kubernetes/client-node";

export function loadKubeConfig(file: string | null): KubeConfig {
  const kc = new KubeConfig();
  if (file) kc.loadFromFile(file);
  else if (process.env.KUBERNETES_SERVICE_HOST) kc.loadFromCluster();
  else kc.loadFromDefault();
  if (!kc.getCurrentCluster())
    throw new Error(
      file ? `${file} names no current cluster` : "no cluster: not in a pod, and no kubeconfig found",
    );
  return kc;
}
