/**
 * `kbgpd`: the daemon. The BGP speaker (sessions, RIBs, control socket) is issue 3's work; until it lands
 * this entry point only answers --version and says plainly that it cannot run sessions yet.
 */
import { VERSION } from "../cli/version.js";

const args = process.argv.slice(2);
if (args.includes("--version") || args.includes("-v")) {
  process.stdout.write(`kbgpd ${VERSION}\n`);
} else {
  process.stderr.write(
    "kbgpd: the BGP speaker is not built yet; only the wire codec and `kbgp mrt dump` exist\n",
  );
  process.exit(1);
}
