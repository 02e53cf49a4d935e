# The two commands a learner needs: `make lab` and `make test`. Both create .venv on first use and
# reinstall only when pyproject.toml changes, so the second run is quick.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
LAB_ARGS ?=
# JupyterLab refuses to run as root without this flag (containers, cloud notebooks).
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
# Use the kernel of this venv, never one registered elsewhere on the machine.
export JUPYTER_PREFER_ENV_PATH := 1

.PHONY: lab test test-unit test-notebooks test-browser bench solutions grade handout site slides key clean
# Tests never write to the learner's practice log.
export HPO_MINI_PRACTICE_LOG := off

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-lab: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev,compare,dask]'
	touch $@ $(VENV)/.installed-lab

## make lab: JupyterLab on the whole course (root: this folder), lesson 00 open first
## (LAB_ARGS="--no-browser --ip=0.0.0.0" on a remote machine)
lab: $(VENV)/.installed-lab
	@echo "Starting JupyterLab: open the http://127.0.0.1:<port>/lab?token=<token> URL it prints below (Ctrl-C twice stops it)."
	$(BIN)/jupyter lab --ServerApp.root_dir="$(CURDIR)" lessons/00_start_here.ipynb $(ROOT_FLAG) $(LAB_ARGS)

## make test: unit tests, every notebook on a fresh kernel, and JupyterLab in headless Chromium
test: test-unit test-notebooks test-browser

test-unit: $(VENV)/.installed-test
	$(BIN)/python -m pytest -q -rs -n 2 --dist loadfile tests/unit

test-notebooks: $(VENV)/.installed-test
	$(BIN)/python -m pytest -q -rs -n 2 --dist loadfile tests/notebooks --nbval-lax --nbval-current-env --nbval-cell-timeout=120 lessons
	$(BIN)/python -m pytest -q -rs -n 2 --dist loadfile --nbval-lax --nbval-current-env quizzes
	$(BIN)/python -m pytest -q -rs -n 2 --dist loadfile --nbval --nbval-current-env --nbval-sanitize-with tests/quiz_sanitize.cfg solutions

test-browser: $(VENV)/.installed-test
	$(BIN)/python -m pytest -q -rs tests/browser

## make bench: the benchmark scripts, each printing its table (the slowest, evolution.py, bo_vs_peers.py and bo_ablation.py, by hand)
bench: $(VENV)/.installed-test
	$(BIN)/python benchmarks/runner_overhead.py
	$(BIN)/python benchmarks/notebook_times.py
	$(BIN)/python benchmarks/multi_fidelity.py
	$(BIN)/python benchmarks/training_claims.py
	$(BIN)/python benchmarks/dask_vs_local.py
	$(BIN)/python benchmarks/beyond_one_study.py
	$(BIN)/python benchmarks/xi_units.py
	$(BIN)/python benchmarks/lesson_times.py

## make solutions: seal the keys (solutions/keys) and rebuild quizzes/ and solutions/ from the question bank (hpo_mini/quiz/bank)
solutions: $(VENV)/.installed-lab
	$(BIN)/python -m hpo_mini.quiz.build

## make grade DIR=path/to/submissions [OUT=grades] [JOBS=2]: grade every submitted quiz with this install's keys;
## writes OUT/grades_wide.csv, grades_long.csv, question_stats.csv, feedback/, marking.csv, summary.txt
grade: $(VENV)/.installed-lab
	@test -n "$(DIR)" || { echo "usage: make grade DIR=path/to/submissions [OUT=grades] [JOBS=2]"; exit 2; }
	$(BIN)/python -m hpo_mini.quiz.gradebook "$(DIR)" --out "$(or $(OUT),grades)" --jobs "$(or $(JOBS),1)"

## make handout [OUT=dist/handout]: the exam bundle for students (OUT/student, no keys anywhere) and OUT/answer_key.md
handout: $(VENV)/.installed-lab
	$(BIN)/python -m hpo_mini.quiz.handout "$(or $(OUT),dist/handout)"

## make site [SITE_EXECUTE="03 04"]: the course as an offline HTML site in _site/ (open _site/index.html):
## every lesson executed on a fresh kernel (2 at a time; SITE_EXECUTE runs only those, the rest without outputs)
site: $(VENV)/.installed-lab
	$(BIN)/python tools/build_site.py $(if $(SITE_EXECUTE),--execute $(SITE_EXECUTE),)

## make slides: each lesson as a reveal.js deck in _slides/, offline (open _slides/index.html; → steps)
slides: $(VENV)/.installed-lab
	$(BIN)/python tools/build_slides.py

## make key: the printable answer key for the instructor, one HTML (and PDF) per quiz, in _key/
key: $(VENV)/.installed-lab
	$(BIN)/python tools/build_key.py

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts _site _slides _key build/executed build/site-assets build/ipython
