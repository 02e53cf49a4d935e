"""A real tuning task that looks like work: gradient boosting on a stated synthetic data set (lesson 11).

    task = boosting_task()                       # HistGradientBoostingClassifier, 5 mixed hyperparameters
    task({"learning_rate": 0.1, "max_iter": 64, "max_leaf_nodes": 16, "min_samples_leaf": 4,
          "max_features": "all"})                 # -> mean 3-fold log-loss, to minimize
    study = optimize(task, TPE(task.space, seed=0), n_trials=40, progress=False)

The data: `make_classification(**BOOSTING_DATA)`: 500 rows, 16 features of which 4 are informative
and 12 are noise, two Gaussian clusters per class (so the classes are not linearly separable and trees
must combine features), 3% of the labels flipped. The folds are fixed (`StratifiedKFold(3, shuffle=True,
random_state=fold_seed)`, listed once at construction), so every searcher and every peer library that
calls the same task object scores a config on the very same rows.

Why it separates searchers (measured in benchmarks/results/bo_vs_peers_classic.md): the good region
is a thin ridge where learning_rate x max_iter is large enough to fit but not so large that the
probabilities become overconfident (log-loss punishes that, accuracy barely does), and it needs big
trees with small leaves while the `max_features` choice interacts with the 12 noise features.

The value is the k-fold *cross-entropy* (log-loss, Hastie, Tibshirani & Friedman, *The Elements of
Statistical Learning*, 2nd ed., eq. 10.18 for the binomial deviance; scikit-learn's `log_loss`):

    L = mean over folds of  -(1/n_f) sum_i [ y_i log p_i + (1 - y_i) log(1 - p_i) ]

`metric="error"` gives the misclassification error (1 - accuracy) instead.
"""

from __future__ import annotations

import functools

import numpy as np

from ..space import Categorical, Float, Int, Space

__all__ = ["BOOSTING_DATA", "MAX_FEATURES", "FixedFoldTask", "BoostingTask", "boosting_task", "boosting_space",
           "svm_task", "knn_task", "oob_error_curve", "binary_log_loss"]

BOOSTING_DATA = dict(n_samples=500, n_features=16, n_informative=4, n_redundant=0, n_repeated=0,
                     n_classes=2, n_clusters_per_class=2, flip_y=0.03, class_sep=1.0, random_state=0)
# The categorical knob, as a named choice: the fraction of features each split may look at
# (HistGradientBoosting's `max_features`, scikit-learn >= 1.4; LightGBM's `feature_fraction_bynode`).
MAX_FEATURES = {"sqrt": 0.25, "half": 0.5, "all": 1.0}  # sqrt(16) / 16 = 0.25
MAX_BINS = 32  # fewer histogram bins than the default 255: the data set is small, and each fit is faster
METRICS = ("log_loss", "error")


def boosting_space() -> Space:
    """The 5 mixed dimensions: two log floats/ints that interact (rate x trees), two tree-size integers,
    one categorical."""
    return Space({
        "learning_rate": Float(1e-3, 1.0, log=True),
        "max_iter": Int(8, 128, log=True),            # the number of trees (no early stopping here)
        "max_leaf_nodes": Int(2, 32, log=True),
        "min_samples_leaf": Int(2, 64, log=True),
        "max_features": Categorical(list(MAX_FEATURES)),
    })


@functools.cache
def _controller():
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()  # made once, after scikit-learn loaded its OpenMP: a scan costs ~2 ms


def _one_thread():
    """A context in which BLAS and OpenMP use one thread."""
    return _controller().limit(limits=1)


