"""Real scikit-learn tuning tasks: a config -> cross-validated error on a dataset scikit-learn ships.

    task = sklearn_task("svm_digits", seed=0)
    study = optimize(task, RandomSearch(task.space, seed=0), n_trials=20, progress=False)
"""

from __future__ import annotations

from ..space import Categorical, Float, Int, Space

__all__ = ["SklearnTask", "SKLEARN_TASKS", "sklearn_task"]

class SklearnTask:
    """Tune a scikit-learn estimator on a data set that ships with scikit-learn (no download).

    Calling it with a config returns the validation *error* (1 - mean k-fold accuracy), to minimize.

    seed: draws which `n_samples` rows are used (when `n_samples` is set) *and* shuffles the k folds, so two
          seeds differ in both the data sample and the split. To vary the folds alone, score
          `task.make_estimator(config)` with `StratifiedKFold(task.cv, shuffle=True, random_state=s)` on
          `task.X`, `task.y` (lesson 00 does this).
    """

    def __init__(self, name, make_estimator, space, load_data, cv=3, seed=0, n_samples=None):
        from sklearn.utils import shuffle

        self.name = name
        self.make_estimator = make_estimator  # config -> unfitted estimator
        self.space = space
        X, y = load_data(return_X_y=True)
        if n_samples is not None:
            X, y = shuffle(X, y, random_state=seed, n_samples=n_samples)
        self.X, self.y, self.cv, self.seed = X, y, cv, seed

    def __repr__(self):
        return f"<SklearnTask {self.name}: {self.X.shape[0]} samples, {len(self.space)} hyperparameters>"

    def __call__(self, config) -> float:
        from sklearn.model_selection import StratifiedKFold, cross_val_score

        folds = StratifiedKFold(self.cv, shuffle=True, random_state=self.seed)
        scores = cross_val_score(self.make_estimator(config), self.X, self.y, cv=folds)
        return float(1.0 - scores.mean())


def _svm_digits(seed):
    from sklearn.datasets import load_digits
    from sklearn.svm import SVC

    space = Space({"C": Float(1e-2, 1e3, log=True), "gamma": Float(1e-5, 1e0, log=True)})
    return SklearnTask("svm_digits", lambda c: SVC(C=c["C"], gamma=c["gamma"]), space, load_digits,
                       seed=seed, n_samples=600)


def _forest_breast_cancer(seed):
    from sklearn.datasets import load_breast_cancer
    from sklearn.ensemble import RandomForestClassifier

    space = Space(
        {
            "n_estimators": Int(5, 100, log=True),
            "max_depth": Int(1, 12),
            "max_features": Float(0.05, 1.0),
            "min_samples_leaf": Int(1, 30, log=True),
            "criterion": Categorical(["gini", "entropy"]),
        }
    )

    def make(c):
        return RandomForestClassifier(random_state=seed, n_jobs=1, **c)

    return SklearnTask("forest_breast_cancer", make, space, load_breast_cancer, seed=seed)


def _logreg_wine(seed):
    from sklearn.datasets import load_wine
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    space = Space({"C": Float(1e-4, 1e2, log=True)})
    make = lambda c: make_pipeline(StandardScaler(), LogisticRegression(C=c["C"], max_iter=500))  # noqa: E731
    return SklearnTask("logreg_wine", make, space, load_wine, seed=seed)


SKLEARN_TASKS = {"svm_digits": _svm_digits, "forest_breast_cancer": _forest_breast_cancer, "logreg_wine": _logreg_wine}


def sklearn_task(name="svm_digits", seed=0) -> SklearnTask:
    """A real tuning task by name: one of SKLEARN_TASKS ('svm_digits', 'forest_breast_cancer', 'logreg_wine').

    seed: the data sample (svm_digits: 600 of the 1797 digits) and the fold shuffle."""
    if name not in SKLEARN_TASKS:
        raise ValueError(f"unknown task {name!r}; choose one of {sorted(SKLEARN_TASKS)}")
    return SKLEARN_TASKS[name](seed)
