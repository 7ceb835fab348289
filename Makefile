# The README names these targets. `make run` and `make test` set everything up on a fresh clone.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install run index test lint eval bench clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	# torch first and pinned: an unpinned torch pulls gigabytes of CUDA packages.
	$(PY) -m pip install --quiet -c constraints.txt torch==2.13.0
	$(PY) -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

index: install  ## build index/ if it is missing or stale
	$(VENV)/bin/assistant build --if-needed

run: install  ## build what is missing, then start the app on ASSISTANT_HOST:ASSISTANT_PORT
	$(VENV)/bin/assistant serve

test: install  ## the whole test suite, browser tests included
	$(PY) -m pytest -q

lint: install
	$(VENV)/bin/ruff check assistant tests bench app.py

eval: install  ## evaluation report on the shipped gold set into eval/reports/latest
	$(VENV)/bin/assistant eval --out eval/reports/latest

bench: install
	$(PY) bench/retrieval.py

clean:
	rm -rf index/*.json index/bm25 index/dense index/embedder