class FixedFoldTask:
    """A scikit-learn estimator scored by k-fold cross-validation on folds fixed at construction.

    Calling it with a config returns the mean metric over the folds (lower is better). `fold_values(config)`
    gives the per-fold values; `make_estimator(config)` the unfitted estimator; `X`, `y`, `folds` the data
    and the (train, test) index pairs; `fold_data` the arrays each fold fits and scores on.

    scale: standardize the features inside each fold (mean and standard deviation of its *training* rows,
           applied to its test rows: no leakage). n_folds: 3 to 10. fold_seed: shuffles rows into folds.
    metric: "error" (1 - accuracy) or "log_loss" (needs an estimator with predict_proba).
    """

    def __init__(self, name, X, y, space, make_estimator, *, n_folds=3, fold_seed=0, metric="error", scale=False):
        from sklearn.model_selection import StratifiedKFold

        if isinstance(n_folds, bool) or not isinstance(n_folds, (int, np.integer)) or not 3 <= n_folds <= 10:
            raise ValueError(f"n_folds must be a whole number from 3 to 10, but got {n_folds!r}")
        if metric not in METRICS:
            raise ValueError(f"metric must be one of {METRICS}, but got {metric!r}")
        self.name, self.space, self._make = name, space, make_estimator
        self.metric, self.n_folds, self.fold_seed, self.scale = metric, int(n_folds), fold_seed, bool(scale)
        self.X, self.y = np.asarray(X, dtype=float), np.asarray(y)
        splitter = StratifiedKFold(self.n_folds, shuffle=True, random_state=fold_seed)
        self.folds = [(train, test) for train, test in splitter.split(self.X, self.y)]
        self.fold_data = [self._split(train, test) for train, test in self.folds]
        self.minimum = None  # unknown: a real task has no closed-form optimum (the benchmark reports values)

    def _split(self, train, test):
        X_train, X_test = self.X[train], self.X[test]
        if self.scale:  # z = (x - mean_train) / sd_train, a constant feature left at 0
            mean, sd = X_train.mean(axis=0), X_train.std(axis=0)
            sd = np.where(sd > 0, sd, 1.0)
            X_train, X_test = (X_train - mean) / sd, (X_test - mean) / sd
        return X_train, self.y[train], X_test, self.y[test]

    def __repr__(self):
        return (f"<{type(self).__name__} {self.name}: {self.X.shape[0]} rows x {self.X.shape[1]} features, "
                f"{self.n_folds} fixed folds, {len(self.space)} hyperparameters>")

    def make_estimator(self, config):
        """The unfitted estimator for `config` (validated against the space: errors name the key and range)."""
        return self._make(self.space.validate(config))

    def _score(self, estimator, X_test, y_test) -> float:
        from sklearn.metrics import log_loss

        if self.metric == "log_loss":
            return float(log_loss(y_test, estimator.predict_proba(X_test), labels=estimator.classes_))
        return float(np.mean(estimator.predict(X_test) != y_test))

    def fold_values(self, config) -> np.ndarray:
        """The metric on each fixed fold (fit on its training rows, scored on its held-out rows)."""
        estimator = self.make_estimator(config)
        with _one_thread():  # tiny data: one thread is faster than OpenMP's start-up, and fair to peers
            return np.array([self._score(estimator.fit(X_train, y_train), X_test, y_test)
                             for X_train, y_train, X_test, y_test in self.fold_data])

    def __call__(self, config) -> float:
        return float(np.mean(self.fold_values(config)))


class BoostingTask(FixedFoldTask):
    """HistGradientBoostingClassifier on `make_classification(**BOOSTING_DATA)`, 5 mixed hyperparameters,
    scored by k-fold log-loss (the module docstring says why). `staged_values` gives the whole curve of
    the metric against the number of trees from one fit per fold."""

    def __init__(self, *, n_folds=3, fold_seed=0, metric="log_loss", data=None):
        from sklearn.datasets import make_classification

        self.data = dict(BOOSTING_DATA if data is None else data)
        X, y = make_classification(**self.data)
        name = "hgb_classification" if metric == "log_loss" else f"hgb_classification_{metric}"
        super().__init__(name, X, y, boosting_space(), _make_boosting, n_folds=n_folds, fold_seed=fold_seed,
                         metric=metric)

    def staged_values(self, config, n_rounds=None) -> np.ndarray:
        """(n_folds, n_rounds): the metric on each fold after 1, 2, ..., n_rounds trees, from one fit per fold
        (scikit-learn's `staged_predict_proba`): the curve early stopping watches. n_rounds defaults to the
        config's max_iter and may exceed the space's range (a lesson's long curve, not a search)."""
        estimator = self.make_estimator(config)
        if n_rounds is not None:
            if isinstance(n_rounds, bool) or not isinstance(n_rounds, (int, np.integer)) or n_rounds < 1:
                raise ValueError(f"n_rounds must be a whole number >= 1, but got {n_rounds!r}")
            estimator.set_params(max_iter=int(n_rounds))
        rows = []
        with _one_thread():
            for X_train, y_train, X_test, y_test in self.fold_data:
                estimator.fit(X_train, y_train)
                if self.metric == "log_loss":  # vectorized over the stages: log_loss per stage is 100x slower
                    P = np.array([p[:, 1] for p in estimator.staged_predict_proba(X_test)])
                    rows.append(binary_log_loss(y_test, P))
                else:
                    rows.append([np.mean(p != y_test) for p in estimator.staged_predict(X_test)])
        return np.array(rows)


