# The two commands of a fresh machine: `make demo` (run) and `make test` (tests).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test lint run install clean bench

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@

install: $(BIN)/.installed

## demo: serve bundled real news pages on 127.0.0.1, ingest them, print the stored articles
demo: $(BIN)/.installed
	$(BIN)/newsingest demo

## run: the whole service on the embedded default (SQLite database, SQLite broker, no Redis)
run: $(BIN)/.installed
	$(BIN)/newsingest run

## test: lint + the whole suite (needs Redis and PostgreSQL on 127.0.0.1, see README)
test: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/pytest

lint: $(BIN)/.installed
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) newsingest.sqlite* newsingest-broker.sqlite* newsingest-beat-schedule*
