# f1graph: the GraphQL gateway over OpenF1 on port 4000.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 F1GRAPH_PORT=4000
WORKDIR /app
COPY pyproject.toml README.md ./
COPY f1graph ./f1graph
RUN pip install --no-cache-dir . && useradd --create-home --uid 10001 f1graph
USER f1graph
EXPOSE 4000
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:4000/healthz', timeout=2).status != 200)"
CMD ["f1graph", "serve"]
