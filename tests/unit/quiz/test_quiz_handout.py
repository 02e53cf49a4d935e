"""The exam handout holds no key: the test builds the bundle, searches every file for every key in every
form it takes (readable, sealed, code, explanation, model answer, rubric), imports every module of the
bundle's package and asks each question to grade its key, and runs the same search over the
repository's own package to show that it finds keys where they are."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest

from hpo_mini.quiz import keys
from hpo_mini.quiz.bank import all_quizzes, get_bank
from hpo_mini.quiz.handout import build_handout

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def handout(tmp_path_factory):
    out = tmp_path_factory.mktemp("handout")
    return build_handout(out, root=ROOT)


def _flat(text: str) -> str:
    return " ".join(text.split())


def _significant_digits(x) -> int:
    return len(str(x).replace("-", "").replace(".", "").lstrip("0").rstrip("0") or "0")


def needles() -> dict:
    """Every key, in every form it is stored or shown: text (whitespace collapsed) -> what it is.
    Numbers with fewer than 4 significant digits (0.5, 90) are too common to search as text: the probe
    below asks the bundle's own questions to grade them instead."""
    found = {}
    for bank in all_quizzes().values():
        answers = keys.read_answers(bank.quiz_id, ROOT)
        sealed = keys.read_sealed(bank.quiz_id)
        for q in bank.questions:
            found[f'"{q.id}": '] = f"{q.id}: a key, check or sealed entry"  # key files, sealed JSON, CHECKS
            if q.id in sealed:
                found[sealed[q.id]] = f"{q.id}: sealed key"
            if q.kind == "explain":
                found[q.model_answer[:80]] = f"{q.id}: model answer"
                found.update({item: f"{q.id}: rubric item" for item in q.rubric})
                continue
            found[q.explanation[:80]] = f"{q.id}: explanation"
            found[q.hint] = f"{q.id}: hint"
            answer = answers[q.id]
            if q.kind == "code":
                found[answer.split('"""', 2)[-1].strip()] = f"{q.id}: the key's code"  # the body, after its docstring
            elif q.kind == "numeric" and _significant_digits(answer) >= 4:
                found[str(answer)] = f"{q.id}: the numeric key"
    for module in (ROOT / "hpo_mini" / "quiz" / "bank").glob("q*.py"):  # the checks and their references
        for line in module.read_text().splitlines():
            if line.startswith("def ") and "_reference(" in line:
                found[line] = "a reference implementation"
    return {_flat(k): v for k, v in found.items() if k.strip()}


def search(where: Path) -> list[str]:
    """"file: what" for every needle found in `where` (a file, or every file under a folder; zip
    archives are opened)."""
    table = needles()
    hits = []
    files = [where] if where.is_file() else sorted(p for p in where.rglob("*") if p.is_file())
    for path in files:
        if path.suffix == ".zip":
            with zipfile.ZipFile(path) as z:
                texts = [(f"{path.name}:{n}", z.read(n).decode("utf-8", "replace")) for n in z.namelist()]
        else:
            texts = [(path.name, path.read_bytes().decode("utf-8", "replace"))]
        for name, text in texts:
            text = _flat(text)
            hits += [f"{name}: {what}" for needle, what in table.items() if needle in text]
    return hits


def test_the_bundle_holds_the_exam_quizzes_and_the_package(handout):
    student = handout["student"]
    assert sorted(p.name for p in (student / "quizzes").glob("*.ipynb")) == [f"{q}_quiz.ipynb" for q in all_quizzes()]
    nb = nbformat.read(student / "quizzes" / "03_grid_and_random_quiz.ipynb", as_version=4)
    assert nb.metadata["hpo_mini"] == {"quiz": "03_grid_and_random", "mode": "exam"}
    assert 'load_quiz("03_grid_and_random", mode="exam")' in nb.cells[1].source
    assert not (student / "solutions").exists() and not (student / "hpo_mini" / "quiz" / "bank" / "sealed").exists()
    assert sorted(p.name for p in (student / "hpo_mini" / "quiz" / "bank").glob("*.py")) == ["__init__.py"]
    assert (handout["zip"]).exists() and handout["answer_key"].parent != student


