"""Choosing among fitted candidates (lesson 11): the one-standard-error rule, early stopping's best round,
and the number of clusters (elbow, silhouette, gap statistic).

    mean, se = cv_mean_se(fold_errors)                  # (n_candidates, n_folds) -> mean and standard error
    i = one_standard_error_rule(mean, se, simplicity=alphas)   # the simplest candidate within 1 SE of the best
    best, stop = early_stopping_round(val_losses, patience=10) # 1-based round to keep, round where it stops
    result = gap_statistic(X, ks=range(1, 9), n_refs=10, seed=0)   # result["k"]: Tibshirani et al.'s choice
"""

from __future__ import annotations

import numpy as np

__all__ = ["cv_mean_se", "one_standard_error_rule", "early_stopping_round", "elbow_point", "within_dispersion",
           "gap_statistic"]


def _as_1d(values, name) -> np.ndarray:
    a = np.asarray(values, dtype=float)
    if a.ndim != 1 or a.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D sequence of numbers, but got shape {a.shape}")
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name} must be finite, but got {a.tolist()}")
    return a


def cv_mean_se(fold_errors):
    """Mean and standard error over folds of an (n_candidates, n_folds) array of errors.

    se = s / sqrt(K), s the sample standard deviation (ddof = 1) over the K folds (Hastie, Tibshirani &
    Friedman, *The Elements of Statistical Learning*, 2nd ed., section 7.10.1, Fig. 7.9). The folds share
    training rows, so this understates the true uncertainty; it is the rule's convention, not an exact SE.
    """
    E = np.asarray(fold_errors, dtype=float)
    if E.ndim != 2 or E.shape[1] < 2:
        raise ValueError(f"fold_errors must be (n_candidates, n_folds) with at least 2 folds, but got shape {E.shape}")
    return E.mean(axis=1), E.std(axis=1, ddof=1) / np.sqrt(E.shape[1])


def one_standard_error_rule(mean_errors, std_errors, simplicity) -> int:
    """The index of the simplest candidate whose mean error is within one standard error of the best.

    best = argmin mean;  eligible = {i : mean_i <= mean_best + se_best};  choose the eligible i with the
    largest `simplicity` (e.g. ridge's alpha, k-NN's k, minus the number of leaves), and among equally
    simple ones the lowest mean error. ESL 2nd ed., section 7.10: "choose the most parsimonious model whose
    error is no more than one standard error above the error of the best model" (the SE of the best).
    """
    mean, se, simple = (_as_1d(v, n) for v, n in ((mean_errors, "mean_errors"), (std_errors, "std_errors"),
                                                   (simplicity, "simplicity")))
    if not len(mean) == len(se) == len(simple):
        raise ValueError(f"mean_errors, std_errors and simplicity must have one entry per candidate, but got "
                         f"lengths {len(mean)}, {len(se)}, {len(simple)}")
    if np.any(se < 0):
        raise ValueError(f"std_errors must be >= 0, but got {se.tolist()}")
    best = int(np.argmin(mean))
    eligible = np.flatnonzero(mean <= mean[best] + se[best])
    # the largest simplicity first, then the lowest mean: lexsort sorts by its last key first
    order = np.lexsort((mean[eligible], -simple[eligible]))
    return int(eligible[order[0]])


def early_stopping_round(val_losses, patience) -> tuple[int, int]:
    """(best_round, stop_round), both 1-based: train round by round, stop once `patience` rounds in a row
    have not improved on the best loss so far; keep the model of the best round seen (the first, on ties).

    The rule of XGBoost's `early_stopping_rounds` and LightGBM's `early_stopping(stopping_rounds)` (their
    `best_iteration`); Prechelt (1998), *Early stopping - but when?*, for the family of rules. If the
    losses run out first, stop_round is the last round.
    """
    losses = _as_1d(val_losses, "val_losses")
    if isinstance(patience, bool) or not isinstance(patience, (int, np.integer)) or patience < 1:
        raise ValueError(f"patience must be a whole number >= 1, but got {patience!r}")
    best, since = 0, 0
    for i in range(1, len(losses)):
        if losses[i] < losses[best]:
            best, since = i, 0
        else:
            since += 1
            if since >= patience:
                return best + 1, i + 1
    return best + 1, len(losses)


