"""Quiz 13: the production playbook: budget-first workflow, seeds and top-k re-runs, journals and
resumable studies, importance, Pareto fronts and hypervolume, parallel trials, debugging symptoms, and
the map to Optuna, Ray Tune, scikit-learn and MLflow.

Answers are stored as salted hashes or sealed numbers (see ../sealing.py); the readable answer key
lives in solutions/keys/q13_production_playbook.py. Code exercises are checked against the library:
`pareto.pareto_front`, `pareto.hypervolume_2d`, and the patience rule of `callbacks.NoImprovementStopper`
written out as a plain loop over the trial values.
"""

from __future__ import annotations

import math

import numpy as np

from ...evaluation.pareto import hypervolume_2d, pareto_front
from ..checks import compare_with_reference
from ..kinds import CodeExercise, Explain, MultipleChoice, Numeric, SingleChoice, question_maker

QUIZ_ID = "13_production_playbook"
TITLE = "Quiz 13: the production playbook"
LESSON = "13"

# The titles of the lesson's sections, in one place: hints and "topics to revisit" quote them.
SECTIONS = {
    "workflow": "A budget-first workflow",
    "reproducibility": "Reproducibility: seeds and top-k re-runs",
    "logs": "Experiment logs, callbacks and resumable studies",
    "importance": "Which hyperparameters mattered: importance and partial dependence",
    "multi_objective": "Multi-objective: Pareto fronts and hypervolume",
    "parallel": "Parallel and distributed trials",
    "debugging": "Debugging symptoms",
    "tools": "The map to real tools",
    "claim": "Check the claim",
}

_q = question_maker(LESSON, SECTIONS)  # _q(Kind, id, "E" | "M" | "H", section key, ...)


# ---- references for the code exercises ---------------------------------------------------------


def non_dominated_reference(points):
    """Indices (increasing) of the rows no other row dominates, minimizing every column:
    the library's pareto.pareto_front."""
    return [int(i) for i in pareto_front(points)]


def hypervolume_reference(points, reference):
    """The area dominated by the points inside the reference box: the library's pareto.hypervolume_2d."""
    return hypervolume_2d(points, reference)


def stopping_trial_reference(values, patience, min_delta):
    """The number of trials after which "stop when `patience` trials in a row brought no improvement"
    stops the study, or None. The rule of callbacks.NoImprovementStopper (minimizing): a trial improves
    when it is not failed (NaN) and its value is below best - min_delta; the first completed trial
    always improves; a failed trial never does."""
    best, since = None, 0
    for count, value in enumerate(values, start=1):
        if not math.isnan(value) and (best is None or value < best - min_delta):
            best, since = value, 0
        else:
            since += 1
        if since >= patience:
            return count
    return None


def _point_sets():
    """Small sets with ties, duplicates and shared coordinates (integer grids), plus random floats."""
    rng = np.random.default_rng(10)
    sets = [
        [[1.0, 2.0]],
        [[1.0, 5.0], [1.0, 3.0], [2.0, 3.0]],  # shared coordinates: weak dominance removes two
        [[1.0, 1.0], [1.0, 1.0], [2.0, 0.0]],  # duplicates do not dominate each other
        [[2.0, 2.0], [2.0, 2.0], [2.0, 2.0]],
        [[0.08, 200.0], [0.10, 50.0], [0.10, 60.0], [0.12, 20.0], [0.15, 20.0], [0.20, 5.0], [0.09, 300.0]],
        [[3.0, 1.0], [1.0, 4.0], [3.0, 3.0], [2.0, 2.0], [4.0, 0.5]],
        [[1.0, 2.0, 3.0], [1.0, 2.0, 2.0], [0.0, 5.0, 5.0], [2.0, 1.0, 3.0], [1.0, 2.0, 3.0]],  # 3 objectives
    ]
    for n, high in ((12, 4), (20, 6), (30, 3)):
        sets.append(rng.integers(0, high, size=(n, 2)).astype(float).tolist())
    sets.append(rng.random((25, 2)).round(4).tolist())
    sets.append(rng.integers(0, 4, size=(15, 3)).astype(float).tolist())
    return sets


def _hypervolume_cases():
    rng = np.random.default_rng(11)
    cases = [
        {"points": [[1.0, 1.0]], "reference": [3.0, 2.0]},
        {"points": [[3.0, 1.0], [1.0, 4.0], [3.0, 3.0], [2.0, 2.0], [6.0, 0.5]], "reference": [5.0, 5.0]},
        {"points": [[1.0, 1.0], [2.0, 3.0]], "reference": [5.0, 5.0]},  # a dominated point adds nothing
        {"points": [[2.0, 4.0], [1.0, 6.0], [4.0, 1.0]], "reference": [5.0, 5.0]},  # one point above the box
        {"points": [[6.0, 1.0], [7.0, 0.0]], "reference": [5.0, 5.0]},  # nothing inside the box
        {"points": [[1.0, 2.0], [1.0, 2.0], [2.0, 1.0]], "reference": [4.0, 4.0]},  # duplicates
        {"points": [[1.0, 3.0], [1.0, 2.0], [3.0, 1.0]], "reference": [4.0, 4.0]},  # a tie in f1
    ]
    for n in (6, 15, 40):
        cases.append({"points": rng.random((n, 2)).round(3).tolist(), "reference": [1.1, 1.2]})
    cases.append({"points": rng.integers(0, 6, size=(20, 2)).astype(float).tolist(), "reference": [5.0, 5.0]})
    return cases


