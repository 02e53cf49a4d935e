"""`SearchCV`: any hpo_mini searcher as a scikit-learn meta-estimator, a drop-in for GridSearchCV.

    search = SearchCV(SVC(), {"C": Float(1e-2, 1e3, log=True)}, searcher=RandomSearch, n_trials=30, cv=5)
    search.fit(X, y).best_params_, search.best_score_, search.cv_results_

It follows scikit-learn's rules (the constructor only stores; `fit` works and leaves `name_`
attributes), so `clone`, `Pipeline`, `cross_val_score` and nested CV work on it, and `cv_results_`
has the keys and shapes of `GridSearchCV.cv_results_` (single metric, no train scores).
"""

from __future__ import annotations

import math
import time
from collections import Counter
from numbers import Real

import numpy as np
from sklearn.base import BaseEstimator, MetaEstimatorMixin, clone
from sklearn.model_selection import cross_validate
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted

from ..runner import optimize
from ..searchers import GridSearch, RandomSearch
from ..space import Categorical, as_space, check_count
from .validation import CrossValObjective

__all__ = ["SearchCV"]

SEARCHERS = {"random": RandomSearch, "grid": GridSearch}


def _delegate(name):
    """A method that forwards to best_estimator_, present only when the estimator has it."""

    def method(self, X, *args, **kwargs):
        check_is_fitted(self, "best_estimator_")
        return getattr(self.best_estimator_, name)(X, *args, **kwargs)

    method.__name__ = name
    method.__doc__ = f"Call `{name}` on the estimator refitted with the best parameters."
    return available_if(lambda self: self.refit and hasattr(self.estimator, name))(method)


