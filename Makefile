# The two commands of a fresh checkout: `make release` and `make test` (`make serve` to browse).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: release test validate bench server serve screenshot clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[pipeline,serve,dev]'
	touch $(STAMP)

# The API of a server started by `make server`, while its process runs.
SERVER_URL = $(shell test -f .prefect/server.pid && kill -0 $$(cat .prefect/server.pid) 2>/dev/null && cat .prefect/server.url)

release: $(STAMP)  ## Build, validate and publish a new release of dataset/ (NOTE="..." adds a changelog note)
	$(if $(SERVER_URL),PREFECT_API_URL=$(SERVER_URL) )$(BIN)/jrr release $(if $(NOTE),--note "$$NOTE")

test: $(STAMP)  ## Lint and run the test suite
	$(BIN)/ruff check jrr flows schemas tests benchmarks setup.py
	$(BIN)/ruff format --check jrr flows schemas tests benchmarks setup.py
	$(BIN)/python -m pytest

validate: $(STAMP)  ## Check raw/ builds and every published release is intact
	$(BIN)/jrr validate

serve: $(STAMP)  ## Browse a release in Datasette (VERSION=1.0.0 pins one; HOST, PORT)
	$(BIN)/jrr serve $(VERSION) $(if $(HOST),--host $(HOST)) $(if $(PORT),--port $(PORT))

screenshot: $(STAMP)  ## Regenerate docs/serve.png, the README's view of `jrr serve`
	$(BIN)/python tests/browser.py docs/serve.png

bench: $(STAMP)  ## Time real releases of invented corpora of 1k and 10k articles (ARTICLES=100000 for one size)
	$(BIN)/python benchmarks/bench_release.py $(if $(ARTICLES),--articles $(ARTICLES))

server: $(STAMP)  ## Start a Prefect server on 127.0.0.1:4200 (PORT=...) in the background; make release uses it
	$(BIN)/python -m jrr.flows.server --port $(or $(PORT),4200)

clean:
	rm -rf $(VENV) .prefect .jrr .pytest_cache .ruff_cache build *.egg-info