def binary_log_loss(y, p) -> np.ndarray:
    """-mean_i [y_i log p_i + (1 - y_i) log(1 - p_i)] along the last axis, p clipped to [eps, 1 - eps] with
    eps the float64 machine epsilon, as scikit-learn's `log_loss` clips (so the two agree)."""
    eps = np.finfo(float).eps
    p = np.clip(np.asarray(p, dtype=float), eps, 1 - eps)
    y = np.asarray(y, dtype=float)
    return -np.mean(y * np.log(p) + (1 - y) * np.log1p(-p), axis=-1)


def _make_boosting(c):
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(
        learning_rate=c["learning_rate"], max_iter=c["max_iter"], max_leaf_nodes=c["max_leaf_nodes"],
        min_samples_leaf=c["min_samples_leaf"], max_features=MAX_FEATURES[c["max_features"]],
        max_bins=MAX_BINS, early_stopping=False, random_state=0)


def boosting_task(*, n_folds=3, fold_seed=0, metric="log_loss") -> BoostingTask:
    """The lesson-11 benchmark task (see the module docstring for the data, the space and the metric)."""
    return BoostingTask(n_folds=n_folds, fold_seed=fold_seed, metric=metric)


def svm_task(*, scale=True, n_folds=3, fold_seed=0) -> FixedFoldTask:
    """An RBF SVC on scikit-learn's breast-cancer data (569 rows, 30 features on very different scales),
    over log C in [1e-2, 1e4] and log gamma in [1e-5, 1], scored by k-fold error. scale=False skips the
    standardization: the lesson's demonstration of why an RBF kernel needs scaled features."""
    from sklearn.datasets import load_breast_cancer
    from sklearn.svm import SVC

    X, y = load_breast_cancer(return_X_y=True)
    space = Space({"C": Float(1e-2, 1e4, log=True), "gamma": Float(1e-5, 1.0, log=True)})
    return FixedFoldTask("svm_breast_cancer" + ("" if scale else "_unscaled"), X, y, space,
                         lambda c: SVC(C=c["C"], gamma=c["gamma"]), n_folds=n_folds, fold_seed=fold_seed,
                         scale=scale)


def knn_task(*, scale=True, n_folds=3, fold_seed=0) -> FixedFoldTask:
    """k-nearest neighbours on the breast-cancer data: k in 1..50 and uniform or distance weighting,
    scored by k-fold error: a cheap model with a small space, the case for a grid."""
    from sklearn.datasets import load_breast_cancer
    from sklearn.neighbors import KNeighborsClassifier

    X, y = load_breast_cancer(return_X_y=True)
    space = Space({"n_neighbors": Int(1, 50), "weights": Categorical(["uniform", "distance"])})
    return FixedFoldTask("knn_breast_cancer" + ("" if scale else "_unscaled"), X, y, space,
                         lambda c: KNeighborsClassifier(n_neighbors=c["n_neighbors"], weights=c["weights"]),
                         n_folds=n_folds, fold_seed=fold_seed, scale=scale)


def oob_error_curve(X, y, n_trees, *, max_features="sqrt", min_samples_leaf=1, seed=0) -> np.ndarray:
    """The out-of-bag error of one random forest as it grows through `n_trees` (increasing counts).

    Each row is scored only by the trees whose bootstrap sample left it out (Breiman 2001, Machine
    Learning 45(1), section 3.1), so the OOB error is a validation error that costs no held-out data.
    Trees are added with `warm_start`, so the forest at 200 trees contains the one at 100.
    """
    import warnings

    from sklearn.ensemble import RandomForestClassifier

    n_trees = [int(n) for n in n_trees]
    if not n_trees or n_trees != sorted(set(n_trees)) or n_trees[0] < 1:
        raise ValueError(f"n_trees must be increasing whole numbers >= 1, but got {n_trees}")
    forest = RandomForestClassifier(n_estimators=n_trees[0], max_features=max_features, oob_score=True,
                                    min_samples_leaf=min_samples_leaf, warm_start=True, random_state=seed, n_jobs=1)
    errors = []
    with warnings.catch_warnings():  # with very few trees some rows are in every bootstrap: sklearn warns
        warnings.simplefilter("ignore", UserWarning)
        for n in n_trees:
            forest.set_params(n_estimators=n)
            forest.fit(X, y)
            errors.append(1.0 - forest.oob_score_)
    return np.array(errors)
