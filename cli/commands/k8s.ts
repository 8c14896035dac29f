/**
 * `kbgp k8s [status]`, `kbgp k8s enable|disable`, `kbgp k8s routes [PREFIX]`, `kbgp k8s peers`
 * (docs/kubernetes.md): the Kubernetes sync's state, its switch, every route it announces with the objects
 * and rule behind it, and the peers it configured with the Node behind each.
 */
import { formatProblem } from "../../core/k8s/describe.js";
import type { K8sPeers, K8sRoutes, K8sStatus } from "../../daemon/k8s/views.js";
import type { Options } from "../args.js";
import { withClient } from "../client.js";
import { CliError, ExitCode } from "../errors.js";
import { k8sPeersTable, k8sRoutesTable, k8sStatusText } from "../format/k8s.js";
import { K8S_WORDS } from "../registry.js";

const print = (text: string): void => {
  process.stdout.write(`${text}\n`);
};

const printProblems = (problems: K8sRoutes["problems"]): void => {
  if (problems.length) print(`\nProblems:\n${problems.map((p) => `  ${formatProblem(p)}`).join("\n")}`);
};

export function k8sCommand(words: readonly string[], opts: Options): Promise<void> {
  const [what = "status", ...rest] = words;
  if (!K8S_WORDS.includes(what))
    throw new CliError(`unknown k8s command '${what}': expected ${K8S_WORDS.join(", ")}`, ExitCode.USAGE);
  const most = what === "routes" ? 1 : 0;
  if (rest.length > most) throw new CliError(`unexpected '${rest[most]}' after k8s ${what}`, ExitCode.USAGE);
  return withClient(opts.socket, async (c) => {
    if (what === "routes") {
      const r = await c.call<K8sRoutes>("k8s.routes", rest[0] === undefined ? {} : { prefix: rest[0] });
      if (opts.json) return print(JSON.stringify({ kbgpJson: 1, ...r }));
      if (r.routes.length) print(k8sRoutesTable(r.routes).join("\n"));
      else print(rest[0] === undefined ? "No routes from Kubernetes" : `No Kubernetes route for ${rest[0]}`);
      printProblems(r.problems);
      return;
    }
    if (what === "peers") {
      const r = await c.call<K8sPeers>("k8s.peers");
      if (opts.json) return print(JSON.stringify({ kbgpJson: 1, ...r }));
      print(r.peers.length ? k8sPeersTable(r.peers).join("\n") : "No peers from Kubernetes");
      printProblems(r.problems);
      return;
    }
    const s = await c.call<K8sStatus>(`k8s.${what}`);
    if (opts.json) return print(JSON.stringify({ kbgpJson: 1, ...s }));
    print(k8sStatusText(s, Date.now()));
  });
}
