"""The answer key of quiz 07: the one source of its keys. From it `python -m hpo_mini.quiz.build 07`
seals the keys into hpo_mini/quiz/bank/sealed/q07_multi_fidelity.json and writes the answered
solutions/07_multi_fidelity_quiz.ipynb; the handout prints it as the instructor's answer key. Explain questions
are marked against their rubric (in the bank's TOML), so they have no entry here. Not imported by the package."""

ANSWERS = {
    "q07.patience_stop": 8,
    "q07.restore_best": "b",
    "q07.sh_survivors": 3,
    "q07.sh_total_budget": 405,
    "q07.hyperband_configs": 143,
    "q07.why_brackets": "c",
    "q07.asha_which": {"d"},
    "q07.asha_vs_sh": {"a", "c", "e"},
    "q07.median_rule": "a",
    "q07.late_bloomers": {"a", "c"},
    "q07.low_fidelity_bias": "c",
    "q07.claim_ratio": 16.2,
    "q07.code_sh_schedule": '''\
def sh_schedule(n, min_budget, max_budget, eta):
    """[(n_i, r_i), ...]: floor(n / eta**i) configs at min_budget * eta**i, while r_i <= max_budget and n_i >= 1."""
    rungs = []
    i = 0
    while min_budget * eta**i <= max_budget and n // eta**i >= 1:
        rungs.append((n // eta**i, min_budget * eta**i))
        i += 1
    return rungs
''',
    "q07.code_hyperband": '''\
def hyperband_brackets(R, eta):
    """[[(n_i, r_i) for i in 0..s] for s = s_max, ..., 0], Li et al. (2018), Algorithm 1."""
    s_max = 0
    while eta ** (s_max + 1) <= R:  # floor(log_eta R) without floating point
        s_max += 1
    brackets = []
    for s in range(s_max, -1, -1):
        n = -(-(s_max + 1) * eta**s // (s + 1))  # ceil, in integers
        brackets.append([(n // eta**i, R / eta ** (s - i)) for i in range(s + 1)])
    return brackets
''',
    "q07.code_asha": '''\
def asha_promotable(losses, promoted, eta):
    """Configs in the top floor(m / eta) of the rung (ties: completion order), not yet promoted; best first."""
    ranked = sorted(losses, key=losses.get)  # stable: ties keep completion order
    return [config for config in ranked[: len(losses) // eta] if config not in promoted]
''',
    "q07.asha_variants": {"a", "b", "c"},
    "q07.sh_floor_vs_ceil": 6,
}
