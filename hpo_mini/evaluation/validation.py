"""Measuring a configuration honestly: cross-validated objectives, nested CV, intervals, comparisons,
and a simulator of validation overfitting.

Splitting and scoring are scikit-learn's own (`check_cv`, `check_scoring`, `cross_validate`); this
module decides *how* they are used so that a search means something:
- every configuration is scored on the *same* folds (so two configs can be compared pair-wise);
- the score that chose a configuration is never the score reported for it (nested CV);
- every number comes with an interval.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import integrate, stats

__all__ = [
    "CrossValObjective",
    "cross_val_objective",
    "NestedCVResult",
    "nested_cv",
    "t_interval",
    "bootstrap_interval",
    "paired_comparison",
    "validation_overfitting",
    "expected_max_normal",
    "family_wise_error_rate",
    "holm_bonferroni",
]


def fixed_splits(estimator, X, y=None, cv=5, groups=None) -> list:
    """Materialize the (train, test) index pairs once, so every configuration sees the same folds."""
    from sklearn.base import is_classifier
    from sklearn.model_selection import check_cv

    return list(check_cv(cv, y, classifier=is_classifier(estimator)).split(X, y, groups))


class CrossValObjective:
    """config -> mean cross-validated score (higher is better, scikit-learn's convention).

    Use with `optimize(..., direction="maximize")`. The mean, standard deviation and per-fold scores
    are kept in `trial.user_attrs`. A configuration the estimator rejects, or whose fit fails on a
    fold, returns NaN, which the runner records as a failed trial.
    """

    def __init__(self, estimator, X, y=None, *, cv=5, scoring=None, groups=None):
        from sklearn.metrics import check_scoring

        self.estimator, self.X, self.y = estimator, X, y
        self.splits = fixed_splits(estimator, X, y, cv, groups)
        self.scorer = check_scoring(estimator, scoring=scoring)

    def cross_validate(self, config) -> dict:
        """scikit-learn's cross_validate of the configured estimator on the fixed folds."""
        from sklearn.base import clone
        from sklearn.model_selection import cross_validate

        model = clone(self.estimator).set_params(**config)
        return cross_validate(model, self.X, self.y, cv=self.splits, scoring=self.scorer, error_score=np.nan)

    def __call__(self, config, trial=None) -> float:
        result = self.cross_validate(config)
        scores = result["test_score"]
        if trial is not None:
            trial.user_attrs.update(
                mean=float(np.mean(scores)),
                std=float(np.std(scores)),
                fold_scores=scores.tolist(),
                fit_times=result["fit_time"].tolist(),
                score_times=result["score_time"].tolist(),
            )
        return float(np.mean(scores))


def cross_val_objective(estimator, X, y=None, *, cv=5, scoring=None, groups=None) -> CrossValObjective:
    """An objective for `optimize` that scores a config by k-fold cross-validation (to maximize)."""
    return CrossValObjective(estimator, X, y, cv=cv, scoring=scoring, groups=groups)


def t_interval(scores, confidence=0.95):
    """(mean, lo, hi): Student-t interval mean +- t_{(1+c)/2, n-1} * s / sqrt(n).

    Over seeds, the scores are independent and the interval is exact for normal scores. Over CV folds
    the training sets overlap, the scores are correlated and the interval is too narrow: no unbiased
    estimator of the variance of k-fold CV exists (Bengio & Grandvalet, JMLR 5, 2004).
    """
    scores = np.asarray(scores, dtype=float)
    if scores.size < 2:
        raise ValueError(f"a t-interval needs at least 2 scores, but got {scores.size}")
    mean, sem = scores.mean(), scores.std(ddof=1) / math.sqrt(scores.size)
    half = stats.t.ppf((1 + confidence) / 2, df=scores.size - 1) * sem
    return float(mean), float(mean - half), float(mean + half)


def bootstrap_interval(y_true, y_pred, metric, *, n_boot=2000, confidence=0.95, seed=0):
    """(score, lo, hi): percentile bootstrap over test examples (Efron & Tibshirani 1993, ch. 13).

    Resamples the test set with replacement `n_boot` times and recomputes `metric(y_true, y_pred)`.
    It captures test-set sampling noise only, not the variance from retraining the model.
    """
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if len(y_true) != len(y_pred):
        raise ValueError(f"y_true has {len(y_true)} entries but y_pred has {len(y_pred)}")
    rng = np.random.default_rng(seed)
    index = rng.integers(0, len(y_true), size=(n_boot, len(y_true)))
    boot = np.array([metric(y_true[i], y_pred[i]) for i in index])
    alpha = (1 - confidence) / 2
    return float(metric(y_true, y_pred)), float(np.quantile(boot, alpha)), float(np.quantile(boot, 1 - alpha))


@dataclass
class PairedComparison:
    mean_difference: float  # mean of a - b
    ci: tuple  # confidence interval of the mean difference
    p_value: float  # two-sided
    wins: int  # folds/seeds where a > b
    n: int


def paired_comparison(scores_a, scores_b, *, confidence=0.95, test_train_ratio=None) -> PairedComparison:
    """Compare two configurations scored on the same folds or seeds, by their per-pair differences.

    Plain paired t-test by default. For k-fold CV or repeated random splits, pass
    `test_train_ratio = n_test / n_train` to use the corrected resampled t-test of Nadeau & Bengio
    (Machine Learning 52, 2003): the variance of the mean difference is (1/n + n_test/n_train) * s^2
    instead of s^2 / n, which widens the interval to account for overlapping training sets.
    """
    a, b = np.asarray(scores_a, dtype=float), np.asarray(scores_b, dtype=float)
    if a.shape != b.shape or a.ndim != 1 or a.size < 2:
        raise ValueError(f"need two 1-D arrays of equal length >= 2, got shapes {a.shape} and {b.shape}")
    d = a - b
    n, mean, var = d.size, d.mean(), d.var(ddof=1)
    factor = 1 / n + (test_train_ratio if test_train_ratio is not None else 0.0)
    se = math.sqrt(var * factor)
    if se == 0:
        p = 0.0 if mean != 0 else 1.0
        half = 0.0
    else:
        t = mean / se
        p = float(2 * stats.t.sf(abs(t), df=n - 1))
        half = stats.t.ppf((1 + confidence) / 2, df=n - 1) * se
    return PairedComparison(float(mean), (float(mean - half), float(mean + half)), p, int((d > 0).sum()), n)


@dataclass
class NestedCVResult:
    outer_scores: np.ndarray  # score of the refitted winner on each outer test fold
    configs: list  # the configuration the inner search chose in each outer fold
    inner_best_scores: np.ndarray  # the (optimistic) inner CV score of each winner
    estimate: float  # mean of outer_scores: the honest estimate
    ci: tuple  # t-interval of the outer scores
    studies: list

    @property
    def optimism(self) -> float:
        """How much the inner (selection) score overstates the honest one, on average."""
        return float(np.mean(self.inner_best_scores) - self.estimate)


def nested_cv(estimator, space, searcher_factory, X, y=None, *, outer=5, inner=3, n_trials=20,
              scoring=None, confidence=0.95) -> NestedCVResult:
    """Nested cross-validation: an inner search picks a config on each outer training fold; the
    outer test fold, never seen by the search, scores it (Varma & Simon, BMC Bioinformatics 7, 2006).

    searcher_factory(space) -> a fresh searcher, e.g. `lambda s: RandomSearch(s, seed=0)`.
    """
    from sklearn.base import clone
    from sklearn.metrics import check_scoring

    from ..runner import optimize

    X = np.asarray(X)
    y = None if y is None else np.asarray(y)
    scorer = check_scoring(estimator, scoring=scoring)
    outer_scores, configs, inner_scores, studies = [], [], [], []
    for train, test in fixed_splits(estimator, X, y, outer):
        y_train = None if y is None else y[train]
        objective = CrossValObjective(estimator, X[train], y_train, cv=inner, scoring=scoring)
        study = optimize(objective, searcher_factory(space), n_trials=n_trials, direction="maximize",
                         progress=False)
        model = clone(estimator).set_params(**study.best_config).fit(X[train], y_train)
        outer_scores.append(scorer(model, X[test], None if y is None else y[test]))
        configs.append(study.best_config)
        inner_scores.append(study.best_value)
        studies.append(study)
    outer_scores = np.array(outer_scores, dtype=float)
    mean, lo, hi = t_interval(outer_scores, confidence)
    return NestedCVResult(outer_scores, configs, np.array(inner_scores), mean, (lo, hi), studies)


@dataclass
class OptimismCurve:
    n_configs: np.ndarray
    optimism: np.ndarray  # E[validation score of the chosen config - its true score]
    optimism_se: np.ndarray  # Monte Carlo standard error of that mean
    regret: np.ndarray  # E[best true score - true score of the chosen config]
    p_gap_over: np.ndarray  # P(validation - true > gap_threshold)
    gap_threshold: float


def validation_overfitting(n_configs, *, n_val=1000, noise=None, true_mean=0.80, true_spread=0.01,
                           n_repeats=2000, gap_threshold=0.02, seed=0) -> OptimismCurve:
    """Simulate picking the best of n configurations by a noisy validation score.

    Each configuration has a true accuracy p_i ~ N(true_mean, true_spread^2). Its validation accuracy
    is the share of n_val examples it gets right, Binomial(n_val, p_i) / n_val (or p_i + N(0, noise^2)
    when `noise` is given). We pick the configuration with the best validation accuracy and record
    how much its validation accuracy exceeds its true accuracy: the optimism of the winner. With
    identical configurations (true_spread = 0) and Gaussian noise, the optimism is
    noise * E[max of n standard normals] (see `expected_max_normal`): it grows like sqrt(2 ln n).
    """
    n_configs = np.atleast_1d(np.asarray(n_configs, dtype=int))
    if n_configs.min() < 1:
        raise ValueError(f"n_configs must be >= 1, got {n_configs.tolist()}")
    rng = np.random.default_rng(seed)
    rows = []
    for n in n_configs:
        true = np.clip(rng.normal(true_mean, true_spread, size=(n_repeats, n)), 0.0, 1.0)
        if noise is None:
            val = rng.binomial(n_val, true) / n_val
        else:
            val = true + rng.normal(0.0, noise, size=true.shape)
        chosen = np.argmax(val, axis=1)
        pick = np.arange(n_repeats)
        gap = val[pick, chosen] - true[pick, chosen]
        regret = true.max(axis=1) - true[pick, chosen]
        rows.append((gap.mean(), gap.std(ddof=1) / math.sqrt(n_repeats), regret.mean(), (gap > gap_threshold).mean()))
    optimism, se, regret, p_gap = (np.array(col) for col in zip(*rows))
    return OptimismCurve(n_configs, optimism, se, regret, p_gap, gap_threshold)


def expected_max_normal(n: int) -> float:
    """E[max of n i.i.d. N(0, 1)] = integral of x * n * phi(x) * Phi(x)^(n-1) dx (order statistics)."""
    value, _ = integrate.quad(lambda x: x * n * stats.norm.pdf(x) * stats.norm.cdf(x) ** (n - 1), -12, 12,
                              limit=200)
    return float(value)


def family_wise_error_rate(n_tests: int, alpha=0.05) -> float:
    """P(at least one false positive among n independent tests at level alpha) = 1 - (1 - alpha)^n."""
    return 1.0 - (1.0 - alpha) ** n_tests


def holm_bonferroni(p_values, alpha=0.05) -> np.ndarray:
    """Which hypotheses to reject, controlling the family-wise error at alpha (Holm, Scand. J. Stat. 1979).

    Sort the p-values; reject p_(i) while p_(i) <= alpha / (m - i) (i = 0, 1, ...), stop at the first
    that fails. Uniformly more powerful than plain Bonferroni (reject p <= alpha / m).
    """
    p = np.asarray(p_values, dtype=float)
    reject = np.zeros(p.size, dtype=bool)
    for i, index in enumerate(np.argsort(p)):
        if p[index] > alpha / (p.size - i):
            break
        reject[index] = True
    return reject


# --- leakage demo (lesson 02) ---
# Random labels, so no model can beat chance on new data. Fitting a preprocessing step on ALL the data
# before cross-validating lets the test folds shape the features; fitting it inside a Pipeline does not.

__all__ += ["LEAKY_STEPS", "leakage_demo"]

LEAKY_STEPS = ("select", "scale")


def leakage_demo(seed=0, n_samples=50, n_features=1000, k=20, *, step="select", n_splits=5):
    """(leaky_acc, honest_acc): k-fold CV accuracy of 1-nearest-neighbour on pure-noise data.

    X ~ N(0, 1) of shape (n_samples, n_features); y: balanced random labels independent of X, so the
    true accuracy of any classifier is 0.5. step="select" keeps the k features most correlated with y
    (SelectKBest, ANOVA F); step="scale" standardizes the features (k is unused).
    - leaky:  the step is fitted on all n_samples, then the classifier is cross-validated on its output.
    - honest: Pipeline(step, classifier) is cross-validated, so the step is refitted on each training fold.
    This is the "wrong and right way to do cross-validation" of Hastie, Tibshirani & Friedman (ESL,
    2nd ed. 2009, sec. 7.10.2), one of the leakage patterns catalogued by Kaufman et al. (ACM TKDD 2012).
    """
    from sklearn.feature_selection import SelectKBest, f_classif
    from sklearn.model_selection import StratifiedKFold, cross_val_score
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    if step not in LEAKY_STEPS:
        raise ValueError(f"step must be one of {LEAKY_STEPS}, but got {step!r}")
    if step == "select" and not 1 <= k <= n_features:
        raise ValueError(f"k must be between 1 and n_features={n_features}, but got k={k}")
    if n_samples < 2 * n_splits:
        raise ValueError(f"need n_samples >= 2 * n_splits = {2 * n_splits}, but got n_samples={n_samples}")
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_samples, n_features))
    y = rng.permutation(np.arange(n_samples) % 2)  # balanced, independent of X
    folds = StratifiedKFold(n_splits, shuffle=True, random_state=seed)

    def make_step():
        return SelectKBest(f_classif, k=k) if step == "select" else StandardScaler()

    classifier = KNeighborsClassifier(n_neighbors=1)
    leaky = cross_val_score(classifier, make_step().fit_transform(X, y), y, cv=folds).mean()
    honest = cross_val_score(make_pipeline(make_step(), classifier), X, y, cv=folds).mean()
    return float(leaky), float(honest)
