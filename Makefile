# The two commands of a fresh checkout: `make release` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: release test validate bench server clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[pipeline,dev]'
	touch $(STAMP)

# The API of a server started by `make server`, while its process runs.
SERVER_URL = $(shell test -f .prefect/server.pid && kill -0 $$(cat .prefect/server.pid) 2>/dev/null && cat .prefect/server.url)

release: $(STAMP)  ## Build, validate and publish a new release of dataset/ (NOTE="..." adds a changelog note)
	$(if $(SERVER_URL),PREFECT_API_URL=$(SERVER_URL) )$(BIN)/jrr release $(if $(NOTE),--note "$$NOTE")

test: $(STAMP)  ## Lint and run the test suite
	$(BIN)/ruff check jrr flows schemas tests benchmarks
	$(BIN)/ruff format --check jrr flows schemas tests benchmarks
	$(BIN)/python -m pytest

validate: $(STAMP)  ## Check raw/ builds and every published release is intact
	$(BIN)/jrr validate

bench: $(STAMP)  ## Time real releases of invented corpora of 1k and 10k articles (ARTICLES=100000 for one size)
	$(BIN)/python benchmarks/bench_release.py $(if $(ARTICLES),--articles $(ARTICLES))

server: $(STAMP)  ## Start a Prefect server on 127.0.0.1:4200 (PORT=...) in the background; make release uses it
	$(BIN)/python -m jrr.flows.server --port $(or $(PORT),4200)

clean:
	rm -rf $(VENV) .prefect .jrr .pytest_cache .ruff_cache
