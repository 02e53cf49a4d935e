"""Learning-curve objectives: a real SGDClassifier trained by epochs (resumable), the synthetic family,
early stopping with patience, and the compute bookkeeping."""

import numpy as np
import pytest

from hpo_mini import Trial, TrialPruned
from hpo_mini.tasks.learning_curves import compute_spent, patience_stop, sgd_digits_curves, synthetic_curves

CONFIG = {"alpha": 1e-4, "eta0": 0.01}


def test_sgd_curve_equals_scikit_learn_trained_by_hand():
    from sklearn.datasets import load_digits
    from sklearn.linear_model import SGDClassifier
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    task = sgd_digits_curves(seed=3, max_budget=5)
    X, y = load_digits(return_X_y=True)
    Xtr, Xva, ytr, yva = train_test_split(X, y, test_size=0.5, random_state=3, stratify=y)
    scaler = StandardScaler().fit(Xtr)
    Xtr, Xva = scaler.transform(Xtr), scaler.transform(Xva)
    model = SGDClassifier(loss="log_loss", alpha=1e-4, learning_rate="constant", eta0=0.01, shuffle=False,
                          random_state=3)
    expected = []
    for epoch in range(3):
        order = np.random.default_rng([3, epoch]).permutation(len(ytr))
        model.partial_fit(Xtr[order], ytr[order], classes=np.arange(10))
        expected.append(1 - model.score(Xva, yva))
    np.testing.assert_allclose(task.curve(CONFIG, 3), expected)
    assert expected[-1] < 0.1  # a real classifier: > 90% accuracy on digits after 3 epochs


def test_sgd_resumes_from_its_checkpoint_and_matches_training_in_one_go():
    stepwise, one_go = sgd_digits_curves(seed=0, max_budget=9), sgd_digits_curves(seed=0, max_budget=9)
    low = stepwise(CONFIG, budget=3)
    high = stepwise(CONFIG, budget=9)
    assert stepwise.epochs_trained_ == 9  # 3, then 6 more: not 3 + 9
    np.testing.assert_array_equal(stepwise.curve(CONFIG, 9), one_go.curve(CONFIG, 9))
    assert (low, high) == (one_go(CONFIG, 3), one_go(CONFIG, 9))
    assert stepwise(CONFIG, budget=2) == one_go.curve(CONFIG, 2)[-1] and stepwise.epochs_trained_ == 9


def test_reports_every_epoch_and_a_pruned_trial_trains_no_further():
    task = synthetic_curves(seed=0, max_budget=20)
    config = {"lr": 0.01, "reg": 1e-3}
    trial = Trial(id=0, config=config, budget=20)
    trial.pruner = lambda t: max(t.intermediate) >= 4
    with pytest.raises(TrialPruned):
        task(config, 20, trial=trial)
    assert sorted(trial.intermediate) == [1, 2, 3, 4] and task.epochs_trained_ == 4
    np.testing.assert_allclose([trial.intermediate[s] for s in (1, 2, 3, 4)], task.curve(config, 4))
    free = Trial(id=1, config=config, budget=6)  # no pruner: trained in one go, every epoch still reported
    assert task(config, 6, trial=free) == task.curve(config, 6)[-1] and sorted(free.intermediate) == [1, 2, 3, 4, 5, 6]


def test_synthetic_curves_are_seeded_and_their_noise_has_the_stated_sd():
    a, b, other = synthetic_curves(seed=1), synthetic_curves(seed=1), synthetic_curves(seed=2)
    configs = a.space.sample(np.random.default_rng(0), 300)
    c = configs[0]
    assert a(c, 10) == b(c, 10) == a(c, 10) and a(c, 10) != other(c, 10)
    residuals = np.concatenate([a.curve(c, 81) - a.true_curve(c, 81) for c in configs])
    assert abs(residuals.std() - 0.005) < 0.0003  # 24300 draws: se of the sd ~ 0.005 / sqrt(2n) = 2e-5
    assert abs(residuals.mean()) < 0.0002


def test_synthetic_family_has_late_bloomers_that_a_low_budget_misranks():
    from scipy.stats import spearmanr

    rho_1, rho_9 = [], []
    for seed in range(5):
        f = synthetic_curves(seed=seed, noise=0.0)
        configs = f.space.sample(np.random.default_rng(seed), 200)
        early = np.array([f(c, 1) for c in configs])
        final = np.array([f(c, 81) for c in configs])
        best = int(np.argmin(final))
        early_rank = int(np.sum(early < early[best]))
        assert early_rank > 200 // 10  # after one epoch, the final winner is not even in the top 10%
        assert np.all(np.diff(f.true_curve(configs[best], 81)) < 0)  # curves improve with budget
        rho_1.append(spearmanr(early, final).statistic)
        rho_9.append(spearmanr([f(c, 9) for c in configs], final).statistic)
    assert np.mean(rho_1) < 0.8 and np.mean(rho_9) > 0.95  # epoch 1 misleads, epoch 9 mostly does not


def test_budget_outside_the_range_is_refused():
    task = synthetic_curves(max_budget=9)
    for budget in (0, 10, -3):
        with pytest.raises(ValueError, match="max_budget=9"):
            task({"lr": 0.1, "reg": 1e-3}, budget)
    with pytest.raises(ValueError, match="noise"):
        synthetic_curves(noise=-1)


def test_patience_stop_on_hand_built_curves():
    curve = [1.0, 0.8, 0.7, 0.71, 0.72, 0.69, 0.70, 0.75, 0.76]
    assert patience_stop(curve, patience=2) == (5, 3)  # epochs 4 and 5 do not beat 0.7
    assert patience_stop(curve, patience=3) == (9, 6)  # 0.69 at epoch 6 resets; 7, 8, 9 do not beat it
    assert patience_stop(curve, patience=10) == (9, 6)  # never triggers
    assert patience_stop(curve, patience=3, min_delta=0.05) == (6, 3)  # 0.69 is not 0.05 below 0.7
    with pytest.raises(ValueError, match="patience"):
        patience_stop(curve, patience=0)


def test_compute_spent_counts_resumed_and_pruned_trials():
    trials = [Trial(id=0, config={"x": 1}, budget=3, state="complete"),
              Trial(id=1, config={"x": 2}, budget=3, state="complete"),
              Trial(id=2, config={"x": 1}, budget=9, state="complete"),  # resumes from 3: pays 6
              Trial(id=3, config={"x": 3}, budget=9, state="pruned", intermediate={1: 0.5, 2: 0.4})]
    assert compute_spent(trials) == 3 + 3 + 6 + 2
    assert compute_spent(trials, resume=False) == 3 + 3 + 9 + 2
    full_budget = [Trial(id=0, config={"x": 1}, state="complete"), Trial(id=1, config={"x": 2}, state="complete")]
    assert compute_spent(full_budget) == 2 and compute_spent(full_budget, no_budget=27) == 54
