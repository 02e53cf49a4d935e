"""sanitize.cfg (for strict nbval runs over solutions/) erases what changes from run to run, and only that."""
import re
from pathlib import Path

import pytest
from nbval.plugin import get_sanitize_patterns

PATTERNS = get_sanitize_patterns((Path(__file__).parent / "sanitize.cfg").read_text())


def sanitize(text):
    for regex, replace in PATTERNS:  # the order nbval applies them in
        text = re.sub(regex, replace, text)
    return text


@pytest.mark.parametrize(
    "run_a, run_b",
    [
        ("<hpo_mini.study.Study object at 0x7f3a2b4c5d60>", "<hpo_mini.study.Study object at 0x7f0011223344>"),
        ("/tmp/ipykernel_8363/2703508597.py:6: UserWarning: x", "/tmp/ipykernel_12/99.py:6: UserWarning: x"),
        ("journal at /tmp/tmpab_12x/study.jsonl", "journal at /tmp/tmpq9/study.jsonl"),
        ("40/40 [00:01<00:00, 35.21it/s]", "40/40 [00:02<00:00, 19.80it/s]"),
        ("done 2026-11-23T19:28:01.123456", "done 2026-11-24T08:00:59.5"),
        ("Trial(id=3, value=0.12, duration=0.00123)", "Trial(id=3, value=0.12, duration=0.0045)"),
        ("{'duration': 1.2e-05}", "{'duration': 0.3}"),
        ("40 trials in 1.23 s (31 ms per trial)", "40 trials in 2.5 s (62 ms per trial)"),
    ],
)
def test_run_to_run_noise_is_erased(run_a, run_b):
    assert sanitize(run_a) == sanitize(run_b)


@pytest.mark.parametrize(
    "run_a, run_b",
    [
        ("best value 0.0123 after 40 trials", "best value 0.0124 after 40 trials"),
        ("Trial(id=3, value=0.12, duration=0.1)", "Trial(id=3, value=0.13, duration=0.1)"),
        ("{'lr': 1e-3, 'batch_size': 32}", "{'lr': 1e-2, 'batch_size': 64}"),
        ("5 seeds, 3 sigma", "6 seeds, 3 sigma"),
    ],
)
def test_results_still_differ(run_a, run_b):
    assert sanitize(run_a) != sanitize(run_b)
