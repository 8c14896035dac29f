/**
 * Runs the machine's kubectl against a test API server. kubectl is not a Debian package here (it comes with
 * the machine's Google Cloud SDK, whose dispatcher picks kubectl 1.32 from the server's /version), so a
 * missing one is an error naming the path, never a skipped test.
 */
import { spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import type { ApiServer } from "./api-server/index.js";

export const kubectlPath = "/usr/bin/kubectl";

export function requireKubectl(): string {
  try {
    accessSync(kubectlPath, constants.X_OK);
  } catch {
    throw new Error(`${kubectlPath} is missing or not executable: the Kubernetes tests run the real kubectl`);
  }
  return kubectlPath;
}

export interface KubectlResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `kubectl args…` with the server's kubeconfig; `input` goes to stdin (for `-f -`). Killed after
 *  `timeoutMs`, which rejects. Never rejects on a non-zero exit. */
export function kubectl(
  api: ApiServer,
  args: readonly string[],
  opts: { input?: string; timeoutMs?: number } = {},
): Promise<KubectlResult> {
  const bin = requireKubectl();
  const timeoutMs = opts.timeoutMs ?? 15_000;
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/tmp", ...api.kubectlEnv },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`kubectl ${args.join(" ")}: killed after ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(opts.input ?? "");
  });
}

/** kubectl that must succeed; returns stdout. */
export async function kubectlOk(
  api: ApiServer,
  args: readonly string[],
  opts?: { input?: string },
): Promise<string> {
  const r = await kubectl(api, args, opts);
  if (r.code !== 0)
    throw new Error(`kubectl ${args.join(" ")} exited ${r.code}: ${r.stderr.trim() || r.stdout.trim()}`);
  return r.stdout;
}
