"""A synthetic class for the gradebook: n students' submissions written on the fly (never stored).

    from tests.quiz_fixtures.synthetic import synthetic_class
    paths = synthetic_class(tmp_path / "class", n=40, quiz="03_grid_and_random", seed=0)
    .venv/bin/python tests/quiz_fixtures/synthetic.py OUT_DIR [N]      # the same from a shell

Each student has an ability a ~ N(0, 1); a question of difficulty E / M / H (b = -1, 0, 1) is left blank
with probability BLANK, else answered right with probability 1 / (1 + exp(-1.7 (a - b))) (the 2PL item
response model with discrimination 1.7) and wrong otherwise (a wrong answer of the right type, or a
weak paragraph for an explain question). The notebooks are exam versions of the quiz, as the handout
gives them. A gradebook should then find positive discrimination on most questions.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import nbformat
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_fixtures import key, wrong_answer  # noqa: E402

from hpo_mini.quiz.bank import get_bank  # noqa: E402
from hpo_mini.quiz.build import fill_answers, quiz_notebook  # noqa: E402

BLANK = 0.08
DIFFICULTY = {"E": -1.0, "M": 0.0, "H": 1.0}
WEAK_EXPLAIN = "I would use grid search because it is exhaustive and always finds the best combination."


def synthetic_class(folder, n=40, quiz="03_grid_and_random", seed=0, mode="exam") -> list[Path]:
    """Write n submissions folder/student_NN/<quiz>_quiz.ipynb; return their paths."""
    rng = np.random.default_rng(seed)
    bank = get_bank(quiz)
    right = key(bank.quiz_id)
    blank_nb = quiz_notebook(bank.quiz_id, mode=mode)
    paths = []
    for i, ability in enumerate(rng.standard_normal(n)):
        answers = {}
        for q in bank.questions:
            if rng.random() < BLANK:
                continue
            p = 1 / (1 + math.exp(-1.7 * (ability - DIFFICULTY[q.difficulty])))
            if rng.random() < p:
                answers[q.id] = right[q.id]
            else:
                answers[q.id] = WEAK_EXPLAIN if q.kind == "explain" else wrong_answer(q)
        path = Path(folder) / f"student_{i:02d}" / f"{bank.quiz_id}_quiz.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(fill_answers(blank_nb, bank.quiz_id, answers), path)
        paths.append(path)
    return paths


if __name__ == "__main__":
    out = Path(sys.argv[1])
    made = synthetic_class(out, n=int(sys.argv[2]) if len(sys.argv) > 2 else 40)
    print(f"wrote {len(made)} submissions under {out}")