def test_no_file_in_the_bundle_holds_a_key(handout):
    assert search(handout["student"]) == []
    assert search(handout["zip"]) == []


def test_the_search_finds_keys_where_they_are(handout):
    """The same search over the course's own package and the answer key: it is not a search that cannot fail."""
    in_package = search(ROOT / "hpo_mini" / "quiz" / "bank")
    kinds = {hit.split(": ", 2)[-1] for hit in in_package}
    assert {"sealed key", "explanation", "model answer", "rubric item", "a reference implementation",
            "a key, check or sealed entry"} <= kinds
    in_key = {hit.split(": ", 2)[-1] for hit in search(handout["answer_key"])}
    assert {"the numeric key", "the key's code", "explanation", "model answer"} <= in_key


PROBE = r'''
import importlib, json, pkgutil, sys
sys.path.insert(0, sys.argv[1])
import hpo_mini
assert hpo_mini.__file__.startswith(sys.argv[1]), hpo_mini.__file__
keys = json.loads(sys.argv[2])
failed, leaks, verdicts = [], [], {}
for info in pkgutil.walk_packages(hpo_mini.__path__, "hpo_mini."):
    try:
        module = importlib.import_module(info.name)
    except Exception as exc:
        failed.append(f"{info.name}: {type(exc).__name__}: {exc}")
        continue
    for name, value in vars(module).items():
        texts = [value] if isinstance(value, str) else [v for v in value.values() if isinstance(v, str)] if isinstance(value, dict) else []
        leaks += [f"{info.name}.{name}" for t in texts if t.startswith(("sha256:", "obf:"))]
from hpo_mini.quiz import load_quiz
from hpo_mini.quiz.bank import all_quizzes
for quiz_id, bank in all_quizzes().items():
    quiz = load_quiz(quiz_id, log=False)
    assert quiz.mode == "exam" and not bank.keyed
    for q in bank.questions:
        for field in ("key", "checker"):
            if getattr(q, field, None) is not None:
                leaks.append(f"{q.id}.{field}")
        for field in ("explanation", "hint", "model_answer"):
            if getattr(q, field, ""):
                leaks.append(f"{q.id}.{field}")
        if getattr(q, "rubric", ()):
            leaks.append(f"{q.id}.rubric")
        if q.id in keys:
            answer = keys[q.id]
            answer = set(answer) if isinstance(answer, list) else answer
            if q.kind == "code":
                namespace = {}
                exec(answer, namespace)
                answer = namespace[q.function_name]
            verdicts[q.id] = q.evaluate(answer).status
print(json.dumps({"failed": failed, "leaks": leaks, "verdicts": verdicts}))
'''


def test_the_bundles_package_imports_and_cannot_tell_a_key_from_a_wrong_answer(handout, tmp_path):
    plain = {}
    for bank in all_quizzes().values():
        for qid, answer in keys.read_answers(bank.quiz_id, ROOT).items():
            plain[qid] = sorted(answer) if isinstance(answer, (set, frozenset)) else answer
    run = subprocess.run([sys.executable, "-c", PROBE, str(handout["student"]), json.dumps(plain)], capture_output=True,
                         text=True, cwd=tmp_path, env={"HPO_MINI_PRACTICE_LOG": "off", "PATH": "/usr/bin:/bin"}, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    report = json.loads(run.stdout.strip().splitlines()[-1])
    assert report["failed"] == [] and report["leaks"] == []
    assert len(report["verdicts"]) == len(plain)
    assert set(report["verdicts"].values()) == {"recorded"}  # never "correct": the bundle has nothing to compare with


def test_the_answer_key_prints_every_question_with_its_key():
    from hpo_mini.quiz.handout import answer_key_markdown

    text = answer_key_markdown(["03"], root=ROOT)
    bank = get_bank("03")
    assert text.count("### ") == len(bank.questions)
    assert "Key: **15625**" in text and "Rubric (one mark each):" in text and "def p_at_least_one" in text
