# Tanuki's GitHub App as a container image: multi-stage, runs as a non-root user, answers GET /healthz.
#
#   docker build -t tanuki-app .                                   # node:20-bookworm-slim from a registry
#   scripts/build-app-image.sh                                     # the same, or from a local base without a registry
#   docker build --build-arg LLAMA_BINARIES=none -t tanuki-app .   # dispatch-only App (TANUKI_RUNNER=actions): no model
#
# Build arguments:
#   BASE_IMAGE      an image with Node.js >= 20.18 and npm (default node:20-bookworm-slim); git is installed when
#                   missing (needed by inline jobs to clone and push)
#   LLAMA_BINARIES  node-llama-cpp prebuilt binaries to keep, comma-separated package suffixes of @node-llama-cpp/
#                   (default linux-x64,linux-x64-cuda,linux-x64-cuda-ext: CPU and CUDA); `none` for an App that
#                   only dispatches jobs to Actions runners
#
# Runtime: the App listens on PORT (3000) on all interfaces; state lives in the volume /data (TANUKI_DATA_DIR).
# Inline jobs need the Docker socket for the sandbox and, for a GPU, the NVIDIA container toolkit (see
# docs/deployment.md).
ARG BASE_IMAGE=node:20-bookworm-slim

# --- build: compile TypeScript to dist/ -------------------------------------------------------------------------
FROM ${BASE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
# `npm ci` refuses a lockfile that lacks other platforms' optional packages (npm/cli#4828); the locked versions are
# then installed with `npm install`, which still follows package-lock.json.
RUN npm ci --ignore-scripts --omit=optional --no-audit --no-fund \
    || { echo "npm ci refused package-lock.json: installing its locked versions with npm install" >&2; \
         npm install --ignore-scripts --omit=optional --no-audit --no-fund; }
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# --- deps: production dependencies and the chosen llama.cpp binaries ----------------------------------------------
FROM ${BASE_IMAGE} AS deps
ARG LLAMA_BINARIES=linux-x64,linux-x64-cuda,linux-x64-cuda-ext
WORKDIR /app
COPY package.json package-lock.json ./
# No install scripts: node-llama-cpp's postinstall would test (or build) a binary, the App loads a prebuilt one at
# start instead; and the package's own `prepare` (a TypeScript build) belongs to the build stage.
ENV NODE_LLAMA_CPP_SKIP_DOWNLOAD=true
RUN set -eux; \
    npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund \
      || npm install --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund; \
    if [ "$LLAMA_BINARIES" != "none" ]; then \
      wanted="$(node -e 'const o = JSON.parse(require("node:fs").readFileSync("node_modules/node-llama-cpp/package.json", "utf8")).optionalDependencies; \
        const want = process.argv[1].split(",").map((s) => "@node-llama-cpp/" + s.trim()); \
        console.log(Object.entries(o).filter(([n]) => want.includes(n)).map(([n, v]) => n + "@" + v).join(" "))' "$LLAMA_BINARIES")"; \
      test -n "$wanted"; \
      mkdir -p /tmp/llama && cd /tmp/llama; \
      npm install --no-save --no-package-lock --no-audit --no-fund --ignore-scripts $wanted; \
      cp -r /tmp/llama/node_modules/@node-llama-cpp /app/node_modules/; \
      cd /app; \
      rm -rf /tmp/llama; \
    fi; \
    npm cache clean --force; \
    rm -rf /root/.npm

# --- runtime ----------------------------------------------------------------------------------------------------
FROM ${BASE_IMAGE}
ARG TANUKI_UID=10001
RUN set -eux; \
    if ! command -v git >/dev/null; then \
      apt-get update; \
      DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends git ca-certificates; \
      rm -rf /var/lib/apt/lists/*; \
    fi; \
    useradd --uid "$TANUKI_UID" --user-group --home-dir /data --no-create-home --shell /usr/sbin/nologin tanuki; \
    mkdir -p /data; \
    chown "$TANUKI_UID:$TANUKI_UID" /data
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY package.json app.yml ./
COPY bin ./bin

ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    TANUKI_DATA_DIR=/data \
    HOME=/data
VOLUME /data
EXPOSE 3000
USER ${TANUKI_UID}:${TANUKI_UID}
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "bin/tanuki.js", "app"]
