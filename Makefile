# Chợ Giải Pháp Số — set-up, run and test from a fresh clone with only Python ≥ 3.11 and make.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 5000
HOST   ?= 127.0.0.1
FLASK  := $(BIN)/flask --app wsgi
PYTEST_ARGS ?= -n 2

.PHONY: run test lint format setup setup-dev translations messages migrate db seed clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Re-install whenever pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed $@

translations:
	$(BIN)/pybabel -q compile -d translations

setup: $(VENV)/.installed translations
setup-dev: $(VENV)/.installed-dev translations

db: setup
	$(FLASK) db upgrade

seed: db
	$(FLASK) seed-demo --skip-refused

# The web server and, beside it, the job runner (README "Scheduled tasks"), as in
# production; stopping the server (Ctrl-C) stops the runner too.
run: seed
	@export FLASK_RUN_HOST=$(HOST) FLASK_RUN_PORT=$(PORT); \
	$(FLASK) jobs run & runner=$$!; trap 'kill $$runner 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run

test: setup-dev
	$(BIN)/pytest $(PYTEST_ARGS)

lint: setup-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Extract the interface strings and merge them into the English catalogue.
messages: setup-dev
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o translations/messages.pot --no-location --sort-output .
	$(BIN)/pybabel update -i translations/messages.pot -d translations -l en --no-fuzzy-matching

migrate: setup
	$(FLASK) db migrate -m "$(m)"

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

# Benchmark at scale, not part of `make test` (README: "Hiệu năng / Benchmark").
# PostgreSQL: BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/marketplace_bench
BENCH_SOLUTIONS ?= 100000
BENCH_ORGS      ?= 20000
BENCH_REVIEWS   ?= 500000
BENCH_DURATION  ?= 10
BENCH_ARGS      ?=

.PHONY: bench
bench: setup-dev
	$(BIN)/python -m bench.run --solutions $(BENCH_SOLUTIONS) --orgs $(BENCH_ORGS) \
		--reviews $(BENCH_REVIEWS) --duration $(BENCH_DURATION) $(BENCH_ARGS)
