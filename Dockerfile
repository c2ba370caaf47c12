# heard: on the embedded default one process with SQLite files in /data; with
# HEARD_EVENT_STORE/HEARD_READ_STORE=postgres://… and HEARD_ROLES, one instance of several.
FROM node:22-bookworm-slim AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:22-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production HEARD_DATA_DIR=/data PORT=3000
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/apps/web/dist ./apps/web/dist
COPY package.json ./
VOLUME /data
EXPOSE 3000
CMD ["node", "dist/apps/heard/src/main.js"]
