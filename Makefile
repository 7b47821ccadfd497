# Маршрут — the two commands that matter: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
DEMO_STAMP := $(VENV)/.installed-demo
# Every install takes the versions the tests passed with (constraints.txt, a pip freeze).
PIP_INSTALL := $(BIN)/pip install -q -c constraints.txt

.PHONY: demo test lint bench clean install install-test install-demo browser translations compat-node

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(STAMP): pyproject.toml constraints.txt | $(BIN)/python
	$(PIP_INSTALL) -e .
	touch $@

$(TEST_STAMP): pyproject.toml constraints.txt | $(BIN)/python
	$(PIP_INSTALL) -e '.[test]'
	touch $@

# The demo LMS (lti1p3platform) is only for the demo and the tests, not for a school's server.
$(DEMO_STAMP): pyproject.toml constraints.txt | $(BIN)/python
	$(PIP_INSTALL) -e '.[demo]'
	touch $@

install: $(STAMP)
install-test: $(TEST_STAMP)
install-demo: $(DEMO_STAMP)

# Debian's chromium for the browser tests (Playwright drives it; no browser download).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; fi; }

demo: $(DEMO_STAMP)
	$(BIN)/marshrut demo --host 127.0.0.1 --port 5000

# The npm Сетевой город client that tests/adapters/netschool/test_third_party.py runs.
compat-node:
	npm ci --prefix tests/compat/node --no-audit --no-fund --loglevel=error
	npm ci --prefix tests/oidc/node --no-audit --no-fund --loglevel=error

test: $(TEST_STAMP) browser compat-node
	$(BIN)/pytest -q

lint: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

# Every benchmark runs even when one misses; the target fails at the end if any missed.
# BENCH_QUICK=1 make bench: a short smoke run of each (its figures judge nothing).
bench: $(TEST_STAMP)
	@missed=""; for b in bench/[!_]*.py; do echo "== $$b"; \
	  $(BIN)/python $$b || missed="$$missed $$b"; done; \
	if [ -n "$$missed" ]; then echo "bench: target missed or failed:$$missed"; exit 1; fi

# Re-extract UI strings, merge them into the English catalogue (pybabel update), compile.
translations: $(TEST_STAMP)
	$(BIN)/python tools/translations.py

clean:
	rm -rf $(VENV) instance .pytest_cache .mypy_cache .ruff_cache
