# `make run` launches the app, `make test` runs the whole suite; both create .venv on first use.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint bench screenshots translations clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,pretrained]'
	touch $(STAMP)

run: $(STAMP)
	sh .ci/system-deps.sh gui
	$(PY) main.py

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen OMP_WAIT_POLICY=PASSIVE $(PY) -m ruff check workbench tests bench main.py
	$(VENV)/bin/lint-imports
	$(PY) -m mypy
	QT_QPA_PLATFORM=offscreen OMP_WAIT_POLICY=PASSIVE $(PY) -m pytest -q -ra

# ruff, the import contracts (floors, Qt only in ui) and the type check of the core
lint: $(STAMP)
	$(PY) -m ruff check workbench tests bench main.py
	$(VENV)/bin/lint-imports
	$(PY) -m mypy

bench: $(STAMP)
	for f in bench/bench_*.py; do OMP_WAIT_POLICY=PASSIVE $(PY) $$f || exit 1; done

screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m workbench screenshot --out screenshots

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .import_linter_cache screenshots

# Interface translations: collect the GUI's strings into the Qt Linguist source (.ts), then compile the
# catalogue the app loads (.qm). Both are committed, so a checkout runs without the Qt tools.
translations: $(STAMP)
	$(VENV)/bin/pyside6-lupdate -no-obsolete $$(find workbench/ui -name '*.py' | sort) -ts resources/i18n/workbench_zh_CN.ts
	$(VENV)/bin/pyside6-lrelease resources/i18n/workbench_zh_CN.ts -qm resources/i18n/workbench_zh_CN.qm
