# The two commands of the README: `make demo` and `make test`. Each installs what is missing
# (PostgreSQL + PostGIS from apt, a virtual environment with Coastwatch) and then does its job.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test setup system-deps test-deps lint bench clean

demo: setup
	$(BIN)/coastwatch demo $(ARGS)

test: setup test-deps
	$(BIN)/python -m pytest $(ARGS)

setup: system-deps $(STAMP)

system-deps:
	@sh scripts/system-deps.sh

test-deps:
	@sh scripts/test-deps.sh

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Coastwatch needs Python 3.11 or newer (PYTHON=$(PYTHON))"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

lint: setup  # ruff's T20 rule fails on stray print( in the library
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

bench: setup
	$(BIN)/python bench/geography_load.py
	$(BIN)/python bench/ingest_speed.py
	$(BIN)/python bench/live_latency.py
	$(BIN)/python bench/rules_speed.py
	$(BIN)/python bench/follow_cycle.py
	$(BIN)/python bench/dashboard_speed.py
	$(BIN)/python -m bench.dashboard_sessions
	$(BIN)/python bench/scene_speed.py
	$(BIN)/python bench/ssdd_detection.py
	$(BIN)/python bench/sar_simulated.py
	$(BIN)/python bench/mission_upload.py
	$(BIN)/python bench/cli_help.py
	$(BIN)/python -m bench.mission_planning
	$(BIN)/python bench/telemetry_ingest.py
	$(BIN)/python bench/entity_accuracy.py
	$(BIN)/python -m bench.entity_finders
	$(BIN)/python -m bench.page_text_rate
	$(BIN)/python -m bench.crawl_rate
	$(BIN)/python -m bench.crawl_rate --socks
	$(BIN)/python -m bench.store_servers
	$(BIN)/python -m bench.distributed_day
	$(BIN)/python -m bench.month_memory

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
