# grpc-bench as an image, for deploy/kubernetes/: docker build -t grpc-bench:latest .
# Build stage: the README's install step (npm ci, whose prepare script compiles dist/).
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY src ./src
COPY bench ./bench
COPY proto ./proto
COPY schema ./schema
COPY scenarios ./scenarios
RUN npm ci && npm prune --omit=dev

# Run stage: the compiled CLI and its runtime dependencies only, as the unprivileged node user.
FROM node:20-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
COPY --from=build /app/proto ./proto
COPY --from=build /app/schema ./schema
COPY --from=build /app/scenarios ./scenarios
RUN mkdir -p /reports && chown node:node /reports
USER node
ENTRYPOINT ["node", "/app/bin/grpc-bench.js"]
