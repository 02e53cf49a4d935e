"""Quiz 02: train / validation / test, splitters, leakage, validation overfitting, intervals, seed
variance, multiple comparisons and nested cross-validation.

Answers are stored as salted hashes or sealed numbers (see ../sealing.py); the readable answer key
lives in solutions/keys/q02_validation.py. Code exercises are checked against scikit-learn's
`TimeSeriesSplit(n_splits, gap=gap)` and against `hpo_mini.evaluation.validation.t_interval`.
"""

from __future__ import annotations

import numpy as np

from ..checks import compare_with_reference, show, unchanged
from ..kinds import CodeExercise, Explain, MultipleChoice, Numeric, SingleChoice, question_maker

QUIZ_ID = "02_validation"
TITLE = "Quiz 02: validation"
LESSON = "02"

# The titles of the lesson's sections, in one place: hints and "topics to revisit" quote them.
SECTIONS = {
    "roles": "Three roles for data",
    "splitters": "Which samples go where: splitters",
    "leakage": "Leakage: when the test folds help build the model",
    "overfit": "Validation overfitting",
    "ci": "Confidence intervals for a score",
    "seeds": "Seed variance: re-run the top configurations before you choose",
    "multiple": "Multiple comparisons",
    "nested": "Nested cross-validation and `SearchCV`",
    "claim": "Check the claim",
}

# The references import scikit-learn or scipy.stats inside the checking process; on a cold start that
# takes about a second on a 2-core laptop, which the default 2 s limit would not leave room for.
CHECK_TIME_LIMIT = 5.0


_q = question_maker(LESSON, SECTIONS)  # _q(Kind, id, "E" | "M" | "H", section key, ...)


# ---- references for the code exercises ---------------------------------------------------------


def time_series_split_reference(X, n_splits, gap):
    """scikit-learn's folds as a list of (train, test) index arrays; raises ValueError where it does."""
    from sklearn.model_selection import TimeSeriesSplit

    return list(TimeSeriesSplit(n_splits, gap=gap).split(X))


def t_interval_reference(scores, confidence):
    """The library's Student-t interval (validation.t_interval): (mean, lo, hi)."""
    from ...evaluation.validation import t_interval

    return t_interval(scores, confidence)


def _as_tuple(x):
    """An array or a sequence of numpy scalars -> a tuple of Python numbers (also for readable feedback)."""
    if isinstance(x, np.ndarray):
        return tuple(x.tolist())
    if isinstance(x, (tuple, list)):
        return tuple(v.item() if isinstance(v, np.generic) else v for v in x)
    return x


