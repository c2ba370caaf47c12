# heard: on the embedded default one process with SQLite files in /data; with
# HEARD_EVENT_STORE/HEARD_READ_STORE=postgres://… and HEARD_ROLES, one instance of several.
# Node 24, the current LTS; CI tests heard on 20 and on 24.

# The production dependencies only (better-sqlite3 is the one native module).
FROM node:24-bookworm-slim AS deps
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

# The build: the development dependencies too (Nest's compiler, Vite for the screens).
FROM deps AS build
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production HEARD_DATA_DIR=/data PORT=3000
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/apps/web/dist ./apps/web/dist
COPY package.json ./
# Not root: the image's own `node` user, owning the data folder.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 3000
# /health/live answers on PORT for every role, without a key.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "--expose-gc", "dist/apps/heard/src/main.js"]
