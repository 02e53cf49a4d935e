"""Quiz 09: learning rates that are too small, too large or divergent; the LR range test; schedules
(step, exponential, cosine with warmup, cyclical, one-cycle); warmup and large batches; the linear
scaling rule; early stopping with patience; Adam vs SGD defaults and AdamW.

Answers are stored as salted hashes or sealed numbers (see ../sealing.py); the readable answer key
lives in solutions/keys/q09_training_dynamics.py. The code exercises are checked against the
references below, which are written from the papers' formulas and do not use hpo_mini.schedules:
cosine with linear warmup (Goyal et al. 2017 for the warmup, Loshchilov & Hutter 2017 for the
cosine), the triangular policy of Smith (2017, eq. in section 3.1) and the range-test rule of the
fastai learning-rate finder (bias-corrected moving average, stop at 4x the best, minimum / 10).
tests/unit/test_quiz_q08_q09_references.py checks each reference against hand-computed values.
"""

from __future__ import annotations

import copy
import math

import numpy as np

from ..checks import call_text, compare_with_reference, same, show
from ..kinds import CodeExercise, Explain, MultipleChoice, Numeric, SingleChoice, question_maker

QUIZ_ID = "09_training_dynamics"
TITLE = "Quiz 09: training dynamics"
LESSON = "09"

# The titles of the lesson's sections, in one place: hints and "topics to revisit" quote them.
SECTIONS = {
    "lr": "Too small, just right, too large, divergent",
    "range_test": "The learning-rate range test",
    "schedules": "Schedules: step, exponential, cosine with warmup, cyclical, one-cycle",
    "warmup": "Warmup and large batches",
    "batch": "Batch size and the linear scaling rule",
    "early_stopping": "Early stopping and restoring the best weights",
    "optimizers": "Adam vs SGD defaults",
    "claim": "Check the claim",
}

_q = question_maker(LESSON, SECTIONS)  # _q(Kind, id, "E" | "M" | "H", section key, ...)


# ---- references for the code exercises ---------------------------------------------------------


def cosine_with_warmup_reference(t, base_lr, min_lr, warmup_steps, total_steps):
    """lr(t) = base_lr * t / warmup_steps for t < warmup_steps, then
    min_lr + 0.5 * (base_lr - min_lr) * (1 + cos(pi * (t - warmup_steps) / (total_steps - warmup_steps))).

    Linear warmup from 0 (Goyal et al. 2017, section 2.2) and one half-period of a cosine down to
    min_lr (Loshchilov & Hutter 2017, SGDR eq. 5 without restarts)."""
    if t < warmup_steps:
        return base_lr * t / warmup_steps
    progress = (t - warmup_steps) / (total_steps - warmup_steps)
    return min_lr + 0.5 * (base_lr - min_lr) * (1.0 + math.cos(math.pi * progress))


def triangular_lr_reference(t, base_lr, max_lr, step_size):
    """Smith (2017), section 3.1: cycle = floor(1 + t / (2 step_size)),
    x = |t / step_size - 2 cycle + 1|, lr = base_lr + (max_lr - base_lr) * max(0, 1 - x).
    `step_size` is the half-period: base_lr at t = 0, max_lr at t = step_size, base_lr at 2 step_size."""
    cycle = math.floor(1 + t / (2 * step_size))
    x = abs(t / step_size - 2 * cycle + 1)
    return base_lr + (max_lr - base_lr) * max(0.0, 1.0 - x)


def suggest_lr_reference(lrs, losses, beta=0.98):
    """The range-test rule of the fastai learning-rate finder: smooth the losses with a
    bias-corrected exponential moving average, stop at the first smoothed loss that is not finite
    or exceeds 4x the lowest smoothed loss before it, and return (lr at the lowest smoothed loss) / 10."""
    average, best, smoothed = 0.0, math.inf, []
    for i, loss in enumerate(losses):
        average = beta * average + (1 - beta) * float(loss)
        value = average / (1 - beta ** (i + 1))
        if not math.isfinite(value) or value > 4 * best:
            break
        smoothed.append(value)
        best = min(best, value)
    j = min(range(len(smoothed)), key=lambda i: (smoothed[i], i))  # the first of equal values
    return float(lrs[j]) / 10


def _range_test_curve(seed, n=100, lo=1e-6, hi=1.0, noise=0.03, blow_up=True, as_array=True):
    """A synthetic range-test curve: flat at small lr, a descent, a valley near 0.03, then a blow-up."""
    rng = np.random.default_rng(seed)
    lrs = np.geomspace(lo, hi, n)
    x = np.log10(lrs)
    losses = 2.3 - 1.6 / (1 + np.exp(-2.5 * (x + 3.2))) + 0.9 * np.maximum(0.0, x + 1.5) ** 2
    losses = losses * (1 + noise * rng.standard_normal(n))
    if blow_up:
        losses[x > -0.4] = np.exp(np.arange(np.sum(x > -0.4)) + 3.0)
        losses[-3:] = np.nan
    if not as_array:
        return [float(v) for v in lrs], [float(v) for v in losses]
    return lrs, losses


