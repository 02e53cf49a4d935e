"""How notebooks are stored. Lessons and quizzes: clean (no outputs, no execution counts, no saved
widget state) with the python3 kernelspec, named after the COURSE.md map. Solutions: executed top to
bottom on a fresh kernel, without errors, and without this machine's paths in their outputs.

Running them is nbval's job (see the Makefile's test-notebooks target); this file only reads them."""
import re
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[2]
# COURSE.md, "The map": number and stem of every lesson.
COURSE_STEMS = (
    "00_start_here",
    "01_hyperparameters",
    "02_validation",
    "03_grid_and_random",
    "04_gaussian_processes",
    "05_bayesian_optimization",
    "06_tpe",
    "07_multi_fidelity",
    "08_evolutionary",
    "09_training_dynamics",
    "10_debugging_and_scaling",
    "11_classic_models",
    "12_beyond_one_study",
    "13_production_playbook",
    "14_mock_interview",
)
QUIZ_LESSONS = COURSE_STEMS[1:14]  # COURSE.md: quizzes for lessons 01-13
# Saved by JupyterLab when a notebook is run and saved; none of it belongs in a clean notebook.
RUN_STATE_NOTEBOOK_KEYS = ("widgets", "signature")
RUN_STATE_CELL_KEYS = ("execution", "ExecuteTime")
# Paths that name a machine (a home, a temp dir, this build's checkout) instead of the course.
MACHINE_PATH = re.compile(r"(/tmp/|/root/|/home/|/work/|/Users/|[A-Za-z]:\\Users\\)")
# Fewer outputs than this in a solution means it was not really executed before saving.
MIN_SOLUTION_OUTPUT_FRACTION = 0.5


def _notebooks(folder):
    return sorted((REPO / folder).glob("*.ipynb"))


def _ids(paths):
    return [str(p.relative_to(REPO)) for p in paths]


LESSONS = _notebooks("lessons")
QUIZZES = _notebooks("quizzes")
SOLUTIONS = _notebooks("solutions")
STORED_CLEAN = LESSONS + QUIZZES


def _read(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    return nb


def _code_cells(nb):
    return [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code"]


def _output_text(output):
    """The text of an output that a reader sees (images are left out)."""
    if output.output_type == "stream":
        return output.text
    if output.output_type == "error":
        return "\n".join(output.traceback)
    data = output.get("data", {})
    return "\n".join(str(data[k]) for k in data if k.startswith("text/") or k.endswith("json"))


@pytest.mark.parametrize("path", STORED_CLEAN, ids=_ids(STORED_CLEAN))
def test_stored_without_outputs(path):
    nb = _read(path)
    dirty = [
        f"cell {i}: {len(c.outputs)} outputs, execution_count={c.execution_count}"
        for i, c in _code_cells(nb)
        if c.outputs or c.execution_count is not None
    ]
    dirty += [f"cell {i}: metadata.{k}" for i, c in enumerate(nb.cells) for k in RUN_STATE_CELL_KEYS if k in c.metadata]
    dirty += [f"notebook metadata.{k}" for k in RUN_STATE_NOTEBOOK_KEYS if k in nb.metadata]
    assert not dirty, f"{path.name} is stored with run state (clear it, e.g. `nbstripout`):\n" + "\n".join(dirty)


@pytest.mark.parametrize("path", STORED_CLEAN + SOLUTIONS, ids=_ids(STORED_CLEAN + SOLUTIONS))
def test_kernelspec_is_python3(path):
    kernelspec = _read(path).metadata.get("kernelspec", {})
    # Without it JupyterLab opens a "Select Kernel" dialog; another name may not exist on the learner's machine.
    assert kernelspec.get("name") == "python3", f"{path.name}: metadata.kernelspec = {kernelspec!r}"
    assert kernelspec.get("language") == "python", f"{path.name}: metadata.kernelspec = {kernelspec!r}"


@pytest.mark.parametrize("path", STORED_CLEAN + SOLUTIONS, ids=_ids(STORED_CLEAN + SOLUTIONS))
def test_no_machine_paths_in_code(path):
    hits = [
        f"cell {i}: {line.strip()}"
        for i, c in _code_cells(_read(path))
        for line in c.source.splitlines()
        if MACHINE_PATH.search(line)
    ]
    assert not hits, f"{path.name} names paths of one machine (use relative paths or tempfile):\n" + "\n".join(hits)


@pytest.mark.parametrize("path", LESSONS, ids=_ids(LESSONS))
def test_lesson_name_is_on_the_course_map(path):
    assert path.stem in COURSE_STEMS, f"{path.name} is not a lesson of COURSE.md's map: {COURSE_STEMS}"


@pytest.mark.parametrize("path", QUIZZES + SOLUTIONS, ids=_ids(QUIZZES + SOLUTIONS))
def test_quiz_name_follows_its_lesson(path):
    allowed = [f"{stem}_quiz" for stem in QUIZ_LESSONS]
    assert path.stem in allowed, f"{path.name}: quizzes are named NN_<lesson stem>_quiz.ipynb, one of {allowed}"


@pytest.mark.parametrize("path", SOLUTIONS, ids=_ids(SOLUTIONS))
def test_solution_has_its_quiz(path):
    assert (REPO / "quizzes" / path.name).exists(), f"{path.name} has no blank twin quizzes/{path.name}"


@pytest.mark.parametrize("path", SOLUTIONS, ids=_ids(SOLUTIONS))
def test_solution_was_executed_top_to_bottom(path):
    cells = [(i, c) for i, c in _code_cells(_read(path)) if c.source.strip()]  # empty cells are not run
    counts = [c.execution_count for _, c in cells]
    assert counts == list(range(1, len(cells) + 1)), (
        f"{path.name}: execution counts {counts}; re-run it on a fresh kernel, top to bottom, before saving"
    )
    with_outputs = sum(bool(c.outputs) for _, c in cells)
    assert with_outputs >= MIN_SOLUTION_OUTPUT_FRACTION * len(cells), (
        f"{path.name}: only {with_outputs} of {len(cells)} code cells have outputs"
    )


@pytest.mark.parametrize("path", SOLUTIONS, ids=_ids(SOLUTIONS))
def test_solution_outputs_have_no_errors_or_machine_paths(path):
    problems = []
    for i, cell in _code_cells(_read(path)):
        for output in cell.outputs:
            if output.output_type == "error":
                problems.append(f"cell {i}: {output.ename}: {output.evalue}")
            match = MACHINE_PATH.search(_output_text(output))
            if match:
                problems.append(f"cell {i}: output shows the path {match.group(0)!r}...")
    assert not problems, f"{path.name}:\n" + "\n".join(problems)
