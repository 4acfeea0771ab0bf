# The engine's image: node engine/main.ts, the TypeScript run as it is by Node 24's type
# stripping, so there is no build step. Both stages pin the Node 24 release the tests run on
# (package.json's optional node-linux-* dependencies; the major is .nvmrc's): bump them together.
# The tag is multi-arch, so Fargate's arm64 pulls the same release.

FROM node:24.22.3-bookworm-slim AS dependencies
WORKDIR /app
COPY package.json package-lock.json ./
# Runtime dependencies only. None of them has an install script (only dev tools do), so none is
# run and no package's code executes during the build. The optional ones are the registry's Node
# binaries for machines with an older Node; the image has its own.
RUN npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund

FROM node:24.22.3-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
# Owned by root and not writable by the engine's user. Nothing is written at run time either:
# logs go to stdout and state to DynamoDB, and Node needs no writable directory (no compile
# cache, no temp files), so the task runs with a read-only root filesystem.
COPY --from=dependencies /app/node_modules ./node_modules
COPY package.json ./
COPY config ./config
COPY models ./models
COPY shared ./shared
COPY engine ./engine
USER node
EXPOSE 8080
# Liveness only (see engine/healthcheck.ts). ECS ignores this: its task definition repeats the
# command and these timings. start-period covers reading the config and the Secrets Manager key.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "engine/healthcheck.ts"]
# The engine drains and releases its lease on SIGTERM within 20 s, inside ECS's 30 s stop timeout.
STOPSIGNAL SIGTERM
# The task definition names the config with TRADING_CONFIG_FILE (and TRADING_RISK_FILE); without
# it the engine reads config/system.json, the development config, which trades nowhere here.
CMD ["node", "engine/main.ts"]
