"""Quiz 07: multi-fidelity optimization: early stopping, successive halving, Hyperband, ASHA, median pruning.

Answers are stored as salted hashes or sealed numbers (see ../sealing.py); the readable answer key
lives in solutions/keys/q07_multi_fidelity.py. The code exercises are checked against the references
below, written in integer arithmetic (no floating logarithms): the successive-halving schedule and the
Hyperband brackets of Li et al. (2018, JMLR, Algorithm 1), and ASHA's promotion rule (Li et al. 2020,
MLSys, Algorithm 2). Importing this module checks `hyperband_brackets_reference(81, 3)` against the
published table (Li et al. 2018, Table 1).
"""

from __future__ import annotations

import copy

from ..checks import call_text, compare_with_reference, same, show
from ..kinds import CodeExercise, Explain, MultipleChoice, Numeric, SingleChoice, question_maker

QUIZ_ID = "07_multi_fidelity"
TITLE = "Quiz 07: multi-fidelity optimization"
LESSON = "07"

# The titles of the lesson's sections, in one place: hints and "topics to revisit" quote them.
SECTIONS = {
    "early_stopping": "Early stopping with patience",
    "sh": "Successive halving",
    "hyperband": "Hyperband: hedging over brackets",
    "asha": "ASHA: asynchronous promotions",
    "median": "Median pruning",
    "risks": "Late bloomers and low-fidelity bias",
    "claim": "Check the claim",
}

_q = question_maker(LESSON, SECTIONS)  # _q(Kind, id, "E" | "M" | "H", section key, ...)


# ---- references for the code exercises ---------------------------------------------------------


def _largest_power(base, eta):
    """The largest integer s >= 0 with eta**s <= base (base >= 1), by counting: no floating log."""
    s = 0
    while eta ** (s + 1) <= base:
        s += 1
    return s