def elbow_point(ks, inertias) -> int:
    """The k at the elbow of an inertia curve: the point farthest below the straight line from the first
    to the last point, both axes scaled to [0, 1] (the "kneedle" idea, Satopaa et al. 2011, ICDCS
    workshops). A heuristic: on curves without a clear bend it still returns some k."""
    k, w = _as_1d(ks, "ks"), _as_1d(inertias, "inertias")
    if len(k) != len(w) or len(k) < 3:
        raise ValueError(f"ks and inertias need the same length >= 3, but got {len(k)} and {len(w)}")
    x = (k - k[0]) / (k[-1] - k[0])
    y = (w - w.min()) / max(w.max() - w.min(), np.finfo(float).tiny)
    line = y[0] + (y[-1] - y[0]) * x
    return int(k[int(np.argmax(line - y))])


def within_dispersion(X, labels) -> float:
    """W_k = sum over clusters r of D_r / (2 n_r), D_r the sum of squared distances between all pairs in r;
    equal to the within-cluster sum of squares (Tibshirani, Walther & Hastie 2001, eq. 2)."""
    X = np.asarray(X, dtype=float)
    return float(sum(((X[labels == c] - X[labels == c].mean(axis=0)) ** 2).sum() for c in np.unique(labels)))


def gap_statistic(X, ks=range(1, 9), n_refs=10, seed=0, n_init=4) -> dict:
    """The gap statistic (Tibshirani, Walther & Hastie 2001, JRSS B 63(2), section 3).

    Gap(k) = E*[log W_k] - log W_k, the expectation over `n_refs` data sets drawn uniformly in the
    bounding box of X, each clustered by k-means like X; s_k = sd_k sqrt(1 + 1/B). The choice is the
    smallest k with Gap(k) >= Gap(k+1) - s_(k+1) (their eq. 5; the largest k tried if none qualifies).
    Returns {"ks", "gap", "s", "log_w", "k"}.
    """
    from sklearn.cluster import KMeans
    from threadpoolctl import threadpool_limits

    X = np.asarray(X, dtype=float)
    ks = [int(k) for k in ks]
    if not ks or ks != sorted(set(ks)) or ks[0] < 1 or ks[-1] >= len(X):
        raise ValueError(f"ks must be increasing whole numbers from 1 to fewer than the {len(X)} rows, but got {ks}")
    if isinstance(n_refs, bool) or not isinstance(n_refs, (int, np.integer)) or n_refs < 2:
        raise ValueError(f"n_refs must be a whole number >= 2, but got {n_refs!r}")
    rng = np.random.default_rng(seed)

    def log_w(data, k):
        if k == 1:
            return np.log(within_dispersion(data, np.zeros(len(data), dtype=int)))
        labels = KMeans(k, n_init=n_init, random_state=int(rng.integers(2**31))).fit_predict(data)
        return np.log(within_dispersion(data, labels))

    lo, hi = X.min(axis=0), X.max(axis=0)
    refs = [rng.uniform(lo, hi, size=X.shape) for _ in range(n_refs)]
    with threadpool_limits(1):  # many tiny k-means fits: threads only contend (10x slower on 2 busy cores)
        log_w_data = np.array([log_w(X, k) for k in ks])
        log_w_refs = np.array([[log_w(R, k) for k in ks] for R in refs])  # (n_refs, len(ks))
    gap = log_w_refs.mean(axis=0) - log_w_data
    s = log_w_refs.std(axis=0) * np.sqrt(1 + 1 / n_refs)  # sd with 1/B, as in the paper's eq. 4
    chosen = next((ks[i] for i in range(len(ks) - 1) if gap[i] >= gap[i + 1] - s[i + 1]), ks[-1])
    return {"ks": np.array(ks), "gap": gap, "s": s, "log_w": log_w_data, "k": chosen}
