# ActivityPulse: Node 24 runs the TypeScript sources directly (type stripping), no build step.
# Production sets DATABASE_URL and ENCRYPTION_KEY; without DATABASE_URL the embedded PostgreSQL
# runs under /app/.data (mount a volume there), which suits a trial, not a cluster.
FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:24-bookworm-slim
ENV NODE_ENV=production \
    PORT=3000 \
    DATA_DIR=/app/.data
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json tsconfig.json ./
COPY src ./src
COPY migrations ./migrations
RUN mkdir -p /app/.data && chown node:node /app/.data
# Never root: PostgreSQL (embedded mode) refuses it, and the app needs no privileges.
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# node directly (not npm) so SIGTERM reaches the app and shutdown is graceful. A small young
# generation: V8 otherwise grows it to ~150 MB on a roomy machine, half the idle footprint; and
# glibc's malloc held to two arenas, which Node's threads otherwise each grow and keep
# (BENCHMARKS.md, memory).
ENV MALLOC_ARENA_MAX=2
CMD ["node", "--optimize-for-size", "--max-semi-space-size=4", "src/main.ts"]
