# The README names these targets. `make run` and `make test` set everything up on a fresh clone.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install run index test test-fast lint eval bench bench-scale screenshot briefing-png clean

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

test: install  ## the whole test suite, browser tests included (what CI runs)
	$(PY) -m pytest -q

test-fast: install  ## the quick loop while working: no slow and no system tests (under a minute)
	$(PY) -m pytest -q -m "not slow and not system"

lint: install
	$(VENV)/bin/ruff check assistant tests bench app.py

eval: install  ## evaluation report on the shipped gold set into eval/reports/latest
	$(VENV)/bin/assistant eval --out eval/reports/latest

bench: install  ## build time, index size, search and answer latency, cold starts (5 runs each) on the shipped corpus (bench/results/)
	$(PY) bench/retrieval.py
	$(PY) bench/answer.py
	$(PY) bench/coldstart.py

bench-scale: install  ## builds and searches 1k, 10k and 100k synthetic units; FAISS flat vs IVF (about 15 min)
	$(PY) bench/scale.py

screenshot: install  ## docs/screenshots/desktop.png, desktop-reader.png and phone.png, taken in chromium (not by the tests)
	$(PY) -m bench.screenshots

briefing-png: install  ## docs/briefings/采煤沉陷区综合治理.png, page 1 of the example Word briefing (LibreOffice headless → PDF → pdftoppm; not by the tests)
	$(PY) -m bench.briefing_png

clean:
	rm -rf index/*.json index/*.jsonl index/*.faiss index/*.cache index/bm25 index/docs index/dense index/embedder
