# The two commands of the README: `make demo` and `make test`. Both set up everything they need.
# `make test-fast` runs the tests not marked slow (pyproject.toml's markers say what slow covers).
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test test-fast notebooks system-deps clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,spark,browser]'
	$(PY) -m ipykernel install --sys-prefix --name regaudit --display-name "regaudit (Python 3)" >/dev/null
	touch $(STAMP)

system-deps:
	bash scripts/install-system-deps.sh

demo: $(STAMP) system-deps
	$(VENV)/bin/regaudit demo

# On every core (pytest-xdist); tests/conftest.py keeps the users of one session fixture on one worker.
PARALLEL := -n auto --dist loadgroup
# pytest keeps its rewritten test modules as bytecode (in the gitignored __pycache__/): with
# PYTHONDONTWRITEBYTECODE set, every worker rewrites every test module again on every run (about 5 s).
PYTEST := env -u PYTHONDONTWRITEBYTECODE $(PY) -m pytest

test: $(STAMP) system-deps
	$(PYTEST) $(PARALLEL)

test-fast: $(STAMP) system-deps
	$(PYTEST) $(PARALLEL) -m "not slow"

# Re-execute the committed notebooks so that nbval compares current outputs: run it after changing
# a check, the sample or a report section (the nbval tests fail until then, by design).
notebooks: $(STAMP)
	$(PY) -m audit_lib.report.committed
	$(PY) -m audit_lib.explore.notebook

# build/ is setuptools' staging of a non-editable `pip install .`: it keeps files deleted from the
# source, which a later wheel built here would still carry.
clean:
	rm -rf $(VENV) reports/demo .pytest_cache build
