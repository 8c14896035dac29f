/**
 * A kubeconfig for the test API server: plain HTTP, a token that is sent and never checked. kubectl reads
 * it through KUBECONFIG, client-node through KubeConfig.loadFromFile.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import YAML from "yaml";

export function writeKubeconfig(dir: string, url: string, namespace = "default"): string {
  const path = join(dir, "kubeconfig");
  const config = {
    apiVersion: "v1",
    kind: "Config",
    // client-node refuses a plain http:// server unless TLS verification is (vacuously) switched off.
    clusters: [{ name: "test", cluster: { server: url, "insecure-skip-tls-verify": true } }],
    users: [{ name: "test", user: { token: "test-token" } }],
    contexts: [{ name: "test", context: { cluster: "test", user: "test", namespace } }],
    "current-context": "test",
    preferences: {},
  };
  writeFileSync(path, YAML.stringify(config), { mode: 0o600 });
  return path;
}