def _stopping_cases():
    nan = float("nan")
    return [
        {"values": [5.0, 4.0, 3.0, 3.0, 3.0, 3.0], "patience": 3, "min_delta": 0.0},  # ties do not improve
        {"values": [5.0, 4.0, 3.0, 2.0, 1.0], "patience": 2, "min_delta": 0.0},  # never stops
        {"values": [3.0, 1.0, 2.0, 1.5, 1.8, 1.2], "patience": 3, "min_delta": 0.0},  # compare with the best
        {"values": [2.0, 3.0, 4.0], "patience": 1, "min_delta": 0.0},
        {"values": [4.0, 3.0, 2.0, 1.0], "patience": 4, "min_delta": 0.0},
        {"values": [1.0, 0.75, 0.5, 0.4, 0.3], "patience": 2, "min_delta": 0.25},  # 0.75 is not < 1.0 - 0.25
        {"values": [1.0, 0.7, 0.6, 0.5, 0.45, 0.44], "patience": 3, "min_delta": 0.2},
        {"values": [nan, 5.0, 5.0, 5.0], "patience": 2, "min_delta": 0.0},  # the first completed trial improves
        {"values": [4.0, nan, nan, 3.0, nan, nan], "patience": 2, "min_delta": 0.0},  # failures count
        {"values": [4.0, nan, 3.0, nan, 2.0, nan], "patience": 2, "min_delta": 0.0},
        {"values": [nan, 1.0, 0.0], "patience": 1, "min_delta": 0.0},
        {"values": [], "patience": 3, "min_delta": 0.0},
        {"values": [0.9, 0.8, 0.85, 0.7, 0.75, 0.72, 0.71, 0.69], "patience": 3, "min_delta": 0.0},
    ]


# ---- the questions -------------------------------------------------------------------------------

