# syntax=docker/dockerfile:1
# The service as a container image (Azure Container Apps, Kubernetes, any OCI host). Two stages:
#   build    - every dependency (TypeScript), compiles bot/ and src/ to dist/ (npm run build);
#   runtime  - production dependencies only (npm ci --omit=dev) and dist/, run as the unprivileged `node` user.
# Build: docker build -t adherence-drift .   (or in Azure: az acr build --registry <acr> --image adherence-drift:<tag> .)
# Node 22 is a Long Term Support line (https://nodejs.org/en/about/previous-releases); the slim Debian (bookworm) variant
# of the official image keeps the image small (https://hub.docker.com/_/node).

FROM node:22-bookworm-slim AS build
WORKDIR /app
ENV NPM_CONFIG_UPDATE_NOTIFIER=false
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY bot ./bot
COPY src ./src
RUN npm run build

FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    PORT=3978 \
    METRICS_PORT=9464
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: no install script is needed at run time (restify's optional dtrace-provider is skipped).
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# The official image's unprivileged user (uid 1000); the service writes nothing to its own files.
USER node
# 3978: /api/messages only (the public ingress); 9464: /healthz, /readyz, /metrics (probes and scraping, private).
EXPOSE 3978 9464
# Exec form: node is PID 1 and receives SIGTERM itself, so it drains (units handed over, sends finished) and exits 0.
CMD ["node", "dist/bot/main.js"]
