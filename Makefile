# esgledger — two commands: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEBS := fonts-noto-cjk poppler-utils libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libpangocairo-1.0-0 chromium
OUT ?= out/demo
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: demo test lint typecheck pytest system-deps venv bench bench-smoke clean audit audit-offline schemathesis-long bench-deadline

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

# Debian packages the report renderer needs (CJK font, Pango for WeasyPrint, pdftoppm) and
# chromium, the browser the portal's end-to-end tests drive (never a downloaded one).
system-deps:
	@missing=""; for p in $(DEBS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

demo: system-deps $(STAMP)
	$(BIN)/esgledger demo --out $(OUT)
	@echo "Open the portal on the demo ledger:  ESGLEDGER_DEMO=1 $(BIN)/esgledger serve   then http://127.0.0.1:8000/"
	@echo "(sign in as a demo user listed above; those passwords are DEMO CREDENTIALS only)"

lint: $(STAMP)
	$(BIN)/ruff check src tests bench tools
	$(BIN)/ruff format --check src tests bench tools

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: system-deps $(STAMP)
	ESGLEDGER_TEST_PG_URL=$(PG_URL) $(BIN)/pytest -n 2 -q

test: lint typecheck bench-smoke audit-offline pytest

# Dependency audit (docs/security.md): `audit` fails unless every installed package was
# checked and none has a known vulnerability; `audit-offline` (CI) also fails on a known
# vulnerability but only warns when the vulnerability service cannot be reached.
audit: $(STAMP)
	$(BIN)/python tools/audit.py

audit-offline: $(STAMP)
	$(BIN)/python tools/audit.py --offline

# schemathesis per role against a running server, many examples per operation (minutes).
schemathesis-long: $(STAMP)
	ESGLEDGER_SCHEMATHESIS_EXAMPLES=60 $(BIN)/pytest -n 0 -q tests/test_web_scope_fuzz.py

# The deadline day (docs/reliability.md, Load): 500 submitters, 20 reviewers, 10 minutes.
bench-deadline: system-deps $(STAMP)
	ESGLEDGER_TEST_PG_URL=$(PG_URL) $(BIN)/python bench/bench_deadline.py

# Every bench/ script in its small smoke mode (seconds each), so a benchmark that no
# longer runs fails `make test`.
bench-smoke: system-deps $(STAMP)
	@set -e; for f in bench/bench_*.py; do echo "$$f --smoke"; ESGLEDGER_TEST_PG_URL=$(PG_URL) $(BIN)/python $$f --smoke >/dev/null; done

bench: system-deps $(STAMP)
	@set -e; for f in bench/bench_*.py; do echo "$$f"; ESGLEDGER_TEST_PG_URL=$(PG_URL) $(BIN)/python $$f; done

clean:
	rm -rf $(VENV) out esgledger.db build dist
