# Latchkey server with the built console, for docker-compose.yml.
FROM node:24-bookworm-slim AS build
WORKDIR /app
RUN npm i -g pnpm@12
COPY . .
RUN pnpm install --frozen-lockfile && pnpm build

FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production PORT=4000
COPY --from=build /app /app
EXPOSE 4000
USER node
# Migrations are applied by the server at start, under an advisory lock.
CMD ["node", "server/dist/main.js"]
