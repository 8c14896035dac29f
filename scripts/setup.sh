#!/bin/sh
# Everything kbgp needs on a fresh Debian machine: system packages (only those missing), then the npm
# dependencies and the build. Used by both README commands and by .ci/run.
set -eu
cd "$(dirname "$0")/.."

# bzip2: tests read bzip2-compressed MRT; bgpdump: npm run bench compares kbgp mrt dump with it;
# time: /usr/bin/time, which npm run bench uses for the CLI's peak RSS.
PACKAGES="bzip2 bgpdump time tmux gobgpd bird2 frr exabgp python3 make g++" # python3 make g++: the native addon; gobgpd bird2 frr exabgp: the peers of test/interop (and bench); tmux: the shell's terminal tests

missing=""
for p in $PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  echo "setup: installing$missing"
  $sudo apt-get update
  # shellcheck disable=SC2086
  $sudo apt-get install -y --no-install-recommends $missing
fi

# The install script builds kbgpd's native addon (TCP MD5; node-gyp needs python3, make, g++ and Node's
# headers: npm's `nodedir`, else the running Node's include/node). Here it must build: the tests need it.
KBGP_NATIVE=required npm ci --no-audit --no-fund