class SearchCV(MetaEstimatorMixin, BaseEstimator):
    """Search hyperparameters of `estimator` over `space` by cross-validation.

    searcher: "random", "grid", a searcher class, or a callable space -> searcher; it is built anew
              in every `fit` (with `seed`), so a fitted SearchCV never shares state with its clones.
    n_trials: how many configurations to evaluate (None: until the searcher is finished, e.g. a grid).
    cv, scoring: as in GridSearchCV (an int, a splitter or a list of splits; a scorer name or callable).
    refit:    refit the best configuration on all of X, y and expose predict/score/... through it.
    executor: a concurrent.futures.Executor evaluating configurations in parallel.
    error_score: as in GridSearchCV: the score of a fold whose fit fails. NaN (the default) fails the whole
              configuration (its mean is NaN: it ranks last); a number scores the fold with it; "raise" stops
              the search at the first failing fit and `fit` raises a ValueError carrying its error. (A
              configuration whose every fold fails is recorded as failed whatever the number.) When no
              configuration could be scored, `fit` raises like GridSearchCV: "All the ... fits failed".
    """

    def __init__(self, estimator, space, *, searcher="random", n_trials=20, cv=5, scoring=None, refit=True,
                 executor=None, seed=None, error_score=np.nan):
        self.estimator = estimator
        self.space = space
        self.searcher = searcher
        self.n_trials = n_trials
        self.cv = cv
        self.scoring = scoring
        self.refit = refit
        self.executor = executor
        self.seed = seed
        self.error_score = error_score

    def _make_searcher(self, space):
        maker = SEARCHERS.get(self.searcher, self.searcher) if isinstance(self.searcher, str) else self.searcher
        if isinstance(self.searcher, str) and self.searcher not in SEARCHERS:
            raise ValueError(f"searcher must be one of {sorted(SEARCHERS)}, a searcher class or a callable, "
                             f"but got {self.searcher!r}")
        if isinstance(maker, type):
            return maker(space, seed=self.seed)
        if callable(maker):
            return maker(space)
        raise ValueError(f"searcher must be 'random', 'grid', a searcher class or a callable, got {maker!r}")

    def _check_space(self):
        """Fail before any fitting: unknown parameter names, or values the estimator rejects."""
        space = as_space(self.space)
        valid = self.estimator.get_params(deep=True)
        unknown = [name for name in space.names if name not in valid]
        if unknown:
            raise ValueError(
                f"{type(self.estimator).__name__} has no parameter(s) {unknown}; valid names are "
                f"{sorted(valid)} (inside a Pipeline use 'step__param')"
            )
        for name, dim in space.dimensions.items():
            values = dim.choices if isinstance(dim, Categorical) else [dim.lo, dim.hi]
            for value in values:
                _check_value(self.estimator, name, value)
        return space

    def fit(self, X, y=None, groups=None):
        space = self._check_space()
        n_trials = None if self.n_trials is None else check_count(self.n_trials, "n_trials (None: the whole grid)")
        if not (self.error_score == "raise" or (isinstance(self.error_score, Real)
                                                and not isinstance(self.error_score, bool))):
            raise ValueError(f"error_score must be 'raise' or a number (np.nan by default), but got "
                             f"{self.error_score!r}")
        objective = ErrorScoreObjective(self.estimator, X, y, cv=self.cv, scoring=self.scoring, groups=groups,
                                        error_score=self.error_score)
        raising = self.error_score == "raise"
        study = optimize(objective, self._make_searcher(space), n_trials=n_trials, direction="maximize",
                         executor=self.executor, progress=False, callbacks=[_stop_at_a_failure] if raising else [])
        failed = [t for t in study.trials if t.state == "failed"]
        if raising and failed:
            raise ValueError(f"fitting {type(self.estimator).__name__} with {failed[0].config} failed, and "
                             f"error_score='raise' stops the search there: {failed[0].error}")
        if not study.completed:
            self._raise_nothing_scored(study.trials, len(objective.splits), X, y)
        trials = sorted(study.trials, key=lambda t: t.id)
        self.study_ = study
        self.scorer_ = objective.scorer
        self.n_splits_ = len(objective.splits)
        self.cv_results_ = _cv_results(trials, space.names, self.n_splits_)
        self.best_index_ = int(np.argmin(self.cv_results_["rank_test_score"]))
        self.best_params_ = dict(self.cv_results_["params"][self.best_index_])
        self.best_score_ = float(self.cv_results_["mean_test_score"][self.best_index_])
        if self.refit:
            start = time.perf_counter()
            self.best_estimator_ = clone(self.estimator).set_params(**self.best_params_)
            self.best_estimator_.fit(X, y)
            self.refit_time_ = time.perf_counter() - start
            if hasattr(self.best_estimator_, "classes_"):
                self.classes_ = self.best_estimator_.classes_
            if hasattr(self.best_estimator_, "n_features_in_"):
                self.n_features_in_ = self.best_estimator_.n_features_in_
        return self

    def _raise_nothing_scored(self, trials, n_splits, X, y):
        """Every configuration failed: raise the estimator's own error, from fitting the first configuration
        on all of X, y, with a note counting the failed fits (or GridSearchCV's ValueError if that fit works)."""
        message = _nothing_scored(trials, n_splits)
        try:
            clone(self.estimator).set_params(**trials[0].config).fit(X, y)
        except Exception as exc:
            if not hasattr(exc, "add_note"):  # Python < 3.11
                raise ValueError(message) from exc
            exc.add_note(message)
            raise
        raise ValueError(message)

    def score(self, X, y=None):
        """The scorer used in the search, applied to the refitted best estimator."""
        check_is_fitted(self, "best_estimator_")
        return self.scorer_(self.best_estimator_, X, y)

    predict = _delegate("predict")
    predict_proba = _delegate("predict_proba")
    predict_log_proba = _delegate("predict_log_proba")
    decision_function = _delegate("decision_function")
    transform = _delegate("transform")

    @property
    def _estimator_type(self):
        return getattr(self.estimator, "_estimator_type", None)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        sub = self.estimator.__sklearn_tags__()
        tags.estimator_type = sub.estimator_type
        tags.classifier_tags = sub.classifier_tags
        tags.regressor_tags = sub.regressor_tags
        tags.target_tags = sub.target_tags
        tags.input_tags.pairwise = sub.input_tags.pairwise
        tags.input_tags.sparse = sub.input_tags.sparse
        return tags


def _check_value(estimator, name, value):
    """Set one parameter on a clone and run scikit-learn's own parameter validation on every part."""
    try:
        model = clone(estimator).set_params(**{name: value})
    except Exception as exc:
        raise ValueError(f"{type(estimator).__name__} rejects {name}={value!r}: {exc}") from exc
    parts = [model] + [v for v in model.get_params(deep=True).values() if isinstance(v, BaseEstimator)]
    for part in parts:
        validate = getattr(part, "_validate_params", None)
        if validate is None or not hasattr(part, "_parameter_constraints"):  # a custom estimator declares none
            continue
        try:
            validate()
        except (ValueError, TypeError) as exc:
            raise ValueError(
                f"the space lets {name} take the value {value!r}, which {type(estimator).__name__} rejects: {exc}"
            ) from exc