def _suggest_lr_cases():
    cases = []
    for seed, kw in [
        (0, {}),
        (1, {"noise": 0.15}),
        (2, {"as_array": False}),
        (3, {"blow_up": False}),
        (4, {"noise": 0.3, "n": 60}),
        (5, {"lo": 1e-7, "hi": 10.0, "noise": 0.1}),
    ]:
        lrs, losses = _range_test_curve(seed, **kw)
        cases.append({"lrs": lrs, "losses": losses})
    # A single spike (one bad batch) stops the test: the rule ignores everything after it.
    lrs, losses = _range_test_curve(6, noise=0.02, blow_up=False)
    losses[10] = 100.0
    cases.append({"lrs": lrs, "losses": losses})
    # A short, clean, monotone curve: the last lr has the lowest loss.
    cases.append({"lrs": [1e-4, 1e-3, 1e-2, 1e-1], "losses": [2.0, 1.5, 1.0, 0.5]})
    # A curve that turns to inf (not nan) after divergence.
    lrs, losses = _range_test_curve(7, noise=0.05)
    losses[-10:] = np.inf
    cases.append({"lrs": lrs, "losses": losses})
    return cases


def _unchanged_with_nan(before, after) -> bool:
    """Exact equality that counts nan == nan (checks.unchanged does not, and range-test curves hold nan)."""
    if isinstance(before, np.ndarray):
        return isinstance(after, np.ndarray) and before.shape == after.shape and bool(np.array_equal(before, after, equal_nan=True))
    return type(before) is type(after) and len(before) == len(after) and all(
        a == b or (a != a and b != b) for a, b in zip(before, after)
    )


def _suggest_lr_checker(fn, report):
    cases = _suggest_lr_cases()
    for passed, case in enumerate(cases):
        text = call_text("suggest_lr", case)
        report(text)
        expected = suggest_lr_reference(**copy.deepcopy(case))
        args = copy.deepcopy(case)
        try:
            got = fn(args["lrs"], args["losses"])
        except Exception as exc:
            return False, f"{text} raised {type(exc).__name__}: {exc}", passed
        for key in case:
            if not _unchanged_with_nan(case[key], args[key]):
                return False, f"{text} changed its argument `{key}`: work on a copy, leave the caller's data as it was", passed
        if not same(got, expected):
            return False, f"{text} returned {show(got)}, the reference returns {show(expected)}", passed
    return True, "", len(cases)


# ---- the questions -------------------------------------------------------------------------------

