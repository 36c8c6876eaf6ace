# Distillery: `make run` starts the app on this machine, `make test` runs every test.
# Both do their own set-up first and skip whatever is already done.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := .make

.PHONY: run test faults setup frontend system-test-deps migrate clean

run: setup
	$(PY) scripts/run.py

test: setup system-test-deps
	cd frontend && npm test --silent
	$(PY) scripts/test.py

# Faults injected on real processes (worker killed, database cut, Redis restarted, disk full) and the
# API fuzzed from its schema: tests/faults, apart from `make test` for its length; .ci/run runs both.
faults: setup system-test-deps
	$(PY) scripts/test.py --faults

setup: $(STAMP)/venv $(STAMP)/frontend

$(STAMP)/venv: requirements.txt
	@mkdir -p $(STAMP)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

FRONTEND_SOURCES := $(shell find frontend/src frontend/index.html frontend/package.json frontend/package-lock.json frontend/vite.config.ts frontend/tsconfig*.json -type f 2>/dev/null)

$(STAMP)/frontend: $(FRONTEND_SOURCES)
	@mkdir -p $(STAMP)
	cd frontend && npm ci --no-audit --no-fund --loglevel=error && npm run build
	@touch $@

frontend: $(STAMP)/frontend

# Chromium drives the browser tests; docker-compose validates the team deployment file.
system-test-deps: $(STAMP)/system-test-deps

$(STAMP)/system-test-deps:
	@mkdir -p $(STAMP)
	@if ! command -v chromium >/dev/null || ! command -v docker-compose >/dev/null; then \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium docker-compose >/dev/null; \
		else \
			echo "Install chromium and docker-compose (apt-get install chromium docker-compose) for the browser and compose tests."; exit 1; \
		fi; \
	fi
	@touch $@

migrate: setup
	$(PY) manage.py migrate

clean:
	rm -rf $(STAMP) $(VENV) frontend/node_modules frontend/dist
