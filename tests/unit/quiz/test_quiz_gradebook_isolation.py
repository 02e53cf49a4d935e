"""A submission runs where it can reach only its own scratch folder: a planted notebook that tries to
read the answer keys (solutions/keys, the sealed keys, through the package or by path), another
student's notebook, the gradebook's environment, or to write into another student's folder or the
gradebook's output, fails at each step, each failure is reported in its row, and its answers are
still graded. Needs Landlock (Linux >= 5.13): skipped elsewhere, where the gradebook says so."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import nbformat
import pytest

from hpo_mini.quiz import isolation
from hpo_mini.quiz.build import fill_answers, quiz_notebook
from hpo_mini.quiz.gradebook import main
from hpo_mini.quiz.keys import SEALED_DIR

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not isolation.landlock_abi(), reason="this system has no Landlock")]
ROOT = Path(__file__).resolve().parents[3]
QUIZ = "03_grid_and_random"
KEY = ROOT / "solutions" / "keys" / f"q{QUIZ}.py"
SEALED = SEALED_DIR / f"q{QUIZ}.json"
SECRET = "HPO_TEST_SECRET_TOKEN"


def _attempts(subs: Path, out: Path) -> dict:
    """cell id -> what the cell tries: each must fail with a PermissionError naming its path."""
    return {
        "read-key": f"open({str(KEY)!r}).read()",
        "read-sealed": f"open({str(SEALED)!r}).read()",
        "read-other-notebook": f"open({str(subs / 'victim' / 'quiz.ipynb')!r}).read()",
        "write-other-folder": f"open({str(subs / 'victim' / 'x.txt')!r}, 'w').write('overwritten')",
        "write-output-csv": f"open({str(out / 'grades_wide.csv')!r}, 'a').write('snoop,100')",
        "read-grader-environ": "import os\nopen(f'/proc/{os.getppid()}/environ', 'rb').read()",
    }


# Each of these raises only if the kernel can see what it must not: no such problem may be reported.
LEAKS = {
    "leak-env": f"import os\nif {SECRET!r} in os.environ:\n    raise RuntimeError('LEAK: the grader environment')",
    "leak-package": (f"from hpo_mini.quiz.keys import read_sealed\nif read_sealed({QUIZ!r}) is not None:\n"
                     "    raise RuntimeError('LEAK: sealed keys in the package')"),
    "write-relative": "open('../victim/x.txt', 'w').write('overwritten')",  # no such folder in its scratch copy
    "write-own-folder": "open('notes.txt', 'w').write('mine')",  # allowed: raises nothing
}


def _snoop(subs: Path, out: Path):
    nb = fill_answers(quiz_notebook(QUIZ, mode="exam"), QUIZ, {"q03.grid_size": 15625})
    cells = {**_attempts(subs, out), **LEAKS}
    for offset, (cid, source) in enumerate(cells.items()):
        cell = nbformat.v4.new_code_cell(source)
        cell.id = cid
        nb.cells.insert(3 + offset, cell)
    for cell in nb.cells:  # a code answer that reads the key file when it is checked
        if cell.get("id") == "q03-code_p_at_least_one-answer":
            cell.source = f"def p_at_least_one(q, n):\n    open({str(KEY)!r}).read()\n    return 1 - (1 - q) ** n"
    return nb, {cid: 4 + offset for offset, cid in enumerate(cells)}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    base = tmp_path_factory.mktemp("isolation")
    subs, out = base / "subs", base / "grades"
    out.mkdir()
    (out / "grades_wide.csv").write_text("left by an earlier run\n")
    (subs / "victim").mkdir(parents=True)
    nbformat.write(fill_answers(quiz_notebook(QUIZ, mode="exam"), QUIZ, {"q03.grid_size": 15625}),
                   subs / "victim" / "quiz.ipynb")
    (subs / "victim" / "x.txt").write_text("the victim's own file")
    nb, numbers = _snoop(subs, out)
    (subs / "snoop").mkdir()
    nbformat.write(nb, subs / "snoop" / "quiz.ipynb")
    os.environ[SECRET] = "s3cret"
    try:
        assert main([str(subs), "--out", str(out), "--timeout", "90", "--cell-timeout", "20"]) == 0
    finally:
        del os.environ[SECRET]
    with open(out / "grades_wide.csv", newline="", encoding="utf-8") as f:
        rows = {row["student"]: row for row in csv.DictReader(f)}
    with open(out / "grades_long.csv", newline="", encoding="utf-8") as f:
        long = {(row["student"], row["question"]): row for row in csv.DictReader(f)}
    return subs, out, rows, long, numbers


@pytest.mark.parametrize("cid", list(_attempts(Path("s"), Path("o"))))
def test_each_attempt_to_reach_outside_its_folder_fails_and_is_reported(graded, cid):
    _, _, rows, _, numbers = graded
    problems = rows["snoop"]["problems"].split("; ")
    assert any(p.startswith(f"cell {numbers[cid]} raised PermissionError: [Errno 13] Permission denied")
               and p.endswith("(while graded, only its own folder is writable and no key is readable)")
               for p in problems), (cid, problems)


def test_no_key_and_no_grader_environment_is_visible_from_the_kernel(graded):
    _, _, rows, _, numbers = graded
    problems = rows["snoop"]["problems"]
    assert "LEAK" not in problems
    assert f"cell {numbers['write-relative']} raised FileNotFoundError" in problems  # ../victim is not there
    assert f"cell {numbers['write-own-folder']} raised" not in problems


def test_the_other_student_and_the_output_are_untouched_and_both_are_graded(graded):
    subs, out, rows, _, _ = graded
    assert (subs / "victim" / "x.txt").read_text() == "the victim's own file"
    assert sorted(p.name for p in (subs / "victim").iterdir()) == ["quiz.ipynb", "x.txt"]
    assert sorted(p.name for p in (subs / "snoop").iterdir()) == ["quiz.ipynb"]  # it ran in a scratch copy
    assert "snoop,100" not in (out / "grades_wide.csv").read_text()
    assert (rows["victim"]["status"], rows["victim"]["total"]) == ("graded", "1")
    assert (rows["snoop"]["status"], rows["snoop"]["total"]) == ("graded with problems", "1")


def test_a_code_answer_cannot_read_the_keys_when_it_is_checked(graded):
    _, _, _, long, _ = graded
    row = long[("snoop", "q03.code_p_at_least_one")]
    assert row["status"] == "wrong" and "raised PermissionError: [Errno 13] Permission denied" in row["detail"]
    assert str(KEY) in row["detail"]


def test_beneath_except_covers_all_but_the_excluded_folder(tmp_path):
    for rel in ("a/b/keep.txt", "a/b/sealed/key.json", "a/c/keep.txt", "top.txt"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x")
    granted = isolation.beneath_except(tmp_path, tmp_path / "a" / "b" / "sealed")
    assert sorted(os.path.relpath(p, tmp_path) for p in granted) == ["a/b/keep.txt", "a/c", "top.txt"]


def test_an_installed_package_is_left_out_of_what_the_kernel_reads(tmp_path):
    """pip install (not editable) puts the package, sealed keys included, in site-packages, which the kernel
    reads: the folder is left out of the grant, its neighbours kept."""
    site = tmp_path / "site-packages"
    for name in ("hpo_mini/quiz/bank/sealed", "numpy", "sklearn"):
        (site / name).mkdir(parents=True)
    granted = isolation.without([str(site), "/usr"], site / "hpo_mini")
    assert sorted(granted) == sorted([str(site / "numpy"), str(site / "sklearn"), "/usr"])
