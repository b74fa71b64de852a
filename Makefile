# f1graph: `make install` then `make run`; `make test` is what CI runs.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SRC := f1graph tests bench

CHROMIUM ?= $(shell command -v chromium || command -v chromium-browser || echo /usr/bin/chromium)

.PHONY: install venv graphiql browser run test lint typecheck schema schema-check pytest bench fuzz differential load clean

# everything a fresh Debian machine needs for `make run` and `make test` (Redis aside)
install: venv graphiql browser

venv:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'

# GraphiQL's browser assets, pinned by graphiql/package-lock.json, into git-ignored node_modules
graphiql:
	npm ci --prefix graphiql --ignore-scripts --no-audit --no-fund --loglevel=error

# the headless browser of the page tests: Debian's chromium, installed only when missing
browser:
	@if [ -x "$(CHROMIUM)" ]; then echo "chromium: $(CHROMIUM)"; \
	else echo "installing Debian's chromium (apt-get)"; \
	  $$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get update -qq && \
	  $$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get install -y -qq chromium; fi

run:
	$(BIN)/f1graph serve

test: lint typecheck schema-check pytest

lint:
	$(BIN)/ruff check $(SRC)
	$(BIN)/ruff format --check $(SRC)
	$(BIN)/lint-imports --no-cache

typecheck:
	$(BIN)/mypy f1graph

schema:
	$(BIN)/f1graph export-schema --out schema.graphql

schema-check:
	$(BIN)/f1graph export-schema | diff -u schema.graphql - || \
	  (echo "schema.graphql is out of date: run 'make schema'" && exit 1)

pytest:
	$(BIN)/pytest -q -p no:cacheprovider

bench:
	$(BIN)/python -m bench.gateway
	$(BIN)/python -m bench.analyses
	$(BIN)/python -m bench.telemetry
	$(BIN)/python -m bench.shim
	$(BIN)/python -m bench.replay
	$(BIN)/python -m bench.execution
	$(BIN)/python -m bench.ops
	$(BIN)/python -m bench.responses
	$(BIN)/python -m bench.faults
	$(BIN)/python -m bench.fanout 200

# the long runs: the executor's differential test, schemathesis against the GraphQL schema
# (make test runs a few examples of each)
fuzz:
	F1GRAPH_FUZZ_EXAMPLES=2000 $(BIN)/pytest -q -p no:cacheprovider tests/execution/test_differential.py
	F1GRAPH_FUZZ_EXAMPLES=300 $(BIN)/pytest -q -p no:cacheprovider tests/test_graphql_fuzz.py

# the whole suite with every planned query also run on graphql-core's executor (make test
# shadows tests/execution and tests/schema only; see tests/conftest.py)
differential:
	F1GRAPH_SHADOW=all $(BIN)/pytest -q -p no:cacheprovider

load:  # 100 concurrent clients for a minute, mixed queries: errors (target 0) and p99
	$(BIN)/python -m bench.load --clients 100 --seconds 60

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
