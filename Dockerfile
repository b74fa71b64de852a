# f1graph: the GraphQL gateway over OpenF1 on port 4000.
# Stage 1: GraphiQL's browser assets from the npm registry, pinned by graphiql/package-lock.json
# (versions and integrity hashes); only the four served packages, with their licences, move on.
FROM node:20-slim AS graphiql
WORKDIR /graphiql
COPY graphiql/package.json graphiql/package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund --loglevel=error

# Stage 2: the gateway.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 F1GRAPH_PORT=4000 \
    F1GRAPH_GRAPHIQL_DIR=/app/graphiql/node_modules
WORKDIR /app
COPY pyproject.toml README.md LICENSE ./
COPY f1graph ./f1graph
RUN pip install --no-cache-dir . && useradd --create-home --uid 10001 f1graph
COPY --from=graphiql /graphiql/node_modules/react /app/graphiql/node_modules/react
COPY --from=graphiql /graphiql/node_modules/react-dom /app/graphiql/node_modules/react-dom
COPY --from=graphiql /graphiql/node_modules/graphiql /app/graphiql/node_modules/graphiql
COPY --from=graphiql /graphiql/node_modules/@graphiql/plugin-explorer /app/graphiql/node_modules/@graphiql/plugin-explorer
USER f1graph
EXPOSE 4000
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:4000/healthz', timeout=2).status != 200)"
CMD ["f1graph", "serve"]
