/**
 * deploy/ checked offline: `kubectl kustomize` builds it; the objects are the expected kinds with the fields
 * deploy/README.md promises (host network, downward API, probes on kbgpd's endpoints, only NET_BIND_SERVICE,
 * the socket and state directories where kbgpd and kbgp look); RBAC grants only reads plus Events; the
 * ConfigMap's configuration passes `kbgpd --check`; the Dockerfile copies every source the bundles are built
 * from, and the bundles run from a copy without node_modules, as the image runs them.
 * (A dry run against an API server is a separate step.)
 */
import { spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const KUBECTL = "/usr/bin/kubectl";
const tmp = mkdtempSync(join(tmpdir(), "kbgp-deploy-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// Loose shapes: the test reads what it checks and fails on anything missing.
// biome-ignore lint/suspicious/noExplicitAny: parsed YAML
type Obj = Record<string, any>;
let objects: Obj[];
const one = (kind: string): Obj => {
  const found = objects.filter((o) => o.kind === kind);
  expect(found, kind).toHaveLength(1);
  return found[0];
};

beforeAll(() => {
  expect(existsSync(KUBECTL), `${KUBECTL} (kubectl v1.32) is needed to build deploy/`).toBe(true);
  const r = spawnSync(KUBECTL, ["kustomize", join(ROOT, "deploy")], { encoding: "utf8" });
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  objects = parseAllDocuments(r.stdout).map((d) => d.toJS() as Obj);
});

describe("kubectl kustomize deploy/", () => {
  it("builds exactly the speaker's objects, in kube-system", () => {
    expect(objects.map((o) => o.kind).sort()).toEqual([
      "ClusterRole",
      "ClusterRoleBinding",
      "ConfigMap",
      "DaemonSet",
      "ServiceAccount",
    ]);
    for (const o of objects) {
      expect(o.metadata.labels?.["app.kubernetes.io/name"], o.kind).toBe("kbgp");
      if (!o.kind.startsWith("Cluster")) expect(o.metadata.namespace, o.kind).toBe("kube-system");
    }
  });

  it("runs kbgpd on every node's network, with its identity and endpoints", () => {
    const ds = one("DaemonSet");
    const pod = ds.spec.template.spec;
    expect(ds.spec.selector.matchLabels).toEqual(
      expect.objectContaining({
        "app.kubernetes.io/name": ds.spec.template.metadata.labels["app.kubernetes.io/name"],
      }),
    );
    expect(pod.hostNetwork).toBe(true);
    expect(pod.dnsPolicy).toBe("ClusterFirstWithHostNet");
    expect(pod.serviceAccountName).toBe(one("ServiceAccount").metadata.name);
    expect(pod.tolerations).toEqual([{ operator: "Exists" }]);
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(10);
    expect(pod.terminationGracePeriodSeconds).toBeLessThanOrEqual(60);
    expect(pod.containers).toHaveLength(1);
    const c = pod.containers[0];
    expect(c.image).toMatch(/kbgp:/);

    const env = Object.fromEntries(c.env.map((e: Obj) => [e.name, e.valueFrom?.fieldRef?.fieldPath]));
    expect(env).toEqual({ NODE_NAME: "spec.nodeName", NODE_IP: "status.hostIP" });

    // The flags kbgpd takes, and where they point.
    const args = new Map<string, string>(c.args.map((a: string) => a.replace(/^--/, "").split("=", 2)));
    expect([...args.keys()].sort()).toEqual(["config", "http-listen", "log-level", "state-dir"]);
    const mounts = new Map<string, Obj>(c.volumeMounts.map((m: Obj) => [m.mountPath, m]));
    const volumes = new Map<string, Obj>(pod.volumes.map((v: Obj) => [v.name, v]));
    const volumeAt = (path: string) => {
      const m = mounts.get(path);
      expect(m, `a volume mounted at ${path}`).toBeDefined();
      return { mount: m!, volume: volumes.get(m!.name)! };
    };
    const config = volumeAt(dirname(args.get("config")!));
    expect(config.mount.readOnly).toBe(true);
    expect(config.mount.subPath).toBeUndefined(); // the kubelet refreshes whole directories only
    expect(config.volume.configMap.name).toBe(one("ConfigMap").metadata.name);
    expect(Object.keys(one("ConfigMap").data)).toEqual([args.get("config")!.split("/").pop()]);
    const state = volumeAt(args.get("state-dir")!);
    expect(state.volume.hostPath).toEqual({ path: "/var/lib/kbgp", type: "DirectoryOrCreate" });
    // kbgp's default socket, /run/kbgp/kbgp.sock: `kubectl exec ds/kbgp -- kbgp neighbor` needs no flag.
    expect(args.has("socket")).toBe(false);
    expect(volumeAt("/run/kbgp").volume.emptyDir).toBeDefined();
    // No other writable place on a read-only root filesystem but these.
    expect([...mounts.keys()].sort()).toEqual(["/etc/kbgp", "/run/kbgp", "/tmp", "/var/lib/kbgp"]);

    // Metrics and probes: on the node's address, the port the probes use.
    expect(args.get("http-listen")).toBe("$(NODE_IP):9179");
    const ports = Object.fromEntries(c.ports.map((p: Obj) => [p.name, p.containerPort]));
    expect(ports).toEqual({ bgp: 179, metrics: 9179 });
    expect(c.startupProbe.httpGet).toEqual({ path: "/healthz", port: "metrics" });
    expect(c.livenessProbe.httpGet).toEqual({ path: "/healthz", port: "metrics" });
    expect(c.readinessProbe.httpGet).toEqual({ path: "/readyz", port: "metrics" });
    for (const p of [c.startupProbe, c.livenessProbe, c.readinessProbe])
      expect(p.httpGet.host).toBeUndefined();
    // A liveness restart resets every session: not before a minute of failures.
    expect(c.livenessProbe.periodSeconds * c.livenessProbe.failureThreshold).toBeGreaterThanOrEqual(60);
    expect(ds.spec.template.metadata.annotations).toMatchObject({
      "prometheus.io/scrape": "true",
      "prometheus.io/port": String(ports.metrics),
    });

    expect(c.resources.requests.cpu).toBeDefined();
    expect(c.resources.requests.memory).toBeDefined();
    expect(c.resources.limits.memory).toBeDefined();
    expect(c.resources.limits.cpu).toBeUndefined();
  });

  it("gives kbgpd no capability but NET_BIND_SERVICE", () => {
    const pod = one("DaemonSet").spec.template.spec;
    const sc = pod.containers[0].securityContext;
    expect(sc.capabilities).toEqual({ drop: ["ALL"], add: ["NET_BIND_SERVICE"] });
    expect(sc.allowPrivilegeEscalation).toBe(false);
    expect(sc.readOnlyRootFilesystem).toBe(true);
    expect(sc.privileged).toBe(false);
    expect(sc.seccompProfile).toEqual({ type: "RuntimeDefault" });
    expect(pod.hostPID).toBeUndefined();
    expect(pod.hostIPC).toBeUndefined();
  });

  it("grants only reads of what the sync watches, plus Events", () => {
    const role = one("ClusterRole");
    const granted = role.rules.flatMap((r: Obj) =>
      r.apiGroups.flatMap((g: string) =>
        r.resources.flatMap((res: string) => r.verbs.map((v: string) => `${g || "core"}/${res}:${v}`)),
      ),
    );
    const reads = [
      "core/services",
      "core/nodes",
      "core/pods",
      "core/namespaces",
      "discovery.k8s.io/endpointslices",
    ];
    const expected = [
      ...reads.flatMap((r) => ["get", "list", "watch"].map((v) => `${r}:${v}`)),
      ...["core/events", "events.k8s.io/events"].flatMap((r) => ["create", "patch"].map((v) => `${r}:${v}`)),
    ];
    expect([...granted].sort()).toEqual(expected.sort());
    for (const r of role.rules) {
      expect(r.resourceNames).toBeUndefined();
      expect(r.nonResourceURLs).toBeUndefined();
    }
    const binding = one("ClusterRoleBinding");
    expect(binding.roleRef).toEqual({
      apiGroup: "rbac.authorization.k8s.io",
      kind: "ClusterRole",
      name: role.metadata.name,
    });
    const sa = one("ServiceAccount");
    expect(binding.subjects).toEqual([
      { kind: "ServiceAccount", name: sa.metadata.name, namespace: "kube-system" },
    ]);
  });
});

describe("the ConfigMap's configuration", () => {
  const KBGPD = join(ROOT, "bin/kbgpd.mjs");
  const check = (text: string) => {
    const file = join(tmp, `check-${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(file, text);
    return spawnSync(process.execPath, [KBGPD, "--config", file, "--check"], { encoding: "utf8" });
  };
  it("has the kubernetes section as the sync defines it", () => {
    expect(parse(text()).kubernetes).toEqual({
      enabled: true,
      "node-name": "",
      kubeconfig: "",
      announce: {
        "load-balancer-ips": true,
        "external-ips": true,
        "cluster-ips": false,
        "pod-cidrs": true,
        pods: false,
      },
      "load-balancer-class": "",
      drain: { when: ["unschedulable", "exclude-label"], taints: [], action: "withdraw", prepend: 3 },
      communities: [],
      peering: { mesh: false, "node-annotations": true },
    });
  });

  it("passes kbgpd --check, its kubernetes section included", () => {
    const r = check(text());
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(
      /^configuration OK: AS 64512, 1 neighbors, .*http 127\.0\.0\.1:9179, Kubernetes sync as node /,
    );
  });
});

describe("the image", () => {
  const dockerfile = readFileSync(join(ROOT, "Dockerfile"), "utf8");
  const instructions = dockerfile
    .replace(/\\\n/g, " ")
    .split("\n")
    .filter((l) => l.trim() !== "" && !l.trim().startsWith("#"));
  const stages = instructions.map((l, i) => [l, i] as const).filter(([l]) => l.startsWith("FROM "));

  it("is built in two stages on Node 20 slim, and runs kbgpd under tini", () => {
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:20-[a-z]+-slim$/m);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the Dockerfile's own variable, literally
    const from = "FROM ${NODE_IMAGE}";
    expect(stages.map(([l]) => l)).toEqual([`${from} AS build`, from]);
    expect(instructions).toContain('ENTRYPOINT ["/usr/bin/tini", "--", "kbgpd"]');
    expect(instructions).toContain("USER node");
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
      bin: Record<string, string>;
    };
    for (const [name, path] of Object.entries(pkg.bin))
      expect(dockerfile).toContain(`ln -s /opt/kbgp/${path} /usr/local/bin/${name}`);
  });

  it("copies every source the bundles are built from into the build stage", () => {
    const build = instructions.slice(0, stages[1][1]);
    const copied = build
      .filter((l) => l.startsWith("COPY "))
      .flatMap((l) => l.split(/\s+/).slice(1, -1))
      .map((p) => p.replace(/\/$/, ""));
    const ignored = readFileSync(join(ROOT, ".dockerignore"), "utf8")
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith("#"));
    const needed = new Set(["package.json", "package-lock.json", "scripts", "bin"]);
    for (const bundle of ["kbgpd.mjs", "kbgp.cjs", "kbgp-shell.mjs"]) {
      const map = JSON.parse(readFileSync(join(ROOT, "dist", `${bundle}.map`), "utf8")) as {
        sources: string[];
      };
      // Relative paths are files; `stub:…` are modules the build replaces (scripts/build.mjs).
      for (const s of map.sources.filter((x) => x.startsWith("../"))) {
        const top = resolve(ROOT, "dist", s)
          .slice(ROOT.length + 1)
          .split("/")[0];
        if (top !== "node_modules") needed.add(top);
      }
    }
    for (const n of needed) {
      expect(copied, `the Dockerfile copies ${n}`).toContain(n);
      expect(ignored, `.dockerignore keeps ${n}`).not.toContain(n);
    }
  });

  it("runs kbgpd and kbgp from bin/ and dist/ alone, through links on PATH", () => {
    const opt = join(tmp, "opt/kbgp");
    const path = join(tmp, "usr-local-bin");
    mkdirSync(opt, { recursive: true });
    mkdirSync(path, { recursive: true });
    for (const d of ["bin", "dist"]) cpSync(join(ROOT, d), join(opt, d), { recursive: true });
    cpSync(join(ROOT, "package.json"), join(opt, "package.json"));
    symlinkSync(join(opt, "bin/kbgpd.mjs"), join(path, "kbgpd"));
    symlinkSync(join(opt, "bin/kbgp.cjs"), join(path, "kbgp"));
    const env = { PATH: `${path}:${dirname(process.execPath)}:/usr/bin:/bin`, HOME: tmp };
    const run = (cmd: string, ...args: string[]) => spawnSync(cmd, args, { encoding: "utf8", env, cwd: tmp });
    const version = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version as string;
    expect(run("kbgpd", "--version")).toMatchObject({ status: 0, stdout: `kbgpd ${version}\n` });
    expect(run("kbgp", "version")).toMatchObject({ status: 0 });
    expect(run("kbgp", "version").stdout).toContain(version);
    // The CLI without a daemon: exit 3, "cannot reach kbgpd", not a missing module.
    const n = run("kbgp", "neighbor", "-s", join(tmp, "none.sock"));
    expect(n.status).toBe(3);
    expect(n.stderr).not.toMatch(/Cannot find (module|package)/);
    const file = join(tmp, "image-check.yaml");
    writeFileSync(file, text());
    const check = run("kbgpd", "--config", file, "--check");
    expect(check).toMatchObject({ status: 0, stderr: "" });
    // The native addon (TCP MD5) is found beside the bundle, without the checkout around it.
    expect(check.stdout).toContain(`TCP MD5 available (${join(opt, "dist/kbgp_tcp_md5.node")})`);
  });
});

function text(): string {
  return one("ConfigMap").data["kbgpd.yaml"] as string;
}