def _time_series_cases():
    """(n, n_splits, gap, n_features): hand-picked edge cases, then random ones; n_features 0 is a 1-D X."""
    cases = [
        (20, 3, 0, 2),  # n divisible by n_splits + 1
        (20, 3, 2, 2),
        (60, 4, 3, 1),  # the lesson's figure
        (61, 4, 3, 0),  # one remainder row: it belongs to the first training set
        (63, 4, 0, 3),  # three remainder rows
        (7, 3, 0, 0),  # test blocks of one row
        (4, 3, 0, 2),  # n = n_splits + 1: the first training set is a single row
        (12, 5, 1, 2),  # a single training row left by the gap
        (9, 2, 2, 0),
        (100, 5, 10, 2),
        (365, 12, 7, 4),
        (1000, 10, 24, 2),
        (5, 5, 0, 2),  # more folds than rows: ValueError
        (4, 3, 1, 0),  # the gap eats the only training row: ValueError
        (30, 2, 10, 2),  # the gap eats the whole first training block: ValueError
        (9, 2, 6, 1),  # the gap is longer than the first training block: ValueError
    ]
    rng = np.random.default_rng(2)
    while len(cases) < 40:
        n = int(rng.integers(3, 300))
        n_splits = int(rng.integers(2, min(n, 12)))
        gap = int(rng.integers(0, max(1, n // (n_splits + 1) + 2)))
        cases.append((n, n_splits, gap, int(rng.integers(0, 4))))
    return cases


_TS_CASES = _time_series_cases()


def _rows(index) -> str:
    index = np.asarray(index)
    if index.size == 0:
        return "no rows"
    if index.ndim == 1 and np.array_equal(index, np.arange(index[0], index[0] + index.size)):
        return f"row {index[0]}" if index.size == 1 else f"rows {index[0]}–{index[-1]}"
    return show(index)


def _why_no_folds(n, n_splits, gap) -> str:
    if n_splits + 1 > n:
        return f"n_splits + 1 = {n_splits + 1} folds need at least that many rows, but X has {n}"
    test_size = n // (n_splits + 1)
    return (
        f"with test_size = {n} // {n_splits + 1} = {test_size}, the first training set would have "
        f"{n} - {gap} - {n_splits} * {test_size} = {n - gap - n_splits * test_size} rows"
    )


def _index_array(value, what, text, fold):
    """(array, None) for an integer index array, else (None, message)."""
    try:
        array = np.asarray(value)
    except Exception:
        array = None
    if array is None or array.ndim != 1 or array.dtype.kind not in "iu":
        kind = "a boolean mask" if array is not None and array.dtype.kind == "b" else show(value)
        return None, f"{text}: fold {fold} gave {what} = {kind}; give integer row indices (e.g. np.arange(a, b))"
    return array, None


def _time_series_checker(fn, report):
    for passed, (n, n_splits, gap, n_features) in enumerate(_TS_CASES):
        text = f"time_series_split(X with {n} rows, n_splits={n_splits}, gap={gap})"
        report(text)
        rng = np.random.default_rng(passed)
        X = rng.normal(size=(n, n_features)) if n_features else rng.normal(size=n)
        try:
            expected = time_series_split_reference(X.copy(), n_splits, gap)
        except ValueError:
            expected = None
        given = X.copy()
        try:
            result = fn(given, n_splits, gap)
            folds = list(result) if hasattr(result, "__iter__") else result
        except ValueError as exc:
            if not unchanged(X, given):
                return False, f"{text} changed its argument `X`: leave the caller's data as it was", passed
            if expected is None:
                continue  # a ValueError is what the reference raises here
            return False, f"{text} raised ValueError: {exc}; the reference yields {len(expected)} folds", passed
        except Exception as exc:
            return False, f"{text} raised {type(exc).__name__}: {exc}", passed
        if not unchanged(X, given):
            return False, f"{text} changed its argument `X`: leave the caller's data as it was", passed
        if not isinstance(folds, list):
            return False, f"{text} returned {show(result)}; yield (or return a list of) (train_idx, test_idx) pairs", passed
        if expected is None:
            return False, f"{text} gave {len(folds)} folds; it should raise ValueError: {_why_no_folds(n, n_splits, gap)}", passed
        if len(folds) != len(expected):
            return False, f"{text} gave {len(folds)} folds, the reference gives {len(expected)}", passed
        for fold, (pair, (train_ref, test_ref)) in enumerate(zip(folds, expected), start=1):
            if not (isinstance(pair, (tuple, list)) and len(pair) == 2):
                return False, f"{text}: fold {fold} is {show(pair)}; each fold is a pair (train_idx, test_idx)", passed
            train, message = _index_array(pair[0], "train_idx", text, fold)
            if message is None:
                test, message = _index_array(pair[1], "test_idx", text, fold)
            if message is not None:
                return False, message, passed
            if not np.array_equal(test, test_ref):
                return False, f"{text}: fold {fold} tests on {_rows(test)}, the reference on {_rows(test_ref)}", passed
            start = int(test_ref[0])
            future = train[train >= start]
            if future.size:
                return (
                    False,
                    f"{text}: fold {fold} trains on row {int(future[0])}, at or after its test block (from row "
                    f"{start}): that is training on the future",
                    passed,
                )
            if not np.array_equal(train, train_ref):
                return (
                    False,
                    f"{text}: fold {fold} trains on {_rows(train)}, the reference on {_rows(train_ref)} "
                    f"(test block from row {start}, gap of {gap} rows)",
                    passed,
                )
    return True, "", len(_TS_CASES)


def _t_interval_cases():
    rng = np.random.default_rng(0)
    return [
        {"scores": np.array([0.82, 0.85, 0.79, 0.88, 0.84]), "confidence": 0.95},
        {"scores": [0.82, 0.85, 0.79, 0.88, 0.84], "confidence": 0.95},  # a list, as in trial.user_attrs
        {"scores": np.array([0.90, 0.80]), "confidence": 0.95},  # two scores: one degree of freedom
        {"scores": np.array([0.71, 0.74, 0.69]), "confidence": 0.90},
        {"scores": rng.normal(0.85, 0.02, size=10), "confidence": 0.99},
        {"scores": np.array([-3.2, -2.9, -3.5, -3.1, -2.7, -3.0]), "confidence": 0.95},  # negated errors
        {"scores": [1, 2, 3, 4], "confidence": 0.5},
        {"scores": rng.normal(0.7, 0.05, size=30), "confidence": 0.95},
        {"scores": rng.normal(0.6, 0.1, size=1000), "confidence": 0.95},  # t and z differ by 0.1% here
        {"scores": rng.uniform(0.5, 1.0, size=7), "confidence": 0.8},
    ]


# ---- the questions -------------------------------------------------------------------------------

QUESTIONS = [
    _q(
        SingleChoice,
        "q02.test_set_role",
        "E",
        "roles",
        prompt="You tune a model with 5-fold cross-validation on your development data and also hold out a test set. "
        "What is the test set for?",
        options=(
            "Choosing between the top three configurations of the search, since their CV scores are noisy.",
            "Early stopping of the final training run.",
            "Reporting the performance of the final model once, after every choice (configuration, features, "
            "number of epochs) has been made without it.",
            "Averaging with the CV score to reduce its variance.",
        ),
        topics=("train/validation/test",),
        hint="ask which number is unbiased, and what makes it stop being so",
        explanation="Training fits the parameters, validation (here: CV) chooses the configuration, the test set "
        "reports. The CV score of the winner helped choose it, so it is optimistic; the test score is unbiased "
        "only if the test data played no part in any choice, including picking among finalists or deciding "
        "when to stop training. Used for any of those, it becomes a second validation set and the reported "
        "number is optimistic again.",
        key="sha256:8cade855970021c65d74478791f5555ffee6220e5d35c16c6bdacd66d33d8a17",
    ),
    _q(
        MultipleChoice,
        "q02.which_splitter",
        "M",
        "splitters",
        prompt="Which of these splitting choices are sound? Choose every one that applies.",
        options=(
            "Fraud detection for *new* customers, 2 000 customers with many transactions each: `GroupKFold` "
            "with the customer id as the group.",
            "Daily sales, where each row's label is the sales 7 days later: `KFold(5, shuffle=True)`.",
            "A classification data set of 500 rows with 2% positives: `StratifiedKFold(5, shuffle=True)`.",
            "Daily sales, where each row's label is the sales 7 days later: `TimeSeriesSplit(5, gap=7)`.",
            "Four MRI scans per patient, diagnosing *new* patients: `StratifiedKFold(5, shuffle=True)` over the scans.",
        ),
        topics=("cross-validation splitters", "time series", "grouped data"),
        hint="for each case, ask how new data will arrive in deployment, and make the split imitate it",
        explanation="A splitter encodes how new data arrive. New customers or patients: group splits, otherwise "
        "the score partly measures recognising individuals seen in training (which is what the shuffled split "
        "over scans does). Rare positives: stratify, so every fold has them in proportion. Labels 7 steps "
        "ahead: train on the past, test on the future, with a gap of at least 7 rows so that no training "
        "label falls inside the test period; a shuffled KFold trains on the future and on the neighbours of "
        "each test day, and its score is optimistic.",
        key="sha256:439d1097ead570d24c94f65db1aba7cb7c985fd9796b08f3ab0cb83832c2de55",
    ),
    _q(
        SingleChoice,
        "q02.leak_mechanism",
        "M",
        "leakage",
        prompt="On 50 samples with 1000 pure-noise features and random labels, a colleague keeps the 20 features "
        "most correlated with the labels (computed on all 50 samples), then runs 5-fold CV of 1-nearest-"
        "neighbour on those features and gets 0.85 accuracy. Why?",
        options=(
            "1-nearest-neighbour overfits small data sets, and cross-validation rewards overfitting.",
            "The selection used the labels of every sample, including those that later form the test folds, so "
            "the kept features correlate with the test labels by construction.",
            "Five folds are too few: with 10 folds the estimate would be near 0.5.",
            "Among 1000 noise features a few are truly predictive in the population, and the selection found them.",
        ),
        topics=("leakage",),
        hint="ask which data the feature selection looked at, and where those data end up during cross-validation",
        explanation="With n = 50, a noise feature's sample correlation with the labels has a spread of about "
        "1/√n, and the largest of 1000 is about √(2 ln p / n) ≈ 0.53. Those correlations were computed with "
        "all 50 labels, so they hold on the test folds too: the test labels helped build the features "
        "(Hastie, Tibshirani & Friedman, ESL sec. 7.10.2). The features predict nothing on new samples; "
        "cross-validating an overfitting model reports its poor accuracy honestly; and more folds do not "
        "remove the leak.",
        key="sha256:0c7ec984296f14af9d393b3e49d31276ea06564f618d261f1413a3f49112245a",
    ),
    _q(
        SingleChoice,
        "q02.pipeline_fix",
        "E",
        "leakage",
        prompt="Why does cross-validating `make_pipeline(SelectKBest(f_classif, k=20), KNeighborsClassifier(1))` "
        "report about 0.5 on the same random labels?",
        options=(
            "The pipeline standardizes the features, which cancels the noise.",
            "A Pipeline scores on the training folds, where noise features have no correlation with the labels.",
            "A Pipeline uses a new random seed in every fold, which averages the leak away.",
            "`cross_val_score` refits the whole pipeline, selection included, on each training fold alone, so "
            "the test fold's labels play no part in choosing the features.",
        ),
        topics=("leakage", "pipelines"),
        hint="ask what `cross_val_score` fits on each fold when the estimator is a Pipeline",
        explanation="cross_val_score clones the pipeline and fits it on the training part of each fold: the "
        "selector then picks features that correlate with the *training* labels by chance, those correlations "
        "do not carry over to the held-out fold, and the accuracy falls to 0.5, which is the truth. The rule: "
        "every step that learns from data (imputer, scaler, encoder, selector, resampler, PCA) goes inside the "
        "Pipeline that is cross-validated.",
        key="sha256:8486d39f66a4aa8d42c1aba65301201449225edaf7c5266a9de78df40cff5a24",
    ),
    _q(
        MultipleChoice,
        "q02.what_leaks",
        "H",
        "leakage",
        prompt="Each step below is fitted on *all* rows before 5-fold cross-validation of a classifier on i.i.d. "
        "rows. Which ones use the *labels* of the future test folds, the kind of leak that turned random labels "
        "into 0.85 accuracy? Choose every one that applies.",
        options=(
            "`SelectKBest(f_classif, k=20)`.",
            "`StandardScaler()`.",
            "Target (mean) encoding of a high-cardinality categorical column.",
            "`PCA(n_components=10)`.",
            "SMOTE oversampling of the minority class.",
            "`np.log1p` applied to a skewed column.",
        ),
        topics=("leakage", "pipelines"),
        hint="for each step, ask what it computes when it is fitted: statistics of the features, of the labels, or nothing",
        explanation="Selection by ANOVA F and target encoding compute statistics of the labels; SMOTE picks the "
        "minority class by its labels and interpolates between its rows, so near-copies of test rows land in "
        "training. A scaler and PCA learn from the features only: on i.i.d. rows that is a much smaller leak "
        "(the lesson's scaling experiment barely moved), but still a leak, and with time-ordered data the test "
        "period's mean leaks the future. A fixed formula like log1p learns nothing. Every step that learns "
        "belongs inside the Pipeline.",
        key="sha256:85dc4daa46c7cbbfeccab9d6d22a696589444bbb189e68a7568ce7a6531d4771",
    ),
    _q(
        Numeric,
        "q02.sigma_val",
        "E",
        "overfit",
        prompt="A validation set has 1000 examples and your model's accuracy is about 0.80. What is the standard "
        "deviation of the validation accuracy that comes from which examples were drawn, σ_val? Give it as a "
        "fraction (0.01 is one point).",
        topics=("validation overfitting",),
        hint="each validation example is a coin flip that comes up 'correct' with probability p; the accuracy is their average",
        explanation="σ_val = √(p(1 − p) / n_val) = √(0.8 · 0.2 / 1000) ≈ 0.0126, about 1.3 points. Two "
        "configurations whose true accuracies differ by less than that are hard to tell apart on this set, and "
        "it is the unit in which the optimism of the best of n configurations is measured.",
        key="obf:UYjyUTtChks=",
        abs_tol=0.0005,
        example="0.05",
    ),
    _q(
        Numeric,
        "q02.optimism_100",
        "M",
        "overfit",
        prompt="100 configurations are all *equally* good (true accuracy 0.80), and each is scored on a "
        "validation set of 1000 examples with independent noise. You pick the one with the best validation "
        "accuracy. By how much does its validation accuracy overstate its true accuracy, on average? Use "
        "E[max of 100 standard normals] ≈ 2.51 and give a fraction (0.01 is one point).",
        topics=("validation overfitting",),
        hint="when all configurations are equal, the winner is the one with the largest noise: scale the expected maximum by the noise level",
        explanation="The optimism is σ_val · E[max Z] = √(0.8 · 0.2 / 1000) × 2.51 ≈ 0.0126 × 2.51 ≈ 0.032: "
        "about 3 points from selection alone. It grows like √(2 ln n) with the number of trials and shrinks "
        "like 1/√n_val. Real configurations differ, so part of the winner's lead is real and the optimism is "
        "smaller (the lesson's simulator and breast-cancer run show both).",
        key="obf:owPsjvHL",
        rel_tol=0.05,
        example="0.05",
    ),
    _q(
        SingleChoice,
        "q02.two_percent_rule",
        "H",
        "overfit",
        prompt="After 200 random-search trials your best configuration scores 0.845 on a validation set of 300 "
        "examples and 0.822 on the test set: a gap of 2.3 points. A rule of thumb says that a validation–test "
        "gap above 2% means you overfit the validation set. What do you conclude?",
        options=(
            "The rule fires: the search overfit, so discard the configuration and start again with fewer trials.",
            "The gap alone is no alarm: σ_val = √(0.84 · 0.16 / 300) ≈ 2.1 points, so the best of 200 is "
            "expected to look several points better than it is; compare the gap with σ_val · E[max Z] plus the "
            "test set's own noise.",
            "The gap proves the test set is unrepresentative, since random search cannot overfit a validation set.",
            "The rule fires because 200 trials exceed the 60 that random search needs.",
        ),
        topics=("validation overfitting", "2% rule"),
        hint="before trusting a fixed threshold, compute how noisy a validation set of this size is",
        explanation="A fixed 2% threshold means something only when it is several σ_val wide (a few thousand "
        "validation examples at these accuracies). Here a single configuration chosen in advance shows a gap "
        "above 2 points in about one run in six from validation noise alone, and for the best of 200 "
        "near-equal configurations σ_val · E[max Z] ≈ 2.1 × 2.75 ≈ 5.8 points (`validation_overfitting`, with "
        "a 1-point true spread between configurations, gives about 4.9). The test score is the honest number; "
        "the real alarm is a gap well beyond the expected optimism plus the test noise, which points to "
        "leakage or a shift between validation and test data.",
        key="sha256:a0ab03755b1f12fdbb38f975fa56ac2923736e92829768dd0593e1574e6bd975",
    ),
    _q(
        SingleChoice,
        "q02.t_interval_over_folds",
        "M",
        "ci",
        prompt="You compute a 95% t-interval over the 5 fold scores of one 5-fold cross-validation. Why is it "
        "too narrow?",
        options=(
            "It should use the normal quantile 1.96 instead of the t quantile with 4 degrees of freedom.",
            "Because the test folds are disjoint, the fold scores are independent and the interval is exact: it "
            "is not too narrow.",
            "Any two training sets share 3/4 of their rows, so the fold scores are correlated and s/√k "
            "understates the uncertainty of their mean; no unbiased estimator of the variance of k-fold CV "
            "exists (Bengio & Grandvalet, 2004).",
            "The mean of fold scores is biased upward, and the interval is centred on it.",
        ),
        topics=("confidence intervals", "cross-validation"),
        hint="the t-interval assumes independent scores: are the fold scores independent?",
        explanation="Fold scores share most of their training data, so they move together; the spread across "
        "folds misses that shared part and the interval is too narrow. Over independent scores (independent "
        "test sets; model seeds on one fixed split, for the seed-to-seed spread) the t-interval is right, "
        "while repeated random splits of the same data overlap as folds do. Over the folds of one CV read it "
        "as a lower bound on the uncertainty, and use the Nadeau–Bengio correction when comparing two "
        "configurations. The normal quantile would make it narrower still.",
        key="sha256:b51f90d315071c303bf1a0390e688788d13893501d3eb3547f896637c70105a0",
    ),
    _q(
        MultipleChoice,
        "q02.bootstrap",
        "M",
        "ci",
        prompt="A percentile bootstrap over the 171 examples of your test set gives a 95% interval of "
        "[0.88, 0.96] for the final model's accuracy. Which statements about it are true? Choose every one "
        "that applies.",
        options=(
            "It reflects the noise from which examples happened to land in the test set.",
            "It includes the variance from retraining the model on another training sample.",
            "It corrects the validation score of the chosen configuration for selection optimism.",
            "Differences between configurations much smaller than its width cannot be resolved by this test set.",
            "It is valid only with at least 1000 test examples.",
        ),
        topics=("confidence intervals", "bootstrap"),
        hint="list what the bootstrap resamples, and what it holds fixed",
        explanation="Resampling the test examples with replacement and recomputing the metric captures test-set "
        "sampling noise only (Efron & Tibshirani 1993); the fitted model is held fixed, so the variance from "
        "retraining on other data is not in it (repeat over seeds, or use nested CV, for that). It says "
        "nothing about the validation score. Its width, 8 points here (the normal approximation "
        "±1.96 √(p(1 − p)/n) agrees), is the resolution of this test set. It needs no formula for the "
        "metric's variance and works at any size, approximately when the set is small.",
        key="sha256:a62a2531aec16ccf23ff09031e1934684cb5f37ade5230da31486bc075a3e1f4",
    ),
    _q(
        SingleChoice,
        "q02.seed_rerun",
        "M",
        "seeds",
        prompt="A 100-trial search chose by accuracy on one validation split of 60 examples. The top three scored "
        "0.933, 0.917 and 0.917. What do you do before choosing?",
        options=(
            "Re-run the top three (or five) on several new splits and seeds, the same ones for each, choose on the "
            "mean, and compare them pair-wise.",
            "Take the 0.933 configuration: it won.",
            "Run 100 more trials and take the best of all 200.",
            "Retrain the 0.933 configuration with 10 seeds and keep the seed that scores best.",
        ),
        topics=("seed variance", "top-k re-runs"),
        hint="ask how many validation examples separate the three, and what one split and one seed cannot tell you",
        explanation="With 60 examples one example is 1.7 points: the three are one example apart, and the "
        "winner's score carries selection optimism. Re-running the top k on shared splits and seeds measures "
        "each one's mean, and the paired differences cancel the noise the runs share. More trials add more "
        "candidates and more optimism; keeping the best seed is one more selection on noise (a seed is "
        "averaged over, not tuned).",
        key="sha256:7c227a377dcb5ee135aea739fdf2cb375005bde2226367a271b4e37d5245cc4d",
    ),
    _q(
        Numeric,
        "q02.fwer",
        "E",
        "multiple",
        prompt="You compare 20 configurations with a baseline, none of them truly better, each with its own test "
        "at α = 0.05. If the tests are independent, what is the probability that at least one comes out "
        "'significant'? Give a probability between 0 and 1.",
        topics=("multiple comparisons",),
        hint="compute the probability that none of the tests is a false positive, then take the complement",
        explanation="P(no false positive) = 0.95^20 ≈ 0.358, so P(at least one) = 1 − (1 − α)^m = 1 − 0.95^20 "
        "≈ 0.642, the family-wise error rate. In the lesson's simulation the 20 comparisons share one baseline, "
        "are positively correlated, and the rate comes out somewhat lower; either way, \"something beat the "
        "baseline\" is the expected outcome when nothing works.",
        key="obf:8HpK14kB",
        abs_tol=0.005,
        example="0.5",
    ),
    _q(
        Numeric,
        "q02.holm_count",
        "M",
        "multiple",
        prompt="Five configurations are compared with a baseline; their p-values are 0.001, 0.012, 0.02, 0.04 and "
        "0.3. How many of the five null hypotheses does the Holm–Bonferroni procedure reject at α = 0.05?",
        topics=("multiple comparisons", "Holm–Bonferroni"),
        hint="sort the p-values and compare the i-th smallest (i = 0, 1, ...) with α / (m − i); stop at the first that fails",
        explanation="Against α/(m − i): 0.001 ≤ 0.05/5 = 0.010 (reject), 0.012 ≤ 0.05/4 = 0.0125 (reject), "
        "0.02 > 0.05/3 ≈ 0.0167 (stop). Two rejections, with the family-wise error rate held at 5% (Holm 1979). "
        "Plain Bonferroni (p ≤ 0.01) rejects one; no correction (p < 0.05) rejects four, with a family-wise "
        "error rate far above 5%.",
        key="sha256:e0d71b726573f7e571d6ba33a0a0bd8b73c3bee18bb16ec58cef856709d4edbd",
        example="10",
    ),
    _q(
        SingleChoice,
        "q02.nested_estimates",
        "H",
        "nested",
        prompt="Nested cross-validation: 5 outer folds, and in each a 50-trial random search with inner 3-fold CV "
        "on the outer training part. What does the mean of the 5 outer scores estimate?",
        options=(
            "The expected performance of the whole procedure, \"run this search with inner CV, then refit the "
            "winner\", when it is given about 4/5 of the data.",
            "The performance of the single best configuration found, free of selection bias.",
            "The best inner CV score, averaged over the outer folds.",
            "Exactly the test score of the model refitted on all the data.",
        ),
        topics=("nested CV",),
        hint="the outer folds may choose different configurations: whose performance can their mean be?",
        explanation="Each outer fold may pick a different configuration, so the outer mean belongs to none of "
        "them: it scores the procedure, search included, on data that search never saw (Varma & Simon 2006). "
        "It is slightly pessimistic for the final model, which is tuned and trained on all the data. The inner "
        "best scores are the optimistic numbers nested CV exists to avoid. To deploy: run the search once on "
        "all the data, refit the winner, and report the nested estimate for it.",
        key="sha256:d40c9cf0e043f338c3d318f59393fa3ef04c698892c7df9771b3f47fac33dd41",
    ),
    _q(
        CodeExercise,
        "q02.code_t_interval",
        "M",
        "ci",
        prompt="Write `t_interval(scores, confidence=0.95)`: the Student-t confidence interval for the mean of "
        "`scores`, a list or 1-D numpy array of n ≥ 2 numbers (e.g. the fold scores in "
        "`trial.user_attrs[\"fold_scores\"]`, or one score per seed). Return the tuple `(mean, lo, hi)` of floats. "
        "Do not modify `scores`. `scipy.stats.t.ppf(q, df)` is the t quantile function.",
        topics=("confidence intervals",),
        hint="mean ± quantile × standard error: check which quantile a two-sided interval needs, how many degrees of freedom n scores leave, and which standard deviation estimates the spread",
        explanation="mean ± t_{(1+c)/2, n−1} · s/√n, with s the sample standard deviation (ddof = 1). With 5 "
        "scores t_{0.975, 4} = 2.78, 42% wider than the normal 1.96; numpy's default ddof = 0 shrinks s by "
        "√((n − 1)/n); the quantile at c instead of (1 + c)/2 gives a one-sided bound. This is `t_interval` in "
        "hpo_mini/evaluation/validation.py. Over the folds of one CV the interval is too narrow (the folds are "
        "correlated); over independent scores it is right. `scores -= mean` on an array changes the caller's data.",
        function_name="t_interval",
        stub='def t_interval(scores, confidence=0.95):\n    """(mean, lo, hi): the Student-t interval for the mean of scores."""\n    ...',
        checker=compare_with_reference("t_interval", t_interval_reference, _t_interval_cases(), postprocess=_as_tuple),
        time_limit=CHECK_TIME_LIMIT,
    ),
    _q(
        CodeExercise,
        "q02.code_time_series_split",
        "H",
        "splitters",
        prompt="Write `time_series_split(X, n_splits, gap=0)`: the folds of scikit-learn's "
        "`TimeSeriesSplit(n_splits, gap=gap)` for the rows of `X` (a numpy array, rows in time order), as "
        "`(train_idx, test_idx)` pairs of integer index arrays; yield them or return a list. With n = len(X) "
        "and test_size = n // (n_splits + 1), the test blocks are the last n_splits consecutive blocks of "
        "test_size rows, the last one ending with the last row of X. Each fold trains on every row before its "
        "test block except the `gap` rows just before it. Raise `ValueError` when n < n_splits + 1 or when the "
        "first training set would be empty. Do not modify `X`.",
        topics=("time series", "cross-validation splitters"),
        hint="draw the lesson's TimeSeriesSplit(4, gap=3) figure by hand: where does the first test block start, and which rows does the gap remove?",
        explanation="test_size = n // (n_splits + 1); the first test block starts at n − n_splits · test_size "
        "(the remainder rows go to the first training set); fold k tests on [start, start + test_size) and "
        "trains on [0, start − gap). Training on every row outside the test block, as KFold does, trains on "
        "the future; `start − gap + 1` keeps one row of the gap. The ValueError cases are the ones "
        "scikit-learn refuses: more folds than rows, or no training row left before the first gap.",
        function_name="time_series_split",
        stub='def time_series_split(X, n_splits, gap=0):\n    """Yield (train_idx, test_idx) like TimeSeriesSplit(n_splits, gap=gap).split(X)."""\n    ...',
        checker=_time_series_checker,
        time_limit=CHECK_TIME_LIMIT,
    ),
    _q(
        Explain,
        "q02.explain_multiple_comparisons",
        "M",
        "multiple",
        prompt="A colleague writes: *\"We tried 1000 configurations; the best beat the default by 1.5 points with "
        "p = 0.01 in a paired t-test over the 5 folds. It is significantly better, let's ship it.\"* What would "
        "you check before agreeing? Answer in about a minute.",
        topics=("multiple comparisons", "validation overfitting", "seed variance"),
        hint="count the comparisons that were made, and ask which data chose the winner and which data tested it",
        explanation="See the model answer and rubric.",
        model_answer="A p-value of 0.01 for the best of 1000 comparisons is no evidence: at α = 0.05 the chance "
        "of at least one false positive among m independent comparisons is 1 − 0.95^m, essentially 1 for "
        "m = 1000, and Holm or Bonferroni would ask for p ≤ 0.05/1000 for the smallest p-value. The winner was "
        "chosen because it looked best on these folds, so its 1.5-point lead contains selection optimism; and a "
        "plain paired t-test over overlapping CV folds is over-confident (the Nadeau–Bengio corrected test "
        "widens it). I would re-run the top few configurations and the default on new seeds and splits that "
        "the search never saw, or on the held-out test set once, compare them pair-wise with the corrected "
        "test, and ship only if the lead survives; if it is within the noise, I prefer the simpler or "
        "cheaper configuration.",
        rubric=(
            "Multiple comparisons: with 1000 tries a p of 0.01 is expected by chance; 1 − (1 − α)^m; a Holm or Bonferroni threshold.",
            "Selection optimism: the winner's lead on the folds that chose it is inflated.",
            "The plain paired t-test over CV folds is over-confident (overlapping training sets; Nadeau–Bengio correction).",
            "Confirms on data the search never saw: top-k and the default re-run over new seeds or splits, compared pair-wise.",
            "Decides on effect size and cost, preferring the simpler configuration when the difference is within the noise.",
        ),
    ),
    _q(
        Explain,
        "q02.explain_nested",
        "H",
        "claim",
        prompt="An interviewer asks: *\"You tuned 200 configurations with 5-fold CV and the best scored 0.91. Why "
        "is 0.91 not your model's expected accuracy, how would nested CV give an honest number, and what "
        "exactly would it estimate?\"*",
        topics=("nested CV", "validation overfitting"),
        hint="say why the maximum of noisy scores is biased, then where nested CV puts the search",
        explanation="See the model answer and rubric.",
        model_answer="0.91 is the maximum of 200 noisy estimates, chosen because it was high: part of its lead is "
        "the luck of those folds (the winner's curse), so it overstates the chosen configuration's accuracy, by "
        "about σ · E[max of n Z] when many configurations are about equally good (≈ 2.7 σ for 200), more with "
        "small data and many trials. The folds that scored it also chose it, so nothing checks it "
        "independently. Nested CV moves the whole search inside an outer loop: on each outer training part, run "
        "the 200-trial search with inner CV and refit the winner, then score it on the outer test fold, which "
        "the search never saw. The mean of the outer scores estimates the performance of the procedure "
        "\"search, then refit\" (Varma & Simon 2006), not of one configuration, since the outer folds may "
        "choose different ones; it is slightly pessimistic, because each outer model sees (k − 1)/k of the "
        "data. To deploy, run the search once on all the data and refit; the nested estimate, with an interval, "
        "is the number to report. It costs k_outer searches.",
        rubric=(
            "The best CV score is the maximum of noisy estimates, selected for its luck: biased upward (winner's curse).",
            "The bias grows with the number of configurations and shrinks with more data (σ_val · E[max of n Z]).",
            "Nested CV: the search with inner CV runs on each outer training part; the outer test fold, unseen by the search, scores the refitted winner.",
            "It estimates the procedure (search + refit), not one configuration; slightly pessimistic; folds may choose different configurations.",
            "Deployment: search once on all the data and refit; report the nested estimate; costs k_outer searches.",
        ),
    ),
]
