# Two commands do all set-up: `make demo` runs the pipeline on the embedded engine,
# `make test` runs every check. Both install what they need on a fresh machine.
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
PYTHON ?= python
UV := $(PYTHON) -m uv
RUN := $(UV) run --locked --no-sync
DATA := .data
export UV_COMPILE_BYTECODE := 1
export SNOWPLOW_DUCKDB := $(CURDIR)/$(DATA)/snowplow.duckdb

.PHONY: setup demo test lint pytest bench contract clean

setup:  ## install uv into the pyenv Python that .python-version selects, then the lock
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 13), \
	  f"Python 3.13 expected (.python-version), got {sys.version.split()[0]}: pyenv install 3.13"'
	@$(PYTHON) -m uv --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet "uv==0.13.8"
	@$(UV) sync --locked --quiet

demo: setup  ## generate a month of traffic, load it, build the models, print the results
	@test -d $(DATA)/landing || $(RUN) snowplow-sample --events 200000 --files 10 --gzip \
	  --seed 1 --out $(DATA)/landing
	@$(RUN) snowplow-load $(DATA)/landing
	@$(RUN) python transform/demo.py

test: setup lint pytest  ## every check CI runs

lint:
	@$(RUN) ruff check .
	@$(RUN) ruff format --check .
	@$(RUN) mypy .

pytest:
	@$(RUN) pytest -n auto --dist loadgroup  # an xdist_group shares its built fixtures

bench: setup  ## measure the figures the README quotes (minutes; not part of the tests)
	@$(RUN) python functions/bench_loader.py
	@$(RUN) python transform/bench.py --tsv $(DATA)/bench/events-1000000-1.tsv --work $(DATA)/bench
	@$(RUN) python functions/bench_cloud.py

contract: setup  ## regenerate what derives from the raw_events contract
	@$(RUN) python -c 'from snowplow_loader.contract import dbt_source_yaml; \
	  open("transform/models/staging/_snowplow__sources.yml", "w").write(dbt_source_yaml())'

clean:
	rm -rf $(DATA)
