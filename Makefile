# Huoban — the commands a developer and CI use. `make help` lists them.
PYTHON ?= python3.12
VENV   := .venv
BIN    := $(VENV)/bin
HUOBAN := $(BIN)/huoban
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help demo test test-fast setup sysdeps tools lint lock vendor messages bench clean

help:  ## list the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/activate requirements/base.txt requirements/prod.txt requirements/dev.txt pyproject.toml
	$(BIN)/python -m pip install --quiet --require-hashes \
		-r requirements/base.txt -r requirements/prod.txt -r requirements/dev.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

setup: $(VENV)/.installed  ## create .venv and install the locked requirements

demo: setup  ## run the demo at http://127.0.0.1:8000 (SQLite, demo data)
	HUOBAN_ENV=demo $(HUOBAN) migrate --no-input
	HUOBAN_ENV=demo $(HUOBAN) load_demo
	HUOBAN_ENV=demo $(HUOBAN) runserver 127.0.0.1:8000

sysdeps:  ## install the Debian packages the tests need (Chromium, CJK fonts, zbar, poppler)
	scripts/system-deps.sh

tools/node_modules/.installed: tools/package.json tools/package-lock.json
	cd tools && npm ci --no-audit --no-fund --loglevel=error
	touch $@

tools: sysdeps tools/node_modules/.installed  ## install the HTML and accessibility checkers (npm)

test: setup sysdeps tools  ## every check: lint, the suite on SQLite (browser too), then on PostgreSQL
	scripts/test.sh

test-fast: setup  ## the inner loop: the suite on SQLite without the browser and checkers, parallel
	HUOBAN_ENV=test $(BIN)/python -m pytest -m "not browser and not checkers" $(PYTEST_ARGS)

lint: setup  ## ruff, formatting, mypy, migrations, the layer contract, faces through selectors
	scripts/test.sh lint

lock:  ## recompile requirements/*.txt with hashes (needs uv)
	cd requirements && for f in base prod dev; do \
		uv pip compile --quiet --python-version 3.12 --generate-hashes \
			--custom-compile-command "make lock" $$f.in -o $$f.txt; done

vendor:  ## refresh the vendored front-end files under static/vendor from npm
	scripts/vendor.sh

messages:  ## update and compile the English catalogue
	cd src/huoban && ../../$(HUOBAN) makemessages -l en --no-obsolete && ../../$(HUOBAN) compilemessages

bench: setup  ## run the benchmarks (see docs/benchmarks.md)
	HUOBAN_ENV=test $(BIN)/python bench/run.py
	HUOBAN_ENV=test $(BIN)/python bench/classes.py

clean:
	rm -rf $(VENV) var/*.sqlite3 staticfiles