QUESTIONS = [
    _q(
        SingleChoice,
        "q13.boundary",
        "E",
        "debugging",
        prompt="After 80 trials, the ten best configurations all have a learning rate within a few percent of "
        "the upper end of the log range [1e-5, 1e-2] you searched. What do you do?",
        options=(
            "Report the best trial: ten configurations agreeing on 1e-2 is strong evidence that the optimum "
            "is there, and more trials would only confirm it.",
            "Extend the range upward (e.g. to 1e-1, still on a log scale) and continue or re-run the search, "
            "then check again where the best trials fall.",
            "Narrow the range to [5e-3, 1e-2] and spend the rest of the budget refining around the best "
            "values, where the search has shown the good region is.",
            "Switch the learning rate to a linear scale on the same range, so that most samples land near "
            "1e-2 where the good trials are.",
        ),
        topics=("search ranges", "boundary"),
        hint="ask whether the optimum is inside the range you searched, or merely at its edge",
        explanation="Best values crowding an edge say the range cut the optimum off: the loss is still falling "
        "as you reach 1e-2, so the best learning rate is probably beyond it. Extend the range in that "
        "direction and search again (hpo_mini.evaluation.diagnose flags this as `boundary`). Narrowing keeps "
        "you locked inside the wrong box, and a linear scale only crowds more samples against the same wall. "
        "The exception is a real limit: a dropout of 0, or a guardrail such as a latency budget.",
        key="sha256:12b598982b8cd61f7a435caa7498ae7f4f9b988746e1224d8c2729e03230cba4",
    ),
    _q(
        SingleChoice,
        "q13.test_set",
        "E",
        "workflow",
        prompt="When, during a tuning project, do you evaluate on the held-out test set?",
        options=(
            "After each batch of trials, to check that the gains on validation carry over to unseen data "
            "before spending more budget.",
            "Whenever validation and test disagree, to pick among the top configurations the one that does "
            "well on both, which is more robust than trusting one split.",
            "Once, at the end: after the configuration is chosen on validation or cross-validation (and "
            "re-run over seeds), retrain it as planned and report its test score; the test set decides nothing.",
            "Never: with 5-fold cross-validation, the best configuration's mean CV score already is an "
            "unbiased estimate of its performance on new data.",
        ),
        topics=("test set", "validation overfitting"),
        hint="ask what happens to an estimate once it has influenced a decision",
        explanation="Every look at the test set that changes a decision turns it into a second validation set "
        "and makes its score optimistic. So the test set is touched once, for a configuration already chosen. "
        "The best cross-validation score is not a final estimate either: it is the maximum over many "
        "configurations and is biased upward by that selection. If you need to iterate, use nested "
        "cross-validation or keep a fresh holdout.",
        key="sha256:6f5afbff97b3a632a3dada4935d1c533b6d08316a651f62b816a974c7710d615",
    ),
    _q(
        Numeric,
        "q13.budget_trials",
        "M",
        "workflow",
        prompt="You have 4 GPUs for 48 hours. One full training run takes 2 hours on one GPU. You plan the "
        "end of the budget first: re-run the top 3 configurations with 5 seeds each, at full length. How "
        "many full-length search trials can you afford before that?",
        topics=("search budget", "top-k re-runs"),
        hint="count GPU-hours, turn them into runs, then take out the runs you reserved",
        explanation="4 GPUs × 48 h = 192 GPU-hours = 96 runs of 2 hours. The re-runs take 3 × 5 = 15 of them, "
        "which leaves 81 for the search. Budget-first means writing this down before the first trial: "
        "the re-runs (and a final retraining) are part of the plan, not an afterthought when the money "
        "is gone. Multi-fidelity methods stretch the 81 further by stopping bad runs early.",
        key="sha256:e309e82a0bb65bd876818bab49031a637d133d54758b2b5f657cfa7ef45e097b",
        example="100",
    ),
    _q(
        Numeric,
        "q13.winners_curse",
        "H",
        "reproducibility",
        prompt="Two configurations have exactly the same true validation accuracy. Each is trained once; the "
        "measured accuracy is the true one plus independent seed noise, normal with mean 0 and standard "
        "deviation 0.01. You keep the one that measured higher. On average, by how much does its measured "
        "accuracy exceed its true accuracy? Give a number in accuracy units (0.01 = one point).",
        topics=("winner's curse", "seed variance"),
        hint="max(X1, X2) = (X1 + X2)/2 + |X1 − X2|/2, and X1 − X2 is normal too",
        explanation="With X1, X2 ~ N(0, σ²), E[max] = E|X1 − X2| / 2, and X1 − X2 ~ N(0, 2σ²) has "
        "E|X1 − X2| = σ√2 · √(2/π). So E[max] = σ/√π ≈ 0.564σ = 0.0056: half a point of pure luck from a "
        "choice between two equal configurations. With more candidates the optimism grows (about 1.54σ "
        "for 10), which is why the winner of a large search looks better than it is and why re-running "
        "the top-k over fresh seeds often changes the winner.",
        key="obf:5pPMTTcDU24=",
        abs_tol=0.0003,
        example="0.01",
    ),
    _q(
        SingleChoice,
        "q13.resume",
        "M",
        "logs",
        prompt="A 200-trial study appends every finished trial to a journal (hpo_mini's `journal=path`, or "
        "Optuna's JournalStorage / RDBStorage). Trials run one at a time. The machine is killed during "
        "trial 137. You restart the same script with the same journal. What happens?",
        options=(
            "The study starts from scratch: the searcher's model and random state lived in memory, and "
            "telling it old results would make it behave differently from the original run.",
            "The study refuses to load: the kill left a half-written last line in the journal, and you must "
            "delete that line (or the file) by hand before resuming.",
            "The 136 finished trials are replayed, and trial 137 resumes from the epoch where it was killed, "
            "because the journal holds its last reported intermediate value.",
            "The 136 finished trials are read back and told to the searcher; trial 137's partial work is "
            "lost, and the study asks for new trials until 200 are recorded, none of them twice.",
        ),
        topics=("journal", "fault tolerance"),
        hint="ask what the journal writes, and when: whole finished trials, or the state of a running one",
        explanation="A journal records finished trials (hpo_mini flushes one JSON line per trial); on resume "
        "they are replayed into the study and told to the searcher, so the run continues where it stopped. "
        "The running trial was never written: its work is lost, which is why long trials also need their "
        "own model checkpoints (the objective's job, not the study's). A torn last line is skipped, not "
        "fatal. In Optuna, `optuna.create_study(storage=..., study_name=..., load_if_exists=True)` resumes; "
        "a killed trial can stay RUNNING in the storage unless RDBStorage's heartbeat marks it failed.",
        key="sha256:d4a3802113a07c4ed42a33a226864430f5a02995f6a7db35a2ddb7c2b79b6268",
    ),
    _q(
        MultipleChoice,
        "q13.importance_limits",
        "H",
        "importance",
        prompt="fANOVA (Hutter, Hoos & Leyton-Brown, 2014) on a finished study says the learning rate "
        "explains 75% of the variance of the validation loss and the weight decay 5%. Which statements "
        "about this result are true? Choose every one that applies.",
        options=(
            "The shares depend on the ranges you searched: with a wider weight-decay range its share could "
            "be much larger.",
            "They are computed on a random-forest surrogate fitted to the trials; with few trials or a poor "
            "fit they can be wrong.",
            "It tells you which learning rate is best.",
            "The weight decay can be fixed anywhere in its range with no loss, even near the optimum.",
            "The main-effect shares of all hyperparameters sum to at most 1; what is left comes from "
            "interactions between hyperparameters (and the surrogate's roughness).",
            "The learning rate will explain about 75% on other datasets and models too.",
        ),
        topics=("hyperparameter importance", "fANOVA"),
        hint="importance is a share of variance over the box you searched, measured on a model of the trials",
        explanation="fANOVA splits the variance of a surrogate's prediction over the search box into main "
        "effects and interactions: the shares are about *this* box (a), *this* surrogate (b) and *this* "
        "task, and the main effects sum to at most 1, the rest being interactions (e). Variance says how much the loss moves, not where it "
        "is lowest: the partial-dependence plot shows which values are good (not c). A 5% share is averaged "
        "over the whole box; near the optimum, where the learning rate is already right, the weight decay "
        "can still decide between the top configurations, and it may act through interactions (not d). "
        "Nothing here carries over to another dataset (not f).",
        key="sha256:042b3a022b9021f38507357ff3c1b5752747068c279b58b4644fb2696b4b44ad",
    ),
    _q(
        SingleChoice,
        "q13.dominance",
        "E",
        "multi_objective",
        prompt="You minimize both the error and the model size. Model A has (error 0.10, 50 MB), model B has "
        "(error 0.10, 80 MB). Which statement is right?",
        options=(
            "Neither dominates the other: dominance needs A to be strictly better in every objective, and "
            "they tie on the error.",
            "B dominates A.",
            "A dominates B: it is no worse in both objectives and strictly better in one.",
            "Both are on the Pareto front of {A, B}.",
        ),
        topics=("Pareto dominance",),
        hint="write out the definition: no worse in every objective, and strictly better in at least one",
        explanation="A dominates B when A ≤ B in every objective and A < B in at least one. A tie in one "
        "objective does not prevent dominance; it only takes a strict win somewhere else. A is better in "
        "size and equal in error, so B is dominated and off the front. Demanding a strict win in *every* "
        "objective (\"strict dominance\") would keep B on the front by mistake.",
        key="sha256:7adf22e27e451e24db494fa2d5afa06a623df6e2648da542eef7d832ad922cf8",
    ),
    _q(
        Numeric,
        "q13.pareto_count",
        "M",
        "multi_objective",
        prompt="Eight models, as (error, size in MB), both minimized: (0.08, 200), (0.10, 50), (0.10, 60), "
        "(0.12, 20), (0.15, 20), (0.20, 5), (0.09, 300), (0.12, 20). How many of the eight rows does no other "
        "row dominate?",
        topics=("Pareto dominance", "Pareto front"),
        hint="check each row against the definition of dominance; what does a row do to an identical row?",
        explanation="(0.10, 60) is dominated by (0.10, 50); (0.15, 20) by (0.12, 20); (0.09, 300) by "
        "(0.08, 200). The remaining rows are (0.08, 200), (0.10, 50), (0.20, 5) and the two identical "
        "(0.12, 20): a row never dominates its duplicate (it is strictly better nowhere), so both stay. "
        "Answer: 5 rows, 4 distinct points. `hpo_mini.pareto.pareto_front` returns the 5 indices.",
        key="sha256:8b19c534404967e043c303380f5a0d4b7c5b980c88a5b9dccc69d24b8060d80d",
        example="3",
    ),
    _q(
        Numeric,
        "q13.hypervolume_value",
        "M",
        "multi_objective",
        prompt="Two objectives, both minimized, reference point (5, 5). Points: (3, 1), (1, 4), (3, 3), (2, 2), "
        "(6, 0.5). What is the hypervolume (the area dominated by the points and bounded by the reference)?",
        topics=("hypervolume",),
        hint="drop the points outside the reference box and the dominated ones, sort the rest by the first objective, and add up a staircase of rectangles",
        explanation="(6, 0.5) lies outside the box (6 > 5) and adds nothing; (3, 3) is dominated by (2, 2) and "
        "adds nothing. Sorted by the first objective the front is (1, 4), (2, 2), (3, 1): strips of width "
        "1, 1 and 2 and heights 5 − 4 = 1, 5 − 2 = 3, 5 − 1 = 4, so 1 + 3 + 8 = 12. Adding the boxes "
        "separately would count their overlaps twice. The hypervolume grows whenever the front improves "
        "anywhere, which makes it a one-number score for a front (Zitzler & Thiele, 1998).",
        key="sha256:e0097defd35b50b10b9b5d8fc2391bfa81dcfbcd336a464a4c5ef59b7475e76a",
        example="10",
    ),
    _q(
        SingleChoice,
        "q13.scalarization",
        "H",
        "multi_objective",
        prompt="The Pareto front of (error, latency) bulges inward in its middle (a non-convex part). You "
        "minimize w · error + (1 − w) · latency (both normalized) for many weights w in (0, 1). Which points "
        "of the front can you get?",
        options=(
            "Every Pareto-optimal point, if you try enough weights, because each point of the front is the "
            "best trade-off for some relative weighting of the two objectives.",
            "Mostly dominated points, because a weighted sum ignores dominance.",
            "The same points as a Chebyshev scalarization max_i λ_i f_i; the two differ only in how evenly "
            "the weights spread the points along the front.",
            "Only the points on the front's convex hull: no weight makes a point of the inward-bulging part "
            "the minimizer. A (weighted) Chebyshev scalarization, max_i λ_i f_i, can reach them.",
        ),
        topics=("scalarization", "Pareto front"),
        hint="a weighted sum's level sets are straight lines: picture sliding a line onto the front",
        explanation="Minimizing a weighted sum slides a straight line with slope set by w until it touches "
        "the set of achievable points: it only ever touches the convex hull, so points in a non-convex "
        "dent are never chosen, however many weights you try (Das & Dennis, 1997). For w strictly between 0 "
        "and 1 the minimizer is Pareto-optimal, so it is not about dominated points. The Chebyshev "
        "function's level sets are corners, not lines; every Pareto-optimal point minimizes it for some "
        "weights (Miettinen, 1999, *Nonlinear Multiobjective Optimization*), and ParEGO's augmented version (Knowles, 2006) is what hpo_mini.pareto uses.",
        key="sha256:492e4776bb01b1cc1cc4db21aa6644d813a65a2e882bc4b4a9a0dc06fc55358f",
    ),
    _q(
        SingleChoice,
        "q13.constant_liar",
        "M",
        "parallel",
        prompt="With 8 workers, a Bayesian optimizer must propose 8 configurations before any result comes "
        "back. What does the constant-liar heuristic (Ginsbourger, Le Riche & Carraro, 2010) do?",
        options=(
            "It reports fewer workers to the scheduler than there are, so that results come back one at a "
            "time and the model is refitted after each, as in sequential BO.",
            "It runs the model's single best proposal on all 8 workers with different seeds and tells the "
            "model the average, which removes seed noise from the observations.",
            "It pretends each pending configuration has already returned a fixed made-up value (e.g. the "
            "best, mean or worst value seen), updates the model, and asks again, so the next proposal moves "
            "away from the pending ones.",
            "It switches to random sampling while trials are pending, since random proposals are "
            "independent of each other and never collide.",
        ),
        topics=("parallel Bayesian optimization", "constant liar"),
        hint="without a trick, what would the model propose 8 times in a row, and how do you stop that?",
        explanation="The model does not change until a result arrives, so asking 8 times would give 8 copies "
        "of the same proposal. The liar fills each pending point with a constant, refits, and asks again; the lies are "
        "replaced by the true values when the trials finish; the choice of lie sets how far the next "
        "proposals keep from the pending ones. Optuna's TPE has it as `TPESampler(constant_liar=True)`; "
        "hpo_mini's GP searcher takes `liar=\"min\" | \"mean\" | \"max\"`.",
        key="sha256:a7a6b26868367cb7745d974d88a9fbf1c9ff6d430c77c805850e8a2aa3155a6a",
    ),
    _q(
        SingleChoice,
        "q13.asha_many_workers",
        "M",
        "parallel",
        prompt="You have 200 GPUs for one day. A full training takes 4 hours and the learning curves rank "
        "configurations well after a few epochs. Which strategy uses the cluster best?",
        options=(
            "Sequential GP-based Bayesian optimization, one 4-hour trial at a time, because it needs the "
            "fewest trials to find a good configuration.",
            "ASHA: each free worker either promotes a promising trial to the next rung or starts a new "
            "configuration at the lowest rung, so no worker waits and bad configurations stop early.",
            "Synchronous successive halving: start 200 configurations and wait for all of them to finish a "
            "rung before promoting any.",
            "A grid of 200 points, one per GPU, because grid trials do not depend on each other and the whole "
            "cluster is busy from the first minute.",
        ),
        topics=("ASHA", "parallel trials"),
        hint="count how many rounds of 4-hour trials fit in a day, and ask what a worker does while it waits",
        explanation="A day holds only 6 rounds of full trials, so a sequential optimizer would use 1 GPU of "
        "200 and a batch one gets few rounds to learn from. ASHA (Li et al., 2020, \"A system for massively "
        "parallel hyperparameter tuning\") promotes asynchronously: a worker never waits for a rung to "
        "fill, stragglers do not block anyone, and early stopping buys many more configurations. "
        "Synchronous halving idles workers at every rung; a grid parallelizes but wastes trials on "
        "unimportant dimensions and stops nothing early. BO can still help as ASHA's sampler (BOHB-style) "
        "with a constant liar.",
        key="sha256:f69b13653dca0f465cb52e83fe66ea482e562f202b11c37503d2cffd7af52167",
    ),
    _q(
        SingleChoice,
        "q13.dask",
        "M",
        "parallel",
        prompt="You run `optimize(objective, searcher, n_trials=200, executor=client.get_executor(), "
        "journal=path)` from hpo_mini on a dask.distributed cluster of several machines. Which statement "
        "is right?",
        options=(
            "Each worker runs its own copy of the searcher and reads the journal before every ask, so the "
            "copies share results without a central process.",
            "The journal must sit on a disk that every worker can write (NFS or a bucket), because each worker "
            "appends the trials it ran, and a worker that dies loses only its own lines.",
            "With fixed seeds the study is bit-for-bit reproducible, because the Dask scheduler fixes the "
            "order in which trials finish.",
            "The searcher, the study and the journal stay in your process; each trial sends the objective "
            "and one configuration to a worker and its value back, so the libraries the objective imports "
            "must be installed on every worker.",
        ),
        topics=("distributed trials", "Dask"),
        hint="ask which process calls ask() and tell(), and what an executor's submit() ships",
        explanation="The executor only runs evaluate(objective, config) remotely; ask, tell and the journal "
        "writes happen in the driver, in the order results return, so there is one searcher and one "
        "journal, on the driver's disk. Workers need the objective's code and its imports (install the "
        "module, or `client.upload_file`). The finishing order depends on timing, so a parallel study is not "
        "bit-for-bit reproducible even with fixed seeds: log every trial and its seed instead.",
        key="sha256:9233e835b9dd5c5deab65212622e62382f612346d8672575207ff0153c5f04d3",
    ),
    _q(
        MultipleChoice,
        "q13.symptoms",
        "M",
        "debugging",
        prompt="Which symptom → fix pairs are right? Choose every one that applies.",
        options=(
            "The learning rate was sampled uniformly on [1e-5, 1e-1] and the best trials all sit in the lowest "
            "1% of the range → sample it log-uniformly, so each decade gets the same share of trials.",
            "Every configuration scores about the same → the search is done: any configuration will do.",
            "One configuration re-run with different seeds varies more than the gaps between the top "
            "configurations → re-run the top-k over several seeds (or use more folds) and compare means "
            "before picking.",
            "Many trials fail with NaN losses at high learning rates → delete the failed trials so they do not "
            "bias the searcher.",
            "After 500 trials on one validation split, validation accuracy is 3 points above test accuracy → "
            "the split has been overfitted: use nested cross-validation or a fresh holdout, and look at it less.",
        ),
        topics=("debugging", "log scale", "seed variance", "validation overfitting"),
        hint="for each fix, ask whether it removes the cause or hides the symptom",
        explanation="A linear range spanning four decades puts 90% of the samples in the top decade, so good "
        "small values are barely tried (a). Seed noise larger than the gaps means the ranking is noise: "
        "re-run and average (c). A validation-test gap above about 2% after many looks at one split is "
        "validation overfitting (e). A flat study usually means a bug, a too-narrow range or a dominant "
        "unrelated bottleneck, not that every config is fine (not b). Failed trials are information: record "
        "them as failed (or bad) so the searcher avoids the region, and lower the upper bound or clip "
        "gradients (not d). `hpo_mini.evaluation.diagnose` flags each of these.",
        key="sha256:984caa6be8778f6969fc2fcb38be76bfe4faf7e453f2a2072e5d1c29e6a9cf30",
    ),
    _q(
        MultipleChoice,
        "q13.tool_map",
        "M",
        "tools",
        prompt="Which mappings from a course concept to a real tool are right? Choose every one that applies.",
        options=(
            "Asynchronous successive halving → Optuna's `SuccessiveHalvingPruner`, Ray Tune's `ASHAScheduler`.",
            "Median pruning → Optuna's `MedianPruner`, Ray Tune's `MedianStoppingRule`.",
            "A resumable study → `optuna.create_study(storage=..., study_name=..., load_if_exists=True)` with "
            "an RDB or journal storage.",
            "Successive halving over the number of training samples → scikit-learn's `HalvingRandomSearchCV`, "
            "importable like `GridSearchCV` with no extra import.",
            "Population-based training → Optuna's `HyperbandPruner`.",
            "One trial → one MLflow run (often nested under a run for the whole study): the config with "
            "`mlflow.log_params`, the learning curve with `mlflow.log_metric(..., step=epoch)`.",
        ),
        topics=("tools", "Optuna", "Ray Tune", "scikit-learn", "MLflow"),
        hint="for each tool name, recall what the object does (prune, schedule, store, search) before matching it",
        explanation="Optuna's SuccessiveHalvingPruner is documented as asynchronous successive halving and "
        "Ray Tune's ASHAScheduler is ASHA (a); MedianPruner and MedianStoppingRule stop a trial whose "
        "intermediate result is worse than the median of the other trials at the same point of training (b); a storage plus "
        "load_if_exists=True resumes a study (c); MLflow runs hold params and stepped metrics (f). "
        "HalvingRandomSearchCV is experimental: it needs `from sklearn.experimental import "
        "enable_halving_search_cv` first (its default resource is indeed n_samples) (not d). PBT is Ray "
        "Tune's `PopulationBasedTraining`; HyperbandPruner is Hyperband (not e). The whole loop is "
        "`study.optimize(objective, n_trials=..., callbacks=[...])` in Optuna, `tune.Tuner(trainable, "
        "param_space=..., tune_config=tune.TuneConfig(scheduler=ASHAScheduler(), num_samples=...)).fit()` in "
        "Ray Tune, and `GridSearchCV` / `RandomizedSearchCV` in scikit-learn.",
        key="sha256:6b8efc87557a9b428130a3fd1c4191c70908fa57287a6751d711934714e2edd5",
    ),
    _q(
        CodeExercise,
        "q13.code_stopping_trial",
        "M",
        "logs",
        prompt="Write `stopping_trial(values, patience, min_delta)`: the study-level early-stopping rule. "
        "`values` are the trial values in the order the trials finished (minimized; `float('nan')` marks a "
        "failed trial). A trial *improves* when it is not failed and its value is below best − min_delta, "
        "where best is the value of the last improving trial; the first completed trial always improves. "
        "The study stops as soon as `patience` trials in a row have not improved. Return the number of "
        "trials seen when it stops (1-based), or None if it never stops. Do not modify `values`.",
        topics=("callbacks", "early stopping", "search budget"),
        hint="keep two variables, the best value so far and the count of trials since the last improvement; check the count after every trial",
        explanation="best, since = None, 0; for each value: improve if not NaN and (best is None or "
        "value < best − min_delta), which resets since to 0, else since += 1; stop when since ≥ patience. "
        "The traps: ties (`<=`) count as improvements and the study never stops; comparing with the previous "
        "value instead of the best; starting best at values[0] when that trial failed (NaN compares False "
        "forever); skipping failed trials instead of counting them; `>` patience (one trial late). This is "
        "`hpo_mini.callbacks.NoImprovementStopper`; in Optuna you would write it as a callback "
        "`callback(study, trial)` passed to `study.optimize(..., callbacks=[...])` that calls `study.stop()`.",
        function_name="stopping_trial",
        stub='def stopping_trial(values, patience, min_delta):\n    """Trials seen when `patience` trials in a row brought no improvement (1-based), or None."""\n    ...',
        checker=compare_with_reference("stopping_trial", stopping_trial_reference, _stopping_cases()),
    ),
    _q(
        CodeExercise,
        "q13.code_non_dominated",
        "M",
        "multi_objective",
        prompt="Write `non_dominated(points)`: `points` is a list of n rows, each a list of m objective values "
        "(all minimized). Return the indices of the rows that no other row dominates, in increasing order "
        "(a list or array of ints). Row a dominates row b when a ≤ b in every objective and a < b in at "
        "least one. Do not modify `points`.",
        topics=("Pareto dominance", "Pareto front"),
        hint="compare every pair of rows with the exact definition; mind ties in one objective and identical rows",
        explanation="For each i, keep i unless some j has all(p_j ≤ p_i) and any(p_j < p_i): an O(m n²) double "
        "loop, as `hpo_mini.pareto.pareto_front`. With strict dominance (all <) a row that ties in one "
        "objective survives wrongly; with weak dominance alone (all ≤) identical rows knock each other out; "
        "a sweep sorted by the first objective breaks on ties in it and does not extend to 3 objectives; "
        "sorting `points` in place changes the caller's data.",
        function_name="non_dominated",
        stub='def non_dominated(points):\n    """Indices (increasing) of the rows of `points` that no other row dominates (minimization)."""\n    ...',
        checker=compare_with_reference(
            "non_dominated", non_dominated_reference, [{"points": p} for p in _point_sets()]
        ),
    ),
    _q(
        CodeExercise,
        "q13.code_hypervolume",
        "H",
        "multi_objective",
        prompt="Write `hypervolume_2d(points, reference)`: the area dominated by a set of 2-objective points "
        "(both minimized) and bounded by the reference point (r1, r2), i.e. the area of the union of the "
        "boxes [f1, r1] × [f2, r2]. The points come in any order, may include dominated points, duplicates "
        "and points outside the reference box (those add nothing). Return a float (0.0 if no point is inside "
        "the box). Do not modify the arguments.",
        topics=("hypervolume", "Pareto front"),
        hint="keep the points strictly inside the box, keep only the non-dominated ones, sort them by f1, then sum one rectangle per point up to the next point's f1",
        explanation="Filter f1 < r1 and f2 < r2, keep the non-dominated points, sort by f1 (f2 then "
        "decreases), and sum (f1_next − f1_i) · (r2 − f2_i) with f1_next = r1 after the last point. "
        "The traps: skipping the sort (the input is unsorted); keeping dominated points (their strips use "
        "a too-low height and the area comes out short); keeping points outside the box (negative widths "
        "or heights); using the next point's f2 for the height; adding the boxes separately (overlaps "
        "counted twice); sorting the caller's list in place. `hpo_mini.pareto.hypervolume_2d` is the "
        "reference.",
        function_name="hypervolume_2d",
        stub='def hypervolume_2d(points, reference):\n    """Area dominated by the 2-objective points (minimization), bounded by reference (r1, r2)."""\n    ...',
        checker=compare_with_reference("hypervolume_2d", hypervolume_reference, _hypervolume_cases()),
    ),
    _q(
        Explain,
        "q13.explain_workflow",
        "M",
        "workflow",
        prompt="An interviewer asks: *\"You have two weeks and 8 GPUs to tune a new model for production. "
        "Walk me through your plan.\"* Write the answer you would give in about a minute.",
        topics=("search budget", "workflow", "reproducibility"),
        hint="start from the metric, the guardrails and the budget; end with seeds and the test set",
        explanation="See the model answer and rubric.",
        model_answer="First I fix what success means: the primary metric, guardrails such as latency or "
        "memory, and the compute budget, and I split that budget up front: a baseline, the search, the "
        "top-k re-runs over seeds and a final retraining. I get a strong baseline with defaults, then a "
        "learning-rate range test to set a sensible log range. The search space is small and uses domain "
        "priors: learning rate and regularization on log scales. With 8 GPUs I run ASHA or Hyperband with "
        "random or TPE sampling, asynchronously, logging every trial (config, seed, curve, code and data "
        "version) to MLflow or W&B, with a journal or database storage so a crash only loses the running "
        "trials. I check the diagnostics: best values on a range boundary (extend it), importance and "
        "partial dependence (drop what does not matter), failed trials. Then I re-run the top 3-5 "
        "configurations over 5 seeds, pick the best mean that is stable, retrain, and only then evaluate "
        "once on the untouched test set, plus slices that matter in production.",
        rubric=(
            "Starts from the metric, the guardrails and an explicit budget split (search vs re-runs vs final training).",
            "Sensible space: few hyperparameters, log scales, ranges from priors or a range test; a baseline first.",
            "A method that fits 8 workers and the cost of a run (ASHA/Hyperband, random/TPE, constant liar for BO).",
            "Logging and resumability: every trial with config, seed and curve in a tracker; a journal or database storage.",
            "Top-k re-runs over seeds before choosing, and a single final look at an untouched test set.",
        ),
    ),
    _q(
        Explain,
        "q13.explain_winner_changed",
        "H",
        "reproducibility",
        prompt="You ran 300 trials, then re-ran the top 5 configurations with 5 seeds each. The configuration "
        "that was best in the search is now only fourth. An interviewer asks: *\"Why did that happen, and "
        "which configuration do you ship?\"*",
        topics=("winner's curse", "seed variance", "top-k re-runs"),
        hint="think about what \"the best of 300 noisy measurements\" is biased towards",
        explanation="See the model answer and rubric.",
        model_answer="Each search trial is one noisy measurement: seed, data order and initialization move the "
        "score. Taking the best of 300 selects for configurations that were good *and* lucky, so the winner's "
        "score is biased upward (the winner's curse, or selection bias); when the top configurations differ by "
        "less than the seed noise, their order is mostly noise. Fresh seeds remove the luck that selected "
        "them, so regression to the mean is expected, and the winner changing is the re-run doing its job. "
        "I ship the configuration with the best mean over the fresh seeds, looking at the spread too (a "
        "stable one beats a slightly better but erratic one), and I do not average the original search score "
        "into it, because that score is the biased one. If the differences are within the noise I pick the "
        "cheaper or simpler one. Then I retrain it and report the test set once, with the seed spread.",
        rubric=(
            "Names the cause: a noisy measurement per trial and selection of the maximum (winner's curse / selection bias / regression to the mean).",
            "Compares the gaps between the top configurations with the seed standard deviation.",
            "Chooses on the mean over fresh seeds only, without the biased search score; considers stability or spread.",
            "Breaks near-ties by cost or simplicity, and evaluates the final choice once on the test set.",
        ),
    ),
]