QUESTIONS = [
    _q(
        Numeric,
        "q09.max_stable_lr",
        "M",
        "lr",
        prompt="Gradient descent minimizes the quadratic f(w) = ½ (4 w₁² + 100 w₂²): its curvatures are 4 "
        "and 100. Above which learning rate does it diverge from a generic starting point?",
        topics=("learning rate", "divergence"),
        hint="each coordinate is its own 1-D quadratic; find the threshold for each and ask which one bites first",
        explanation="Along a direction of curvature L a step multiplies the coordinate by (1 − lr·L), which "
        "blows up when |1 − lr·L| > 1, i.e. lr > 2/L. The stiffest direction decides: 2/100 = 0.02. The flat "
        "direction alone would tolerate lr up to 0.5, which is why an ill-conditioned problem (here L_max/L_min "
        "= 25) trains slowly along its flat directions at any stable learning rate.",
        key="obf:E9MNKw==",
        rel_tol=0.01,
        example="0.1",
    ),
    _q(
        SingleChoice,
        "q09.oscillation",
        "M",
        "lr",
        prompt="Gradient descent on f(w) = (L/2) w² with learning rate lr = 1.5 / L. What do the iterates do?",
        options=(
            "They converge monotonically to 0, each step a bit shorter.",
            "They converge to 0 while flipping sign at every step (w → −0.5 w).",
            "They flip sign at every step and grow (w → −1.5 w).",
            "They stay where they are: the step overshoots exactly.",
        ),
        topics=("learning rate", "divergence"),
        hint="write one step as w ← (1 − lr·L) w and compute the factor",
        explanation="w_{t+1} = (1 − lr·L) w_t = (1 − 1.5) w_t = −0.5 w_t: each step overshoots the minimum, lands "
        "on the other side at half the distance, and the iterates converge with alternating signs. Between "
        "1/L and 2/L gradient descent overshoots but converges; above 2/L the factor has |·| > 1 and it "
        "diverges; at exactly 2/L it bounces between w and −w forever.",
        key="sha256:b97f7aebd7236fca7d9d3496e544da8c7aeac2e88170f6a3c937f656fbcb3524",
    ),
    _q(
        MultipleChoice,
        "q09.lr_too_large_symptoms",
        "E",
        "lr",
        prompt="Which training curves point to a learning rate that is *too large*? Choose every one that applies.",
        options=(
            "The training loss becomes NaN or inf after a few hundred steps.",
            "The training loss drops at first, then bounces around a high plateau and stops improving.",
            "The training loss decreases smoothly but very slowly, still falling steadily after many epochs.",
            "The training loss keeps falling while the validation loss starts rising.",
        ),
        topics=("learning rate", "diagnosis"),
        hint="separate the optimization symptoms (the training loss itself) from the generalization ones",
        explanation="NaN/inf is divergence, and a loss that stalls high and noisy is the optimizer bouncing "
        "across a valley it cannot descend into: both say lower the learning rate (or warm up, or clip "
        "gradients). A smooth, slow decrease says the opposite: too small. Training loss down with "
        "validation loss up is overfitting, a generalization problem that early stopping or regularization "
        "addresses; it can happen at any learning rate.",
        key="sha256:b3d0582216e6aa7c14379256b0610fa297fbd610d40be760b8b0d2c42a873bc5",
    ),
    _q(
        SingleChoice,
        "q09.range_test_rule",
        "E",
        "range_test",
        prompt="An LR range test increases the learning rate exponentially over ~100 steps and plots the "
        "(smoothed) training loss against it. The smoothed loss is lowest at lr ≈ 0.1 and explodes just "
        "after. Which learning rate do you pick for training?",
        options=(
            "0.1, the learning rate with the lowest loss.",
            "About 0.01: an order of magnitude below the minimum, where the loss is still falling steeply.",
            "1.0, where the loss starts to explode, since training should be as fast as possible.",
            "The smallest learning rate of the sweep, which is the safest.",
        ),
        topics=("range test", "learning rate"),
        hint="the loss at each point of the sweep was measured after a few steps at a learning rate that was still rising",
        explanation="At the minimum the learning rate is already at the edge of instability: the loss there was "
        "reached during a sweep that spent only a few steps at each value, and trained for long at that value "
        "the model usually bounces or diverges. The usual rules pick a point on the steep descending part: the "
        "learning rate of steepest descent, or the minimum divided by 10 (the fastai learning-rate finder). "
        "Smith (2017), who introduced the test with a linear sweep, reads both bounds of a cyclical schedule "
        "from it: where the accuracy starts to rise (base_lr) and where it slows, turns ragged or falls (max_lr).",
        key="sha256:e76d81a6f2930e3121ef49d1196ff55ddd82c27f4c0252e673b0363e048b4a12",
    ),
    _q(
        Numeric,
        "q09.range_test_factor",
        "M",
        "range_test",
        prompt="A range test sweeps the learning rate exponentially from 1e-7 to 10 in 100 steps, both ends "
        "included. By what factor does the learning rate grow from one step to the next?",
        topics=("range test", "log scale"),
        hint="100 points with both ends included make 99 equal steps on a log scale",
        explanation="lr_i = 1e-7 · (10 / 1e-7)^(i / 99), so each step multiplies the learning rate by "
        "(1e8)^(1/99) = 10^(8/99) ≈ 1.2045: about 12 steps per decade. Dividing by 100 instead of 99 (a fencepost "
        "error) gives 1.2023, and a sweep that never reaches the upper end.",
        key="obf:WNTY5iaGixrY",
        rel_tol=0.0005,
        example="1.5",
    ),
    _q(
        Numeric,
        "q09.cosine_value",
        "M",
        "schedules",
        prompt="Cosine with linear warmup: base_lr = 0.1, min_lr = 0, warmup_steps = 500, total_steps = 10 500. "
        "After warmup, lr(t) = min_lr + ½ (base_lr − min_lr)(1 + cos(π (t − warmup) / (total − warmup))). "
        "What is the learning rate at t = 3000?",
        topics=("schedules", "cosine"),
        hint="first find how far into the cosine phase t = 3000 is, as a fraction of its length",
        explanation="The cosine phase is 10 000 steps long and t = 3000 is 2500 steps into it: a quarter. "
        "lr = 0.05 · (1 + cos(π/4)) = 0.05 · 1.7071 ≈ 0.0854. A quarter of the way through, a cosine has "
        "given up only 15% of the learning rate; a linear decay would be at 0.075. Forgetting the ½ gives "
        "0.171, above base_lr: a quick sanity check for any schedule is that it stays in [min_lr, base_lr].",
        key="obf:MWsVu+P2IWEu",
        rel_tol=0.005,
        example="0.05",
    ),
    _q(
        SingleChoice,
        "q09.one_cycle_momentum",
        "H",
        "schedules",
        prompt="In the one-cycle policy (Smith & Topin 2019; Smith 2018), what happens to SGD's momentum "
        "while the learning rate rises and then falls?",
        options=(
            "It stays fixed at 0.9: only the learning rate is cycled.",
            "It rises and falls together with the learning rate.",
            "It moves opposite to the learning rate: down (e.g. 0.95 → 0.85) while the learning rate rises, "
            "back up while it falls.",
            "It is set to 0 during the high-learning-rate phase to avoid divergence, then restored.",
        ),
        topics=("schedules", "one-cycle", "momentum"),
        hint="the effective step size of SGD with momentum m is about lr / (1 − m); what keeps it under control at the peak?",
        explanation="With momentum m the effective step is roughly lr / (1 − m). Smith (2018, 'A disciplined "
        "approach...') cycles momentum inversely, 0.95 → 0.85 while the learning rate climbs and back to 0.95 "
        "as it anneals, so the largest learning rates are paired with the least momentum and the effective "
        "step stays tame. After the cycle the learning rate is annealed well below its starting value.",
        key="sha256:5b4e0db31d8a943ce29637f91a7b0d982105d6c4cd16180119d9599b0a3119fc",
    ),
    _q(
        SingleChoice,
        "q09.warmup_why",
        "M",
        "warmup",
        prompt="Why does training with a large batch (and the correspondingly large learning rate) usually need "
        "a learning-rate warmup?",
        options=(
            "Warmup lets the data loader fill its cache before the real training starts.",
            "At initialization the loss surface is sharp and the gradients are large and change fast, so the "
            "full learning rate makes the first updates overshoot and can diverge; ramping it up over the "
            "first steps or epochs lets training reach a region where that learning rate is stable.",
            "Warmup reduces the final validation loss by acting as a regularizer, independently of batch size.",
            "Large batches have noisier gradients, and warmup averages the noise away.",
        ),
        topics=("warmup", "batch size"),
        hint="think about where the linear scaling rule's approximation is worst: which steps of training change the weights fastest?",
        explanation="The linear scaling rule assumes the gradient changes little over the k small steps that "
        "one big step replaces; that fails early in training, when the network changes rapidly. Goyal et al. "
        "(2017) ramp the learning rate linearly from 0.1 to 0.1·k over the first 5 epochs and recover the "
        "small-batch accuracy up to batch 8k. Large batches have *less* gradient noise, not more. For Adam "
        "there is a second reason: its second-moment estimate is unreliable in the first steps (Liu et al. "
        "2020, RAdam).",
        key="sha256:3bde221b85fba1cdc9ac41c61c3b3755f05b13cccde2deb81c6a985ecef37fdb",
    ),
    _q(
        Numeric,
        "q09.linear_scaling",
        "E",
        "batch",
        prompt="A ResNet trains well with SGD at learning rate 0.1 and batch size 256. Following the linear "
        "scaling rule (Goyal et al. 2017), which learning rate do you use at batch size 8192?",
        topics=("linear scaling rule", "batch size"),
        hint="the rule scales the learning rate by the same factor as the batch size",
        explanation="8192 / 256 = 32, so lr = 0.1 · 32 = 3.2, reached by a gradual warmup over the first "
        "5 epochs. The argument: one step with a k-times larger batch approximates k small steps if the "
        "gradient barely changes over them, and k small steps move the weights by about k·lr times the "
        "average gradient. Goyal et al. match the batch-256 accuracy up to 8k on ImageNet; beyond that it "
        "degrades.",
        key="obf:rO+e",
        abs_tol=0.01,
        example="0.4",
    ),
    _q(
        MultipleChoice,
        "q09.scaling_limits",
        "H",
        "batch",
        prompt="Which statements about the linear scaling rule are true, according to Goyal et al. (2017) "
        "and what followed? Choose every one that applies.",
        options=(
            "With the rule and a gradual warmup, ResNet-50 on ImageNet matched its batch-256 accuracy up to "
            "a batch of 8192.",
            "Beyond about 8k images per batch, accuracy degraded even with the rule and warmup.",
            "With warmup, the rule holds for any batch size: the batch is a free parallelism knob.",
            "The rule rests on an approximation: one step with a k-times larger batch ≈ k small steps, which "
            "holds only while the gradient changes little over those k steps.",
            "The rule says to keep the learning rate fixed and train for k times fewer epochs.",
        ),
        topics=("linear scaling rule", "batch size", "warmup"),
        hint="separate what the paper reports (its batch range and where it broke) from what the rule assumes",
        explanation="Goyal et al. trained ResNet-50 with batch 8192 in one hour at batch-256 accuracy, using "
        "the rule and a 5-epoch warmup, and report that accuracy degrades beyond 8k: the approximation 'one "
        "big step ≈ k small steps' fails when the weights move a lot within k steps, and no warmup fixes that. "
        "Later work found the usable range depends on the task and optimizer (e.g. square-root scaling is "
        "suggested for Adam by Malladi et al. 2022). Training for fewer epochs at a fixed learning rate is "
        "not the rule: the number of epochs stays the same, the number of steps falls by k.",
        key="sha256:2514acbb84930b9bd061a9be1660cd7ad24ce54f4235227d7a755ff23c328dd7",
    ),
    _q(
        Numeric,
        "q09.patience_stop_epoch",
        "M",
        "early_stopping",
        prompt="Early stopping with patience 3: training stops once the validation loss has not improved "
        "(strictly) on its best value for 3 consecutive epochs. The validation losses at the end of epochs "
        "1, 2, 3, ... are 0.90, 0.75, 0.70, 0.72, 0.69, 0.71, 0.70, 0.73, 0.68, 0.66. After which epoch does "
        "training stop?",
        topics=("early stopping", "patience"),
        hint="walk through the epochs keeping the best value so far and a counter of epochs without improvement",
        explanation="The best falls to 0.70 at epoch 3; epoch 4 (0.72) does not improve (counter 1); epoch 5 "
        "(0.69) is a new best (counter 0); epochs 6 (0.71), 7 (0.70) and 8 (0.73) do not beat 0.69, so the "
        "counter reaches 3 after epoch 8 and training stops there; epochs 9 and 10 never run (the later 0.68 "
        "and 0.66 show that patience trades compute for the risk of stopping before a late improvement). "
        "Restoring the best weights returns the model of epoch 5, not epoch 8.",
        key="sha256:105d707f25b221222e7385a24ac324ad40cd35807d92534b2252c726fa01c688",
        example="5",
    ),
    _q(
        SingleChoice,
        "q09.restore_best",
        "M",
        "early_stopping",
        prompt="Your early-stopping loop stops training after `patience` epochs without improvement and "
        "returns the model as it is at that moment. What is wrong with that?",
        options=(
            "Nothing: the last weights have seen the most data, so they are the best ones.",
            "It returns the weights from `patience` epochs after the best epoch, which were all worse on "
            "validation; keep a copy of the best weights (a checkpoint) and restore it when stopping.",
            "Patience should be counted in steps, not epochs, so the loop stops too late.",
            "Early stopping must be done on the training loss, not the validation loss.",
        ),
        topics=("early stopping", "checkpoints"),
        hint="which epoch's weights had the best validation loss, and which epoch's weights does the loop return?",
        explanation="By construction the last `patience` epochs did not improve on the best validation loss, so "
        "the final weights are (usually) worse than the best ones. Keep a checkpoint of the best weights and "
        "restore it (Keras: restore_best_weights=True; it defaults to False). And remember the best validation "
        "loss was selected as a maximum over epochs: it is optimistically biased, so report a held-out test "
        "score for the restored model.",
        key="sha256:407417b2042b4c46688c767df2928697de04eb7eec94a46bb23a513dee14a3e5",
    ),
    _q(
        MultipleChoice,
        "q09.adam_defaults",
        "E",
        "optimizers",
        prompt="Which of these are the default hyperparameters of Adam (Kingma & Ba 2015, also PyTorch's "
        "torch.optim.Adam)? Choose every one that applies.",
        options=(
            "learning rate 1e-3",
            "betas (β₁, β₂) = (0.9, 0.999)",
            "eps = 1e-8",
            "betas (β₁, β₂) = (0.9, 0.99)",
            "learning rate 0.1",
        ),
        topics=("Adam", "defaults"),
        hint="β₂ averages squared gradients over a long window, much longer than β₁'s",
        explanation="Adam's published defaults are α = 0.001, β₁ = 0.9, β₂ = 0.999, ε = 1e-8, and PyTorch "
        "uses the same (with weight_decay = 0; AdamW defaults to 0.01). β₂ = 0.999 averages squared gradients "
        "over about 1000 steps, β₁ = 0.9 the gradient over about 10. 0.1 is the classic starting learning rate "
        "for SGD with momentum 0.9 on ResNets at batch 256, about 100 times too large for Adam.",
        key="sha256:09b626cd4588390c7b59d5e24639acfe1a204d9e9f1794d85b83017f43e29316",
    ),
    _q(
        SingleChoice,
        "q09.adamw",
        "H",
        "optimizers",
        prompt="Why does adding an L2 penalty λ/2 ‖w‖² to the loss behave differently from AdamW's decoupled "
        "weight decay (Loshchilov & Hutter 2019)?",
        options=(
            "They are the same update written two ways; AdamW is only faster.",
            "With L2 in Adam, the penalty's gradient λw is divided by √v̂ like every gradient, so weights with "
            "large past gradients are decayed less; AdamW subtracts lr·λ·w directly, decaying every weight at "
            "the same relative rate.",
            "L2 regularization only applies to biases, decoupled decay only to weights.",
            "AdamW decays the learning rate, L2 decays the weights.",
        ),
        topics=("Adam", "weight decay", "AdamW"),
        hint="follow the term λw through Adam's update: what is it divided by before it reaches the weights?",
        explanation="For plain SGD, L2 and weight decay coincide (up to rescaling λ by the learning rate). In "
        "Adam, the L2 gradient λw enters m and v and is then divided by √v̂ + ε: weights whose gradients were "
        "large get little decay, which is not what weight decay intends. AdamW applies w ← w − lr·λ·w "
        "outside the adaptive step. Loshchilov & Hutter (2019) show this decouples the best λ from the "
        "learning rate and improves Adam's generalization.",
        key="sha256:0a9b28b8662624f8e82b1e3c96052365f0ea42aa62f0276227e9a3f4e84256e5",
    ),
    _q(
        SingleChoice,
        "q09.one_cycle_claim",
        "M",
        "claim",
        prompt="Which experiment tests the claim \"1-cycle reaches within 1–2% of the full-schedule accuracy in "
        "about a fifth of the epochs\"?",
        options=(
            "Train with one-cycle for E/5 epochs (its peak learning rate from a range test) and with the "
            "baseline schedule for E epochs (its learning rate tuned); repeat over at least 5 seeds and compare "
            "the mean validation accuracies, with their spread.",
            "Train both schedules for E/5 epochs with the same learning rate, once.",
            "Train one-cycle for E epochs and compare its best epoch with the baseline's last epoch.",
            "Compare the training losses after E/5 epochs, because validation accuracy is too noisy.",
        ),
        topics=("one-cycle", "schedules", "benchmarking"),
        hint="the claim has two budgets and a tolerance in it: the experiment needs both budgets, a tuned baseline, and enough seeds to resolve 1–2%",
        explanation="The claim compares a short one-cycle run (E/5 epochs) with a full, properly tuned "
        "schedule (E epochs), on accuracy, within 1–2 points. So each side gets its own budget and its own "
        "tuned learning rate, and several seeds are needed because seed-to-seed differences of a point or "
        "two are common on small data sets. Equal epochs test a different claim; picking one-cycle's best "
        "epoch against the baseline's last is a biased comparison; the training loss is not what the claim "
        "is about.",
        key="sha256:5790e6f4290918d8edfedb18eb9b8697458a4563703d85570eda50c969f38b57",
    ),
    _q(
        CodeExercise,
        "q09.code_cosine_with_warmup",
        "M",
        "schedules",
        prompt="Write `cosine_with_warmup(t, base_lr, min_lr, warmup_steps, total_steps)`: the learning rate at "
        "step t (0 ≤ t ≤ total_steps, an integer). During warmup (t < warmup_steps) it rises linearly from 0: "
        "`base_lr * t / warmup_steps`. From t = warmup_steps on it follows half a cosine from base_lr down to "
        "min_lr at t = total_steps: `min_lr + 0.5 * (base_lr - min_lr) * (1 + cos(pi * (t - warmup_steps) / "
        "(total_steps - warmup_steps)))`. warmup_steps may be 0 (no warmup); total_steps > warmup_steps.",
        topics=("schedules", "cosine", "warmup"),
        hint="check your function by hand at t = 0, t = warmup_steps − 1, t = warmup_steps, the middle of the cosine phase, and t = total_steps",
        explanation="The two phases meet at t = warmup_steps, where both give base_lr. Common slips: (t + 1) / "
        "warmup_steps (off by one: lr(0) ≠ 0 and base_lr is reached one step early), a cosine without the ½ "
        "(it starts at 2·base_lr), a cosine measured from t = 0 instead of from the end of warmup (it no "
        "longer starts at base_lr nor ends at min_lr), or forgetting min_lr. With warmup_steps = 0 the "
        "condition t < 0 never holds, so no special case (and no division by 0) is needed.",
        function_name="cosine_with_warmup",
        stub='import math\n\n\ndef cosine_with_warmup(t, base_lr, min_lr, warmup_steps, total_steps):\n    """Learning rate at step t: linear warmup from 0, then half a cosine down to min_lr."""\n    ...',
        checker=compare_with_reference(
            "cosine_with_warmup",
            cosine_with_warmup_reference,
            [
                {"t": 0, "base_lr": 0.1, "min_lr": 0.0, "warmup_steps": 10, "total_steps": 110},
                {"t": 5, "base_lr": 0.1, "min_lr": 0.0, "warmup_steps": 10, "total_steps": 110},
                {"t": 9, "base_lr": 0.1, "min_lr": 0.0, "warmup_steps": 10, "total_steps": 110},
                {"t": 10, "base_lr": 0.1, "min_lr": 0.0, "warmup_steps": 10, "total_steps": 110},
                {"t": 60, "base_lr": 0.1, "min_lr": 0.0, "warmup_steps": 10, "total_steps": 110},
                {"t": 110, "base_lr": 0.1, "min_lr": 0.0, "warmup_steps": 10, "total_steps": 110},
                {"t": 3000, "base_lr": 0.1, "min_lr": 0.0, "warmup_steps": 500, "total_steps": 10500},
                {"t": 0, "base_lr": 3e-4, "min_lr": 3e-5, "warmup_steps": 100, "total_steps": 1000},
                {"t": 100, "base_lr": 3e-4, "min_lr": 3e-5, "warmup_steps": 100, "total_steps": 1000},
                {"t": 1000, "base_lr": 3e-4, "min_lr": 3e-5, "warmup_steps": 100, "total_steps": 1000},
                {"t": 777, "base_lr": 3e-4, "min_lr": 3e-5, "warmup_steps": 100, "total_steps": 1000},
                {"t": 0, "base_lr": 1.0, "min_lr": 0.1, "warmup_steps": 0, "total_steps": 50},
                {"t": 25, "base_lr": 1.0, "min_lr": 0.1, "warmup_steps": 0, "total_steps": 50},
                {"t": 1, "base_lr": 1.0, "min_lr": 0.0, "warmup_steps": 1, "total_steps": 2},
            ],
            rel=1e-9,
            abs_=1e-15,
        ),
    ),
    _q(
        CodeExercise,
        "q09.code_triangular_lr",
        "M",
        "schedules",
        prompt="Write `triangular_lr(t, base_lr, max_lr, step_size)`: Smith's (2017) triangular cyclical "
        "learning rate at step t ≥ 0. It starts at base_lr at t = 0, rises linearly to max_lr at "
        "t = step_size, falls linearly back to base_lr at t = 2·step_size, and repeats forever: `step_size` "
        "is the *half*-period. All arguments are numbers; t and step_size are integers.",
        topics=("schedules", "cyclical"),
        hint="find where t sits inside its current cycle of length 2·step_size, then measure its distance from the peak",
        explanation="Smith's formula: cycle = floor(1 + t / (2·step_size)); x = |t / step_size − 2·cycle + 1|; "
        "lr = base_lr + (max_lr − base_lr)·max(0, 1 − x). Equivalently, with p = (t mod 2s) / s ∈ [0, 2): "
        "lr = base_lr + (max_lr − base_lr)·(1 − |p − 1|). Treating step_size as the whole period doubles the "
        "frequency; a sawtooth (rise, then drop at once) is a different schedule; integer division in Python 2 "
        "style or a missing floor breaks every cycle after the first. Smith suggests step_size = 2–10 epochs "
        "of iterations.",
        function_name="triangular_lr",
        stub='def triangular_lr(t, base_lr, max_lr, step_size):\n    """Triangular cyclical learning rate (Smith 2017); step_size is the half-period."""\n    ...',
        checker=compare_with_reference(
            "triangular_lr",
            triangular_lr_reference,
            [
                {"t": 0, "base_lr": 0.001, "max_lr": 0.006, "step_size": 2000},
                {"t": 2000, "base_lr": 0.001, "max_lr": 0.006, "step_size": 2000},
                {"t": 4000, "base_lr": 0.001, "max_lr": 0.006, "step_size": 2000},
                {"t": 1000, "base_lr": 0.001, "max_lr": 0.006, "step_size": 2000},
                {"t": 3000, "base_lr": 0.001, "max_lr": 0.006, "step_size": 2000},
                {"t": 6000, "base_lr": 0.001, "max_lr": 0.006, "step_size": 2000},
                {"t": 9500, "base_lr": 0.001, "max_lr": 0.006, "step_size": 2000},
                {"t": 1, "base_lr": 0.1, "max_lr": 1.0, "step_size": 4},
                {"t": 5, "base_lr": 0.1, "max_lr": 1.0, "step_size": 4},
                {"t": 7, "base_lr": 0.1, "max_lr": 1.0, "step_size": 4},
                {"t": 13, "base_lr": 0.1, "max_lr": 1.0, "step_size": 4},
                {"t": 1, "base_lr": 0.0, "max_lr": 1.0, "step_size": 1},
                {"t": 3, "base_lr": 0.0, "max_lr": 1.0, "step_size": 1},
                {"t": 10001, "base_lr": 1e-4, "max_lr": 1e-2, "step_size": 250},
            ],
        ),
    ),
    _q(
        CodeExercise,
        "q09.code_suggest_lr",
        "H",
        "range_test",
        prompt="Write `suggest_lr(lrs, losses)`: pick a learning rate from a range test, where `losses[i]` is the "
        "training loss measured at learning rate `lrs[i]` (lists or numpy arrays, lrs increasing; losses may "
        "turn to inf or nan once training diverges; losses[0] is finite). Use this rule, step by step:\n\n"
        "1. Smooth with a bias-corrected exponential moving average, β = 0.98: `avg = β·avg + (1 − β)·losses[i]` "
        "starting from avg = 0, and `smoothed[i] = avg / (1 − β**(i + 1))`.\n"
        "2. Stop at the first i whose smoothed[i] is not finite or is greater than 4 × the lowest smoothed "
        "value among the steps before it; that step and all later ones are ignored.\n"
        "3. Return `lrs[j] / 10` (a float), where j is the index of the lowest smoothed value among the kept "
        "steps (the first one on ties).\n\n"
        "This is the 'minimum / 10' rule of the fastai learning-rate finder.",
        topics=("range test", "learning rate"),
        hint="do the three steps in order in one loop; check what your smoothed value is at i = 0 and what np.argmin does with a nan",
        explanation="The bias correction matters: without it the average starts at 0.02·losses[0] and climbs "
        "from there, so its minimum is almost always the first step and the rule returns lrs[0] / 10. The stop rule matters because a diverged "
        "curve holds inf or nan, and np.argmin returns the index of the first nan; it also makes one spike "
        "(a bad batch) end the test, as in fastai. Smoothing matters because the raw minimum of a noisy curve "
        "lands on a lucky batch. Dividing by 10 moves from the edge of instability back onto the steep part "
        "of the curve.",
        function_name="suggest_lr",
        stub='import numpy as np\n\n\ndef suggest_lr(lrs, losses):\n    """The range-test rule: bias-corrected EMA (beta 0.98), stop at 4x the best, lr at the minimum / 10."""\n    ...',
        checker=_suggest_lr_checker,
    ),
    _q(
        Explain,
        "q09.explain_bigger_batch",
        "H",
        "batch",
        prompt="An interviewer asks: *\"Your model trains well with SGD, batch 256, lr 0.1. You now have 8 times "
        "more GPUs and want batch 2048. What do you change, and what could go wrong?\"* Answer in about a "
        "minute.",
        topics=("linear scaling rule", "warmup", "batch size"),
        hint="give the rule with its number, the warmup, why it works and where it stops working",
        explanation="See the model answer and rubric.",
        model_answer="Apply the linear scaling rule (Goyal et al. 2017): batch × 8, so lr × 8 = 0.8, and keep the "
        "number of epochs (so 8 times fewer steps), with step or cosine milestones defined in epochs. Add a "
        "gradual warmup, e.g. linear from 0.1 to 0.8 over the first 5 epochs, because early in training the "
        "gradients change quickly and the large learning rate would overshoot or diverge. Why it works: one "
        "step with an 8-times larger batch approximates 8 small steps as long as the gradient changes little "
        "across them. What can go wrong: the approximation breaks at very large batches (Goyal et al. saw "
        "degradation beyond about 8k on ImageNet), batch norm statistics change with the per-GPU batch, and "
        "the generalization gap of large batches may need more epochs or retuned regularization. I would "
        "verify with a short range test at the new batch size and compare validation curves with the "
        "small-batch baseline.",
        rubric=(
            "States the linear scaling rule with the number: lr 0.1 → 0.8 for batch ×8, epochs unchanged.",
            "Adds a gradual warmup and explains why (large, fast-changing early gradients).",
            "Gives the reason the rule works: one big step ≈ k small steps while the gradient changes little.",
            "Names a limit: breaks at very large batches (~8k on ImageNet in Goyal et al.), or batch-norm / generalization effects.",
            "Proposes a check: range test at the new batch, or compare validation curves with the baseline.",
        ),
    ),
    _q(
        Explain,
        "q09.explain_adam_vs_sgd",
        "M",
        "optimizers",
        prompt="An interviewer asks: *\"Adam or SGD with momentum, and which learning rate do you start "
        "with? And how do you add weight decay to Adam?\"* Answer in about a minute.",
        topics=("Adam", "SGD", "AdamW", "defaults"),
        hint="give both optimizers' usual defaults, when each is the usual choice, and the L2 vs decoupled decay point",
        explanation="See the model answer and rubric.",
        model_answer="Adam adapts a per-parameter step size, so it works out of the box on many problems: lr 1e-3, "
        "betas (0.9, 0.999), eps 1e-8 (Kingma & Ba 2015); for transformers I would use AdamW with warmup and a "
        "cosine decay, typical peak lr 1e-4 to 1e-3. SGD with momentum 0.9 needs more learning-rate tuning "
        "(e.g. 0.1 at batch 256 for a ResNet with a step or cosine schedule), and on image classification it "
        "often generalizes as well or better. In both cases the learning rate matters most, so I would run a "
        "range test. For weight decay in Adam, use AdamW (Loshchilov & Hutter 2019): an L2 term in the loss "
        "gets divided by Adam's √v like every gradient, so parameters with large gradients are barely "
        "regularized; AdamW subtracts lr·λ·w directly, decaying all weights at the same rate and making λ "
        "easier to tune independently of the learning rate.",
        rubric=(
            "Adam defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8.",
            "SGD with momentum 0.9 and a tuned learning rate (e.g. 0.1 at batch 256) with a schedule.",
            "When each is the usual choice (Adam/AdamW for transformers and quick baselines; SGD often for CNNs, can generalize better).",
            "AdamW vs L2: the L2 gradient is rescaled by 1/√v in Adam; decoupled decay is not.",
        ),
    ),
]
