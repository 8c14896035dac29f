# syntax=docker/dockerfile:1
# kbgp: kbgpd and kbgp in one image (deploy/README.md).
#   docker build -t kbgp:0.1.0 .
# Everything kbgpd and kbgp run is bundled by esbuild into dist/ (scripts/build.mjs), so the runtime stage
# ships bin/ and dist/ and no node_modules at all: nothing in the bundles loads a package at run time
# (test/deploy/manifests.test.ts runs them from a copy with no node_modules to make sure). dist/ also holds
# kbgpd's native addon for TCP MD5 (kbgp_tcp_md5.node; it needs only glibc).

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
# The native addon (TCP MD5, RFC 2385: daemon/native) is compiled here: node-gyp, which comes with npm, needs
# Python, make and a C toolchain, and Node's headers, which the node image has in /usr/local/include/node
# (scripts/build-native.mjs finds them there: nothing is downloaded). Only the .node file reaches the image.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Dependencies first, so a source change does not reinstall them. --ignore-scripts: the only install scripts
# are the project's own `install` (the addon) and `prepare` (the bundles), run below once the sources are
# in; esbuild's binary comes as an optional dependency.
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY scripts/ scripts/
COPY bin/ bin/
COPY core/ core/
COPY daemon/ daemon/
COPY cli/ cli/
# KBGP_NATIVE=required: an image without TCP MD5 fails to build rather than ship. build-native.mjs puts the
# addon in dist/, beside the bundles, where kbgpd loads it at run time (daemon/native/tcp-md5.ts).
RUN KBGP_NATIVE=required node scripts/build-native.mjs \
 && node scripts/build.mjs \
 && npm prune --omit=dev --ignore-scripts --no-audit --no-fund \
 && node bin/kbgpd.mjs --version \
 && node -e 'require("./dist/kbgp_tcp_md5.node").setKey' \
 && node bin/kbgp.cjs version

FROM ${NODE_IMAGE}
# tini as PID 1: it forwards SIGTERM/SIGHUP to kbgpd and reaps what helper processes and health checks leave
# behind (kbgpd runs them; a grandchild orphaned by one would otherwise stay a zombie).
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/kbgp
COPY --from=build /src/package.json ./
COPY --from=build /src/bin/ bin/
COPY --from=build /src/dist/ dist/
# On PATH: `kubectl exec … -- kbgp neighbor`. Node follows the links to find ../dist.
RUN ln -s /opt/kbgp/bin/kbgpd.mjs /usr/local/bin/kbgpd \
 && ln -s /opt/kbgp/bin/kbgp.cjs /usr/local/bin/kbgp \
 && mkdir -p /run/kbgp /var/lib/kbgp /etc/kbgp \
 && chown node:node /run/kbgp /var/lib/kbgp
# The default user is the image's unprivileged `node` (uid 1000): enough for kbgpd on a port above 1023 and
# for `kbgp`. Listening on 179 needs CAP_NET_BIND_SERVICE, which Kubernetes only makes effective for root:
# deploy/daemonset.yaml runs it as root with every other capability dropped.
USER node
ENV KBGP_SOCKET=/run/kbgp/kbgp.sock \
    KBGP_STATE_DIR=/var/lib/kbgp \
    NODE_ENV=production
EXPOSE 179 9179
ENTRYPOINT ["/usr/bin/tini", "--", "kbgpd"]
CMD ["--config", "/etc/kbgp/kbgpd.yaml"]