def sh_schedule_reference(n, min_budget, max_budget, eta):
    """Successive halving (Li et al. 2018, inner loop of Algorithm 1): rung i keeps n_i = floor(n / eta^i)
    configurations at budget r_i = min_budget * eta^i, for i = 0, 1, ... while r_i <= max_budget and n_i >= 1."""
    rungs, i = [], 0
    while min_budget * eta**i <= max_budget and n // eta**i >= 1:
        rungs.append((n // eta**i, min_budget * eta**i))
        i += 1
    return rungs


def hyperband_brackets_reference(R, eta):
    """Hyperband's brackets (Li et al. 2018, Algorithm 1), most aggressive first: for s = s_max, ..., 0,
    n = ceil((s_max + 1) eta^s / (s + 1)) configurations start at r = R eta^-s, and rung i = 0..s keeps
    n_i = floor(n eta^-i) of them at budget r_i = r eta^i. s_max = floor(log_eta R), by counting."""
    s_max = _largest_power(R, eta)
    brackets = []
    for s in range(s_max, -1, -1):
        n = -(-(s_max + 1) * eta**s // (s + 1))  # exact integer ceil
        brackets.append([(n // eta**i, R / eta ** (s - i)) for i in range(s + 1)])
    return brackets


# Li et al. (2018), Table 1: R = 81, eta = 3; each bracket's rungs as (n_i, r_i).
LI_2018_TABLE_1 = [
    [(81, 1), (27, 3), (9, 9), (3, 27), (1, 81)],
    [(34, 3), (11, 9), (3, 27), (1, 81)],
    [(15, 9), (5, 27), (1, 81)],
    [(8, 27), (2, 81)],
    [(5, 81)],
]
if hyperband_brackets_reference(81, 3) != LI_2018_TABLE_1:  # a unit-level check at import, cheap
    raise AssertionError("hyperband_brackets_reference(81, 3) does not reproduce Table 1 of Li et al. (2018)")


def asha_promotable_reference(losses, promoted, eta):
    """ASHA (Li et al. 2020, Algorithm 2, get_job): at a rung with m completed results, the candidates
    for promotion are the top floor(m / eta) by loss, minus those already promoted; best first, ties
    broken by completion order (the order of `losses`)."""
    ranked = sorted(losses, key=lambda config: losses[config])  # sorted() is stable: completion order
    top = ranked[: len(losses) // eta]
    return [config for config in top if config not in promoted]


def _as_rungs(result):
    """Rungs as a list of (n_i, r_i) pairs, so tuples, lists and numpy numbers compare alike."""
    try:
        return [tuple(rung) for rung in result]
    except TypeError:
        return result


def _as_brackets(result):
    try:
        return [[tuple(rung) for rung in bracket] for bracket in result]
    except TypeError:
        return result


def _as_list(result):
    try:
        return list(result)
    except TypeError:
        return result


def _first_difference(got, expected, path=""):
    """Where two nested lists first differ, in words: the schedules are too long to show whole."""
    if isinstance(got, list) and isinstance(expected, list):
        for i, (g, e) in enumerate(zip(got, expected)):
            if not same(g, e):
                if isinstance(g, list) and isinstance(e, list):
                    return _first_difference(g, e, f"{path}[{i}]")
                return f"item {path}[{i}] is {show(g, 60)}, the reference's is {show(e, 60)}"
        if len(got) != len(expected):
            side, extra = ("yours", got) if len(got) > len(expected) else ("the reference", expected)
            where = path or "the result"
            return (f"{where} has {len(got)} items, the reference's has {len(expected)}: {side} has "
                    f"{show(extra[min(len(got), len(expected))], 60)} at {path}[{min(len(got), len(expected))}]")
    return f"returned {show(got, 60)}, the reference returns {show(expected, 60)}"


def _list_checker(name, reference, cases, postprocess):
    """compare_with_reference, with a message that points at the first rung or bracket that differs."""
    base = compare_with_reference(name, reference, cases, postprocess=postprocess)

    def checker(fn, report):
        ok, message, passed = base(fn, report)
        if ok or " returned " not in message:
            return ok, message, passed
        case = cases[passed]
        got = postprocess(fn(*copy.deepcopy(case).values()))  # it returned once on this case
        return False, f"{call_text(name, case)}: {_first_difference(got, reference(**copy.deepcopy(case)))}", passed

    return checker


_SH_CASES = [
    {"n": 81, "min_budget": 1, "max_budget": 81, "eta": 3},
    {"n": 27, "min_budget": 1, "max_budget": 81, "eta": 3},  # stops when one config is left
    {"n": 81, "min_budget": 1, "max_budget": 27, "eta": 3},  # stops at the maximum budget
    {"n": 10, "min_budget": 1, "max_budget": 81, "eta": 3},  # 10, 3, 1: floor
    {"n": 243, "min_budget": 1, "max_budget": 243, "eta": 3},  # log(243, 3) = 4.999...
    {"n": 34, "min_budget": 3, "max_budget": 81, "eta": 3},  # Hyperband's s = 3 bracket
    {"n": 64, "min_budget": 2, "max_budget": 100, "eta": 2},
    {"n": 49, "min_budget": 1, "max_budget": 49, "eta": 7},  # 49 * 7**-2 = 0.999...
    {"n": 100, "min_budget": 5, "max_budget": 4, "eta": 3},  # min > max: no rung at all
    {"n": 1000, "min_budget": 1, "max_budget": 1000, "eta": 10},  # log(1000, 10) = 2.999...
    {"n": 2, "min_budget": 1, "max_budget": 81, "eta": 3},  # floor(2 / 3) = 0: a single rung
    {"n": 20, "min_budget": 10, "max_budget": 200, "eta": 4},
]

_HB_CASES = [
    {"R": 81, "eta": 3},  # Table 1 of Li et al. (2018)
    {"R": 27, "eta": 3},
    {"R": 243, "eta": 3},  # log(243, 3) = 4.999...
    {"R": 100, "eta": 3},  # not a power of eta: r = 100 / 81
    {"R": 16, "eta": 2},
    {"R": 49, "eta": 7},  # floor(49 * 7**-2) = 0 in floating point
    {"R": 1000, "eta": 10},  # log(1000, 10) = 2.999...
    {"R": 1, "eta": 3},  # one bracket, one rung
    {"R": 729, "eta": 3},
    {"R": 50, "eta": 4},
]

_ASHA_CASES = [
    {"losses": {"a": 0.30, "b": 0.25, "c": 0.40, "d": 0.22, "e": 0.35, "f": 0.50, "g": 0.28}, "promoted": {"b"}, "eta": 3},
    {"losses": {"a": 0.30, "b": 0.25}, "promoted": set(), "eta": 3},  # floor(2 / 3) = 0: nobody yet
    {"losses": {"a": 0.30, "b": 0.25, "c": 0.40}, "promoted": set(), "eta": 3},
    {"losses": {"a": 0.30, "b": 0.25, "c": 0.40}, "promoted": {"b"}, "eta": 3},  # the top one is taken
    {"losses": {"x": 0.5, "y": 0.1, "z": 0.1, "w": 0.9, "v": 0.3, "u": 0.2}, "promoted": set(), "eta": 3},  # tie: y first
    {"losses": {"z": 0.1, "y": 0.1, "x": 0.7, "w": 0.6, "v": 0.5, "u": 0.4}, "promoted": set(), "eta": 3},  # tie: z completed first
    {"losses": {i: (7 * i) % 11 / 10 for i in range(11)}, "promoted": {0, 8}, "eta": 2},
    {"losses": {i: (5 * i) % 13 / 10 for i in range(13)}, "promoted": set(), "eta": 4},
    {"losses": {"a": 0.2, "b": 0.3, "c": 0.1, "d": 0.4}, "promoted": {"c", "a"}, "eta": 2},  # all promoted
    {"losses": {}, "promoted": set(), "eta": 3},
]


# ---- the questions -------------------------------------------------------------------------------

QUESTIONS = [
    _q(
        Numeric,
        "q07.patience_stop",
        "E",
        "early_stopping",
        prompt="Early stopping with patience 3: stop after the epoch that completes 3 epochs in a row without a new "
        "best (lowest) validation loss. The validation losses after epochs 1, 2, 3, ... are\n\n"
        "0.90, 0.70, 0.62, 0.63, 0.61, 0.615, 0.612, 0.64, 0.58, 0.57\n\n"
        "After which epoch does training stop? (Epochs are numbered from 1.)",
        topics=("early stopping", "patience"),
        hint="keep the best loss so far and a counter of epochs since it was set; compare each epoch with the best, not with the epoch before",
        explanation="The best is 0.61 at epoch 5. Epochs 6 (0.615), 7 (0.612) and 8 (0.64) do not beat it, so the "
        "counter reaches 3 after epoch 8 and training stops there; the later 0.58 is never seen, which is the "
        "price of patience. Comparing with the previous epoch instead of the best resets the counter at epoch 7 "
        "(0.612 < 0.615) and trains longer for no reason.",
        key="sha256:ad94af17fc5fd71d180b02a9a9ef626e8f177d86a1b4d2527f938770886f8dfa",
        example="10",
    ),
    _q(
        SingleChoice,
        "q07.restore_best",
        "E",
        "early_stopping",
        prompt="Training stopped as in the previous question. Which weights should you keep?",
        options=(
            "Those of the last epoch trained (epoch 8): they have seen the most data.",
            "Those of epoch 5, the epoch with the best validation loss, saved when it was reached.",
            "An average of the weights of epochs 5 to 8.",
            "Those of epoch 1, the least overfitted.",
        ),
        topics=("early stopping", "restoring weights"),
        hint="which epoch's model actually achieved the validation loss you are reporting?",
        explanation="Keep a checkpoint of the best epoch and restore it (Keras: restore_best_weights=True): epoch "
        "5's weights achieved 0.61; the last epoch's weights are 3 epochs past the best and score 0.64. Weight "
        "averaging is a different technique (SWA) with its own schedule, and epoch 1 is simply underfitted. "
        "The best validation loss is also an optimistic estimate, chosen on the same data: report a test score.",
        key="sha256:57b5c1943718146e3930973987e75b5ad1d5aafc2d56e294ed7567e724b691fb",
    ),
    _q(
        Numeric,
        "q07.sh_survivors",
        "E",
        "sh",
        prompt="Successive halving starts 27 configurations at 1 epoch with η = 3, keeping the best ⌊n/η⌋ at each "
        "rung and giving them η times the budget. How many configurations are trained for 9 epochs?",
        topics=("successive halving",),
        hint="list the rungs: budgets 1, 3, 9, ... and the number of survivors at each",
        explanation="Rung 0: 27 configs × 1 epoch; rung 1: 9 × 3; rung 2: 3 × 9; rung 3: 1 × 27. In general rung i "
        "has ⌊n η⁻ⁱ⌋ configurations at r η^i (Li et al. 2018). Each rung costs about the same (27, 27, 27, 27 "
        "epochs here), which is how SH spreads its budget.",
        key="sha256:4a4064ae9357b901bd88c740e93787a9fad8852ecaa07dbef3260c68c3b1a277",
        example="5",
    ),
    _q(
        Numeric,
        "q07.sh_total_budget",
        "M",
        "sh",
        prompt="Successive halving with n = 81 configurations, minimum budget 1 epoch, maximum 81 epochs, η = 3 "
        "(rungs 81×1, 27×3, 9×9, 3×27, 1×81). Every rung trains its configurations from scratch to the "
        "rung's budget. How many epochs does it spend in total?",
        topics=("successive halving", "compute budget"),
        hint="multiply configurations by budget in every rung, then add the rungs",
        explanation="Each rung spends 81 epochs: 81×1 = 27×3 = 9×9 = 3×27 = 1×81 = 81, so 5 × 81 = 405 epochs, "
        "against 81 × 81 = 6 561 for training all 81 configurations fully: 16× less. If a promoted "
        "configuration resumes from its checkpoint, a rung pays only the extra epochs: 81 + 27×2 + 9×6 + "
        "3×18 + 1×54 = 297.",
        key="sha256:f43308131b32985fb649aa4e0cbfa1a3a3000532afe74dbd98ed70ce6aca4ce3",
        example="1000",
    ),
    _q(
        Numeric,
        "q07.hyperband_configs",
        "M",
        "hyperband",
        prompt="Hyperband with R = 81 and η = 3 (Li et al. 2018) runs the brackets s = 4, 3, 2, 1, 0, starting "
        "n = ⌈(s_max + 1) η^s / (s + 1)⌉ configurations in bracket s. How many configurations does it sample "
        "in total over the five brackets?",
        topics=("Hyperband",),
        hint="compute n for each bracket with s_max = 4, then add them",
        explanation="n = ⌈5·81/5⌉ = 81, ⌈5·27/4⌉ = 34, ⌈5·9/3⌉ = 15, ⌈5·3/2⌉ = 8, ⌈5·1/1⌉ = 5: 81 + 34 + 15 + 8 + "
        "5 = 143 configurations, the first column of Table 1 in Li et al. (2018). Each bracket costs about "
        "(s_max + 1) R = 405 budget units (405, 363, 351, 378, 405 here), so the aggressive and the "
        "conservative brackets get a similar share of compute.",
        key="sha256:87f8e73729a5ab5a483e2a22a60e41d31597d49b4c2c201bde55c50c52ac340f",
        example="100",
    ),
    _q(
        SingleChoice,
        "q07.why_brackets",
        "M",
        "hyperband",
        prompt="Why does Hyperband run several brackets instead of one successive-halving run?",
        options=(
            "Each bracket uses a different η, so one of them is sure to be the right one.",
            "The brackets run the same configurations again to average out noise.",
            "It does not know how early the learning curves become informative: the most aggressive bracket "
            "(many configurations at a tiny budget) wins when early rankings are reliable, the bracket s = 0 "
            "(random search at full budget) wins when they are not, and the others sit in between.",
            "Brackets exist only to keep every worker busy in parallel.",
        ),
        topics=("Hyperband", "successive halving"),
        hint="think about the trade-off SH leaves open: how many configurations, and how small a first budget?",
        explanation="For a fixed budget, SH must choose n: many configurations with a small first budget (risky "
        "if low-budget results mislead) or few with a large one (safe but few tries): the \"n vs B/n\" "
        "trade-off. Hyperband hedges by running SH with every ratio, from s = s_max down to s = 0, at a similar "
        "cost each; it is at most a log factor worse than the best bracket in hindsight (Li et al. 2018). All "
        "brackets share η and sample fresh configurations; parallelism is ASHA's business.",
        key="sha256:7d476afbd7ef6a635abda159adf4bf5312d61e3b21e8538c8574813d8342581c",
    ),
    _q(
        MultipleChoice,
        "q07.asha_which",
        "M",
        "asha",
        prompt="ASHA with η = 3. Seven configurations have completed rung 0 with these losses (lower is better): "
        "A 0.30, B 0.25, C 0.40, D 0.22, E 0.35, F 0.50, G 0.28. B has already been promoted to rung 1. "
        "Which configurations may ASHA promote from rung 0 right now? Choose every one.",
        options=("A", "B", "C", "D", "E", "F", "G"),
        topics=("ASHA", "promotion rule"),
        hint="take the top ⌊m/η⌋ of all m completed results at the rung, then remove the ones already promoted",
        explanation="⌊7/3⌋ = 2, and the top 2 of the rung are D (0.22) and B (0.25). B is already promoted, so only "
        "D may be promoted now (Li et al. 2020, Algorithm 2: top_k(rung, |rung|/η) minus promoted). Removing B "
        "first and then taking the top 2 of the rest (D and G) promotes more than a 1/η fraction of the rung. "
        "G may still be promoted later, when more results arrive at rung 0.",
        key="sha256:bbb3300b0311a4cc1e41714faa48a5b786064cbfe47cf4ce5be534569f171a05",
    ),
    _q(
        MultipleChoice,
        "q07.asha_vs_sh",
        "M",
        "asha",
        prompt="Which statements about ASHA compared with synchronous successive halving are true? Choose every one "
        "that applies.",
        options=(
            "A free worker never waits for a rung to fill: it gets a promotion if one is possible, otherwise a "
            "new configuration at the lowest rung.",
            "ASHA reaches the same decisions as synchronous SH, only faster.",
            "ASHA can promote a configuration that synchronous SH would have eliminated, because it decides on "
            "the results seen so far (mistaken promotions).",
            "ASHA needs the total number of configurations fixed in advance.",
            "With many workers, ASHA's first configuration reaches the maximum budget after about the time of "
            "one training run at each rung's budget, not after whole rungs of configurations finish.",
        ),
        topics=("ASHA", "parallelism"),
        hint="ask what ASHA does when a worker becomes free and not enough results exist to fill a rung",
        explanation="ASHA (Li et al. 2020) promotes asynchronously: a free worker takes the best promotable "
        "configuration if any, else samples a new one at the bottom rung, so workers never idle and the run "
        "can grow without a fixed n. Deciding on partial rungs means some promotions would not have happened "
        "with all results in, so its decisions are not those of synchronous SH. "
        "The first configuration to reach R gets there after about r + rη + … + R of training, which is why "
        "ASHA finds good configurations early in wall-clock time.",
        key="sha256:29985ef9016847aeb2e7112aa84fbb5f7a252e147a69b78f953d8d5329c4bca1",
    ),
    _q(
        SingleChoice,
        "q07.median_rule",
        "M",
        "median",
        prompt="A median pruner (Optuna's MedianPruner rule): at step t, prune the running trial if its *best* "
        "intermediate loss so far is worse than the median of the completed trials' losses *at step t*. At "
        "step 5, the five completed trials had losses 0.40, 0.35, 0.50, 0.45, 0.38. The running trial reported "
        "0.47, 0.44, 0.43, 0.42, 0.41 at steps 1 to 5. What happens at step 5?",
        options=(
            "It is pruned: 0.41 is worse than the median 0.40.",
            "It continues: 0.41 is better than the mean of the completed trials, 0.416.",
            "It continues: its loss has improved at every step, and pruners never stop an improving trial.",
            "It is pruned: it is worse than the best completed trial (0.35).",
        ),
        topics=("median pruning",),
        hint="sort the five values at step 5, take the middle one, and compare it with the trial's best so far",
        explanation="Sorted: 0.35, 0.38, 0.40, 0.45, 0.50, so the median is 0.40; the trial's best so far is 0.41 > "
        "0.40, so it is pruned (Optuna: PercentilePruner with percentile 50, after n_startup_trials completed "
        "trials and n_warmup_steps). The rule looks at the level, not the trend: an improving late bloomer is "
        "pruned just the same. Comparing with the mean or with the best trial is a different rule (the best "
        "would prune almost everything).",
        key="sha256:25d175584764bf30cdf29f6ab1414bd6b7867416e1c6390840bcb2a52277277e",
    ),
    _q(
        MultipleChoice,
        "q07.late_bloomers",
        "M",
        "risks",
        prompt="Successive halving keeps killing configurations that would have been the best at full budget "
        "(late bloomers). Which changes reduce that risk? Choose every one that applies.",
        options=(
            "Raise the minimum budget until rankings at the first rung agree with full-budget rankings on a "
            "pilot study (e.g. a high rank correlation).",
            "Raise η, so each rung is decided faster.",
            "Use Hyperband (or a less aggressive bracket), so some configurations are judged only at larger budgets.",
            "Lower the minimum budget, so more configurations can be tried.",
            "Prune on the level of the loss at a fixed step, regardless of how fast it is improving.",
        ),
        topics=("late bloomers", "successive halving", "Hyperband"),
        hint="a late bloomer dies when it is judged too early or too harshly: which changes judge later or less harshly?",
        explanation="A late bloomer (e.g. a small learning rate or strong regularization: slow start, best finish) "
        "is lost when the first rung's budget is too small for rankings to settle. Checking rank agreement "
        "between low and full budgets tells you how small r can be; Hyperband's conservative brackets judge "
        "some configurations only at high budgets. A larger η or a smaller minimum budget makes the first "
        "decisions harsher and earlier; pruning on the current level is exactly what kills slow starters.",
        key="sha256:f316ac4f5e506df2b74a7118c2d1993b376207b0477e6624e38b9ea56f69cda4",
    ),
    _q(
        SingleChoice,
        "q07.low_fidelity_bias",
        "H",
        "risks",
        prompt="You tune the weight decay of a network with successive halving, where the budget is the *fraction "
        "of the training set* used (rung 0: 10% of the data). What systematic error should you expect?",
        options=(
            "None: a fidelity only adds noise, and noise averages out over the rungs.",
            "The low rungs favour weaker regularization, because small subsets train faster.",
            "The low rungs favour stronger regularization, because a model fitted on 10% of the data overfits "
            "more; SH then promotes configurations that are over-regularized for the full data.",
            "The weight decay's effect scales linearly with the data fraction, so the ranking is preserved exactly.",
        ),
        topics=("low-fidelity bias", "regularization"),
        hint="how does the best amount of regularization depend on the amount of training data?",
        explanation="The optimal regularization strength shrinks as the training set grows: on 10% of the data the "
        "model overfits more, so stronger weight decay looks best there. That is a bias, not noise: the low "
        "fidelity systematically ranks configurations differently from the full one, and averaging over rungs "
        "does not remove it. The same happens with epochs as the fidelity and a learning-rate schedule tied to "
        "the total number of epochs (a cosine decay cut short looks different). Choose fidelities whose "
        "rankings agree with the full task, and check it.",
        key="sha256:be3bced300ed7fb9ee269d290ad6ec7ba4c3059139c6e8af089cc578752ba22f",
    ),
    _q(
        Numeric,
        "q07.claim_ratio",
        "H",
        "claim",
        prompt="One successive-halving bracket with η = 3 from r = 1 to R = 81 (rungs 81×1, 27×3, 9×9, 3×27, 1×81) "
        "spends 405 epochs on 81 configurations. Random search at full budget (81 epochs each) gets the same "
        "405 epochs. How many times more configurations does the SH bracket evaluate?",
        topics=("successive halving", "compute budget", "claims"),
        hint="count how many full-budget runs fit in the same 405 epochs",
        explanation="405 / 81 = 5 full runs, so SH tries 81 / 5 = 16.2× more configurations. In general a full "
        "bracket with s + 1 rungs tries η^s configurations for (s + 1) R of compute, i.e. η^s / (s + 1) times "
        "more than full-budget search: 16× for R/r = 81, 40× for 243, 104× for 729 (η = 3). So \"10–100× more "
        "configurations\" is the arithmetic of R/r between about 30 and 700; it says nothing about whether the "
        "extra configurations are judged correctly at low budget.",
        key="obf:kgwV8g==",
        rel_tol=0.01,
        example="10",
    ),
    _q(
        CodeExercise,
        "q07.code_sh_schedule",
        "M",
        "sh",
        prompt="Write `sh_schedule(n, min_budget, max_budget, eta)`: the rungs of one successive-halving run as a list "
        "of pairs `(n_i, r_i)`. Rung i keeps n_i = ⌊n / ηⁱ⌋ configurations at budget r_i = min_budget · ηⁱ, for "
        "i = 0, 1, 2, ... as long as r_i ≤ max_budget and n_i ≥ 1: the paper's floor rule (Li et al. 2018; "
        "scikit-learn's HalvingRandomSearchCV and hpo_mini's `sh_rungs` keep ⌈n_i / η⌉ instead, not here). "
        "All arguments are positive integers, eta ≥ 2. Example: `sh_schedule(81, 1, 81, 3)` → `[(81, 1), (27, 3), (9, 9), (3, 27), (1, 81)]`.",
        topics=("successive halving",),
        hint="loop over i in integer arithmetic; a floating logarithm such as log(243, 3) = 4.999... miscounts the rungs",
        explanation="i = 0; while min_budget * eta**i <= max_budget and n // eta**i >= 1: append (n // eta**i, "
        "min_budget * eta**i); i += 1. int(math.log(243, 3)) is 4, not 5, and floor(49 * 7**-2) is 0, not 1: "
        "count with integers. Rounding up is the other convention (scikit-learn, hpo_mini's `sh_rungs`): it keeps "
        "one more configuration whenever η does not divide n_i (10 → 4 → 2 instead of 10 → 3 → 1). Starting at "
        "r η skips rung 0; a strict r_i < max_budget loses the full-budget rung.",
        function_name="sh_schedule",
        stub='def sh_schedule(n, min_budget, max_budget, eta):\n    """[(n_i, r_i), ...]: floor(n / eta**i) configs at min_budget * eta**i, while r_i <= max_budget and n_i >= 1."""\n    ...',
        checker=_list_checker("sh_schedule", sh_schedule_reference, _SH_CASES, _as_rungs),
    ),
    _q(
        CodeExercise,
        "q07.code_hyperband",
        "H",
        "hyperband",
        prompt="Write `hyperband_brackets(R, eta)`: Hyperband's plan (Li et al. 2018, Algorithm 1) for a maximum "
        "budget of R units of the minimum budget. With s_max = ⌊log_η R⌋, return a list of brackets for "
        "s = s_max, s_max − 1, ..., 0 (in that order); bracket s is a list of rungs `(n_i, r_i)`, i = 0..s, "
        "with n = ⌈(s_max + 1) η^s / (s + 1)⌉, r = R η^(−s), n_i = ⌊n η^(−i)⌋ and r_i = r ηⁱ (a float when R is "
        "not a power of η). R ≥ 1 and eta ≥ 2 are integers. For R = 81, η = 3 the first two brackets are "
        "[(81, 1), (27, 3), (9, 9), (3, 27), (1, 81)] and [(34, 3), (11, 9), (3, 27), (1, 81)].",
        topics=("Hyperband",),
        hint="compute s_max by counting powers of η, and the ceiling and the floors in integer arithmetic",
        explanation="s_max: the largest s with η^s ≤ R, counted with integers (int(math.log(243, 3)) = 4 loses a "
        "bracket); n = -(-(s_max + 1) * eta**s // (s + 1)) is an exact ceiling (rounding down gives 33, not 34, "
        "in the s = 3 bracket); n_i = n // eta**i (floor(49 * 7**-2) = 0 in floating point); r_i = R / eta**(s - i). "
        "For R = 81, η = 3 this reproduces Table 1 of Li et al. (2018): 81, 34, 15, 8 and 5 configurations.",
        function_name="hyperband_brackets",
        stub='def hyperband_brackets(R, eta):\n    """[[(n_i, r_i) for i in 0..s] for s = s_max, ..., 0], Li et al. (2018), Algorithm 1."""\n    ...',
        checker=_list_checker("hyperband_brackets", hyperband_brackets_reference, _HB_CASES, _as_brackets),
    ),
    _q(
        CodeExercise,
        "q07.code_asha",
        "H",
        "asha",
        prompt="Write `asha_promotable(losses, promoted, eta)`: the configurations ASHA may promote from one rung now "
        "(Li et al. 2020, Algorithm 2). `losses` is a dict {config: loss} of the m results completed at this "
        "rung, in completion order; `promoted` is the set of configs already promoted from it. Take the top "
        "⌊m / η⌋ of *all* m results by loss (ties: the earlier completed first), remove those already "
        "promoted, and return the rest as a list, best first. Do not modify the inputs.",
        topics=("ASHA", "promotion rule"),
        hint="sort every completed result (a stable sort keeps completion order on ties), cut at m // eta, and only then drop the promoted ones",
        explanation="ranked = sorted(losses, key=losses.get); return [c for c in ranked[:len(losses) // eta] if c not "
        "in promoted]. Removing the promoted configurations before cutting promotes more than a 1/η fraction; "
        "rounding m/η up promotes from a rung with fewer than η results (Optuna's SuccessiveHalvingPruner does "
        "promote the best trial in that case, by design, since it cannot pause trials); forgetting `promoted` "
        "promotes the same configuration twice.",
        function_name="asha_promotable",
        stub='def asha_promotable(losses, promoted, eta):\n    """Configs in the top floor(m / eta) of the rung (ties: completion order), not yet promoted; best first."""\n    ...',
        checker=compare_with_reference("asha_promotable", asha_promotable_reference, _ASHA_CASES, postprocess=_as_list),
    ),
    _q(
        Explain,
        "q07.explain_hyperband",
        "M",
        "hyperband",
        prompt="An interviewer asks: *\"Explain successive halving and Hyperband, and why Hyperband has brackets.\"* "
        "Answer in about a minute.",
        topics=("successive halving", "Hyperband"),
        hint="SH in one sentence with its numbers, the trade-off it leaves open, and how brackets hedge it",
        explanation="See the model answer and rubric.",
        model_answer="Successive halving trains n configurations at a small budget r, keeps the best 1/η, "
        "multiplies their budget by η, and repeats until one remains or the maximum budget R is reached: with "
        "n = 81, η = 3 the rungs are 81×1, 27×3, 9×9, 3×27, 1×81, so each rung costs the same and the whole "
        "run costs 5×81 epochs instead of 81×81. But SH has to choose n for a given budget: many configurations "
        "at a tiny budget trusts early results, few at a large budget trusts nothing. Hyperband (Li et al. 2018) "
        "does not choose: it runs SH brackets s = s_max..0, from the most aggressive (81 configs at 1 epoch) to "
        "plain random search at full budget (5 configs at 81), each costing about the same, so it is never "
        "much worse than the best bracket in hindsight. Its weak points: late bloomers and biased low "
        "fidelities, and synchronous rungs, which ASHA fixes for parallel workers.",
        rubric=(
            "SH mechanics: keep the top 1/η, multiply the budget by η, with a concrete schedule.",
            "Why SH saves compute: equal cost per rung, far less than training all configs fully.",
            "The n vs budget-per-config trade-off that SH leaves open.",
            "Hyperband's brackets from aggressive to s = 0 (random search), similar cost each, a hedge.",
            "A limitation: late bloomers / low-fidelity bias, or synchronous rungs (ASHA).",
        ),
    ),
    _q(
        Explain,
        "q07.explain_when_not",
        "H",
        "risks",
        prompt="*\"ASHA evaluates 10–100× more configurations than full-budget search in the same compute, so "
        "we should always use it.\"* When is this wrong or misleading? Give precise reasons and what you would "
        "check before relying on it.",
        topics=("ASHA", "late bloomers", "low-fidelity bias", "claims"),
        hint="think about what the ratio depends on, what low-budget results must satisfy, and costs outside training",
        explanation="See the model answer and rubric.",
        model_answer="The 10–100× is arithmetic: a bracket with s + 1 rungs tries η^s / (s + 1) times more "
        "configurations than full-budget search (16× for R/r = 81 with η = 3), so it depends on how small the "
        "minimum budget can be. More configurations only help if low-budget results rank configurations like "
        "full-budget results do: late bloomers (small learning rates, strong regularization) and biased "
        "fidelities (data subsets favour stronger regularization, schedules cut short) break that, and then "
        "ASHA confidently promotes the wrong ones. It also needs a meaningful budget axis (epochs, data, "
        "resolution) and cheap checkpointing or restarts; if a run's cost is dominated by fixed setup, small "
        "budgets save little. Before relying on it, I would run a pilot: train a few configurations to full "
        "budget, check the rank correlation between the first rung and the end, choose r and η accordingly, "
        "and compare against full-budget random search on a few seeds.",
        rubric=(
            "The ratio is arithmetic of η and R/r (e.g. η^s/(s+1)), not a property of the problem.",
            "It assumes early rankings predict final ones: late bloomers and low-fidelity bias break it.",
            "Practical costs: fixed per-run overhead, checkpointing, a meaningful budget axis.",
            "Proposes a check: a pilot measuring rank correlation between low and full budget, several seeds.",
        ),
    ),
]
