# The two set-up commands of the README: `make demo` and `make test`. Each creates .venv, installs the
# package with what it needs, and installs graphviz (and, for the tests, Chromium) when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.archtools-installed
SAMPLE ?= data/samples/shop-vulnerable
REPORTS := reports

.PHONY: demo test lab lint typecheck bench realworld conformance setup system-deps system-deps-test clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev,notebooks]'
	touch $(STAMP)

setup: $(STAMP)

system-deps:
	@scripts/ensure-system-deps.sh

system-deps-test:
	@scripts/ensure-system-deps.sh --browser

demo: $(STAMP) system-deps
	@$(BIN)/archtools audit $(SAMPLE) --format text
	@$(BIN)/archtools audit $(SAMPLE) --format html -o $(REPORTS)/$(notdir $(SAMPLE)).html
	@echo "HTML report: $(REPORTS)/$(notdir $(SAMPLE)).html"

test: $(STAMP) system-deps-test
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q

lint: $(STAMP)
	$(BIN)/ruff check archtools tests benchmarks
	$(BIN)/ruff format --check archtools tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

bench: $(STAMP)
	$(BIN)/python benchmarks/run_benchmark.py

# The labelled real-world corpus (tests/realworld/): audits each app from its mirror
# (ARCHTOOLS_MIRRORS, default ../.mirror) and writes benchmarks/realworld.md. ARGS="--app NAME" for one.
realworld: $(STAMP)
	$(BIN)/python benchmarks/realworld.py $(ARGS)

# archtools' schemas against the ORMs' own view, field by field, on tests/, the samples and the
# real-world corpus: Prisma's engine (DMMF) and drizzle-orm; installs them with npm into
# .conformance/ (needs node). Not part of `make test`. ARGS="path/to/schema.prisma --drizzle REPO".
conformance: $(STAMP)
	$(BIN)/python -m benchmarks.conformance $(ARGS)

clean:
	rm -rf $(VENV) $(REPORTS) .pytest_cache .mypy_cache .ruff_cache
