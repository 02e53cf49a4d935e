"""Fixtures shared by the unit tests.

tests/unit mirrors the package: core/, searchers/, models/, tasks/, evaluation/, viz/, quiz/, one test file
per module or idea. This folder is on sys.path for all of them (pytest's default import mode puts a
conftest's folder there), so the plain modules beside it import by name from any sub-folder:
shared_problem (the 3-D space and quadratic the runner-level tests optimize) and fault_study (the study
the crash tests run in a subprocess and kill).
"""

import pytest
from sklearn.datasets import load_iris


@pytest.fixture(scope="session")
def iris():
    """scikit-learn's iris data, (X, y): 150 flowers, 3 classes."""
    return load_iris(return_X_y=True)


@pytest.fixture
def log_file(monkeypatch, tmp_path):
    """A fresh practice log for the test, named by $HPO_MINI_PRACTICE_LOG as the quiz widgets read it."""
    path = tmp_path / "practice.jsonl"
    monkeypatch.setenv("HPO_MINI_PRACTICE_LOG", str(path))
    return path