class ErrorScoreObjective(CrossValObjective):
    """CrossValObjective with scikit-learn's `error_score` for a fold whose fit fails: a number scores
    it, "raise" lets the error through (the runner records the trial as failed, with it)."""

    def __init__(self, estimator, X, y=None, *, cv=5, scoring=None, groups=None, error_score=np.nan):
        super().__init__(estimator, X, y, cv=cv, scoring=scoring, groups=groups)
        self.error_score = error_score

    def cross_validate(self, config) -> dict:
        model = clone(self.estimator).set_params(**config)
        return cross_validate(model, self.X, self.y, cv=self.splits, scoring=self.scorer, error_score=self.error_score)

    def __call__(self, config, trial=None) -> float:
        value = super().__call__(config, trial)
        if math.isnan(value) and trial is not None:  # error_score=nan and a fold failed: say so
            scores = trial.user_attrs["fold_scores"]
            raise ValueError(f"{sum(math.isnan(s) for s in scores)} of {len(scores)} folds failed to fit or score, "
                             "and error_score=nan fails the configuration; error_score='raise' shows the error, a "
                             "number scores such folds")
        return value


def _stop_at_a_failure(study, trial):
    if trial.state == "failed":
        study.stop()


def _nothing_scored(trials, n_splits) -> str:
    """GridSearchCV's message when every fit failed; else how many did and why nothing has a score."""
    n_fits = len(trials) * n_splits
    n_failed = sum(n_splits if not t.user_attrs.get("fold_scores") else
                   sum(s is None or math.isnan(s) for s in t.user_attrs["fold_scores"]) for t in trials)
    errors = Counter(t.error for t in trials)
    details = "\n".join(f"{'-' * 80}\n{n} configuration(s) failed with:\n{error}" for error, n in errors.most_common())
    head = (f"All the {n_fits} fits failed" if n_failed == n_fits else
            f"No configuration could be scored: {n_failed} of the {n_fits} fits failed, and a configuration with a "
            "failed fold has no mean score (error_score=nan; a number scores the failed folds instead)")
    return (f"\n{head} ({len(trials)} configurations x {n_splits} folds).\nIt is very likely that your model is "
            "misconfigured.\nYou can try to debug the error by setting error_score='raise'.\n\n"
            f"Below are more details about the failures:\n{details}")


def _cv_results(trials, names, n_splits):
    """GridSearchCV's cv_results_ layout: one entry per candidate, in the order they were asked."""
    n = len(trials)

    def per_fold(key):
        table = np.full((n, n_splits), np.nan)
        for i, t in enumerate(trials):
            if t.user_attrs.get(key) is not None:
                table[i] = t.user_attrs[key]
        return table

    fold, fit_time, score_time = per_fold("fold_scores"), per_fold("fit_times"), per_fold("score_times")
    mean, std = fold.mean(axis=1), fold.std(axis=1)
    # Ranks as GridSearchCV computes them: 1 = best, ties share the smallest rank, NaN last.
    order_key = np.where(np.isnan(mean), -np.inf, mean)
    rank = np.array([1 + np.sum(order_key > v) for v in order_key], dtype=np.int32)
    results = {
        "mean_fit_time": fit_time.mean(axis=1),
        "std_fit_time": fit_time.std(axis=1),
        "mean_score_time": score_time.mean(axis=1),
        "std_score_time": score_time.std(axis=1),
    }
    for name in names:
        values = [t.config[name] for t in trials]
        typed = np.array(values) if values else np.empty(0)
        if typed.dtype.kind not in "iufb":  # strings, None or mixed types: keep the objects, as sklearn does
            typed = np.empty(n, dtype=object)
            typed[:] = values
        results[f"param_{name}"] = np.ma.MaskedArray(typed, mask=False)
    results["params"] = [dict(t.config) for t in trials]
    for k in range(n_splits):
        results[f"split{k}_test_score"] = fold[:, k]
    results.update(mean_test_score=mean, std_test_score=std, rank_test_score=rank)
    return results
