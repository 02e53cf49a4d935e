"""Fresh numbers: a numeric question asked with new inputs each time, its answer computed, not typed.

A numeric question of the bank may carry `params`, an inline table of the numbers its prompt is
written with, and the quiz's checks module `bank/qNN_<stem>.py` may hold a generator for it:

    # bank/qNN_<stem>.toml
    prompt = "A grid search tries {values} values for each of {dims} hyperparameters. How many ...?"
    params = { values = 5, dims = 6 }

    # bank/qNN_<stem>.py
    GENERATORS = {"qNN.grid_size": generator(draw=lambda rng: {"values": int(rng.integers(2, 8)),
                                                               "dims": int(rng.integers(2, 7))},
                                             answer=lambda p: p["values"] ** p["dims"])}

The templating rule: the prompt and the explanation of a question with `params` are Python format
strings, filled with `template.format(**params)`: `{dims}` inserts a value as str() writes it,
`{lr:.3g}` or `{n:,}` apply a format spec (the mini-language of str.format), and a literal brace is
written twice, `{{` and `}}`. Every placeholder must name a param (a missing one is an error that
names the question).

Which numbers are asked:
- the quiz notebook (self-check and exam) asks the bank's own `params`, the sealed instance, so its
  solution and its key (solutions/keys) stay reproducible; a test checks that the generator's answer
  for those params is the sealed key;
- the mock interview (and today's session) draws fresh params from the generator each time:
  `fresh_instance(question, rng)` returns a copy of the question with the new prompt, the computed
  answer sealed as its key (keys.seal_answer) and the explanation led by "For these numbers: ...".
The answer is computed by the generator's `answer(params)`: the library's own function where it has
one, else the bank module's independent reference, never a typed number.
"""

from __future__ import annotations

import copy
import string

__all__ = ["NumberGenerator", "generator", "placeholders", "render", "fresh_instance", "answer_text"]


class NumberGenerator:
    """`draw(rng) -> params` and `answer(params) -> float`; calling it with a numpy Generator returns
    (params, answer), the form GENERATORS promises: fn(rng) -> (params: dict, answer: float)."""

    def __init__(self, draw, answer):
        if not callable(draw) or not callable(answer):
            raise TypeError(f"generator(draw, answer) takes two functions, but got {draw!r} and {answer!r}")
        self.draw, self.answer = draw, answer

    def __call__(self, rng):
        params = dict(self.draw(rng))
        return params, float(self.answer(params))

    def __repr__(self):
        return f"<NumberGenerator draw={getattr(self.draw, '__name__', self.draw)!r}>"


def generator(draw, answer) -> NumberGenerator:
    return NumberGenerator(draw, answer)


def placeholders(template: str) -> set:
    """The param names a format string uses: '{n} of {lr:.3g}' -> {'n', 'lr'}."""
    names = set()
    for _, field, _, _ in string.Formatter().parse(template):
        if field is not None:
            names.add(field.split(".")[0].split("[")[0])
    return names


def render(template: str, params: dict, where: str) -> str:
    """template.format(**params), with an error that names `where` (the question id) and the params."""
    try:
        unknown = placeholders(template) - set(params)
    except ValueError as exc:  # a lone brace
        raise ValueError(f"{where}: the text is a format string (params are set), so write a literal brace as "
                         f"{{{{ or }}}}: {exc}") from None
    if unknown or "" in placeholders(template):
        raise ValueError(f"{where}: the placeholders {sorted(unknown) or ['{}']} name no param; params are {sorted(params)}")
    try:
        return template.format(**params)
    except (ValueError, TypeError, IndexError, KeyError) as exc:
        raise ValueError(f"{where}: cannot fill the text with params {params!r}: {exc}") from None


def answer_text(question, answer) -> str:
    """The answer as the explanation states it: a whole number, or four significant digits."""
    return str(int(round(answer))) if question.exact else f"{answer:.4g}"


def fresh_instance(question, rng):
    """A copy of a numeric question with params drawn by its generator from `rng` (numpy Generator),
    the prompt and explanation filled with them, and the computed answer sealed as its key."""
    from .keys import seal_answer

    gen = getattr(question, "generator", None)
    if gen is None:
        raise ValueError(f"{question.id} has no generator: add it to GENERATORS in its quiz's bank module")
    params, answer = gen(rng)
    if set(params) != set(question.params):
        raise ValueError(f"{question.id}: the generator draws {sorted(params)}, but the bank's params are "
                         f"{sorted(question.params)}; they must name the same numbers")
    new = copy.copy(question)
    new.params = params
    new.prompt = render(question.template, params, question.id)
    new.explanation = (f"For these numbers: {answer_text(question, answer)}. "
                       + render(question.explanation_template, params, question.id))
    new.key = seal_answer(question, int(round(answer)) if question.exact else answer)
    new.fresh = True
    return new
