# Two commands do all set-up: `make demo` runs the pipeline on the embedded engine,
# `make test` runs every check but the slow tests, which `make test-slow` runs (CI: both).
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
PYTHON ?= python
UV := $(PYTHON) -m uv
RUN := $(UV) run --locked --no-sync
DATA := .data
export UV_COMPILE_BYTECODE := 1
export SNOWPLOW_DUCKDB := $(CURDIR)/$(DATA)/snowplow.duckdb

.PHONY: setup demo rebuild test test-slow lint lint-sql lint-delivery pytest bench synth contract bots clean

setup:  ## install uv into the pyenv Python that .python-version selects, then the lock
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 13), \
	  f"Python 3.13 expected (.python-version), got {sys.version.split()[0]}: pyenv install 3.13"'
	@$(PYTHON) -m uv --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet "uv==0.13.8"
	@$(UV) sync --locked --quiet
	@test node_modules/.package-lock.json -nt package-lock.json || npm ci --no-audit --no-fund --silent
	@UV="$(UV)" PYTHON="$(PYTHON)" .ci/tools.sh  # zizmor, shellcheck, hadolint (.ci/tools.txt)

demo: setup  ## generate 90 days of traffic (two incidents), load it, run the daily job, print
	@test -d $(DATA)/landing || $(RUN) snowplow-sample --events 200000 --files 10 --gzip \
	  --seed 1 --days 90 --interest --ping-drop 2026-12-09 --crawler-flood 2026-12-16 \
	  --out $(DATA)/landing
	@$(RUN) snowplow-load $(DATA)/landing
	@$(RUN) python transform/demo.py

rebuild: setup  ## re-derive the sessions touching [FROM, TO) (YYYY-MM-DD, TO exclusive), no full refresh
	@test -n "$(FROM)" -a -n "$(TO)" || { echo "usage: make rebuild FROM=YYYY-MM-DD TO=YYYY-MM-DD" >&2; exit 2; }
	@$(RUN) python -m snowplow_dbt.rebuild --from "$(FROM)" --to "$(TO)"

test: setup lint pytest  ## the README's test command: lint and every test not marked slow

test-slow: setup  ## the slow tests (dbt builds, emulators end to end): CI's second step
	@$(RUN) pytest -n auto --dist loadgroup -m slow

lint:
	@$(RUN) ruff check .
	@$(RUN) ruff format --check .
	@$(RUN) mypy .

lint-sql:  ## sqlfluff on the dbt project (CI runs it beside the tests)
	@$(RUN) sqlfluff lint transform

lint-delivery: setup  ## actionlint, shellcheck, zizmor, hadolint on the workflows, scripts, Dockerfile
	@.ci/lint-delivery

pytest:
	@$(RUN) pytest -n auto --dist loadgroup -m 'not slow'  # a module or xdist_group per worker

bench: setup  ## measure every figure and write BENCHMARKS.md (minutes; not part of the tests)
	@$(RUN) python -m snowplow_sample.benchmarks reset
	@$(RUN) python functions/bench_loader.py
	@$(RUN) python transform/bench.py --tsv $(DATA)/bench/events-1000000-1.tsv --work $(DATA)/bench \
	  --history-events 3000000
	@$(RUN) python transform/bench_propensity.py --users 1000000 --work $(DATA)/bench
	@$(RUN) python functions/bench_cloud.py
	@$(RUN) python functions/bench_reconcile.py
	@$(RUN) python infra/bench_synth.py
	@test -f $(SNOWPLOW_DUCKDB) || $(MAKE) --no-print-directory demo  # the demo's tables
	@$(RUN) python sheets_sync/bench_sheets.py
	@UV="$(UV)" $(RUN) python transform/bench_image.py  # the job image's environment, in a folder
	@$(RUN) python -m snowplow_sample.benchmarks render

synth: setup  ## every stack's Terraform JSON in infra/cdktf.out/stacks/<stack>/ (no cdktf CLI)
	@JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20 $(RUN) --directory infra python main.py

contract: setup  ## regenerate what derives from the raw_events contract
	@$(RUN) python -c 'from snowplow_loader.contract import dbt_source_yaml; \
	  open("transform/models/staging/_snowplow__sources.yml", "w").write(dbt_source_yaml())'

bots: setup  ## regenerate the dbt bot user-agent patterns from the pinned crawler-user-agents
	@$(RUN) python -m snowplow_dbt.bots

clean:
	rm -rf $(DATA)
